"""Print proof: the interior PDF as facing-page spreads, the way the open book is seen.

Page 1 is a recto and stands alone on the right; then 2–3, 4–5 and so on. When the PDF carries
bleed (its TrimBox is smaller than its MediaBox) the trim line is drawn, so what the guillotine
cuts off is plain to see.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from bookbuild.media.cover import font
from bookbuild.proof.render import save_png
from bookbuild.support.errors import BookError

DPI = 100
DESK = (120, 120, 120)  # around and between the pages, like a light table
TRIM = (0, 160, 220)
SPINE = (150, 150, 150)
STRIP = 36  # room for the page numbers under the spread


@dataclass(frozen=True)
class Spread:
    pages: tuple[int, ...]  # 1-based page numbers, left to right; 0 is an empty side
    path: Path
    bleed: bool

    @property
    def label(self) -> str:
        shown = [str(p) for p in self.pages if p]
        return "p. " + shown[0] if len(shown) == 1 else f"pp. {shown[0]}–{shown[-1]}"


def pairs(count: int) -> list[tuple[int, int]]:
    """(left, right) page numbers, 0 where a side is empty: (0, 1), (2, 3), … ."""
    out = [(0, 1)] if count else []
    for left in range(2, count + 1, 2):
        out.append((left, left + 1 if left + 1 <= count else 0))
    return out


def render_spreads(pymupdf, pdf: Path, out_dir: Path, dpi: int = DPI) -> list[Spread]:
    try:
        doc = pymupdf.open(str(pdf))
    except Exception as e:  # noqa: BLE001 - MuPDF raises its own types for a bad file
        raise BookError(f"{pdf}: cannot open the PDF ({e})") from None
    try:
        if not doc.is_pdf:
            raise BookError(f"{pdf}: not a PDF")
        return [_spread(doc, pair, out_dir, dpi) for pair in pairs(doc.page_count)]
    finally:
        doc.close()


def _spread(doc, pair: tuple[int, int], out_dir: Path, dpi: int) -> Spread:
    sides = [_page(doc[n - 1], dpi) if n else None for n in pair]
    present = [s for s in sides if s is not None]
    width = max(img.width for img, _ in present)
    height = max(img.height for img, _ in present)
    canvas = Image.new("RGB", (2 * width, height + STRIP), DESK)
    draw = ImageDraw.Draw(canvas)
    bleed = False
    for i, side in enumerate(sides):
        if side is None:
            continue
        img, trim = side
        x = i * width
        canvas.paste(img, (x, 0))
        if trim is not None:
            bleed = True
            draw.rectangle((x + trim[0], trim[1], x + trim[2], trim[3]), outline=TRIM, width=2)
    # The fold: without it two white pages read as one wide sheet.
    draw.line((width, 0, width, height), fill=SPINE, width=2)
    numbers = [str(n) for n in pair if n]
    label = " – ".join(numbers)
    draw.text((12, height + 6), label, font=font(22, 500), fill=(250, 250, 250))
    name = "spread-" + "-".join(f"{n:04d}" for n in pair if n) + ".png"
    path = out_dir / name
    save_png(canvas, path)
    return Spread(pair, path, bleed)


def _page(page, dpi: int):
    """The page as an image, and its trim box in that image's pixels when it has bleed."""
    pix = page.get_pixmap(dpi=dpi, alpha=False)
    img = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    media, trim = page.mediabox, page.trimbox
    if abs(media.width - trim.width) < 0.5 and abs(media.height - trim.height) < 0.5:
        return img, None
    scale = dpi / 72
    # MediaBox coordinates run up from the bottom in PDF; PyMuPDF's boxes are top-down.
    box = (round((trim.x0 - media.x0) * scale), round((trim.y0 - media.y0) * scale),
           round((trim.x1 - media.x0) * scale), round((trim.y1 - media.y0) * scale))
    return img, box
