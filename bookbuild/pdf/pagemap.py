"""Where each print page begins: its label, and the text at the top of its text block.

The EPUB's page-break markers are placed from this (epub/pagebreaks.py), so they follow the
PDF actually produced, after any gutter re-typeset. PDFium reads the text (about 1 ms a page;
pypdf took 12 ms, measured on the 800-page benchmark book); only the text block is read, so a
running head or a folio is never taken for the page's first words.
"""

from __future__ import annotations

from dataclasses import dataclass

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

