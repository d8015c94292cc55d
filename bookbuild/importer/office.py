"""Word (.docx) and OpenDocument (.odt) manuscripts: checked, marked, then read by pandoc.

Before pandoc reads a copy, the XML is read here for what pandoc does not keep: tracked
changes and comments (refused, or accepted on request), a centred line after a page break
(a chapter opening, as Vellum reads one), runs of empty paragraphs (a scene break), and the
document's own properties for book.yaml.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from bookbuild.importer import pandoc, safe, split, tree
from bookbuild.support.errors import BookError
from bookbuild.support.xml import parse

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
MAX_TITLE_WORDS = 12  # a centred line longer than this after a page break is prose, not a title
SPACING_SHARE = 0.3  # empty paragraphs between this share of paragraphs or more are spacing


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Read:
    """What a reader gives split.py: the tree, the properties, what it saw."""

    doc: dict
    properties: dict[str, str] = field(default_factory=dict)
    media: Path | None = None
    seen: list[str] = field(default_factory=list)  # lines for the report
    marked_chapters: int = 0


def read_docx(path: Path, accept_changes: bool, work: Path) -> Read:
    entries = safe.members(path)
    if "word/document.xml" not in entries:
        raise BookError(f"{path}: no word/document.xml inside; not a Word document")
    seen: list[str] = []
    changes = sum(_count_docx_changes(entries.get(n)) for n in
                  ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml"))
    comments = _count(entries.get("word/comments.xml"), w("comment"))
    _refuse_or_accept(path, changes, comments, accept_changes, seen)
    document = parse(entries["word/document.xml"])
    centred = _centred_styles_docx(entries.get("word/styles.xml"))
    marked = _mark_docx_chapters(document, centred)
    body = document.find(w("body"))
    _mark_empty_runs(body.findall(w("p")) if body is not None else [], _docx_empty,
                     _docx_set_text)
    entries["word/document.xml"] = etree.tostring(document, xml_declaration=True,
                                                  encoding="UTF-8", standalone=True)
    _drop_external_images(entries, seen)
    copy = safe.write_copy(entries, work / "source.docx")
    media = work / "media"
    args = ["--track-changes=accept"] if accept_changes else []
    doc = pandoc.read(copy, "docx", *args, media=media)
    return Read(doc, _docx_properties(entries), media, seen, marked)


def read_odt(path: Path, accept_changes: bool, work: Path) -> Read:
    entries = safe.members(path)
    if "content.xml" not in entries:
        raise BookError(f"{path}: no content.xml inside; not an OpenDocument text")
    seen: list[str] = []
    content = parse(entries["content.xml"])
    changes = len(content.findall(f".//{{{TEXT}}}changed-region"))
    comments = len(content.findall(f".//{{{OFFICE}}}annotation"))
    _refuse_or_accept(path, changes, comments, accept_changes, seen)
    if accept_changes:
        _accept_odt(content)
    centred, breaks = _odt_styles(content, entries.get("styles.xml"))
    titled = _odt_title_lines(content, entries.get("styles.xml"))
    marked = _mark_odt_chapters(content, centred, breaks)
    _mark_odt_captions(content)
    descriptions = _odt_descriptions(content)
    # Paragraphs of the text itself: not those inside a drawing, a note or a table.
    paragraphs = [p for p in content.iter(t("p"))
                  if p.getparent().tag in (f"{{{OFFICE}}}text", t("section"))]
    _mark_empty_runs(paragraphs, _odt_empty, _odt_set_text)
    entries["content.xml"] = etree.tostring(content, xml_declaration=True, encoding="UTF-8")
    copy = safe.write_copy(entries, work / "source.odt")
    media = work / "media"
    doc = pandoc.read(copy, "odt", media=media)
    doc["blocks"] = tree.describe_images(doc["blocks"], descriptions)
    return Read(doc, {**titled, **_odt_properties(entries)}, media, seen, marked)


def _refuse_or_accept(path: Path, changes: int, comments: int, accept: bool,
                      seen: list[str]) -> None:
    if not changes and not comments:
        return
    what = " and ".join(x for x in (f"{changes} tracked changes" if changes else "",
                                    f"{comments} comments" if comments else "") if x)
    if not accept:
        raise BookError(f"{path}: has {what}; accept or reject them in your word processor "
                        f"first, or import with --accept-changes (every change accepted, "
                        f"every comment dropped)")
    seen.append(f"{what}: every change accepted, every comment dropped (--accept-changes)")


def _count(data: bytes | None, tag: str) -> int:
    return len(parse(data).findall(f".//{tag}")) if data else 0


def _count_docx_changes(data: bytes | None) -> int:
    if not data:
        return 0
    root = parse(data)
    return sum(len(root.findall(f".//{w(t)}")) for t in ("ins", "del", "moveFrom", "moveTo"))


# --- Word ---------------------------------------------------------------------------------

def _centred_styles_docx(data: bytes | None) -> set[str]:
    """The paragraph styles that centre their text, through their basedOn chains."""
    if not data:
        return set()
    root = parse(data)
    based, centre = {}, {}
    for s in root.iter(w("style")):
        sid = s.get(w("styleId"))
        jc = s.find(f"{w('pPr')}/{w('jc')}")
        centre[sid] = None if jc is None else jc.get(w("val")) == "center"
        parent = s.find(w("basedOn"))
        based[sid] = parent.get(w("val")) if parent is not None else None
    out = set()
    for sid in centre:
        s, hops = sid, 0
        while s is not None and centre.get(s) is None and hops < 20:
            s, hops = based.get(s), hops + 1
        if s is not None and centre.get(s):
            out.add(sid)
    return out


def _docx_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


def _docx_breaks_after(p) -> bool:
    """A page break after the paragraph's last words, or a section that ends with it."""
    last = None
    for el in p.iter(w("br"), w("t")):
        if el.tag == w("br") and el.get(w("type")) == "page":
            last = "break"
        elif el.tag == w("t") and (el.text or "").strip():
            last = "text"
    return last == "break" or p.find(f"{w('pPr')}/{w('sectPr')}") is not None


def _docx_breaks_before(p) -> bool:
    ppr = p.find(w("pPr"))
    if ppr is not None and ppr.find(w("pageBreakBefore")) is not None:
        v = ppr.find(w("pageBreakBefore")).get(w("val"), "true")
        if v not in ("0", "false"):
            return True
    for r in p.iter(w("r")):  # a break typed at the line's start
        for child in r:
            if child.tag == w("br") and child.get(w("type")) == "page":
                return True
            if child.tag == w("t") and (child.text or "").strip():
                return False
    return False


def _mark_docx_chapters(document, centred_styles: set[str]) -> int:
    body = document.find(w("body"))
    if body is None:
        return 0
    marked = 0
    after_break = False
    first = True
    for p in body.iter(w("p")):
        words = _docx_text(p).strip()
        if not words and p.find(f".//{w('drawing')}") is None:
            after_break = after_break or _docx_breaks_after(p)
            continue
        ppr = p.find(w("pPr"))
        style = ppr.find(w("pStyle")) if ppr is not None else None
        sid = style.get(w("val")) if style is not None else ""
        jc = ppr.find(w("jc")) if ppr is not None else None
        is_centred = (jc.get(w("val")) == "center") if jc is not None else sid in centred_styles
        heading = sid.lower().startswith(("heading", "title", "subtitle", "berschrift"))
        opens = after_break or _docx_breaks_before(p) or (first and split.is_chapter_line(words))
        if opens and is_centred and not heading and len(words.split()) <= MAX_TITLE_WORDS \
                and marked_ok(words):
            _docx_set_text(p, tree.CHAPTER_MARK, prepend=True)
            marked += 1
        after_break, first = _docx_breaks_after(p), False
    return marked


def marked_ok(words: str) -> bool:
    """A centred line that ends a sentence is a centred sentence, not a title."""
    return not words.endswith((".", "!", "?", ",", ";")) or len(words.split()) <= 3


def _docx_empty(p) -> bool:
    return not _docx_text(p).strip() and p.find(f".//{w('drawing')}") is None and \
        p.find(f".//{w('pict')}") is None and not _docx_breaks_after(p)


def _docx_set_text(p, text: str, prepend: bool = False) -> None:
    r = etree.Element(w("r"))
    t = etree.SubElement(r, w("t"))
    t.text = text
    ppr = p.find(w("pPr"))
    p.insert(0 if ppr is None else 1, r) if prepend else p.append(r)


def _drop_external_images(entries: dict[str, bytes], seen: list[str]) -> None:
    """A picture linked from the web is not fetched: its relationship is taken out."""
    name = "word/_rels/document.xml.rels"
    if name not in entries:
        return
    rels = parse(entries[name])
    dropped = [r for r in rels if r.get("TargetMode") == "External"
               and r.get("Type", "").endswith("/image")]
    for r in dropped:
        rels.remove(r)
    if dropped:
        seen.append(f"{len(dropped)} pictures linked from the web were left out (not fetched)")
        entries[name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")


def _docx_properties(entries: dict[str, bytes]) -> dict[str, str]:
    out: dict[str, str] = {}
    if core := entries.get("docProps/core.xml"):
        root = parse(core)
        for key, tag in (("title", f"{{{DC}}}title"), ("author", f"{{{DC}}}creator"),
                         ("language", f"{{{DC}}}language"), ("description", f"{{{DC}}}description"),
                         ("subject", f"{{{DC}}}subject"), ("date", f"{{{DCTERMS}}}created")):
            el = root.find(tag)
            if el is not None and (el.text or "").strip():
                out[key] = el.text.strip()
    if "language" not in out and (styles := entries.get("word/styles.xml")):
        lang = parse(styles).find(f".//{w('docDefaults')}//{w('lang')}")
        if lang is not None and lang.get(w("val")):
            out["language"] = lang.get(w("val"))
    return out


# --- OpenDocument -------------------------------------------------------------------------

def t(tag: str) -> str:
    return f"{{{TEXT}}}{tag}"


def _accept_odt(content) -> None:
    """Every change accepted: deleted text lives in text:tracked-changes, inserted text in
    the body between its marks; comments go."""
    for el in list(content.iter(t("tracked-changes"), f"{{{OFFICE}}}annotation",
                                f"{{{OFFICE}}}annotation-end", t("change"),
                                t("change-start"), t("change-end"))):
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


def _odt_styles(content, styles_xml: bytes | None) -> tuple[set[str], set[str]]:
    """The paragraph styles that centre, and those that break the page before."""
    centred, breaks = set(), set()
    roots = [content] + ([parse(styles_xml)] if styles_xml else [])
    parent: dict[str, str] = {}
    for root in roots:
        for s in root.iter(f"{{{STYLE}}}style"):
            name = s.get(f"{{{STYLE}}}name")
            props = s.find(f"{{{STYLE}}}paragraph-properties")
            if s.get(f"{{{STYLE}}}parent-style-name"):
                parent[name] = s.get(f"{{{STYLE}}}parent-style-name")
            if props is None:
                continue
            if props.get(f"{{{FO}}}text-align") == "center":
                centred.add(name)
            if props.get(f"{{{FO}}}break-before") == "page":
                breaks.add(name)
    for name, base in parent.items():  # one level of inheritance: LibreOffice's own use
        if base in centred:
            centred.add(name)
    return centred, breaks


TITLE_STYLES = {"title": "title", "subtitle": "subtitle", "author": "author"}
CAPTION_STYLES = {"caption", "image caption", "figure", "illustration", "drawing"}


def _style_names(content, styles_xml: bytes | None) -> dict[str, str]:
    """Every paragraph style's name → the name it shows (display name, else the name, with
    LibreOffice's _20_ for spaces) of the style it is, or derives from, lower-cased."""
    parent, shown = {}, {}
    for root in [content] + ([parse(styles_xml)] if styles_xml else []):
        for st in root.iter(f"{{{STYLE}}}style"):
            name = st.get(f"{{{STYLE}}}name")
            shown[name] = (st.get(f"{{{STYLE}}}display-name") or name).replace("_20_", " ").lower()
            if st.get(f"{{{STYLE}}}parent-style-name"):
                parent[name] = st.get(f"{{{STYLE}}}parent-style-name")
    out = {}
    for name in shown:
        s, hops = name, 0
        while s in parent and shown.get(s) not in TITLE_STYLES and \
                shown.get(s) not in CAPTION_STYLES and hops < 20:
            s, hops = parent[s], hops + 1
        out[name] = shown.get(s, name.lower())
    return out


def _odt_title_lines(content, styles_xml: bytes | None) -> dict[str, str]:
    """Title, Subtitle and Author paragraphs: book.yaml's, not the text's (pandoc's own
    Word reader does the same with those styles)."""
    names = _style_names(content, styles_xml)
    found: dict[str, str] = {}
    for p in list(content.iter(t("p"))):
        key = TITLE_STYLES.get(names.get(p.get(t("style-name"), ""), ""))
        words = " ".join(_odt_text(p).split())
        if key and words:
            found.setdefault(key, words)
            p.getparent().remove(p)
    _odt_title_lines.names = names  # type: ignore[attr-defined]
    return found


def _mark_odt_captions(content) -> None:
    names = getattr(_odt_title_lines, "names", {})
    for p in content.iter(t("p")):
        if names.get(p.get(t("style-name"), ""), "") in CAPTION_STYLES and \
                p.find(".//{*}frame") is None:
            p.text = tree.CAPTION_MARK + (p.text or "")


def _odt_descriptions(content) -> dict[str, str]:
    """A picture's description (LibreOffice's alt text) by its file name."""
    out = {}
    for frame in content.iter("{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}frame"):
        image = frame.find("{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}image")
        desc = frame.find("{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}desc")
        title = frame.find("{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}title")
        words = next((e.text.strip() for e in (desc, title) if e is not None and e.text
                      and e.text.strip() not in ("fig:", "fig")), "")
        if image is not None and words:
            out[image.get("{http://www.w3.org/1999/xlink}href", "").rsplit("/", 1)[-1]] = words
    return out


def _odt_text(p) -> str:
    return "".join(p.itertext())


def _mark_odt_chapters(content, centred: set[str], breaks: set[str]) -> int:
    marked = 0
    body = content.find(f"{{{OFFICE}}}body")
    if body is None:
        return 0
    first = True
    for p in body.iter(t("p")):
        words = _odt_text(p).strip()
        if not words:
            continue
        style = p.get(t("style-name"), "")
        opens = style in breaks or (first and split.is_chapter_line(words))
        if opens and style in centred and \
                len(words.split()) <= MAX_TITLE_WORDS and marked_ok(words):
            p.text = tree.CHAPTER_MARK + (p.text or "")
            marked += 1
        first = False
    return marked


DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"


def _odt_empty(p) -> bool:
    return not _odt_text(p).strip() and p.find(f".//{{{DRAW}}}*") is None


def _odt_set_text(p, text: str, prepend: bool = False) -> None:
    p.text = text + (p.text or "") if prepend else (p.text or "") + text


def _odt_properties(entries: dict[str, bytes]) -> dict[str, str]:
    out: dict[str, str] = {}
    if meta := entries.get("meta.xml"):
        root = parse(meta)
        for key, tag in (("title", f"{{{DC}}}title"), ("author", f"{{{DC}}}creator"),
                         ("author", f"{{{META}}}initial-creator"),
                         ("language", f"{{{DC}}}language"), ("description", f"{{{DC}}}description"),
                         ("subject", f"{{{DC}}}subject"), ("date", f"{{{META}}}creation-date")):
            el = root.find(f".//{tag}")
            if key not in out and el is not None and (el.text or "").strip():
                out[key] = el.text.strip()
    if "language" not in out and (styles := entries.get("styles.xml")):
        for props in parse(styles).iter(f"{{{STYLE}}}text-properties"):
            if props.getparent().tag == f"{{{STYLE}}}default-style" and props.get(f"{{{FO}}}language"):
                lang, country = props.get(f"{{{FO}}}language"), props.get(f"{{{FO}}}country")
                out["language"] = f"{lang}-{country}" if country and country != "none" else lang
                break
    return out


# --- both ----------------------------------------------------------------------------------

def _mark_empty_runs(paragraphs, empty, set_text) -> int:
    """Two or more empty paragraphs between text are a scene break, unless the document puts
    empty paragraphs between so many that they are its spacing."""
    ps = list(paragraphs)
    runs, current = [], []
    for p in ps:
        if empty(p):
            current.append(p)
            continue
        if current:
            runs.append(current)
        current = []
    texts = len(ps) - sum(len(r) for r in runs)
    long_runs = [r for r in runs if len(r) >= 2 and r[0] is not ps[0]]
    if not long_runs or len(runs) >= SPACING_SHARE * max(texts, 1):
        return 0
    for r in long_runs:
        set_text(r[0], tree.SCENE_MARK)
    return len(long_runs)


def work_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="bookbuild-import-")
