"""The print fonts: the book's faces (bookbuild.media.fonts, shared with the e-book cover), the
body face's static instance that speeds typesetting, and the faces named in the colophon.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from fontTools.ttLib import TTFont

from bookbuild.media import fonts as shared
from bookbuild.media.fonts import (  # noqa: F401 (the print side's names for them)
    ARABIC,
    BODY,
    CHINESE,
    CJK_PREFERENCE,
    DEVANAGARI,
    FACES,
    HEBREW,
    JAPANESE,
    KOREAN,
    THAI,
    Face,
    describe,
    folder,
    font_paths,
    uncovered,
)

# Typst embeds these itself; they are used for code and math only.
MONO = "DejaVu Sans Mono"
MATH = "New Computer Modern Math"


def chain(lang: str | None = None, static: bool = False, family: str = BODY.family) -> list[str]:
    """Font families in fallback order for text in `lang` set in `family`; with `static`,
    EB Garamond's default instance first (see static_font_paths)."""
    first = [STATIC_FAMILY] if static and family == BODY.family else []
    return first + shared.chain(lang, family)


def has_small_caps(family: str) -> bool:
    """Whether the face has its own small capitals (the smcp feature)."""
    return shared.has_feature(shared.DESIGN_FACES[family], "smcp")


# Languages whose text is set in a face of its own beside the body face.
SCRIPT_FACES = {"ja": JAPANESE, "zh": CHINESE, "ko": KOREAN,
                "ar": ARABIC, "fa": ARABIC, "ur": ARABIC,
                "hi": DEVANAGARI, "mr": DEVANAGARI, "ne": DEVANAGARI, "sa": DEVANAGARI,
                "he": HEBREW, "yi": HEBREW, "th": THAI}


def faces_for(language: str) -> list[str]:
    """The families a book in `language` is set in, for its colophon."""
    face = SCRIPT_FACES.get(language.split("-")[0].lower())
    return [BODY.family] + ([face.family] if face else [])


# The body face is a variable font, and Typst walks its variation data in every glyph's
# positioning and every subset even at the default weight: a tenth of its time on a long book.
# So text at weight 400 (nearly all of it) is set from the default instance as a static font
# of its own family, written for each build; text at other weights (bold, the title) keeps the
# variable font. Same outlines, metrics and kerning: the pages do not change.
STATIC_FAMILY = "EB Garamond Static"
VARIATIONS = ("fvar", "gvar", "avar", "cvar", "HVAR", "VVAR", "MVAR", "STAT")
VERSION = "static-1"  # change with what _write_static does


def static_font_paths() -> list[str]:
    """font_paths() and a folder with the body face's default instance. The folder is made
    once per font version and user, in the temporary directory, and shared by builds."""
    sources = [folder(BODY) / name for name in BODY.files]
    digest = hashlib.sha256(VERSION.encode())
    for path in sources:
        digest.update(path.read_bytes())
    user = getattr(os, "getuid", lambda: 0)()
    out = Path(tempfile.gettempdir()) / f"bookbuild-fonts-{user}-{digest.hexdigest()[:16]}"
    if not all((out / path.name).is_file() for path in sources):
        _write_static(sources, out)
    return sorted({*font_paths(), str(out)})


def _write_static(sources: list[Path], out: Path) -> None:
    """Write the default instances into `out`, whole or not at all (builds may race)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for path in sources:
            font = TTFont(str(path), lazy=True)
            for tag in VARIATIONS:
                if tag in font:
                    del font[tag]
            gdef = font["GDEF"].table if "GDEF" in font else None
            if gdef is not None and getattr(gdef, "VarStore", None) is not None:
                gdef.VarStore = None  # position deltas for other weights
                gdef.Version = 0x00010002 if getattr(gdef, "MarkGlyphSetsDef", None) \
                    else 0x00010000
            names = font["name"]
            for record in list(names.names):
                if record.nameID in (1, 16):  # the family; the PostScript name (in the PDF) stays
                    names.setName(STATIC_FAMILY, record.nameID, record.platformID,
                                  record.platEncID, record.langID)
            font.save(str(tmp / path.name))
            font.close()
        os.rename(tmp, out)
    except OSError:
        if not out.is_dir():
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
