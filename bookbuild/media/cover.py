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


def _compile(meta: Metadata, **output) -> bytes:
    config = {"width": PAGE[0], "height": PAGE[1], "title": meta.title,
              "subtitle": meta.subtitle, "author": meta.author_line,
              "lang": meta.language.split("-")[0].lower(), "fonts": fonts.chain(meta.language),
              "colors": {"background": BACKGROUND, "ink": INK, "accent": ACCENT}}
    folder = resources.files("bookbuild.media").joinpath(TEMPLATES)
    try:
        return typst.compile(str(folder.joinpath("cover-image.typ")), root=str(folder),
                             font_paths=fonts.font_paths(), ignore_system_fonts=True,
                             sys_inputs={"cover": json.dumps(config)}, **output)
    except typst.TypstError as e:
        raise BookError(f"the cover could not be drawn: {e.message}") from None


def front_template() -> bytes:
    """templates/front.typ, for the print wrap to set the same front."""
    return resources.files("bookbuild.media").joinpath(TEMPLATES, "front.typ").read_bytes()


def cover_warnings(book: Book) -> list[Diagnostic]:
    """A warning at book.yaml's line of each key whose text on the generated cover has a
    character no font has: Typst would draw it as an empty box."""
    meta = book.metadata
    if meta.cover:
        return []  # the author's own art is the cover
    shown = {"title": meta.title, "subtitle": meta.subtitle, "author": meta.author_line}
    warnings = []
    for key, text in shown.items():
        missing = fonts.uncovered(text or "")
        if missing:
            warnings.append(Diagnostic("PDF-GLYPH-001", "warning", _message(key, missing),
                                       METADATA_FILE, book.line(key),
                                       hint="bookbuild has no font for them yet: say so in an "
                                            "issue, or leave them out of the cover's text"))
    return warnings


def _message(key: str, missing: list[str]) -> str:
    named = ", ".join(fonts.describe(ch) for ch in missing[:4])
    if len(missing) == 1:
        return f"no font has the character {named} in the {key}; the e-book cover shows a box"
    more = f" and {len(missing) - 4} more" if len(missing) > 4 else ""
    return (f"no font has the characters {named}{more} in the {key}; the e-book cover shows "
            f"boxes")


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
