"""Every image job goes through Pillow: e-reader renditions, checks and the generated cover."""

from __future__ import annotations

import io
import math
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from PIL import Image, ImageCms, ImageOps

from bookbuild.support import safety, xml
from bookbuild.support.errors import BookError
from bookbuild.support.paths import UnsafePath, inside, slugify

MAX_PIXELS = 4_000_000  # e-reader renditions; stores and old readers choke above this
COVER_SIZE = (1600, 2560)
# Refuse decompression bombs before decoding: far above any real book image, far below 40k×40k.
Image.MAX_IMAGE_PIXELS = 100_000_000

MEDIA_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
RASTER_INPUTS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp"}
SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "handler"}
_SVG_PARSER = xml.PARSER


@dataclass(frozen=True)
class Rendition:
    name: str  # path in the EPUB, e.g. "images/x.jpg"
    data: bytes
    media_type: str
    width: int | None = None
    height: int | None = None


def epub_name(src: str) -> str:
    """A URL-safe name under images/ for an author's image path."""
    path = Path(src.replace("\\", "/"))
    parts = [slugify(p, "x") for p in path.parent.parts if p not in (".", "images")]
    stem = slugify(path.stem, "image")
    return "/".join(["images", *parts, stem + path.suffix.lower().replace(".jpeg", ".jpg")])


def locate(root: Path, src: str) -> Path:
    """The file an author's image path names under assets/; ValueError says why there is none."""
    try:
        path = inside(root, src, "assets")
    except UnsafePath as e:
        raise ValueError(f"image {e}") from None
    if not path.exists():
        raise ValueError(f"image {src} not found (looked for assets/{src})")
    if not path.is_file():
        raise ValueError(f"image {src} is not a regular file (assets/{src})")
    if not supported(src):
        raise ValueError(f"image {src}: unsupported type; use JPEG, PNG, GIF, WebP or SVG")
    return path


def supported(name: str) -> bool:
    suffix = Path(name).suffix.lower()
    return suffix == ".svg" or suffix in RASTER_INPUTS


# Formats a book image can be in. Anything else Pillow could sniff (EPS runs Ghostscript, and
# a dozen exotic decoders) is refused before a decoder touches it.
FORMATS = ["JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP"]


def open_image(path: Path, label: str) -> Image.Image:
    """Open and fully decode, turning every Pillow failure into one clear problem."""
    with _refusing(path, label):
        with open_header(path, label) as im:
            im.load()
            return _keep_format(im)


def open_header(path: Path, label: str) -> Image.Image:
    """Open without decoding (print leaves the pixels on disk for Typst), refusing what
    open_image refuses: too many pixels, or what is not an image."""
    with _refusing(path, label):
        return Image.open(path, formats=FORMATS)


@contextmanager
def _refusing(path: Path, label: str):
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; we refuse outright, and its
        # other warnings (odd EXIF, sRGB chunk) are not the author's problem.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise BookError(f"{label}: image is too large to open safely ({_pixels(path)}; the "
                            f"limit is {Image.MAX_IMAGE_PIXELS // 1_000_000} megapixels); "
                            f"scale it down") from None
        except Image.UnidentifiedImageError:
            raise BookError(f"{label}: not a readable image (not JPEG, PNG, GIF, WebP, TIFF "
                            f"or BMP data)") from None
        except (OSError, SyntaxError, ValueError, EOFError) as e:
            raise BookError(f"{label}: not a readable image ({e})") from None


def _pixels(path: Path) -> str:
    """The size a too-large image claims, read from its header without decoding it."""
    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(path, formats=FORMATS) as im:
            w, h = im.size
        return f"{w}×{h} pixels"
    except Exception:  # noqa: BLE001 - only for a friendlier message
        return "too many pixels"
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _keep_format(im: Image.Image) -> Image.Image:
    out = im.copy()
    out.format = im.format
    out.info = dict(im.info)
    return out


def to_srgb(im: Image.Image) -> Image.Image:
    """Convert any mode to RGB or RGBA; colour-managed when the image carries a profile."""
    im = ImageOps.exif_transpose(im)  # bake rotation in before EXIF is dropped
    alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
    target = "RGBA" if alpha else "RGB"
    icc = im.info.get("icc_profile")
    if icc and im.mode in ("CMYK", "RGB", "L"):
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            dst = ImageCms.createProfile("sRGB")
            return ImageCms.profileToProfile(im, src, dst, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: fall back to a plain conversion
    return im.convert(target)


def fit(im: Image.Image, max_pixels: int = MAX_PIXELS) -> Image.Image:
    w, h = im.size
    if w * h <= max_pixels:
        return im
    scale = math.sqrt(max_pixels / (w * h))
    size = (max(1, int(w * scale)), max(1, int(h * scale)))
    return im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode(im: Image.Image, photo: bool) -> tuple[bytes, str]:
    """Recompress without metadata: EXIF, GPS and comments never reach the reader."""
    out = io.BytesIO()
    if photo and im.mode == "RGB":
        im.save(out, "JPEG", quality=85, optimize=True, progressive=False, subsampling="4:2:0")
        return out.getvalue(), ".jpg"
    im.save(out, "PNG", optimize=True)
    return out.getvalue(), ".png"


def raster_rendition(path: Path, name: str, label: str, max_pixels: int = MAX_PIXELS) -> Rendition:
    im = open_image(path, label)
    photo = im.format in ("JPEG", "TIFF", "BMP", "WEBP") and im.mode not in ("P", "1")
    im = fit(to_srgb(im), max_pixels)
    data, suffix = encode(im, photo)
    out_name = str(Path(name).with_suffix(suffix))
    return Rendition(out_name, data, MEDIA_TYPES[suffix], *im.size)


_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[|<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*>\s*", re.IGNORECASE)


def svg_rendition(path: Path, name: str, label: str) -> Rendition:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise BookError(f"{label}: cannot read it ({e.strerror})") from None
    try:
        root = etree.fromstring(data, _SVG_PARSER)
    except etree.XMLSyntaxError as e:
        raise BookError(f"{label}: not a well-formed SVG ({e.msg})") from None
    if _INTERNAL_SUBSET.search(data):
        # Entities are how XXE and billion-laughs files work; no drawing program needs them.
        raise BookError(f"{label}: SVG declares its own entities (<!DOCTYPE … [ … ]>); "
                        f"save it as plain SVG")
    # The public DOCTYPE line Illustrator, Inkscape and Graphviz write names a DTD that is
    # never loaded; EPUB forbids external identifiers (OPF-073), so it is left out.
    data = _DOCTYPE.sub(b"", data, count=1)
    if etree.QName(root).localname != "svg":
        raise BookError(f"{label}: not an SVG (root element is <{etree.QName(root).localname}>)")
    for el in root.iter(etree.Element):
        local = etree.QName(el).localname
        if local in SVG_FORBIDDEN or any(a.lower().startswith("on") for a in el.attrib):
            raise BookError(f"{label}: SVG with scripts or event handlers is not allowed")
        for attr, value in el.attrib.items():
            if attr.endswith("href") and not value.startswith("#"):
                raise BookError(f"{label}: SVG refers to an outside resource {value!r}")
        urls = safety.css_urls(el.get("style") or "", declarations=True)
        if local == "style":
            urls += safety.css_urls(el.text or "")
        # url(…) and @import in CSS, except references to the drawing's own #ids.
        if any(not url.startswith("#") for url in urls):
            raise BookError(f"{label}: SVG style refers to an outside resource")
    return Rendition(name, data, MEDIA_TYPES[".svg"])


def rendition(path: Path, name: str, label: str) -> Rendition:
    if Path(name).suffix.lower() == ".svg":
        return svg_rendition(path, name, label)
    return raster_rendition(path, name, label)


def cover_rendition(path: Path, name: str, label: str) -> Rendition:
    """A supplied cover: sRGB JPEG no larger than 1600×2560, aspect kept."""
    im = to_srgb(open_image(path, label)).convert("RGB")
    if im.width > COVER_SIZE[0] or im.height > COVER_SIZE[1]:
        im.thumbnail(COVER_SIZE, Image.Resampling.LANCZOS)
    data, suffix = encode(im, photo=True)
    return Rendition(str(Path(name).with_suffix(suffix)), data, "image/jpeg", *im.size)
