"""Pandoc's HTML5 for one section, reshaped into EPUB 3 XHTML and inspected.

Footnotes become EPUB notes, figures get their real alt text, scene breaks get their class, and
everything a later step needs (title, ids, headings, links, images) is collected in one walk.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from urllib.parse import unquote

from lxml import etree

from bookbuild.book import references
from bookbuild.book.model import Section
from bookbuild.convert import comments
from bookbuild.support import safety, xml
from bookbuild.support.diagnostics import Diagnostic
from bookbuild.support.errors import Problems

XHTML = xml.XHTML_NS
EPUB = xml.EPUB_NS
MATHML = xml.MATHML_NS
SVG = xml.SVG_NS
XML_LANG = xml.XML_LANG
EPUB_TYPE = f"{{{EPUB}}}type"

# Elements a book never needs and stores refuse; scripts only where the book opts in.
FORBIDDEN = {"iframe", "object", "embed", "frame", "frameset", "applet", "form", "base"}
REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
_PARSER = xml.PARSER
ORNAMENT = "images/ornament.svg"  # the book's scene-break ornament (media/ornaments.py)
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
# HTML void elements an author writes the HTML way (<br>, <img …>); XHTML wants them closed.
_VOID = re.compile(r"<(area|br|col|hr|img|input|wbr)(\s[^<>]*?)?\s*(?<!/)>", re.IGNORECASE)
# MathML pasted the HTML5 way, without its namespace.
_BARE_MATH = re.compile(r"<math(?=[\s>/])(?![^>]*\bxmlns=)")
# Media pandoc makes from ![…](file) when the file is not a picture (.pdf, .mp4, .mp3).
MEDIA = {"embed", "video", "audio", "source", "track"}
URL_ATTRIBUTES = {"src", "href", "data", "poster", "srcset", "action", "formaction", "background"}
# A link with a scheme (https:, mailto:) leaves the book; anything else names a file in it.
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# Text for one store's edition (normalize.lua marks {.kindle-only} so): kept out of the
# store-neutral EPUB and in that store's edition by Document.for_edition.
EDITION = "data-bb-edition"
STORES = {"kindle": "the Kindle edition", "kobo": "the Kobo edition"}
# What each edition class leaves out of an edition, for the message about a link into it.
LEFT_OUT = {"print-only": "the EPUB leaves it out", "ebook-only": "print leaves it out",
            **{f"{store}-only": f"only {name} has it" for store, name in STORES.items()}}


def q(tag: str) -> str:
    return f"{{{XHTML}}}{tag}"


@dataclass
class Heading:
    level: int
    id: str
    text: str
    quoted: bool = False  # inside a block quotation: the quoted text's, not the book's outline


@dataclass
class Document:
    """A converted section, as plain data so the build cache can store it as JSON."""

    section: Section
    title: str
    xhtml: str  # the section's content; links to other sections resolved by resolve_links
    ids: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # `#` targets this section does not hold
    images: list[str] = field(default_factory=list)  # the author's image paths, in order
    image_count: int = 0  # images that need a text alternative (not decorative ones)
    has_math: bool = False
    has_tables: bool = False
    has_svg: bool = False
    scripted: bool = False  # has a script or event handler (only where the book allows them)
    file_links: list[str] = field(default_factory=list)  # hrefs to other files: "02-two.md#x"
    warnings: list[list] = field(default_factory=list)  # [code, message, line] for the author
    # Ids in text that not every edition of the EPUB has, each with its class: "print-only"
    # (left out by normalize.lua), "kindle-only" (here, but not in the neutral EPUB).
    elsewhere: dict[str, str] = field(default_factory=dict)
    editions: list[str] = field(default_factory=list)  # the stores it has text for alone

    def for_edition(self, store: str | None) -> Document:
        """The section as the store-neutral EPUB (None) or a store's edition ("kindle") has
        it: the other stores' text left out, with the notes called from it; this store's
        text as if it were not marked. A section without store text is itself."""
        if not self.editions:
            return self
        tree = self.tree()
        unseen = 0
        for el in reversed(tree.xpath(f"//*[@{EDITION}]")):  # the innermost first
            if el.get(EDITION) == store:
                del el.attrib[EDITION]
                if etree.QName(el).localname in ("div", "span") and not el.attrib:
                    _unwrap(el)
            else:
                unseen += sum(1 for img in el.iter(q("img")) if img.get("role") != "presentation")
                emptied = el.getparent()
                _remove(el)
                if emptied.tag == q("p") and len(emptied) == 0 and not (emptied.text or "").strip():
                    _remove(emptied)  # a paragraph of another store's words alone
        for notes in tree.iter(q("section")):
            if notes.get("class") == "notes" and not len(notes.findall(q("aside"))):
                _remove(notes)
        kept = {img.get("src") for img in tree.iter(q("img"))}
        return replace(self, xhtml=inner_xml(tree), editions=[],
                       images=[src for src in self.images if src in kept],
                       image_count=self.image_count - unseen,
                       has_math=next(tree.iter(f"{{{MATHML}}}math"), None) is not None,
                       has_svg=next(tree.iter(f"{{{SVG}}}svg"), None) is not None,
                       has_tables=next(tree.iter(q("table")), None) is not None)

    def tree(self) -> etree._Element:
        """The content parsed again, wrapped in an XHTML <div>."""
        return etree.fromstring(_wrap(self.xhtml).encode("utf-8"), _PARSER)

    def rewrite(self, change: Callable[[etree._Element], bool]) -> None:
        """Change elements of the content on its parsed tree, never with patterns on the text:
        `change(el)` returns whether it changed `el`. The one place links and image paths are
        rewritten (resolve_links here, the EPUB writer's image names)."""
        if not self.xhtml:
            return
        tree = self.tree()
        changed = False
        for el in list(tree.iter(etree.Element)):
            changed = bool(change(el)) or changed
        if changed:
            self.xhtml = inner_xml(tree)

    def to_json(self) -> dict:
        data = asdict(self)
        data["section"] = self.section.name
        return data

    @classmethod
    def from_json(cls, data: dict, section: Section) -> Document:
        data = dict(data, section=section)
        data["headings"] = [Heading(**h) for h in data["headings"]]
        return cls(**data)


@dataclass
class _Walk:
    """What one walk over a section's tree collects."""

    section: Section
    ids: set[str] = field(default_factory=set)
    headings: list[Heading] = field(default_factory=list)
    links: list[etree._Element] = field(default_factory=list)
    images: list[etree._Element] = field(default_factory=list)
    has_math: bool = False
    has_tables: bool = False
    has_svg: bool = False
    scripted: bool = False
    file_links: list[str] = field(default_factory=list)
    store_of: dict[etree._Element, str] = field(default_factory=dict)  # element → its store
    stored: dict[str, set[str]] = field(default_factory=dict)  # id in store text → stores


def line_of(text: str, needle: str) -> int | None:
    """First line of the Markdown that holds `needle`, to point the author at it. HTML
    comments are passed over: what an author commented out is not what was built."""
    pos = comments.uncommented(text).find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def to_document(section: Section, markup: str, problems: Problems,
                allow_scripts: bool = False,
                warnings: list[tuple[str, str, str]] = (),
                elsewhere: dict[str, str] | None = None) -> Document | None:
    body = _parse(section, _bare_code_lines(markup), problems)
    if body is None:
        return None
    _notes(body, section.name)
    walk = _Walk(section, store_of=_store_text(body) if EDITION in markup else {})
    for el in body.iter(etree.Element):
        _visit(el, walk, problems, allow_scripts)
    _scene_breaks(body)
    first = next((h for h in walk.headings if not h.quoted), None)
    return Document(
        section=section,
        title=first.text if first and first.text else _fallback_title(section),
        xhtml=inner_xml(body),
        ids=sorted(walk.ids),
        headings=walk.headings,
        links=sorted({a.get("href")[1:] for a in walk.links if not _held(a, walk)}),
        images=[img.get("src") for img in walk.images if img.get("src")],
        image_count=sum(1 for img in walk.images if img.get("role") != "presentation"),
        has_math=walk.has_math,
        has_tables=walk.has_tables,
        has_svg=walk.has_svg,
        scripted=walk.scripted,
        file_links=walk.file_links,
        warnings=located(section, warnings),
        elsewhere=dict(elsewhere or {}) | {id_: f"{sorted(stores)[0]}-only"
                                           for id_, stores in walk.stored.items()},
        editions=sorted(set(walk.store_of.values())))


def _held(link: etree._Element, walk: _Walk) -> bool:
    """Whether this section has the target of a `#` link in every edition the link is in:
    text for one store may link to that store's text of the same file."""
    target = link.get("href")[1:]
    store = walk.store_of.get(link)
    return target in walk.ids or (store is not None and store in walk.stored.get(target, ()))


def _store_text(body: etree._Element) -> dict[etree._Element, str]:
    """Every element of text for one store's edition, with the store; the notes called from
    it are that store's too."""
    found: dict[etree._Element, str] = {}
    for marked in body.xpath(f"//*[@{EDITION}]"):  # outer first: the innermost mark wins
        for el in marked.iter(etree.Element):
            found[el] = marked.get(EDITION)
    notes = {el.get("id"): el for el in body.iter(q("aside")) if el.get("id")}
    for el, store in list(found.items()):
        if el.get("class") == "noteref" and (note := notes.get(el.get("href", "")[1:])) is not None:
            note.set(EDITION, store)
            found.update((inner, store) for inner in note.iter(etree.Element))
    return found


# Pandoc wraps each highlighted code line in <span id="cbN-M"> with an empty anchor to it:
# a link target per line that a book does not need, and ids by the thousand.
_CODE_LINE = re.compile(r'<span id="cb\d+-\d+">(?:<a href="#cb\d+-\d+" aria-hidden="true" '
                        r'tabindex="-1"></a>)?(.*?)</span>(?=\n|</code>)', re.S)
_CODE_DIV_ID = re.compile(r'(<div class="sourceCode") id="cb\d+"')


def _bare_code_lines(markup: str) -> str:
    if 'class="sourceCode' not in markup:
        return markup
    return _CODE_DIV_ID.sub(r"\1", _CODE_LINE.sub(r"\1", markup))


def located(section: Section, warnings) -> list[list]:
    """The converter's warnings with the Markdown line of what each one names."""
    return [[code, message, line_of(section.text, needle) if needle else None]
            for code, message, needle in dict.fromkeys(warnings)]


def inner_xml(el: etree._Element) -> str:
    """The children of `el`, serialized without repeating namespace declarations."""
    whole = etree.tostring(el, encoding="unicode")
    return whole[whole.index(">") + 1:whole.rindex("<")]


def _wrap(markup: str) -> str:
    return f'<div xmlns="{XHTML}" xmlns:epub="{EPUB}">{markup}</div>'


def _parse(section: Section, markup: str, problems: Problems) -> etree._Element | None:
    # Raw HTML in Markdown may carry HTML entities that XML does not know.
    markup = _ENTITY.sub(_entity, markup)
    markup = _VOID.sub(lambda m: f"<{m.group(1)}{m.group(2) or ''} />", markup)
    markup = _BARE_MATH.sub(f'<math xmlns="{MATHML}"', markup)
    try:
        return etree.fromstring(_wrap(markup).encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as e:
        problems.add(f"raw HTML is not well-formed XHTML: {e.msg}", section.source,
                     _syntax_error_line(section.text, e.msg))
        return None


def _syntax_error_line(text: str, message: str) -> int | None:
    """libxml2 counts lines in pandoc's output, not the author's Markdown: find the first raw
    tag the message names (`Opening and ending tag mismatch: span line 1 and p`) instead."""
    for name in re.findall(r"\b([A-Za-z][\w-]*)\b", message):
        if re.search(rf"<{re.escape(name)}[\s/>]", text):
            return line_of(text, re.search(rf"<{re.escape(name)}[\s/>]", text).group())
    return None


def _entity(m: re.Match) -> str:
    name = m.group(1)
    if name in ("amp", "lt", "gt", "quot", "apos"):
        return m.group(0)
    char = html.unescape(m.group(0))
    return m.group(0) if char == m.group(0) else html.escape(char, quote=False)


def _visit(el: etree._Element, doc: _Walk, problems: Problems, allow_scripts: bool) -> None:
    tag = etree.QName(el).localname
    ns = etree.QName(el).namespace
    src = doc.section.source
    if ns == MATHML:
        doc.has_math = True
        if tag == "math" and not el.get("alttext"):
            # Screen readers without MathML support read the TeX source instead.
            tex = el.find(f".//{{{MATHML}}}annotation[@encoding='application/x-tex']")
            if tex is not None and tex.text:
                el.set("alttext", tex.text.strip())
            elif text := " ".join("".join(el.itertext()).split()):
                el.set("alttext", text)  # MathML pasted without a TeX source: its symbols
        return
    media = tag in MEDIA and el.get("src")  # reported by _safe, with the file's name
    if (tag in FORBIDDEN and not media) or (tag == "script" and not allow_scripts):
        problems.add(f"<{tag}> is not allowed in a book", src, line_of(doc.section.text, f"<{tag}"))
        return
    if not _safe(el, tag, doc, problems, allow_scripts):
        return
    if ns == SVG:
        # Inline SVG: the document needs the `svg` manifest property; links inside it are
        # the drawing's own business.
        doc.has_svg = True
        return
    store = doc.store_of.get(el)
    if el.get("id"):
        _id(el.get("id"), doc, problems, store)
    if el.get("lang"):
        el.set(XML_LANG, el.get("lang"))
    if re.fullmatch(r"h[1-6]", tag) and store is None:  # store text is never in the contents
        text = " ".join("".join(el.itertext()).split())
        quoted = any(etree.QName(a).localname == "blockquote" for a in el.iterancestors())
        doc.headings.append(Heading(int(tag[1]), el.get("id", ""), text, quoted))
    elif tag == "hr" and not el.get("class"):
        el.set("class", "scene-break")
    elif tag == "img":
        _image(el, doc, problems)
    elif tag == "table":
        doc.has_tables = True
        _short_table(el)
    elif tag == "blockquote":
        _attribution(el)
    elif tag == "a" and (el.get("href") or "").startswith("#"):
        if el.get("class") != "bb-xref":  # a cross-reference: resolved by the EPUB's writer
            doc.links.append(el)
    elif tag == "a" and el.get("href") and not _SCHEME.match(el.get("href")):
        doc.file_links.append(el.get("href"))


SHORT_TABLE = 8  # rows: a table this short is kept on one page rather than split


def _short_table(table: etree._Element) -> None:
    """Classes the stylesheet sizes a table by: bb-cols-N (N up to 10) and bb-short."""
    rows = [tr for tr in table.iter(q("tr"))]
    columns = max((sum(int(c.get("colspan") or 1) if (c.get("colspan") or "1").isdigit() else 1
                       for c in tr if c.tag in (q("td"), q("th"))) for tr in rows), default=1)
    _add_class(table, f"bb-cols-{min(max(columns, 1), 10)}")
    if sum(1 for tr in rows if tr.getparent().tag != q("thead")) <= SHORT_TABLE:
        _add_class(table, "bb-short")


# A quotation's last paragraph that opens with a dash names its source: "— Lenin, 1917".
_ATTRIBUTION = re.compile(r"\s*[—―–]|\s*--")


def _attribution(quote: etree._Element) -> None:
    paragraphs = [el for el in quote if el.tag == q("p")]
    if len(paragraphs) > 1 and paragraphs[-1] is quote[-1] \
            and _ATTRIBUTION.match("".join(paragraphs[-1].itertext())):
        _add_class(paragraphs[-1], "attribution")


def _add_class(el: etree._Element, name: str) -> None:
    el.set("class", " ".join([*(el.get("class") or "").split(), name]))


def _safe(el: etree._Element, tag: str, doc: _Walk, problems: Problems,
          allow_scripts: bool) -> bool:
    """Scripts, remote resources and embedded media: report them; False stops the visit."""
    text, src = doc.section.text, doc.section.source
    if tag == "script":
        doc.scripted = True  # allowed, or it was reported above
        if el.get("src") and not REMOTE.match(el.get("src")):
            problems.add(f"script file {el.get('src')} is not supported; put the script inline",
                         src, line_of(text, el.get("src")))
            return False
    for attr, value in el.attrib.items():
        name = etree.QName(attr).localname.lower()
        if name.startswith("on"):
            doc.scripted = True
            if not allow_scripts:
                problems.add(f"{name}= runs a script; scripts are not allowed in this book",
                             src, line_of(text, f"{name}="))
        elif name in URL_ATTRIBUTES and safety.runs_script(value):
            doc.scripted = True
            if not allow_scripts:
                problems.add(f"{safety.scheme(value)}: link runs a script; scripts are not "
                             f"allowed in this book", src, _line_of_value(text, value))
        elif name in URL_ATTRIBUTES and safety.scheme(value) in ("file", "data"):
            scheme = safety.scheme(value)
            problems.add(f"{scheme}: URL {value[:40]}{'…' if len(value) > 40 else ''} cannot be "
                         f"part of a book; put the file under assets/ and write its path",
                         src, line_of(text, value[:40]))
            return False
        elif name in URL_ATTRIBUTES and REMOTE.match(value) and not (tag == "a" and name == "href"):
            problems.add(f"remote resource {value} is not allowed; put the file under assets/",
                         src, line_of(text, value))
            return False
    urls = safety.css_urls(el.get("style") or "", declarations=True)
    if tag == "style":
        urls += safety.css_urls(el.text or "")
    for url in (u for u in urls if REMOTE.match(u)):
        problems.add(f"remote resource {url} is not allowed; put the file under assets/",
                     src, line_of(text, url))
    if tag in MEDIA and el.get("src"):
        problems.add(f"image {el.get('src')}: unsupported type; use JPEG, PNG, GIF, WebP or SVG",
                     src, line_of(text, el.get("src")))
        return False
    return True


def _line_of_value(text: str, value: str) -> int | None:
    """The line of an attribute value as written: the parser has already turned "&#9;" into
    a tab, so the text before the first such character is looked for."""
    return line_of(text, value) or line_of(text, re.split(r"[\t\r\n]", value.strip())[0])


def _id(value: str, doc: _Walk, problems: Problems, store: str | None = None) -> None:
    """An id is used once in a file; in store text, once in that store's edition. An id in
    store text is not a link target (not every edition has it): it goes to `stored`."""
    if value in doc.ids or (store in doc.stored.get(value, ()) if store
                            else value in doc.stored):
        # The second place the author wrote it: {#x} or id="x".
        text = doc.section.text
        written = rf"#{re.escape(value)}\b|id=[\"']{re.escape(value)}[\"']"
        spots = [m.start() for m in re.finditer(written, text)]
        line = text.count("\n", 0, spots[1]) + 1 if len(spots) > 1 else None
        problems.add(f"id '{value}' is used twice in this file", doc.section.source, line)
    if store:
        doc.stored.setdefault(value, set()).add(store)
    else:
        doc.ids.add(value)


def _scene_breaks(body: etree._Element) -> None:
    """`* * *` → a centred ornament image. Readers ignore CSS backgrounds on <hr> too often
    for the ornament to live there; the separator role keeps the break's meaning."""
    for hr in body.findall(f".//{q('hr')}[@class='scene-break']"):
        div = etree.Element(q("div"), {"class": "scene-break", "role": "separator"})
        etree.SubElement(div, q("img"), {"src": ORNAMENT, "alt": "", "role": "presentation"})
        div.tail = hr.tail
        hr.getparent().replace(hr, div)


def _image(img: etree._Element, doc: _Walk, problems: Problems) -> None:
    fig_alt = img.attrib.pop("data-fig-alt", None)
    if fig_alt is not None:
        img.set("alt", fig_alt)
        caption = img.getparent().find(q("figcaption"))
        if caption is not None:
            caption.attrib.pop("aria-hidden", None)
    classes = (img.get("class") or "").split()
    if "decorative" in classes:
        img.set("alt", "")
        img.set("role", "presentation")
    elif not (img.get("alt") or "").strip():
        problems.add(f"image {img.get('src') or '(no src)'} has no alt text; describe it in the "
                     f"brackets, or mark it {{.decorative}}", doc.section.source,
                     line_of(doc.section.text, img.get("src") or "!["))
    if not img.get("src"):
        problems.add("image without a source", doc.section.source)
    doc.images.append(img)


def _notes(body: etree._Element, prefix: str) -> None:
    """Pandoc's end-of-section list → EPUB 3 footnote asides with numbered back-links."""
    blocks = [el for el in body.iter(q("section"), q("aside"))
              if "footnotes" in (el.get("class") or "").split()]
    for section in blocks:
        notes = etree.Element(q("section"), {"class": "notes", EPUB_TYPE: "footnotes",
                                             "role": "doc-endnotes"})
        notes.text = "\n"
        for li in section.iter(q("li")):
            notes.append(_note(li, prefix))
        section.getparent().replace(section, notes)
    for ref in body.iter(q("a")):
        if "footnote-ref" in (ref.get("class") or "").split():
            ref.set("href", f"#{prefix}-{ref.get('href')[1:]}")
            ref.set("id", f"{prefix}-{ref.get('id')}")
            ref.set("class", "noteref")
            ref.set(EPUB_TYPE, "noteref")


def _note(li: etree._Element, prefix: str) -> etree._Element:
    note_id = li.get("id")
    number = note_id[2:] if note_id.startswith("fn") else note_id
    aside = etree.Element(q("aside"), {"id": f"{prefix}-{note_id}", "class": "footnote",
                                       EPUB_TYPE: "footnote", "role": "doc-footnote"})
    back_target = None
    for back in list(li.iter(q("a"))):
        if "footnote-back" in (back.get("class") or "").split():
            back_target = back.get("href")[1:]
            _drop(back)
    for child in li:
        aside.append(child)
    if li.text and li.text.strip():  # a note that pandoc did not wrap in <p>
        p = etree.Element(q("p"))
        p.text = li.text
        aside.insert(0, p)
    first = aside[0] if len(aside) and etree.QName(aside[0]).localname == "p" else None
    if first is None:
        first = etree.Element(q("p"))
        aside.insert(0, first)
    link = etree.Element(q("a"), {"class": "note-back", "role": "doc-backlink",
                                  "href": f"#{prefix}-{back_target or 'fnref' + number}"})
    link.text = number
    link.tail = ". " + (first.text or "")
    first.text = None
    first.insert(0, link)
    aside.tail = "\n"
    return aside


def _remove(el: etree._Element) -> None:
    """Remove an element and what it holds, keeping the text after it (but a block's line
    break)."""
    parent = el.getparent()
    inline = etree.QName(el).localname in ("span", "a", "code", "img")
    if inline or (el.tail or "").strip():
        _text_after(el.getprevious(), parent, el.tail)
    parent.remove(el)


def _drop(el: etree._Element) -> None:
    """Remove an element but keep its tail text."""
    parent = el.getparent()
    tail = (el.tail or "").rstrip()
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + tail
    else:
        parent.text = (parent.text or "").rstrip() + tail
    parent.remove(el)


def _fallback_title(section: Section) -> str:
    words = re.sub(r"^[\d\s._-]+", "", section.source.rsplit("/", 1)[-1][:-3])
    return re.sub(r"[-_]+", " ", words).strip().capitalize() or section.name


def id_owners(docs: list[Document]) -> dict[str, tuple[Document, str]]:
    """What a `#target` in the book names: the section holding the id (the first, as in one
    document) and the id there; a repeated heading's "#reader-options-1" too."""
    owner: dict[str, tuple[Document, str]] = {}
    for doc in docs:
        for id_ in doc.ids:
            owner.setdefault(id_, (doc, id_))
    for alias, (n, id_) in references.one_document_ids([list(d.ids) for d in docs]).items():
        owner[alias] = (docs[n], id_)
    return owner


def resolve_links(docs: list[Document], problems: Problems) -> None:
    """Point every `#id` link at the file that holds the id, or report it at file:line."""
    owner = {target: f"{doc.section.file_name}#{id_}"
             for target, (doc, id_) in id_owners(docs).items()}
    ambiguous = _duplicate_ids(docs, problems)
    by_path = {d.section.source: d for d in docs} | {d.section.file_name: d for d in docs}
    away = {id_: (d.section.source, cls) for d in reversed(docs) for id_, cls in d.elsewhere.items()}
    for doc in docs:
        for target in doc.links:
            if target not in owner and target in away:
                problems.add(link_left_out(target, *away[target]), doc.section.source,
                             link_line(doc.section.text, target))
            elif target not in owner:
                problems.add(f"link to #{target}, but no heading or element has that id",
                             doc.section.source, line_of(doc.section.text, f"#{target}"))
            elif target in ambiguous:
                problems.add(f"link to #{target} is ambiguous: {' and '.join(ambiguous[target])} "
                             f"both have that id; give the one you mean its own {{#id}}",
                             doc.section.source, line_of(doc.section.text, f"#{target}"))
        changes = _file_links(doc, by_path, problems)
        outside = {f"#{t}": owner[t] for t in doc.links if t in owner}  # not in this section
        if changes or outside:
            doc.rewrite(lambda el, c=changes | outside: _relink(el, c))


# A bare `@key` is often a handle or an address in prose: it is told only when its key reads
# as a cross-reference's (sec-, fig-…). `[@key]` is always meant as one.
_REF_KEY = re.compile(r"^(?:sec|fig|tbl|tab|ch|chap|part|app|eq|lst|note)[-:_]", re.IGNORECASE)


def page_words(template: str, titled: bool = False) -> tuple[str, str]:
    """The words before and after a cross-reference's page number, from the book's labels
    ("page {}", or "{what}, page {page}" after a title); the space before the number does
    not break, so "page" never ends a line without it."""
    marked = template.format(what="\0", page="\1") if titled else template.format("\1")
    before, _, after = marked.split("\0")[-1].partition("\1")
    if before.endswith(" "):
        before = before[:-1] + "\u00a0"
    return before, after


def xref_not_found(target: str, source: str, line: int | None,
                   form: str = "title") -> Diagnostic | None:
    """One message for both editions (print says the same at the same line); None for a
    bare `@name` that need not be a cross-reference."""
    if form == "page" and not _REF_KEY.match(target):
        return None
    return Diagnostic("CONVERT-XREF-001", "warning",
                      f"cross-reference @{target}: no heading or element has the id "
                      f"'{target}', so it is left as written",
                      source, line, hint="give the heading {#" + target + "}, or correct the id")


def link_line(text: str, target: str) -> int | None:
    """The line of a link to `#target`, rather than of the {#target} it leads to."""
    return line_of(text, f"(#{target})") or line_of(text, f"#{target}")


def link_left_out(target: str, source: str, cls: str) -> str:
    """What a link to an id in text some edition leaves out is told (print says it too)."""
    fix = (f"mark the link {{.{cls}}} too, or link to what every edition has"
           if cls in ("print-only", "ebook-only") else
           f"link to what every edition has (text marked {{.{cls}}} in the same file may link "
           f"to it)")
    return (f"link to #{target}, but it is in {{.{cls}}} text ({source}) and "
            f"{LEFT_OUT.get(cls, 'not every edition has it')}: {fix}")


def _relink(el: etree._Element, changes: dict[str, str | None]) -> bool:
    """Point a link at its new href; None unwraps it (its words stay, the link goes)."""
    href = el.get("href")
    if el.tag != q("a") or href not in changes:
        return False
    new = changes[href]
    if new is None:
        _unwrap(el)
    else:
        el.set("href", new)
    return True


def _unwrap(el: etree._Element) -> None:
    """Replace `el` by its content, keeping the text around it."""
    parent = el.getparent()
    children = list(el)
    _text_after(el.getprevious(), parent, el.text)
    index = parent.index(el)
    for n, child in enumerate(children):
        parent.insert(index + n, child)  # with its tail
    _text_after(children[-1] if children else el.getprevious(), parent, el.tail)
    parent.remove(el)


def _text_after(node: etree._Element | None, parent: etree._Element, text: str | None) -> None:
    if not text:
        return
    if node is None:
        parent.text = (parent.text or "") + text
    else:
        node.tail = (node.tail or "") + text


def _explicit(text: str, id_: str) -> re.Match | None:
    """Where the author set `id_` by hand: {#id} or id="id"."""
    return re.search(rf"\{{[^}}\n]*#{re.escape(id_)}(?=[\s}}])|\bid=[\"']{re.escape(id_)}[\"']",
                     text)


def _duplicate_ids(docs: list[Document], problems: Problems) -> dict[str, list[str]]:
    """Ids in more than one section. One the author set by hand twice is an error; one pandoc
    derived twice from the same heading text ("Notes") is fine until a link has to choose."""
    holders: dict[str, list[Document]] = {}
    for doc in docs:
        for id_ in doc.ids:
            holders.setdefault(id_, []).append(doc)
    ambiguous = {}
    for id_, found in holders.items():
        if len(found) < 2:
            continue
        ambiguous[id_] = [d.section.source for d in found]
        for doc in found[1:]:
            if m := _explicit(doc.section.text, id_):
                problems.add(f"id '{id_}' is already set in {found[0].section.source}; each "
                             f"{{#id}} must be unique in the book", doc.section.source,
                             doc.section.text.count("\n", 0, m.start()) + 1)
                ambiguous.pop(id_, None)  # reported once, here
                break
    return ambiguous


def _file_links(doc: Document, by_path: dict[str, Document],
                problems: Problems) -> dict[str, str | None]:
    """Links to another section's Markdown file (`02-two.md#x`) point at its XHTML file; links
    to anything else in the book folder cannot work in an EPUB and are reported.
    `by_path`: each document under its Markdown path and under its XHTML file name.
    Returns each href → its new href, or None for a link to unwrap."""
    changes: dict[str, str | None] = {}
    if not doc.file_links:
        return changes
    here = posixpath.dirname(doc.section.source)
    for href in dict.fromkeys(doc.file_links):
        path, _, frag = href.partition("#")
        name = unquote(path)
        target = _section_of(name, here, by_path)
        line = line_of(doc.section.text, path) or line_of(doc.section.text, name)
        if target is None and name.endswith(".md"):
            problems.add(f"link to {href}, but there is no such section", doc.section.source,
                         line)
        elif target is None:
            # Documentation beside the book (an mdBook's `../std/…html`) is not in the EPUB:
            # the words stay, the link goes, and the author hears of it.
            doc.warnings.append(["CONVERT-LINK-003", f"link to {href} leads outside the book: its text is kept "
                                 f"without the link (only sections, #ids and web addresses "
                                 f"can be linked)", line])
            changes[href] = None
        elif frag and references.same_id(frag, target.ids) is None:
            problems.add(f"link to {href}, but {target.section.source} has no id '{frag}'",
                         doc.section.source, line)
        else:
            frag = references.same_id(frag, target.ids) if frag else ""
            changes[href] = target.section.file_name + (f"#{frag}" if frag else "")
    return changes


def _section_of(name: str, here: str, by_path: dict[str, Document]) -> Document | None:
    """The section a relative link names: its Markdown file, or (as mdBook authors write)
    the HTML page that file becomes (`ch03-02-data-types.html`)."""
    stem, dot, suffix = name.rpartition(".")
    names = [name] + ([f"{stem}.md"] if dot and suffix.lower() in ("html", "htm", "xhtml")
                      else [])
    for candidate in names:
        for path in (posixpath.join(here, candidate), posixpath.join("manuscript", candidate),
                     candidate):
            if found := by_path.get(posixpath.normpath(path)):
                return found
    # mdBook links its pages flat (`appendix-01.html` from a chapter); here front, chapters
    # and back are folders: a file name that one section alone has is that section.
    alone = [d for n in names for key, d in by_path.items()
             if key.endswith(".md") and posixpath.basename(key) == posixpath.basename(n)]
    return alone[0] if len({id(d) for d in alone}) == 1 else None
