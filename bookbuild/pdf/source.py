"""Sections → Typst: pandoc's Typst writer with our filter, then labels made book-wide.

Each id gets its section's prefix ("s3--bearings") and each `#id` link points at the section
that holds the id: its own first, as in the EPUB. The book is typeset as several Typst jobs
(see interior.py); a link into another job becomes a "bookbuild:dest/…" URI that the merge
turns into a link to that label's named destination.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import unquote

from bookbuild.book import references
from bookbuild.book.model import Book, Section
from bookbuild.convert import pandoc
from bookbuild.convert.html import (
    line_of,
    link_left_out,
    link_line,
    located,
    page_words,
    xref_not_found,
)
from bookbuild.support import cache
from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.support.diagnostics import Diagnostic
from bookbuild.support.errors import Problems

FILTER = resources.files("bookbuild.pdf").joinpath("typst.lua")
BLOCKS_FILTER = resources.files("bookbuild.pdf").joinpath("typst-blocks.lua")
ID, IMG = "bookbuild-id--", "bookbuild-img:"
DEST = "bookbuild:dest/"  # a link into another job, resolved when the jobs are merged
_FACTS = re.compile(r"^// bookbuild: (.*)$", re.MULTILINE)
# In pandoc's Typst output: an escaped character, raw text (code), or a link to a label.
# Each begins with one of the lookahead's characters: with it, the regex skips the rest of
# the text twice as fast (a book's Typst is megabytes).
_TOKEN = re.compile(r'(?=[\\#`ac])(?:\\.|#raw\("(?:[^"\\]|\\.)*"|(?:alt|caption): "(?:[^"\\]|\\.)*"|'
                    r'(`{3,})[\s\S]*?\1|`[^`]*`|'
                    r'#link\((?:<([^<>\s]+)>|label\("((?:[^"\\]|\\.)*)"\))\)|'
                    r'#link\("((?:[^"\\]|\\.)*)"\))')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Markdown that needs the filter's inline functions: math, attributes on spans, links, code
# or images, HTML spans, images that are not a figure (a paragraph of its own), and
# emphasis, code or a link followed at once by `.x`, `(` or `[`, and cross-references (`@id`).
_INLINE = re.compile(r"\$|\]\{|\)\{|`\{|<span|<a\s|!\[(?!\^)|[*_`)](?:\.[^\W\d_]|[(\[])|"
                     r"(?<![\w.])@\w")
_FIGURE_LINE = re.compile(r"(?:^|\n[ \t]*\n)[ \t]*!\[[^\]\n]+\]\([^)\n]*\)(?:\{[^}\n]*\})?[ \t]*"
                          r"(?=\n[ \t]*\n|\n?$)")
DISPLAY_ROLES = ("dedication", "epigraph")  # set before the contents, without a heading


@dataclass
class Part:
    section: Section
    index: int
    text: str  # Typst markup
    ids: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)  # src, alt, figure, decorative, width…
    title: str | None = None
    opens_with_heading: bool = False
    headings: list[str] = field(default_factory=list)  # level-1 titles as Typst markup
    # (level, title as Typst markup) of every heading, in order
    outline: list[tuple[int, str]] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)  # own labels that other jobs link to
    warnings: list[dict] = field(default_factory=list)  # {message, needle} from normalize.lua
    elsewhere: dict[str, str] = field(default_factory=dict)  # ids print leaves out → class
    index_marks: list[dict] = field(default_factory=list)  # its index marks (convert/index.py)

    @property
    def prefix(self) -> str:
        return f"s{self.index}--"

    def key(self, n: int) -> str:
        """The images.json key of this section's n-th picture."""
        return f"s{self.index}-{n}"


def print_order(sections: list[Section]) -> list[Section]:
    """Dedications and epigraphs come before the contents, the rest in manuscript order."""
    display = [s for s in sections if s.kind == "front" and s.role in DISPLAY_ROLES]
    return display + [s for s in sections if s not in display]


def request(book: Book, store: Cache = NO_CACHE) -> pandoc.Also:
    """The sections whose Typst is not cached, to be written by the same pandoc run that
    checks them as the EPUB does (convert.render), if that run converts them."""
    with resources.as_file(FILTER) as lua:
        path = str(lua)  # a file of the installed package: it outlives the `with`
    todo = [i for i, k in enumerate(_keys(book)) if not store.has("typst", k)]
    return pandoc.Also("typst", path, frozenset(todo),
                       frozenset(i for i in todo if not needs_inlines(book.sections[i].markdown)))


def keep(book: Book, store: Cache, fresh: dict[int, str]) -> None:
    """Cache what `request` got written, for the print build of this run or the next."""
    keys = _keys(book)
    for i, text in fresh.items():
        store.put_bytes("typst", keys[i], text.encode("utf-8"))


def _keys(book: Book) -> list[str]:
    return [cache.key("typst-section", s.source, s.markdown) for s in book.sections]


def convert(book: Book, store: Cache = NO_CACHE, fresh: dict[int, str] | None = None
            ) -> list[Part]:
    """Every section through pandoc, or from the cache when its Markdown is unchanged, or
    from `fresh` (what `request` got written along with the EPUB's check)."""
    sections = book.sections
    keys = _keys(book)
    outputs = [store.get_bytes("typst", k) for k in keys]
    for i, text in (fresh or {}).items():
        outputs[i] = text.encode("utf-8")
    keep(book, store, fresh or {})
    todo = [i for i, out in enumerate(outputs) if out is None]
    rich = [i for i in todo if needs_inlines(sections[i].markdown)]
    for group, lua_filter in ((rich, FILTER), ([i for i in todo if i not in rich], BLOCKS_FILTER)):
        if not group:
            continue
        with resources.as_file(lua_filter) as lua:
            converted = pandoc.convert([sections[i].markdown for i in group],
                                       [sections[i].source for i in group],
                                       writer="typst", lua_filter=str(lua))
        for i, out in zip(group, converted):
            outputs[i] = out.encode("utf-8")
            store.put_bytes("typst", keys[i], outputs[i])
    return [_part(s, i, out.decode("utf-8"))
            for i, (s, out) in enumerate(zip(sections, outputs))]


def needs_inlines(markdown: str) -> bool:
    """Whether a section may hold an inline element the Typst filter must change. Figures
    (an image alone in its paragraph) are blocks; when in doubt, the answer is yes."""
    return bool(_INLINE.search(_FIGURE_LINE.sub("\n\n", markdown)))


def _unescape(value: str | None) -> str | None:
    return re.sub(r"\\(.)", r"\1", value) if value is not None else None

def _part(section: Section, index: int, output: str) -> Part:
    facts = {}
    m = _FACTS.search(output)
    if m:
        facts = json.loads(m.group(1))
        output = output[:m.start()] + output[m.end():]
    return Part(section, index, output, facts.get("ids") or [],
                facts.get("images") or [], facts.get("title"),
                bool(facts.get("opens_with_heading")), facts.get("headings") or [],
                [(h["level"], h["title"]) for h in facts.get("outline") or []],
                warnings=facts.get("warnings") or [], elsewhere=facts.get("elsewhere") or {},
                index_marks=facts.get("index") or [])


def warnings(parts: list[Part]) -> list[Diagnostic]:
    """The converter's warnings, each at its Markdown file and line."""
    return [Diagnostic(code, "warning", message, part.section.source, line)
            for part in parts
            for code, message, line in located(
                part.section, [(w["code"], w["message"], w.get("needle")) for w in part.warnings])]


def check_images(parts: list[Part], problems: Problems) -> None:
    """Every picture that is not decorative needs a text alternative, as in the EPUB."""
    for part in parts:
        for img in part.images:
            if not img.get("decorative") and not (img.get("alt") or "").strip():
                problems.add(f"image {img['src']} has no alt text; describe it in the brackets, "
                             f"or mark it {{.decorative}}", part.section.source,
                             line_of(part.section.text, img["src"]))


def link_labels(parts: list[Part], problems: Problems,
                job_of: Callable[[Part], str] = lambda _p: "",
                titles: dict[tuple[str, str], str] | None = None,
                words: dict[str, str] | None = None) -> list[Diagnostic]:
    """Give ids their section prefix and point every link at the section that holds it.

    `job_of` names the Typst job a section is set in: a link into another job cannot be a
    Typst label reference, so it becomes a DEST URI and the target is noted on its holder.
    Cross-references (`@id`, `[@id]`) become links that name the target's page, and its
    title (`titles`: (section name, id) → heading text); the warnings are for keys the book
    does not have, which stay as written.
    """
    found: list[Diagnostic] = []
    owner: dict[str, tuple[Part, str]] = {}  # link target → its part, and its id there
    for part in parts:
        for id_ in part.ids:
            owner.setdefault(id_, (part, id_))
    for alias, (n, id_) in references.one_document_ids([list(p.ids) for p in parts]).items():
        owner[alias] = (parts[n], id_)
    away = {id_: (p.section.source, cls) for p in reversed(parts) for id_, cls in p.elsewhere.items()}
    by_name: dict[str, list[Part]] = {}  # a section's file name → the sections of that name
    for p in parts:
        by_name.setdefault(posixpath.basename(p.section.source), []).append(p)
    for part in parts:
        links = _Links(part, owner, away, by_name, job_of, problems)
        text = _TOKEN.sub(links.pointed, part.text)  # one pass: a book's text is long
        if "#bb-xref(" in text:
            text = _XREF.sub(functools.partial(
                _cross_reference, part=part, owner=owner, job_of=job_of, titles=titles or {},
                words=words or {}, found=found), text)
        part.text = _images(part, text.replace(ID, part.prefix))
        part.headings = [_images(part, h) for h in part.headings]
        part.outline = [(level, _images(part, h)) for level, h in part.outline]
    return found


# What normalize.lua writes for a cross-reference (its strings are Typst string literals).
_XREF = re.compile(r'#bb-xref\(form: "(\w+)", target: ("(?:[^"\\]|\\.)*"), '
                   r'cite: ("(?:[^"\\]|\\.)*")\)')


def _cross_reference(m: re.Match, part: Part, owner: dict, job_of, titles: dict,
                     words: dict[str, str], found: list[Diagnostic]) -> str:
    """A link to the target that names its page (`#bb-pageref`, filled in from where the
    target landed: interior.py sets the book again until the numbers hold)."""
    form, target, written = m.group(1), unquoted(m.group(2)), m.group(3)
    holder, id_ = (part, target) if target in part.ids else owner.get(target, (None, ""))
    if holder is None:
        said = xref_not_found(target, part.section.source,
                              line_of(part.section.text, unquoted(written)), form)
        found += [said] if said else []
        return "#" + written
    label = holder.prefix + id_
    pointer = _pointer(part, holder, id_, job_of)
    if label not in holder.targets:
        holder.targets.append(label)  # its page is read back from the job
    page = f"#bb-pageref({typst_string(label)})"
    title = titles.get((holder.section.name, id_))
    if form == "title" and title:
        before, after = page_words(words.get("link", "{what}, page {page}"), titled=True)
        words_ = f"#emph({typst_string(title)})#{typst_string(before)}{page}#{typst_string(after)}"
    else:
        before, after = page_words(words.get("page", "page {}"))
        words_ = f"#{typst_string(before)}{page}#{typst_string(after)}"
    return f"#link({pointer})[{words_}]"


def unquoted(literal: str) -> str:
    """A Typst string literal's text."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), literal[1:-1])


def page_refs(text: str) -> list[str]:
    """The labels whose pages a section's Typst names."""
    return _PAGE_REF.findall(text)


_PAGE_REF = re.compile(r'#bb-pageref\("((?:[^"\\]|\\.)*)"\)')


def _pointer(part: Part, holder: Part, id_: str, job_of: Callable[[Part], str]) -> str:
    """What a link from `part` to `id_` in `holder` points at, in Typst."""
    label = holder.prefix + id_
    if job_of(holder) == job_of(part):
        return f"<{label}>" if _PLAIN_LABEL.fullmatch(label) else f"label({typst_string(label)})"
    if label not in holder.targets:
        holder.targets.append(label)
    return typst_string(DEST + label)


class _Links:
    """What the links of one part point at, worked out as the one pass over its text meets
    them: another section's id becomes its label (a DEST URI into another job); a relative
    link (`02-two.md#x`, mdBook's `ch02.html`) goes to the section it names, as in the EPUB,
    and to anything outside the book nowhere (the words stay; the EPUB build says so)."""

    def __init__(self, part: Part, owner: dict[str, tuple[Part, str]],
                 away: dict[str, tuple[str, str]], by_name: dict[str, list[Part]],
                 job_of: Callable[[Part], str], problems: Problems):
        self.part, self.owner, self.away, self.by_name = part, owner, away, by_name
        self.job_of, self.problems = job_of, problems
        self.ids: dict[str, str | None] = {}  # link target → what the link points at now
        self.files: dict[str, str | None] = {}  # a relative link → the same

    def pointed(self, m: re.Match) -> str:
        if m.group(4) is not None:
            raw = m.group(4)
            if raw not in self.files:
                self.files[raw] = self._file(raw)
            pointer = self.files[raw]
            if pointer is LEAVE:
                return m.group(0)  # a web address, or a link this book leaves alone
            return f"#link({pointer})" if pointer else "#bb-unlinked"
        target = m.group(2) or _unescape(m.group(3))
        if not target:
            return m.group(0)
        if target not in self.ids:
            self.ids[target] = self._id(target)
        pointer = self.ids[target]
        return m.group(0) if pointer is None else f"#link({pointer})"

    def _id(self, target: str) -> str | None:
        part = self.part
        holder, id_ = (part, target) if target in part.ids else self.owner.get(target, (None, ""))
        if holder is not None:
            return _pointer(part, holder, id_, self.job_of)
        if target in self.away:
            self.problems.add(link_left_out(target, *self.away[target]), part.section.source,
                              link_line(part.section.text, target))
        else:
            self.problems.add(f"link to #{target}, but no heading or element has that id",
                              part.section.source, line_of(part.section.text, f"#{target}"))
        return None

    def _file(self, raw: str) -> str | None:
        target = _unescape(raw) or ""
        if _SCHEME.match(target) or target.startswith("#"):
            return LEAVE
        path, _, frag = unquote(target).partition("#")
        stem, dot, suffix = posixpath.basename(path).rpartition(".")
        name = f"{stem}.md" if dot and suffix.lower() in ("html", "htm", "xhtml") else \
            posixpath.basename(path)
        found = self.by_name.get(name, [])
        holder = found[0] if len(found) == 1 else None
        id_ = (references.same_id(frag, holder.ids) if frag else
               (holder.ids[0] if holder.ids else None)) if holder else None
        return _pointer(self.part, holder, id_, self.job_of) if holder and id_ else None


LEAVE = "\0leave"  # a link _Links leaves as it is


_PLAIN_LABEL = re.compile(r"[^<>\s]+")


def _images(part: Part, text: str) -> str:
    return re.sub(r'"' + re.escape(IMG) + r'(\d+)"',
                  lambda m: f'"{part.key(int(m.group(1)))}"', text)


def typst_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
