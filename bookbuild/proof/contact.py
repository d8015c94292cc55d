"""Contact sheets: every rendering of one device on one PNG, a band per type size."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from bookbuild.media.cover import font
from bookbuild.proof.devices import FONT_SIZES
from bookbuild.proof.render import DeviceProof, Rendering, save_png

THUMB_WIDTH = 260
COLUMNS = 8
GAP = 24
LABEL = 44  # room under each thumbnail for its two-line label
HEADING = 64
PAPER = (236, 236, 232)
INK = (30, 30, 30)
WARN = (200, 30, 30)


def thumb_size(proof: DeviceProof) -> tuple[int, int]:
    d = proof.device
    return THUMB_WIDTH, round(THUMB_WIDTH * d.height / d.width)


def contact_sheet(proof: DeviceProof, target: Path) -> Path:
    tw, th = thumb_size(proof)
    bands = [(size, [r for r in proof.renderings if r.size == size]) for size in FONT_SIZES]
    columns = min(COLUMNS, max((len(rs) for _, rs in bands), default=1)) or 1
    width = GAP + columns * (tw + GAP)
    height = HEADING + sum(_band_height(len(rs), columns, th) for _, rs in bands)
    sheet = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(sheet)
    d = proof.device
    draw.text((GAP, 16), f"{d.name} · {d.width}×{d.height} at {d.ppi} ppi",
              font=font(34, 600), fill=INK)
    y = HEADING
    for size, renderings in bands:
        y = _band(sheet, draw, proof, size, renderings, columns, y)
    save_png(sheet, target)
    return target


def _band_height(count: int, columns: int, th: int) -> int:
    rows = max(1, -(-count // columns))
    return 48 + rows * (th + LABEL + GAP)


def _band(sheet, draw, proof: DeviceProof, size: str, renderings: list[Rendering],
          columns: int, y: int) -> int:
    tw, th = thumb_size(proof)
    pages = proof.page_counts.get(size, 0)
    draw.text((GAP, y + 8), f"{size} type ({FONT_SIZES[size]:g} pt): {pages} pages",
              font=font(28, 500), fill=INK)
    y += 48
    label_font = font(18)
    for i, r in enumerate(renderings):
        x = GAP + (i % columns) * (tw + GAP)
        top = y + (i // columns) * (th + LABEL + GAP)
        with Image.open(r.path) as page:
            # Shrink while still one grey channel, in steps: a third of the work of RGB.
            thumb = page.resize((tw, th), Image.LANCZOS, reducing_gap=2.0)
            sheet.paste(thumb.convert("RGB"), (x, top))
        frame = WARN if r.overflows else (150, 150, 150)
        draw.rectangle((x - 1, top - 1, x + tw, top + th), outline=frame,
                       width=4 if r.overflows else 1)
        title = r.section.title if r.section else ""
        draw.text((x, top + th + 4), _fit(draw, f"p. {r.page} · {title}", label_font, tw),
                  font=label_font, fill=INK)
        if r.overflows:
            what = ", ".join(o.what for o in r.overflows)
            draw.text((x, top + th + 24), _fit(draw, f"overflow: {what}", label_font, tw),
                      font=label_font, fill=WARN)
    rows = max(1, -(-len(renderings) // columns))
    return y + rows * (th + LABEL + GAP)


def _fit(draw, text: str, f, width: int) -> str:
    if draw.textlength(text, font=f) <= width:
        return text
    while text and draw.textlength(text + "…", font=f) > width:
        text = text[:-1]
    return text + "…"
