"""Draws assets/images/compass.png: black ink on a transparent ground (a night-mode test).

Deterministic: the same bytes on every run with the same Pillow build. Run from the repo:
    .venv/bin/python tests/books/stress/make_images.py
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).parent


def compass(size: int = 600) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c, r = size // 2, size // 2 - 95  # room above the ring for the "N"
    draw.ellipse((c - r, c - r, c + r, c + r), outline=(0, 0, 0, 255), width=10)
    for dx, dy in ((0, -1), (1, 0), (0, 1), (-1, 0)):
        tip = (c + dx * (r - 20), c + dy * (r - 20))
        side1 = (c + dy * 40, c - dx * 40)
        side2 = (c - dy * 40, c + dx * 40)
        draw.polygon([tip, side1, (c, c), side2], fill=(0, 0, 0, 255))
    font = ImageFont.load_default(size=72)
    draw.text((c, 8), "N", fill=(0, 0, 0, 255), font=font, anchor="mt")
    return image


if __name__ == "__main__":
    out = HERE / "assets/images/compass.png"
    compass().save(out, optimize=True)
    print(f"wrote {out}")
