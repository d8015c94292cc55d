"""Where each print page begins: its label, and the text at the top of its text block.

The EPUB's page-break markers are placed from this (epub/pagebreaks.py), so they follow the
PDF actually produced, after any gutter re-typeset. PDFium reads the text (about 1 ms a page;
pypdf took 12 ms, measured on the 800-page benchmark book); only the text block is read, so a
running head or a folio is never taken for the page's first words.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bookbuild.support import cache
from bookbuild.support.cache import NO_CACHE, Cache

# Glyphs of the first line may rise a little above the text block's top edge.
RISE = 2.0


@dataclass(frozen=True)
class PageStart:
    label: str  # the printed page number: "iii" in the front matter, "12" in the body
    text: str  # the text block's text, top to bottom; "" for a blank or picture-only page


@dataclass(frozen=True)
class Block:
    """The text block, in points from the trimmed page's edges."""

    top: float
    bottom: float


def starts(pdf: bytes, block: Block, bleed: float) -> list[PageStart]:
    """Every page's label (from the PDF's own page labels) and text."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for n in range(len(doc)):
            page = doc[n]
            width, height = page.get_size()
            text = page.get_textpage().get_text_bounded(
                0, block.bottom + bleed, width, height - block.top - bleed + RISE)
            out.append(PageStart(doc.get_page_label(n), " ".join(text.split())))
        return out
    finally:
        doc.close()


def from_jobs(labels: list[str], placed: list[tuple[int, bytes]], block: Block, bleed: float,
              store: Cache = NO_CACHE) -> list[PageStart]:
    """The same as `starts` of the merged book, read from the Typst jobs it was merged from
    (`placed`: each job's first page in the book, and its PDF): the merge copies a job's
    pages as they are, and what it adds (folios, blank pages) lies outside any text block.
    Each job's texts are cached by its bytes, so after an edit only the jobs set again are
    read: reading every page of a 3,000-page book takes 2.5 s."""
    texts = [""] * len(labels)
    for first, pdf in placed:
        for n, text in enumerate(_job_texts(pdf, block, bleed, store)):
            texts[first + n] = text
    return [PageStart(label, text) for label, text in zip(labels, texts)]


def _job_texts(pdf: bytes, block: Block, bleed: float, store: Cache) -> list[str]:
    name = cache.key("page-text", hashlib.sha256(pdf).hexdigest(), repr(block), repr(bleed))
    found = store.get_json("page-text", name)
    if isinstance(found, list):
        return found
    texts = [p.text for p in starts(pdf, block, bleed)]
    store.put_json("page-text", name, texts)
    return texts
