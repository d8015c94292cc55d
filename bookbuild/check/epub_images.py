"""Images: alt text, size limits for e-readers, the cover's size, readable files."""

from __future__ import annotations

import io

from PIL import Image

from bookbuild.check.epub_docs import documents
from bookbuild.check.epub_file import EpubFile, Item
from bookbuild.check.registry import Hit, rule

MAX_PIXELS = 4_000_000
COVER_MIN = (1600, 2560)
RASTER = ("image/jpeg", "image/png", "image/gif", "image/webp")
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
# What Pillow calls formats that are one of those: a camera's MPO is a JPEG with more JPEGs
# after it, and every JPEG reader shows its first.
ALIASES = {"MPO": "JPEG"}
PRESENTATIONAL = {"presentation", "none"}


def _images(epub: EpubFile):
    """(document path, image facts) for every img element."""
    for item, facts in documents(epub):
        for img in facts.images:
            if img.tag == "img":
                yield item.path, img


def _stem(src: str) -> str:
    return src.rsplit("/", 1)[-1].rsplit(".", 1)[0]


@rule("EPUB-IMG-001", "error",
      "describe the image: ![Caption](images/x.jpg){fig-alt=\"…\"}, or mark it {.decorative}",
      "epub")
def alt_present(epub: EpubFile):
    """Every <img> has an alt attribute."""
    for path, img in _images(epub):
        if img.alt is None:
            src = img.src or ""
            yield Hit(f"image {src or '(no src)'} has no alt attribute", path, img.line,
                      needle=_stem(src) or None)


@rule("EPUB-IMG-002", "warning",
      "describe the image, or mark it {.decorative} so it is skipped on purpose", "epub")
def alt_not_empty(epub: EpubFile):
    """An empty alt is only for images marked decorative (role="presentation")."""
    for path, img in _images(epub):
        if img.alt is not None and not img.alt.strip() and img.role not in PRESENTATIONAL:
            src = img.src or ""
            yield Hit(f"image {src} has an empty alt but is not marked decorative", path,
                      img.line, needle=_stem(src) or None)


def _users(epub: EpubFile) -> dict[str, tuple[str, int]]:
    """Image entry → (first document that shows it, line)."""
    users: dict[str, tuple[str, int]] = {}
    for path, img in _images(epub):
        target = epub.resolve(path, img.src or "")
        if target:
            users.setdefault(target[0], (path, img.line))
    return users


def _open(epub: EpubFile, item: Item):
    """(width, height, format) of a raster image from its header, or an error string."""
    key = ("image", item.path)
    if key not in epub.cache:
        epub.cache[key] = _header(epub.read(item.path))
    return epub.cache[key]


def _header(data: bytes | None):
    if data is None:
        return None
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.width, im.height, im.format
    except Image.DecompressionBombError as e:
        return f"too large to open safely ({e})"
    except Image.UnidentifiedImageError:
        return "not a readable image (its bytes are no image format we know)"
    except Exception as e:  # noqa: BLE001 - any decoder failure means a broken file
        return f"not a readable image ({type(e).__name__}: {e})"


@rule("EPUB-IMG-003", "warning",
      "bookbuild scales images to 4 MP; supply a smaller file if this EPUB came from elsewhere",
      "epub")
def not_too_large(epub: EpubFile):
    """No raster image is larger than 4 megapixels (readers and stores choke on them)."""
    users = _users(epub)
    for item in epub.items_of(*RASTER):
        if item is epub.cover_item:
            continue  # EPUB-IMG-004 has the cover's own size rule
        info = _open(epub, item)
        if isinstance(info, tuple) and info[0] * info[1] > MAX_PIXELS:
            doc, line = users.get(item.path, (item.path, None))
            yield Hit(f"{item.path} is {info[0]}×{info[1]} "
                      f"({info[0] * info[1] / 1e6:.1f} MP; at most 4 MP)", doc, line,
                      needle=_stem(item.path))
        elif isinstance(info, str) and info.startswith("too large"):
            yield Hit(f"{item.path} is {info}", item.path)


@rule("EPUB-IMG-004", "warning",
      "supply a cover of at least 1600×2560 pixels (cover: in book.yaml)", "epub")
def cover_size(epub: EpubFile):
    """The cover image is at least 1600×2560 pixels (what stores ask for)."""
    item = epub.cover_item
    if item is None or item.media_type not in RASTER or item.path not in epub.names:
        return
    info = _open(epub, item)
    if isinstance(info, tuple) and (info[0] < COVER_MIN[0] or info[1] < COVER_MIN[1]):
        yield Hit(f"the cover {item.path} is {info[0]}×{info[1]}; stores ask for at least "
                  f"{COVER_MIN[0]}×{COVER_MIN[1]}", epub.opf_path, needle="cover:")


@rule("EPUB-IMG-005", "error", "re-export the image as JPEG or PNG", "epub")
def readable(epub: EpubFile):
    """Every raster image opens, and is the format its media type says."""
    for item in epub.items_of(*RASTER):
        if item.path not in epub.names:
            continue
        info = _open(epub, item)
        if isinstance(info, str) and not info.startswith("too large"):
            yield Hit(f"{item.path}: {info}", item.path)
        elif isinstance(info, tuple) and ALIASES.get(info[2], info[2]) != FORMATS[item.media_type]:
            yield Hit(f"{item.path} is declared {item.media_type} but is {info[2]}", item.path)
