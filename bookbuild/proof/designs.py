"""`bookbuild proof --designs`: the book's first chapter opener in every design, in print and
on an e-reader, side by side, to choose a design by looking at one's own pages.

Each design is built from a copy of the book folder (manuscript/ and assets/ only, with
book.yaml's `style:` set to the design) in a temporary folder, through the same pipeline and
gates as any build; nothing is written into the book but the sheet.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

from bookbuild.book.style import DESIGNS
from bookbuild.pipeline import build
from bookbuild.proof import render
from bookbuild.proof.devices import DEVICES
from bookbuild.support.progress import Progress, silent

DEVICE = next(d for d in DEVICES if d.id == "kobo-clara")
HEIGHT = 900  # pixels of each page on the sheet
PRINT_DPI = 150


def design_sheet(book: Path, out: Path, progress: Progress = silent) -> Path:
    """Write OUT/designs/NAME-print.png and NAME-ereader.png per design, and the sheet of
    them all, OUT/designs.png; returns the sheet's path."""
    import pymupdf

    folder = out / "designs"
    folder.mkdir(parents=True, exist_ok=True)
    columns = []
    with tempfile.TemporaryDirectory(prefix="bookbuild-designs-") as tmp:
        for name in DESIGNS:
            progress(f"building the book in the {name} design")
            copy = _styled_copy(book, Path(tmp) / name, name)
            epub, pdf = build(copy, Path(tmp) / f"{name}-out", ["epub", "pdf"])
            pages = (_print_opener(pymupdf, pdf), _ereader_opener(pymupdf, epub))
            for kind, img in zip(("print", "ereader"), pages):
                render.save_png(img, folder / f"{name}-{kind}.png")
            columns.append((name, pages))
    sheet = out / "designs.png"
    render.save_png(_sheet(columns), sheet)
    return sheet


def _styled_copy(book: Path, dest: Path, design: str) -> Path:
    for part in ("manuscript", "assets"):
        if (book / part).is_dir():
            shutil.copytree(book / part, dest / part, symlinks=False)
    yaml_path = dest / "manuscript" / "book.yaml"
    data = yaml.safe_load(yaml_path.read_text("utf-8")) or {}
    data["style"] = design  # the design as it comes: its own choices, not the book's
    yaml_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return dest


def _print_opener(pymupdf, pdf: Path) -> Image.Image:
    """The body's first page (its page label is 1): the first chapter's opener."""
    doc = pymupdf.open(str(pdf))
    try:
        number = next((i for i in range(doc.page_count) if doc[i].get_label() == "1"), 0)
        pix = doc[number].get_pixmap(dpi=PRINT_DPI, alpha=False)
        return Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    finally:
        doc.close()


def _ereader_opener(pymupdf, epub: Path) -> Image.Image:
    """The first chapter's first page on a Kobo Clara at the reader's default type size."""
    sections = render.sections_of(epub)
    chapter = next((i for i, s in enumerate(sections) if "chapter-" in s.href), 0)
    doc = render.open_laid_out(pymupdf, epub, DEVICE)
    try:
        width, height = DEVICE.page_size
        doc.layout(width=width, height=height, fontsize=render.FONT_SIZES["medium"])
        page = doc[doc.page_number_from_location((chapter, 0))]
        return render.eink(render.page_image(page, DEVICE)).convert("RGB")
    finally:
        doc.close()


def _sheet(columns: list[tuple[str, tuple[Image.Image, Image.Image]]]) -> Image.Image:
    """Designs side by side: the print page over the e-reader page, each named."""
    scaled = [(name, [_scaled(img) for img in pages]) for name, pages in columns]
    gap, label = 24, 40
    width = gap + sum(max(i.width for i in pages) + gap for _, pages in scaled)
    sheet = Image.new("RGB", (width, label + 2 * (HEIGHT + gap) + gap), "white")
    draw = ImageDraw.Draw(sheet)
    x = gap
    for name, pages in scaled:
        draw.text((x, gap // 2), name, fill="black", font_size=28)
        y = label
        for img in pages:
            sheet.paste(img, (x, y))
            draw.rectangle((x - 1, y - 1, x + img.width, y + img.height), outline=(170, 170, 170))
            y += HEIGHT + gap
        x += max(i.width for i in pages) + gap
    return sheet


def _scaled(img: Image.Image) -> Image.Image:
    return img.resize((round(img.width * HEIGHT / img.height), HEIGHT), Image.LANCZOS)
