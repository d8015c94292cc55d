"""The book's design in the EPUB: its stylesheet and the numbers over its chapters' titles.

One stylesheet, css/book.css, in cascade order: the base (templates/book.css: what every
design shares, readers' quirks included), the design's own (templates/designs/NAME.css), the
first-line treatment, then the families and sizes book.yaml's `style:` chose. The author's own
stylesheet, when there is one, is linked after it.
"""

from __future__ import annotations

from functools import partial
from importlib import resources

from lxml import etree

from bookbuild.book import numbering
from bookbuild.book.model import Book
from bookbuild.book.style import first_line
from bookbuild.convert.html import Document
from bookbuild.media.fonts import FALLBACK
from bookbuild.support.xml import XHTML_NS

TEMPLATES = resources.files("bookbuild.epub").joinpath("templates")
SANS = {"Source Sans 3", "Atkinson Hyperlegible"}
HEADINGS = "h1, h2, h3, h4, h5, h6, h1.title, p.subtitle"
H = {f"{{{XHTML_NS}}}h{n}": n for n in range(1, 7)}


def stylesheet(book: Book) -> bytes:
    style = book.style
    parts = [TEMPLATES.joinpath("book.css").read_text("utf-8"),
             TEMPLATES.joinpath(f"designs/{style.design}.css").read_text("utf-8")]
    treatment = first_line(style, book.metadata.language)
    if treatment != "none":
        parts.append(TEMPLATES.joinpath(f"designs/first-line-{treatment}.css")
                     .read_text("utf-8"))
    parts.append(_families(book))
    return "\n".join(parts).encode("utf-8")


def _families(book: Book) -> str:
    """The design's faces by name, when they are embedded; else only the kind of face (a
    sans heading stays sans in the reader's fonts), and the reader's own body font."""
    style = book.style
    heading = _stack(style.heading_font) if style.embed_fonts else _generic(style.heading_font)
    rules = [f"/* style: {style.design}; fonts as book.yaml chose */"]
    if style.embed_fonts:
        rules.append(f"body {{ font-family: {_stack(style.body_font)}; }}")
    if style.embed_fonts or style.heading_font in SANS:
        rules.append(f"{HEADINGS}, .bb-number {{ font-family: {heading}; }}")
    return "\n".join(rules) + "\n"


def _stack(family: str) -> str:
    names = [family] + ([FALLBACK[family]] if family in FALLBACK else [])
    return ", ".join(f'"{n}"' for n in names) + f", {_generic(family)}"


def _generic(family: str) -> str:
    return "sans-serif" if family in SANS else "serif"


LEAD_WORDS = 4  # as typst.lua's: the first words of a chapter in small capitals


def lead_words(book: Book, docs: list[Document]) -> None:
    """With small capitals on the first line, the first words of the paragraph after each
    section's title are marked (span.bb-lead), as print sets them. A span, not ::first-line:
    MuPDF-based readers and older Kindles ignore that pseudo-element; the span they all show,
    and a screen reader reads the words as they were."""
    if first_line(book.style, book.metadata.language) != "small-caps":
        return
    for doc in docs:
        if doc.section.role not in ("dedication", "epigraph"):
            doc.rewrite(partial(_lead, state={"done": False}))


def _lead(el, state: dict) -> bool:
    if state["done"] or H.get(el.tag) != 1:
        return False
    state["done"] = True
    para = el.getnext()
    if para is None or para.tag != f"{{{XHTML_NS}}}p" or not (para.text or "").strip():
        return False
    words = para.text.lstrip().split(" ")
    lead, rest = " ".join(words[:LEAD_WORDS]), " ".join(words[LEAD_WORDS:])
    span = etree.Element(f"{{{XHTML_NS}}}span", {"class": "bb-lead"})
    span.text = lead
    span.tail = (" " + rest) if rest else ""
    para.text = None
    para.insert(0, span)
    return True


def number_headings(book: Book, docs: list[Document]) -> None:
    """The chapter's label ("Chapter One") opens its first heading, as a line of its own;
    with numbered sections, "2.3" opens each section's heading. Inside the heading, so a
    screen reader says it with the title; the contents list keeps the title alone."""
    numbers = numbering.chapter_numbers(book)
    for doc in docs:
        number = numbers.get(doc.section.name)
        if number is not None:
            doc.rewrite(partial(_numbered, label=numbering.label(book, number), chapter=number,
                                state={"opened": False, "section": 0},
                                sections=book.style.numbered_sections))


def _numbered(el, label: str, chapter: int, state: dict, sections: bool) -> bool:
    level = H.get(el.tag)
    if level == 1 and not state["opened"]:
        state["opened"] = True
        return _prefix(el, label)
    if level == 2 and sections and state["opened"]:
        state["section"] += 1
        return _prefix(el, f"{chapter}.{state['section']}")
    return False


def _prefix(el, text: str) -> bool:
    if len(el) and el[0].get("class") == "bb-number":
        return False  # numbered already (the same documents written twice)
    span = etree.Element(f"{{{XHTML_NS}}}span", {"class": "bb-number"})
    span.text = text
    span.tail = " " + (el.text or "")  # a space: the label and title read as two words
    el.text = None
    el.insert(0, span)
    return True
