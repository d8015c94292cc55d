"""Pictures for print: full resolution, colour space kept, metadata dropped, sized for the page.

Typst reads JPEG, PNG, GIF, WebP and SVG itself; those go in as they are (JPEGs lose their
EXIF/XMP/IPTC segments without being re-encoded, so GPS positions never reach the printer).
Only what Typst cannot read, such as TIFF or BMP, is converted: CMYK to a maximum-quality JPEG
(PNG has no CMYK), everything else to lossless PNG.
"""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from PIL import Image, ImageOps

from bookbuild.media import images as ebook_images
from bookbuild.support import xml
from bookbuild.support.errors import BookError, Problems

TYPST_READS = {"JPEG", "PNG", "GIF", "WEBP"}
MIN_DPI = 300
# APPn segments that carry camera, location and editing history; ICC (APP2), JFIF (APP0)
# and Adobe (APP14, which says how CMYK is stored) stay.
_DROP_MARKERS = {0xE1, 0xED, 0xFE}


@dataclass
class Picture:
    src: str  # as the author wrote it, under assets/
    file: str  # path in the Typst work folder, "/images/0003.jpg"
    pixels: tuple[int, int] | None  # None for SVG
    aspect: float  # width / height
    cmyk_without_profile: bool = False


def prepare(root: Path, src: str, work: Path, index: int, where: tuple[str, int | None],
            problems: Problems) -> Picture | None:
    """Check one image of the book and put a print-ready copy in `work`/images. `src` is as
    pandoc wrote it, percent-encoded ("my%20square.png"), as the EPUB's writer reads it."""
    source, line = where
    try:
        path = ebook_images.locate(root, unquote(src))
    except ValueError as e:
        problems.add(str(e), source, line)
        return None
    (work / "images").mkdir(exist_ok=True)
    try:
        if path.suffix.lower() == ".svg":
            return _svg(path, src, work, index)
        return _raster(path, src, work, index)
    except BookError as e:
        for p in e.problems:
            problems.add(p.message, source, line)
        return None


def _svg(path: Path, src: str, work: Path, index: int) -> Picture:
    rendition = ebook_images.svg_rendition(path, src, f"image {src}")  # refuses scripts, links
    name = f"images/{index:04d}.svg"
    (work / name).write_bytes(rendition.data)
    return Picture(src, "/" + name, None, svg_aspect(rendition.data))


def svg_aspect(data: bytes) -> float:
    root = xml.parse(data)
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        w, h = float(box[2]), float(box[3])
    else:
        w, h = _svg_length(root.get("width")), _svg_length(root.get("height"))
    return w / h if w > 0 and h > 0 else 1.0


def _svg_length(value: str | None) -> float:
    m = re.match(r"^\s*([\d.]+)", value or "")
    return float(m.group(1)) if m else 0.0


def _raster(path: Path, src: str, work: Path, index: int) -> Picture:
    label = f"image {src}"
    # The header only, refused as the EPUB refuses it: the pixels stay on disk for Typst.
    with ebook_images.open_header(path, label) as im:
        size = im.size
        orientation = im.getexif().get(0x0112, 1) if im.format in ("JPEG", "TIFF", "WEBP") else 1
        if orientation in (5, 6, 7, 8):
            size = (size[1], size[0])
        no_profile = im.mode == "CMYK" and not im.info.get("icc_profile")
        if im.format == "JPEG" and orientation == 1:
            name = f"images/{index:04d}.jpg"
            (work / name).write_bytes(strip_jpeg(path.read_bytes()))
        elif im.format in TYPST_READS and orientation == 1:
            name = f"images/{index:04d}{path.suffix.lower()}"
            shutil.copyfile(path, work / name)
        else:
            name = _convert(im, label, work, index)
    return Picture(src, "/" + name, size, size[0] / size[1], no_profile)


def _convert(im: Image.Image, label: str, work: Path, index: int) -> str:
    try:
        im.load()
        icc = im.info.get("icc_profile")
        out = ImageOps.exif_transpose(im)
    except (OSError, SyntaxError, ValueError) as e:
        raise BookError(f"{label}: not a readable image ({e})") from None
    extra = {"icc_profile": icc} if icc else {}
    if out.mode == "CMYK" or (im.format == "JPEG" and out.mode in ("L", "RGB")):
        name = f"images/{index:04d}.jpg"
        out.save(work / name, "JPEG", quality=97, subsampling=0, **extra)
        return name
    if out.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
        out = out.convert("RGBA" if "A" in out.getbands() else "RGB")
    name = f"images/{index:04d}.png"
    out.save(work / name, "PNG", **extra)
    return name


def strip_jpeg(data: bytes) -> bytes:
    """The same JPEG without EXIF, XMP, IPTC and comments; the image data is untouched."""
    if data[:2] != b"\xff\xd8":
        return data
    out = io.BytesIO()
    out.write(data[:2])
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if marker not in _DROP_MARKERS:
            out.write(data[pos:pos + 2 + length])
        pos += 2 + length
    out.write(data[pos:])
    return out.getvalue()


def effective_dpi(picture: Picture, width_pt: float, height_pt: float) -> float | None:
    """Pixels per inch as placed (the lower of the two axes); None for vector art."""
    if picture.pixels is None or width_pt <= 0 or height_pt <= 0:
        return None
    return min(picture.pixels[0] / (width_pt / 72), picture.pixels[1] / (height_pt / 72))
