"""The generated e-book cover: the print cover's front panel, set by Typst in the book's fonts
and saved as a 1600×2560 JPEG.

One design for the store and the shelf: templates/front.typ is the front panel of the print
wrap too, and both are set in bookbuild.media.fonts, which shape Arabic, Hebrew, CJK,
Devanagari and Thai as the print does. A character none of those fonts has would show as a
box; cover_warnings says so at its line of book.yaml.
"""

from __future__ import annotations

import io
import json
from functools import cache
from importlib import resources

import typst
from PIL import Image, ImageFont

from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.book.model import Book, Metadata
from bookbuild.media import fonts
from bookbuild.support.diagnostics import Diagnostic
from bookbuild.support.errors import BookError

SIZE = (1600, 2560)
BACKGROUND = (38, 44, 58)
INK = (240, 232, 214)
ACCENT = (196, 160, 98)
PAGE = (400, 640)  # points: SIZE at PPI
PPI = 288
TEMPLATES = "templates"


def render(meta: Metadata, size: tuple[int, int] = SIZE) -> Image.Image:
    with Image.open(io.BytesIO(cover_png(meta))) as png:
        im = png.convert("RGB")
    return im if size == SIZE else im.resize(size, Image.Resampling.LANCZOS)


def cover_jpeg(meta: Metadata) -> bytes:
    out = io.BytesIO()
    render(meta).save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()


def cover_png(meta: Metadata) -> bytes:
    """The front panel at SIZE, as Typst draws it (the same bytes for the same metadata)."""
    return _compile(meta, format="png", ppi=PPI)


def fingerprint(meta: Metadata) -> str:
    """All the drawn cover depends on, for a cache key: its inputs and the templates."""
    folder = resources.files("bookbuild.media").joinpath(TEMPLATES)
    templates = [folder.joinpath(n).read_text("utf-8") for n in ("cover-image.typ", "front.typ")]
    return json.dumps([_config(meta), templates], sort_keys=True)


def _config(meta: Metadata) -> dict:
    return {"width": PAGE[0], "height": PAGE[1], "title": meta.title,
            "subtitle": meta.subtitle, "author": meta.author_line,
            "lang": meta.language.split("-")[0].lower(), "fonts": fonts.chain(meta.language),
            "colors": {"background": BACKGROUND, "ink": INK, "accent": ACCENT}}


def _compile(meta: Metadata, **output) -> bytes:
    folder = resources.files("bookbuild.media").joinpath(TEMPLATES)
    try:
        return typst.compile(str(folder.joinpath("cover-image.typ")), root=str(folder),
                             font_paths=fonts.font_paths(), ignore_system_fonts=True,
                             sys_inputs={"cover": json.dumps(_config(meta))}, **output)
    except typst.TypstError as e:
        raise BookError(f"the cover could not be drawn: {e.message}") from None


def front_template() -> bytes:
    """templates/front.typ, for the print wrap to set the same front."""
    return resources.files("bookbuild.media").joinpath(TEMPLATES, "front.typ").read_bytes()


COVER_KEYS = ("title", "subtitle", "author")  # the book.yaml text the generated cover shows
PRINT_KEYS = COVER_KEYS + ("publisher", "rights", "series")  # and the print front matter


def cover_warnings(book: Book) -> list[Diagnostic]:
    """Characters no font has in the text of the generated cover: Typst draws empty boxes."""
    return [] if book.metadata.cover else glyph_warnings(book, COVER_KEYS)


def glyph_warnings(book: Book, keys: tuple[str, ...]) -> list[Diagnostic]:
    """A warning at book.yaml's line of each key whose text has a character no font has.
    The EPUB's cover and the print edition word it alike, so a run that makes both says it
    once."""
    meta = book.metadata
    texts = {"title": meta.title, "subtitle": meta.subtitle, "author": meta.author_line,
             "publisher": meta.publisher, "rights": meta.rights, "series": meta.series}
    warnings = []
    for key in keys:
        missing = fonts.uncovered(texts[key] or "")
        if missing:
            warnings.append(Diagnostic("PDF-GLYPH-001", "warning", _message(key, missing),
                                       METADATA_FILE, book.line(key),
                                       hint="bookbuild has no font for them yet: say so in an "
                                            "issue, or leave them out of book.yaml's text"))
    return warnings


def _message(key: str, missing: list[str]) -> str:
    named = ", ".join(fonts.describe(ch) for ch in missing[:4])
    if len(missing) == 1:
        return f"no font has the character {named} in the {key}; a box stands in for it"
    more = f" and {len(missing) - 4} more" if len(missing) > 4 else ""
    return f"no font has the characters {named}{more} in the {key}; boxes stand in for them"


# The proof sheets label pages in EB Garamond through Pillow.
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
