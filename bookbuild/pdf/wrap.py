"""The cover wrap: back, spine and front on one sheet, sized from the real page count.

Width = bleed + trim width + spine + trim width + bleed; spine = pages × the paper's
thickness. The front is the author's cover art (print: cover, else the book's cover) or the
generated design; the back carries the description and a clear barcode area.
"""

from __future__ import annotations

import io
import json
import tempfile
from importlib import resources
from pathlib import Path

import pikepdf
import typst
from PIL import Image

from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.book.language import right_to_left
from bookbuild.book.model import Book
from bookbuild.media import cover as ebook_cover
from bookbuild.pdf import fonts, pictures
from bookbuild.pdf.layout import Placement, dpi_warning
from bookbuild.pdf.settings import BLEED, INCH, PrintSettings
from bookbuild.support.diagnostics import Diagnostic
from bookbuild.support.errors import BookError, Problems
from bookbuild.support.progress import Progress

SPINE_TEXT_PAGES = 79  # below this the spine is too thin for text (KDP)
SPINE_CLEARANCE = 0.0625 * INCH  # text stays this far from each spine edge



def geometry(s: PrintSettings, pages: int) -> dict:
    spine = s.spine(pages)
    return {"width": 2 * BLEED + 2 * s.width + spine, "height": s.height + 2 * BLEED,
            "bleed": BLEED, "trim_width": s.width, "trim_height": s.height, "spine": spine}


def spine_font(spine: float) -> float:
    """Spine type in points: as large as fits between the clearances, at most 14 pt."""
    return max(5.0, min(14.0, (spine - 2 * SPINE_CLEARANCE) * 0.72))


def cover_pdf(book: Book, s: PrintSettings, pages: int, progress: Progress) -> tuple[bytes, list]:
    progress(f"setting the cover wrap for {pages} pages on {s.paper} paper")
    meta = book.metadata
    g = geometry(s, pages)
    warnings: list[Diagnostic] = []
    with tempfile.TemporaryDirectory(prefix="bookbuild-cover-") as tmp:
        work = Path(tmp)
        art, colors = _front_art(book, s, g, work, warnings)
        config = dict(g, title=meta.title, subtitle=meta.subtitle, author=meta.author_line,
                      document_title=f"{meta.title} ({meta.labels['cover']})",
                      publisher=meta.publisher, description=meta.description,
                      lang=meta.language.split("-")[0].lower(), fonts=fonts.chain(meta.language),
                      rtl=right_to_left(meta.language),
                      spine_text=pages >= SPINE_TEXT_PAGES, spine_font=spine_font(g["spine"]),
                      art=art, colors=colors)
        (work / "cover.json").write_text(json.dumps(config))
        (work / "cover.typ").write_bytes(
            resources.files("bookbuild.pdf").joinpath("templates", "cover.typ").read_bytes())
        (work / "front.typ").write_bytes(ebook_cover.front_template())
        standards = [] if art and art.get("cmyk_without_profile") else ["a-2b"]
        try:
            pdf = typst.compile(str(work / "cover.typ"), root=str(work),
                                font_paths=fonts.font_paths(), ignore_system_fonts=True,
                                pdf_standards=standards, timestamp=book.modified)
        except typst.TypstError as e:
            raise BookError(f"the cover could not be typeset: {e.message}") from None
    return _boxes(pdf), warnings


def _front_art(book: Book, s: PrintSettings, g: dict, work: Path,
               warnings: list[Diagnostic]) -> tuple[dict | None, dict]:
    """The front image (or None for the generated design) and the wrap's colours."""
    design = {"background": list(ebook_cover.BACKGROUND), "ink": list(ebook_cover.INK),
              "accent": list(ebook_cover.ACCENT)}
    src = s.cover or book.metadata.cover
    if not src:
        return None, design
    where = METADATA_FILE
    problems = Problems()
    pic = pictures.prepare(book.root, src, work, 0, (where, None), problems)
    problems.raise_if_any()
    if pic.pixels is None:
        warnings.append(Diagnostic("PDF-COVER-002", "warning",
                                   f"cover {src} is SVG; its colours on the back are guessed",
                                   where, hint="give a PNG or JPEG cover for print"))
    w, h = g["trim_width"] + g["bleed"], g["trim_height"] + 2 * g["bleed"]
    scale = max(w / pic.aspect, h)
    placed = Placement(scale * pic.aspect, scale, pictures.effective_dpi(pic, scale * pic.aspect,
                                                                          scale))
    why = dpi_warning(where, pic, placed, what="cover", advice=" for the front with its bleed")
    if why:
        warnings.append(why)
    background = (_edge_colour(work / pic.file.lstrip("/"), right_to_left(book.metadata.language))
                  if pic.pixels else design["background"])
    light = sum(c * k for c, k in zip(background, (0.299, 0.587, 0.114))) > 140
    ink = [20, 20, 20] if light else [250, 248, 242]
    meta = book.metadata
    alt = meta.labels["cover_alt"].format(title=meta.title, author=meta.author_line)
    art = {"path": pic.file, "alt": alt,
           "cmyk_without_profile": pic.cmyk_without_profile}
    return art, {"background": background, "ink": ink, "accent": ink}


def _edge_colour(path: Path, rtl: bool = False) -> list[int]:
    """The average colour of the art's spine-side edge (its left, or its right on a book bound
    on the right), so back and spine continue it."""
    with Image.open(path) as im:
        im.draft("RGB", (256, 256))  # JPEGs decode at a fraction of their size
        small = im.convert("RGB").resize((64, 64))
    edge = small.crop((60, 0, 64, 64) if rtl else (0, 0, 4, 64))
    edge = edge.resize((1, 1), Image.Resampling.BOX)
    return list(edge.getpixel((0, 0)))


def _boxes(pdf: bytes) -> bytes:
    doc = pikepdf.open(io.BytesIO(pdf))
    for page in doc.pages:
        w, h = float(page.mediabox[2]), float(page.mediabox[3])
        page.trimbox = [BLEED, BLEED, w - BLEED, h - BLEED]
        page.bleedbox = [0, 0, w, h]
    out = io.BytesIO()
    doc.save(out, deterministic_id=True)
    return out.getvalue()
