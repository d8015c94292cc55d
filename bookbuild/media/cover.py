"""The generated cover: title, subtitle and author set on 1600×2560 in EB Garamond (OFL)."""

from __future__ import annotations

import io
import re
from functools import cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

from bookbuild.book.model import Metadata

SIZE = (1600, 2560)
BACKGROUND = (38, 44, 58)
INK = (240, 232, 214)
ACCENT = (196, 160, 98)
MARGIN = 150


@cache
def _font_bytes(italic: bool) -> bytes:
    name = "EBGaramond-Italic[wght].ttf" if italic else "EBGaramond[wght].ttf"
    return resources.files("fontpkg_eb_garamond").joinpath("files", name).read_bytes()


def font(size: int, weight: int = 400, italic: bool = False) -> ImageFont.FreeTypeFont:
    f = ImageFont.truetype(io.BytesIO(_font_bytes(italic)), size)
    try:
        f.set_variation_by_axes([weight])
    except OSError:
        pass  # FreeType without variation support: the default instance is fine
    return f


def wrap(draw: ImageDraw.ImageDraw, text: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    # Break at spaces only: str.split() would also break at a no-break space (« Lamp »).
    for word in re.split(r"[ \t\n]+", text.strip()):
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(trial, font=f) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def fitted(draw, text: str, width: int, start: int, weight: int, italic: bool = False,
           max_lines: int = 4):
    """The largest size (from `start` down) at which `text` fits in `max_lines` lines."""
    size = start
    while True:
        f = font(size, weight, italic)
        lines = wrap(draw, text, f, width)
        widest = max(draw.textlength(line, font=f) for line in lines)
        if (len(lines) <= max_lines and widest <= width) or size <= 40:
            return f, lines
        size -= 6


def draw_block(draw, lines, f, top: int, leading: float, fill) -> int:
    """Centre `lines` from `top`; returns the y below the block."""
    step = int(f.size * leading)
    for i, line in enumerate(lines):
        draw.text((SIZE[0] // 2, top + i * step), line, font=f, fill=fill, anchor="ma")
    return top + len(lines) * step


def render(meta: Metadata, size: tuple[int, int] = SIZE) -> Image.Image:
    im = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(im)
    inset = 70
    draw.rectangle([inset, inset, SIZE[0] - inset, SIZE[1] - inset], outline=ACCENT, width=4)
    draw.rectangle([inset + 18, inset + 18, SIZE[0] - inset - 18, SIZE[1] - inset - 18],
                   outline=ACCENT, width=2)
    width = SIZE[0] - 2 * MARGIN
    title_font, title_lines = fitted(draw, meta.title, width, 190, 600)
    y = draw_block(draw, title_lines, title_font, 520, 1.12, INK)
    if meta.subtitle:
        sub_font, sub_lines = fitted(draw, meta.subtitle, width, 86, 400, italic=True, max_lines=3)
        y = draw_block(draw, sub_lines, sub_font, y + 50, 1.2, INK)
    _ornament(draw, y + 90)
    author_font, author_lines = fitted(draw, meta.author_line.upper(), width, 96, 500, max_lines=2)
    step = int(author_font.size * 1.2)
    draw_block(draw, author_lines, author_font, SIZE[1] - 420 - step * (len(author_lines) - 1),
               1.2, ACCENT)
    return im if size == SIZE else im.resize(size, Image.Resampling.LANCZOS)


def _ornament(draw: ImageDraw.ImageDraw, y: int) -> None:
    cx = SIZE[0] // 2
    draw.line([(cx - 260, y), (cx - 40, y)], fill=ACCENT, width=4)
    draw.line([(cx + 40, y), (cx + 260, y)], fill=ACCENT, width=4)
    draw.polygon([(cx, y - 22), (cx + 22, y), (cx, y + 22), (cx - 22, y)], fill=ACCENT)


def cover_jpeg(meta: Metadata) -> bytes:
    out = io.BytesIO()
    render(meta).save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()
