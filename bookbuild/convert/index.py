"""The index marks of a converted section, read from its XHTML or from print's Typst facts.

Both editions carry the same marks (normalize.lua numbers them before either drops its own
text), but each has only its own text: the EPUB's index reads the EPUB's documents, print's
the facts typst.lua reports. Either way the spans come here as the same plain dicts, so one
reader (book/index.py) makes the marks and finds their lines in the Markdown.
"""

from __future__ import annotations

from bookbuild.book import index
from bookbuild.book.model import Section
from bookbuild.convert import comments
from bookbuild.convert.html import Document, q
from bookbuild.support.diagnostics import Diagnostic

ATTRIBUTES = ("index", "see", "see-also", "index-sort")


def of_document(doc: Document) -> list[dict]:
    """The index spans of a section's XHTML: {"id", "words", and the index attributes}."""
    if "index" not in doc.xhtml and "data-see" not in doc.xhtml:
        return []  # parsing every section again costs more than this look
    found = []
    for span in doc.tree().iter(q("span")):
        attrs = {name: span.get(f"data-{name}") for name in ATTRIBUTES
                 if span.get(f"data-{name}") is not None}
        if attrs or "index" in (span.get("class") or "").split():
            found.append({**attrs, "id": span.get("id") or "",
                          "words": " ".join("".join(span.itertext()).split())})
    return found


def marks(section: Section, spans: list[dict]) -> tuple[list[index.Mark], list[Diagnostic]]:
    """The marks of one section's spans (of_document's, or print's facts), each at its line
    of the Markdown; the spans that cannot be read are warnings there instead."""
    text = comments.uncommented(section.text)
    counted: dict[str, int] = {}
    out, warnings = [], []
    for span in spans:
        needle = _needle(span, text)
        nth = counted[needle] = counted.get(needle, -1) + 1
        mark, said = index.read_mark(span, span.get("words") or "", section.name,
                                     section.source, _line(text, needle, nth))
        warnings += said
        if mark is not None:
            out.append(mark)
    return out, warnings


def _needle(span: dict, text: str) -> str:
    """What the author wrote that names this mark, as specifically as it is found: the
    attribute as written (`index="x"`: a bare "x" is in any word), else its term, what it
    sends to, or its words (for `[words]{.index}`)."""
    for name in ("index", "see", "see-also"):
        value = span.get(name)
        if value is not None:
            for written in (f'{name}="{value}"', f"{name}='{value}'", f"{name}={value}"):
                if written in text:
                    return written
            return value
    words = span.get("words") or ""
    return f"{words}]{{" if words and f"{words}]{{" in text else words or "{.index"


def _line(text: str, needle: str, nth: int) -> int | None:
    """The line of the nth time `needle` is written (the first, if it is written fewer
    times: a mark pandoc read from elsewhere, such as a note's text)."""
    pos = first = text.find(needle)
    for _ in range(nth):
        pos = text.find(needle, pos + 1) if pos >= 0 else -1
    pos = pos if pos >= 0 else first
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def collect(found: list[tuple[Section, list[dict]]], language: str
            ) -> tuple[index.Index | None, list[Diagnostic]]:
    """The book's index from each section's marks (None when nothing is marked), and what
    could not be read or followed."""
    every: list[index.Mark] = []
    warnings: list[Diagnostic] = []
    for section, spans in found:
        got, said = marks(section, spans)
        every += got
        warnings += said
    if not every:
        return None, warnings
    built = index.build(every, language)
    return built, warnings + built.warnings
