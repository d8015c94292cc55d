#!/usr/bin/env python3
"""Draw the raster illustration of the sample book.

Writes assets/images/sovnarkom-room.png: a plan of the corner room at Smolny
("Lenin's study") where the Sovnarkom met, drawn from Alexandra Kollontai's
description in the memoir. It is an illustration made for this edition, not a
historical floor plan: it is not to scale and the positions are approximate.

The drawing is deterministic (no randomness, no timestamps), so running the
script again gives the same file.

    python tools/sample_art.py [OUTPUT.png]
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "assets" / "images" / "sovnarkom-room.png"

W, H = 1600, 1100

PAPER = (247, 244, 236)
INK = (40, 36, 32)
WALL = (70, 64, 57)
GLASS = (214, 224, 230)
WOOD = (222, 203, 170)
SEAT = (196, 178, 150)
LENIN_SEAT = (90, 78, 64)
LIGHT = (250, 236, 190)
MUTED = (110, 102, 92)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def font(size: int, bold: bool = False) -> ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = FONT_DIR / name
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


# Room: outer edge of the walls, and the wall thickness.
RX0, RY0, RX1, RY1 = 100, 120, 1260, 990
T = 28
IX0, IY0, IX1, IY1 = RX0 + T, RY0 + T, RX1 - T, RY1 - T  # interior


def text_centered(d: ImageDraw.ImageDraw, xy, s: str, f, fill=INK) -> None:
    d.text(xy, s, font=f, fill=fill, anchor="mm")


def chair(d: ImageDraw.ImageDraw, cx: float, cy: float, facing: float,
          fill=SEAT, size: float = 52) -> None:
    """A chair seen from above: a square seat with its back on the far side.

    `facing` is the direction the sitter looks, in degrees (0 = east,
    90 = south, image coordinates).
    """
    a = math.radians(facing)
    ux, uy = math.cos(a), math.sin(a)      # forward
    vx, vy = -uy, ux                      # sideways
    h = size / 2

    def pt(f: float, s: float):
        return (cx + ux * f + vx * s, cy + uy * f + vy * s)

    d.polygon([pt(h, h), pt(h, -h), pt(-h, -h), pt(-h, h)],
              fill=fill, outline=INK, width=3)
    # the chair back, behind the sitter
    d.polygon([pt(-h, h), pt(-h, -h), pt(-h - 12, -h), pt(-h - 12, h)],
              fill=INK)


def bulb(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float = 20) -> None:
    """Lighting symbol: a circle with a cross, inside a pool of light."""
    d.ellipse([cx - 3 * r, cy - 3 * r, cx + 3 * r, cy + 3 * r], fill=LIGHT)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=PAPER, outline=INK, width=3)
    k = r / math.sqrt(2)
    d.line([cx - k, cy - k, cx + k, cy + k], fill=INK, width=3)
    d.line([cx - k, cy + k, cx + k, cy - k], fill=INK, width=3)


def window_h(d: ImageDraw.ImageDraw, x0: int, x1: int, y0: int) -> None:
    """A window in a horizontal wall whose outer edge is at y0 + T."""
    d.rectangle([x0, y0, x1, y0 + T], fill=GLASS, outline=INK, width=3)
    d.line([x0, y0 + T / 2, x1, y0 + T / 2], fill=INK, width=2)


def window_v(d: ImageDraw.ImageDraw, y0: int, y1: int, x0: int) -> None:
    """A window in a vertical wall whose outer edge is at x0 + T."""
    d.rectangle([x0, y0, x0 + T, y1], fill=GLASS, outline=INK, width=3)
    d.line([x0 + T / 2, y0, x0 + T / 2, y1], fill=INK, width=2)


def dashed(d: ImageDraw.ImageDraw, pts, dash: float = 18, gap: float = 12,
           width: int = 4, fill=INK) -> None:
    """A dashed polyline."""
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        n = 0.0
        while n < length:
            m = min(n + dash, length)
            d.line([x0 + (x1 - x0) * n / length, y0 + (y1 - y0) * n / length,
                    x0 + (x1 - x0) * m / length, y0 + (y1 - y0) * m / length],
                   fill=fill, width=width)
            n = m + gap


def arrow_head(d: ImageDraw.ImageDraw, tip, frm, size: float = 26, fill=INK) -> None:
    ang = math.atan2(tip[1] - frm[1], tip[0] - frm[0])
    left = (tip[0] - size * math.cos(ang - 0.45), tip[1] - size * math.sin(ang - 0.45))
    right = (tip[0] - size * math.cos(ang + 0.45), tip[1] - size * math.sin(ang + 0.45))
    d.polygon([tip, left, right], fill=fill)


def draw() -> Image.Image:
    img = Image.new("RGB", (W, H), PAPER)
    d = ImageDraw.Draw(img)

    f_title = font(44, bold=True)
    f_label = font(34)
    f_label_b = font(34, bold=True)
    f_small = font(28)

    # Title and note
    d.text((RX0, 40), "\u201cLenin\u2019s study\u201d at Smolny, second floor",
           font=f_title, fill=INK)
    d.text((RX0, 1030),
           "Drawn for this edition from Kollontai\u2019s description. "
           "Not to scale; positions approximate.",
           font=f_small, fill=MUTED)

    # Walls
    d.rectangle([RX0, RY0, RX1, RY1], fill=WALL)
    d.rectangle([IX0, IY0, IX1, IY1], fill=PAPER)

    # Windows on the two outer walls of the corner room (south and east).
    for x0, x1 in [(240, 420), (560, 740), (880, 1060)]:
        window_h(d, x0, x1, IY1)
    for y0, y1 in [(300, 480), (640, 820)]:
        window_v(d, y0, y1, IX1)

    # A door in the inner wall (west), with its swing.
    dy0, dy1 = 760, 900
    d.rectangle([RX0, dy0, IX0, dy1], fill=PAPER)
    w = dy1 - dy0
    # the door leaf, hinged at the top of the opening and swung into the room
    d.line([IX0, dy0, IX0 + w, dy0], fill=INK, width=4)
    d.arc([IX0 - w, dy0 - w, IX0 + w, dy0 + w], start=0, end=90, fill=MUTED, width=2)
    d.text((IX0 + 20, dy1 + 10), "door", font=f_small, fill=MUTED)

    # Lenin's table, pushed up against the (inner) north wall,
    # with the electric bulb hanging just above it.
    tx0, tx1, ty0, ty1 = 520, 860, IY0, IY0 + 130
    tcx = (tx0 + tx1) / 2
    d.rectangle([tx0, ty0, tx1, ty1], fill=WOOD, outline=INK, width=4)
    bulb(d, tcx, ty0 + 42, r=16)
    text_centered(d, (tcx, ty1 - 30), "Lenin\u2019s table", f_label_b)

    # Lenin's chair, facing the table and the wall.
    lx, ly = tcx, ty1 + 52
    chair(d, lx, ly, facing=270, fill=LENIN_SEAT)
    d.text((lx + 46, ly - 4), "Lenin", font=f_label_b, fill=INK, anchor="lm")

    # The electric bulb label, with a leader line.
    d.line([tcx - 18, ty0 + 36, 470, 196], fill=INK, width=2)
    d.text((460, 176), "electric bulb,", font=f_label, fill=INK, anchor="rm")
    d.text((460, 216), "hanging just above", font=f_label, fill=INK, anchor="rm")

    # Members of the Sovnarkom around Lenin, some of them behind him.
    # (a gap is left where the line to Gorbunov's table passes)
    r = 210
    for deg in (-8, 18, 76, 98, 120, 142, 164, 188):
        a = math.radians(deg)
        cx, cy = lx + r * math.cos(a), ly + 10 + r * math.sin(a)
        facing = math.degrees(math.atan2(ly - cy, lx - cx))
        chair(d, cx, cy, facing)
    text_centered(d, (lx - 40, ly + r + 92), "members of the Sovnarkom,", f_label)
    text_centered(d, (lx - 40, ly + r + 134), "around Lenin and behind him", f_label)

    # N. P. Gorbunov's table, nearer to the windows.
    gx0, gx1, gy0, gy1 = 900, 1150, 770, 870
    d.rectangle([gx0, gy0, gx1, gy1], fill=WOOD, outline=INK, width=4)
    chair(d, (gx0 + gx1) / 2, gy0 - 40, facing=90)
    text_centered(d, ((gx0 + gx1) / 2, (gy0 + gy1) / 2 - 18), "Gorbunov\u2019s", f_label_b)
    text_centered(d, ((gx0 + gx1) / 2, (gy0 + gy1) / 2 + 20), "table", f_label_b)
    d.text((gx0 - 10, gy1 + 24), "N. P. Gorbunov, secretary,", font=f_small,
           fill=INK, anchor="rt")
    d.text((gx0 - 10, gy1 + 58), "took the minutes", font=f_small,
           fill=INK, anchor="rt")

    # Lenin had to turn round to speak to Gorbunov.
    p0 = (lx + 40, ly + 40)
    p1 = ((gx0 + gx1) / 2 - 40, gy0 - 80)
    dashed(d, [p0, p1])
    arrow_head(d, p1, p0)
    d.text((1000, 470), "Lenin had to", font=f_label, fill=INK)
    d.text((1000, 510), "turn round", font=f_label, fill=INK)

    # Key, in the right margin
    kx = RX1 + 60
    d.text((kx, 640), "Key", font=f_label_b, fill=INK)
    chair(d, kx + 26, 720, facing=270, size=40)
    d.text((kx + 70, 720), "chair", font=f_small, fill=INK, anchor="lm")
    bulb(d, kx + 26, 800, r=12)
    d.text((kx + 70, 800), "bulb", font=f_small, fill=INK, anchor="lm")
    d.rectangle([kx + 12, 860, kx + 12 + T, 920], fill=GLASS, outline=INK, width=3)
    d.line([kx + 12 + T / 2, 860, kx + 12 + T / 2, 920], fill=INK, width=2)
    d.text((kx + 70, 890), "window", font=f_small, fill=INK, anchor="lm")

    return img


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    draw().save(out, "PNG", optimize=True)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
