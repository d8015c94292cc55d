#!/usr/bin/env python3
"""Generate the binary images of the "everything" test book.

Deterministic: fixed drawing, no randomness, no timestamps, fixed JPEG
quality and no optimiser passes, so the same Pillow build writes the same
bytes on every run.  Run from anywhere:

    python tests/books/everything/make_images.py

Outputs (under assets/images/):
    cover.jpg       1600x2560 RGB JPEG, supplied cover with the title
    photo-cmyk.jpg  1200x800  CMYK JPEG carrying EXIF Make + GPSInfo (fake)
    big-photo.jpg   3000x2000 RGB JPEG (6 MP, above the 4 MP cap)
    alpha.png       800x600   RGBA PNG with partly transparent shapes
    icon.png        64x64     RGBA PNG icon, used inline in running text
diagram.svg is hand-written and kept in version control, not generated.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
OUT = HERE / "assets" / "images"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def font(name: str, size: int) -> ImageFont.ImageFont:
    path = FONT_DIR / name
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def vertical_gradient(size: tuple[int, int], top: tuple[int, int, int],
                      bottom: tuple[int, int, int]) -> Image.Image:
    """Smooth RGB gradient from top colour to bottom colour."""
    mask = Image.linear_gradient("L").resize(size, Image.Resampling.BICUBIC)
    return Image.composite(Image.new("RGB", size, bottom),
                           Image.new("RGB", size, top), mask)


def landscape(size: tuple[int, int]) -> Image.Image:
    """A simple scene: sky gradient, sun, two hills, a lake."""
    w, h = size
    img = vertical_gradient(size, (70, 130, 200), (250, 215, 160))
    d = ImageDraw.Draw(img)
    d.ellipse((int(w * 0.68), int(h * 0.12), int(w * 0.82), int(h * 0.12) + int(w * 0.14)),
              fill=(255, 236, 150))
    d.polygon([(0, int(h * 0.62)), (int(w * 0.30), int(h * 0.38)),
               (int(w * 0.62), int(h * 0.66)), (0, h)], fill=(70, 110, 70))
    d.polygon([(int(w * 0.35), int(h * 0.70)), (int(w * 0.72), int(h * 0.44)),
               (w, int(h * 0.62)), (w, h), (int(w * 0.35), h)], fill=(50, 90, 60))
    d.rectangle((0, int(h * 0.80), w, h), fill=(60, 110, 160))
    return img


def save_jpeg(img: Image.Image, name: str, quality: int, **kw) -> None:
    img.save(OUT / name, "JPEG", quality=quality, optimize=False,
             progressive=False, subsampling="4:2:0", **kw)


def make_cover() -> None:
    w, h = 1600, 2560
    img = vertical_gradient((w, h), (25, 35, 80), (120, 40, 70))
    d = ImageDraw.Draw(img)
    d.rectangle((80, 80, w - 81, h - 81), outline=(235, 200, 120), width=12)
    size = 240  # largest size at which "Everything" fits inside the frame
    while d.textlength("Everything", font=font("DejaVuSerif-Bold.ttf", size)) > w - 320:
        size -= 4
    title_font = font("DejaVuSerif-Bold.ttf", size)
    for i, word in enumerate(["The", "Everything", "Book"]):
        d.text((w // 2, 640 + i * int(size * 1.35)), word, font=title_font,
               fill=(250, 240, 210), anchor="mm")
    d.line((300, 1480, w - 300, 1480), fill=(235, 200, 120), width=8)
    d.text((w // 2, 1620), "A test book for bookbuild",
           font=font("DejaVuSerif-Italic.ttf", 80), fill=(235, 220, 190), anchor="mm")
    d.text((w // 2, 2250), "Ada Example", font=font("DejaVuSans.ttf", 110),
           fill=(250, 240, 210), anchor="mm")
    save_jpeg(img, "cover.jpg", quality=80)


def make_photo_cmyk() -> None:
    img = landscape((1200, 800)).convert("CMYK")
    exif = Image.Exif()
    exif[0x010F] = "Bookbuild Test Camera Co."   # Make
    exif[0x0110] = "Model T-1"                   # Model
    gps = exif.get_ifd(0x8825)                    # GPSInfo IFD (fake position)
    gps[0x0000] = b"\x02\x03\x00\x00"            # GPSVersionID 2.3.0.0
    gps[0x0001] = "N"                            # GPSLatitudeRef
    gps[0x0002] = (51.0, 30.0, 26.0)             # GPSLatitude
    gps[0x0003] = "W"                            # GPSLongitudeRef
    gps[0x0004] = (0.0, 7.0, 39.0)               # GPSLongitude
    save_jpeg(img, "photo-cmyk.jpg", quality=80, exif=exif.tobytes())


def make_big_photo() -> None:
    save_jpeg(landscape((3000, 2000)), "big-photo.jpg", quality=70)


def make_alpha() -> None:
    w, h = 800, 600
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    d.ellipse((60, 80, 460, 480), fill=(220, 40, 40, 170))
    img = Image.alpha_composite(img, layer)
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    d.ellipse((340, 80, 740, 480), fill=(40, 90, 220, 170))
    img = Image.alpha_composite(img, layer)
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    d.regular_polygon((400, 360, 200), 3, fill=(40, 180, 70, 200))
    d.rectangle((40, 520, 760, 560), fill=(20, 20, 20, 255))
    img = Image.alpha_composite(img, layer)
    img.save(OUT / "alpha.png", "PNG", optimize=True)


def make_icon() -> None:
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((2, 2, 61, 61), fill=(30, 110, 200, 255), outline=(10, 40, 90, 255), width=3)
    d.text((32, 33), "i", font=font("DejaVuSerif-Bold.ttf", 44),
           fill=(255, 255, 255, 255), anchor="mm")
    img.save(OUT / "icon.png", "PNG", optimize=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    make_cover()
    make_photo_cmyk()
    make_big_photo()
    make_alpha()
    make_icon()
    for p in sorted(OUT.iterdir()):
        print(f"{p.relative_to(HERE)}  {p.stat().st_size:>8} bytes")


if __name__ == "__main__":
    main()
