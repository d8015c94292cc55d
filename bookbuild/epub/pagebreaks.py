"""The print edition's page breaks in the EPUB: a marker where each print page begins.

Both editions are set from one manuscript, so the words at the top of each print page
(pdf/pagemap.py) are found in the EPUB's text, in order, and a page-break marker goes before
the word that begins the page: inside a paragraph where the page turns mid-paragraph, before
a figure or at the start of a heading where the page opens with one. Letters and digits alone
are compared, case folded: hyphens at line ends, spacing, ligatures and small capitals differ
between the editions, the words do not.

A page with no text of its own (a blank verso, a full-page picture) gets its marker where the
next page's is. A body page whose words are not found is left out of the page list and said
at its section's line; the front matter's pages that have no counterpart in the EPUB's
sections (half-title, title page, copyright page, contents) go at the start of the title page.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from lxml import etree

from bookbuild.convert.html import EPUB_TYPE, Document, inner_xml, line_of, q
from bookbuild.support import cache
from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.support.diagnostics import Diagnostic

SNIPPET = 48  # letters and digits of a page's start looked for: about eight words
SHORT = 16  # tried when the longer snippet is not found (a figure's text differs, say)
SKIP_WORDS = 40  # words at a page's top that may be a picture's, not the text's
SKIPPED = {q("section"): "notes"}  # footnotes stand at the foot of the print page, not here
FRONT_DOC = "titlepage.xhtml"
# Elements whose children may not be a span: a marker goes into their items, not between.
CONTAINERS = {q(t) for t in ("ul", "ol", "dl", "menu", "table", "thead", "tbody", "tfoot",
                             "tr", "colgroup", "select", "optgroup", "datalist", "hgroup")}
INDEX_DOC = "index.xhtml"  # epub/index.py's FILE
# A chapter's heading breaks the page before it (book.css): a span before it would stand
# alone in a box of its own ahead of the break, and a column reader shows that box as a
# blank first screen. The marker goes inside the heading instead.
HEADINGS = {q(f"h{n}") for n in range(1, 7)}


@dataclass(frozen=True)
class Start:
    """What pdf/pagemap.PageStart gives: a page's label and its first text."""

    label: str
    text: str


@dataclass(frozen=True)
class PrintPages:
    """The print edition, as the EPUB needs it: where its pages begin, and what it is."""

    starts: list[Start]
    source: str  # pageBreakSource: "urn:isbn:…", or words naming the edition
    anchors: dict[tuple[str, str], str] = field(default_factory=dict)  # (section, id) → page
    index_start: str | None = None  # the print index's first page: its pages open index.xhtml


@dataclass
class Placed:
    entries: list[tuple[str, str]] = field(default_factory=list)  # (label, href), in order
    front: list[str] = field(default_factory=list)  # labels whose markers open the title page
    index: list[str] = field(default_factory=list)  # labels whose markers open the index page
    warnings: list[Diagnostic] = field(default_factory=list)


def marker_id(label: str) -> str:
    return f"page-{label}"


def marker(label: str) -> etree._Element:
    """An empty span, named for screen readers by its label (Ace wants a name)."""
    span = etree.Element(q("span"), {"id": marker_id(label), EPUB_TYPE: "pagebreak",
                                     "role": "doc-pagebreak", "aria-label": label})
    span.text = ""  # <span></span>: a reader parsing the page as HTML takes <span/> as open
    return span


def front_markup(labels: list[str]) -> str:
    """The markers as markup, for the title page (written from a template)."""
    return "".join(f'<span id="{escape(marker_id(label))}" epub:type="pagebreak" '
                   f'role="doc-pagebreak" aria-label="{escape(label)}"></span>'
                   for label in labels)


def key(text: str) -> str:
    """The letters and digits of `text`, case folded, accents apart: what both editions
    share. Decomposed (NFKD), so that a character's key is the same alone as in its text:
    insert() counts them one at a time, and an accent written apart or together is one.
    Each character is folded on its own (str.lower of a whole word writes a Greek final
    sigma, which a character alone is not)."""
    if text.isascii():  # most books, most of the time: four times quicker than the regex
        return text.translate(_ASCII_DROPPED).lower()
    kept = "".join(_ALNUM.findall(unicodedata.normalize("NFKD", text)))
    return kept.lower() if kept.isascii() else "".join(map(_folded, kept))


# A run of characters for which str.isalnum() holds: \w less the underscore. A book's text
# is millions of characters, read several times: a regular expression, not a loop.
_ALNUM = re.compile(r"[^\W_]+")
_ASCII_DROPPED = str.maketrans("", "", "".join(chr(c) for c in range(128)
                                               if not chr(c).isalnum()))


@lru_cache(maxsize=8192)
def _folded(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


@lru_cache(maxsize=8192)
def _key_length(ch: str) -> int:
    return len(key(ch))


class Stream:
    """The EPUB's text in reading order, as one key string (each document's from the cache
    when its bytes are unchanged); markers are noted against it, and put into the documents
    that get them at the end, each document's marked text cached by what went into it, so
    that after an edit only the documents whose text or pages changed are parsed again."""

    def __init__(self, docs: list[Document], store: Cache = NO_CACHE):
        self.docs, self.store = docs, store
        self.marks: dict[int, list[tuple[int, str]]] = {}  # doc → (its key offset, label)…
        self.parsed: dict[int, Marks] = {}  # the documents parsed for their key text
        self.doc_starts: list[int] = []
        parts: list[str] = []
        length = 0
        for n, doc in enumerate(docs):
            self.doc_starts.append(length)
            text = self._key_text(n, doc)
            parts.append(text)
            length += len(text)
        self.text = "".join(parts)

    def _key_text(self, n: int, doc: Document) -> str:
        stamp = cache.key("page-key", doc.xhtml)
        known = self.store.get_bytes("page-keys", stamp)
        if known is not None:
            return known.decode("utf-8")
        self.parsed[n] = Marks(doc)  # its markers go into this tree: not parsed twice
        text = self.parsed[n].text
        self.store.put_bytes("page-keys", stamp, text.encode("utf-8"))
        return text

    def doc_at(self, offset: int) -> int:
        return bisect.bisect_right(self.doc_starts, offset) - 1

    def insert(self, offset: int, label: str) -> int:
        """A marker before the word holding key character `offset`; returns its document."""
        n = self.doc_at(offset)
        self.marks.setdefault(n, []).append((offset - self.doc_starts[n], label))
        return n

    def append(self, label: str) -> None:
        """A marker at the very end of the last document (trailing blank pages)."""
        self.marks.setdefault(len(self.docs) - 1, []).append((-1, label))

    def write_back(self) -> None:
        for n, marks in self.marks.items():
            doc = self.docs[n]
            stamp = cache.key("page-marks", doc.xhtml, json.dumps(marks))
            known = self.store.get_bytes("page-marks", stamp)
            if known is None:
                known = (self.parsed.get(n) or Marks(doc)).marked(marks).encode("utf-8")
                self.store.put_bytes("page-marks", stamp, known)
            doc.xhtml = known.decode("utf-8")


class Marks:
    """One document's text as key characters, each stretch traced back to the element text
    (or tail) it came from, and the markers put into its tree."""

    def __init__(self, doc: Document):
        self.tree = doc.tree()
        self.starts: list[int] = []  # key offset where each stretch begins
        self.pieces: list[tuple[etree._Element, str]] = []  # element, "text" or "tail"
        parts: list[str] = []
        length = 0
        for el, where, text in _texts(self.tree):
            k = key(text)
            if k:
                self.starts.append(length)
                self.pieces.append((el, where))
                parts.append(k)
                length += len(k)
        self.text = "".join(parts)

    def marked(self, marks: list[tuple[int, str]]) -> str:
        """The document with a marker at each (key offset, label), -1 for its end."""
        for offset, label in marks:
            if offset < 0:
                self.tree.append(marker(label))
            else:
                self.insert(offset, label)
        return inner_xml(self.tree)

    def insert(self, offset: int, label: str) -> None:
        """A marker before the word holding key character `offset`."""
        i = bisect.bisect_right(self.starts, offset) - 1
        el, where = self.pieces[i]
        text = (el.text if where == "text" else el.tail) or ""
        at = _char_index(text, offset - self.starts[i])
        while 0 < at < len(text) and _in_word(text[at - 1]) and _in_word(text[at]):  # mid-word
            at -= 1
        span = marker(label)
        if where == "text":
            target = _hoisted(el)
            if text[:at].strip() or target.getparent() is None or \
                    target.getparent().tag in CONTAINERS:
                el.text, span.tail = text[:at], text[at:]
                el.insert(0, span)
                self._moved(i, span, text[:at])
            elif target.tag in HEADINGS:
                span.tail, target.text = target.text, None
                target.insert(0, span)
                if target is el:
                    self._moved(i, span, "")
            else:  # the start of a paragraph or figure: the marker goes before it
                target.addprevious(span)
        else:
            el.tail, span.tail = text[:at], text[at:]
            el.addnext(span)
            self._moved(i, span, text[:at])

    def _moved(self, i: int, span: etree._Element, kept: str) -> None:
        """The text after a marker is the marker's tail now: a later page that begins in
        the same text (a paragraph longer than a page) is looked for there."""
        self.starts.insert(i + 1, self.starts[i] + len(key(kept)))
        self.pieces.insert(i + 1, (span, "tail"))


def _in_word(ch: str) -> bool:
    """A letter of a word that spaces delimit: Chinese and Japanese write none, so a page
    that starts inside a run of their characters starts where it starts."""
    return ch.isalnum() and unicodedata.east_asian_width(ch) not in ("W", "F")


def _hoisted(el: etree._Element) -> etree._Element:
    """The outermost element that `el`'s text begins, before which a span may stand: a
    heading's number span → the heading; a figure's caption → the figure, whose picture comes
    first on the page. Never a list item, a table's row or cell, a term: a span cannot stand
    beside those, so the marker goes inside them."""
    target = el
    while True:
        parent = target.getparent()
        if parent is None or parent.getparent() is None:  # the document's wrapper
            return target
        if parent.getparent().tag in CONTAINERS:
            return target
        if parent.tag != q("figure") and (parent.index(target) != 0
                                           or (parent.text or "").strip()):
            return target
        target = parent


def _char_index(text: str, nth: int) -> int:
    """Where in `text` its `nth` key character is."""
    seen = 0
    if text.isascii():  # a key character a character: a word at a time
        for m in _ALNUM.finditer(text):
            size = m.end() - m.start()
            if seen + size > nth:
                return m.start() + nth - seen
            seen += size
        return len(text)
    for i, ch in enumerate(text):
        size = _key_length(ch)
        if size:
            if seen + size > nth:
                return i
            seen += size
    return len(text)


def _texts(tree: etree._Element):
    """(element, "text" or "tail", text) in document order, footnotes left out."""
    for el in tree.iter(etree.Element):
        if SKIPPED.get(el.tag) in (el.get("class") or "").split():
            continue
        if any(SKIPPED.get(a.tag) in (a.get("class") or "").split()
               for a in el.iterancestors()):
            continue
        if el.text:
            yield el, "text", el.text
        if el.tail and el.getparent() is not None:
            yield el, "tail", el.tail


def place(docs: list[Document], starts: list[Start], index_start: str | None = None,
          store: Cache = NO_CACHE) -> Placed:
    """Markers into `docs` (their xhtml rewritten); the page list and what was not placed.
    The print index's pages (from `index_start`) are the EPUB's index page's, whose layout
    is its own: their markers open it. `store` keeps each document's key text and marked
    text for the next build."""
    out = Placed()
    labels = [s.label for s in starts]
    if index_start in labels:
        at = labels.index(index_start)
        out.index = labels[at:]
        starts = starts[:at]
    stream = Stream(docs, store)
    front = [s for s in starts if not s.label.isdigit()]
    body = [s for s in starts if s.label.isdigit()]
    first_body = _first_body_offset(stream)
    waiting: list[str] = []  # pages without text: placed with the next page that has some
    pos = length = 0
    matched = False  # a front page found in the sections: generated pages come before it
    for group, is_body in ((front, False), (body, True)):
        if is_body:
            pos = max(pos, first_body)
        limit = first_body if not is_body else len(stream.text)
        for page in group:
            page_key = key(page.text)
            found = _find(stream.text, page.text, pos, limit, pos + length, page_key) \
                if page.text else None
            if found is None:
                if page.text and is_body:
                    out.warnings.append(_unplaced(page, stream, pos))
                    continue
                if not is_body and not matched:
                    out.front.append(page.label)  # generated front pages: the title page
                    out.entries.append((page.label, f"{FRONT_DOC}#{marker_id(page.label)}"))
                    continue
                waiting.append(page.label)
                continue
            for label in waiting + [page.label]:
                n = stream.insert(found, label)
                out.entries.append((label, f"{docs[n].section.file_name}#{marker_id(label)}"))
            waiting = []
            matched = True
            pos = found + 1
            length = len(page_key)  # about where the next page begins: this far on
    if waiting and docs:  # trailing blank pages: at the end of the last section
        for label in waiting:
            stream.append(label)
            out.entries.append((label, f"{docs[-1].section.file_name}#{marker_id(label)}"))
    stream.write_back()
    out.entries += [(label, f"{INDEX_DOC}#{marker_id(label)}") for label in out.index]
    return out


def _first_body_offset(stream: Stream) -> int:
    for n, doc in enumerate(stream.docs):
        if doc.section.kind != "front":
            return stream.doc_starts[n]
    return len(stream.text)


def _find(text: str, page: str, start: int, limit: int, expected: int,
          page_key: str | None = None) -> int | None:
    """Where the page's text begins in the EPUB's, from `start` on. A page may open with
    words the EPUB does not show as text (a diagram's labels, a list's numbers): its first
    words are dropped one by one until the rest is found. A long snippet is found once; a
    short one may be found many times, and the place nearest to where this page should
    begin (`expected`: the last page's start and length) is the one."""
    words = page.split()
    for skip in range(min(len(words), SKIP_WORDS)):
        rest = page_key if skip == 0 and page_key is not None else key(" ".join(words[skip:]))
        for size in (SNIPPET, SHORT):
            if len(rest) < SHORT and (skip or size == SHORT):
                break  # a few letters are found anywhere: only a whole short page is sought
            at = text.find(rest[:size], start, limit)
            if at >= 0 and size == SHORT:
                return _nearest(text, rest[:size], at, limit, expected)
            if at >= 0:
                return at
    return None


def _nearest(text: str, needle: str, at: int, limit: int, expected: int) -> int:
    best = at
    while at >= 0 and at <= expected + len(needle):
        if abs(at - expected) < abs(best - expected):
            best = at
        at = text.find(needle, at + 1, limit)
    if at >= 0 and abs(at - expected) < abs(best - expected):
        best = at
    return best


def _unplaced(page: Start, stream: Stream, pos: int) -> Diagnostic:
    n = max(0, stream.doc_at(min(pos, max(0, len(stream.text) - 1))))
    doc = stream.docs[n] if stream.docs else None
    words = " ".join(page.text.split()[:4])
    line = line_of(doc.section.text, words) if doc else None
    return Diagnostic("EPUB-PAGE-001", "warning",
                      f"print page {page.label} begins with \"{words}…\", which the EPUB's "
                      f"text does not have here: the page is left out of the page list",
                      doc.section.source if doc else None, line,
                      hint="text that differs between the editions (print-only, ebook-only) "
                           "at a page's top moves its marker")
