"""The print fonts: OFL faces from PyPI packages, their fallback order, and what they cover.

Typst is told to use these and nothing else (no system fonts, no silent fallback), so a build
is the same on every machine and a character none of them covers is found before typesetting.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from fontTools.ttLib import TTFont


@dataclass(frozen=True)
class Face:
    family: str  # as Typst names it
    package: str  # the Python package that ships the files (OFL, licence included)
    folder: str  # folder inside the package
    files: tuple[str, ...]  # the ones whose coverage counts


BODY = Face("EB Garamond", "fontpkg_eb_garamond", "files",
            ("EBGaramond[wght].ttf", "EBGaramond-Italic[wght].ttf"))
ARABIC = Face("Amiri", "fontpkg_amiri", "files", ("Amiri-Regular.ttf",))
CHINESE = Face("Noto Serif SC", "pylopdf_fonts_zh_cn", ".", ("NotoSerifSC-Regular.otf",))
JAPANESE = Face("Noto Serif JP", "pylopdf_fonts_jp", ".", ("NotoSerifJP-Regular.otf",))
KOREAN = Face("Noto Serif KR", "pylopdf_fonts_ko", ".", ("NotoSerifKR-Regular.otf",))
DEVANAGARI = Face("Noto Serif Devanagari", "pylopdf_fonts_hi", ".",
                  ("NotoSerifDevanagari-Variable.ttf",))
HEBREW = Face("Noto Serif Hebrew", "pylopdf_fonts_he", ".", ("NotoSerifHebrew-Variable.ttf",))
THAI = Face("Noto Serif Thai", "pylopdf_fonts_th", ".", ("NotoSerifThai-Variable.ttf",))
# Fallback order: the body face first; of the CJK faces, the one the book's language prefers.
FACES = (BODY, ARABIC, CHINESE, JAPANESE, KOREAN, DEVANAGARI, HEBREW, THAI)
# Typst embeds these itself; they are used for code and math only.
MONO = "DejaVu Sans Mono"
MATH = "New Computer Modern Math"
# Languages whose CJK glyph forms differ: their text prefers the matching face.
CJK_PREFERENCE = {"ja": JAPANESE, "zh": CHINESE, "ko": KOREAN}


def chain(lang: str | None = None, static: bool = False) -> list[str]:
    """Font families in fallback order for text in `lang`; with `static`, the body face's
    default instance first (see static_font_paths)."""
    faces = list(FACES)
    preferred = CJK_PREFERENCE.get((lang or "").split("-")[0].lower())
    if preferred:
        faces.remove(preferred)
        faces.insert(1, preferred)
    return ([STATIC_FAMILY] if static else []) + [f.family for f in faces]


def folder(face: Face) -> Path:
    return Path(str(resources.files(face.package).joinpath(face.folder)))


# Languages whose text is set in a face of its own beside the body face.
SCRIPT_FACES = {"ja": JAPANESE, "zh": CHINESE, "ko": KOREAN,
                "ar": ARABIC, "fa": ARABIC, "ur": ARABIC,
                "hi": DEVANAGARI, "mr": DEVANAGARI, "ne": DEVANAGARI, "sa": DEVANAGARI,
                "he": HEBREW, "yi": HEBREW, "th": THAI}


def faces_for(language: str) -> list[str]:
    """The families a book in `language` is set in, for its colophon."""
    face = SCRIPT_FACES.get(language.split("-")[0].lower())
    return [BODY.family] + ([face.family] if face else [])


def font_paths() -> list[str]:
    """Folders for typst.compile(font_paths=…), one per package."""
    return sorted({str(folder(face)) for face in FACES})


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


@cache
def coverage() -> frozenset[int]:
    """Every code point some print face has a glyph for."""
    points: set[int] = set()
    for face in FACES:
        for name in face.files:
            font = TTFont(str(folder(face) / name), lazy=True)
            points.update(font.getBestCmap() or {})
            font.close()
    return frozenset(points)


def uncovered(text: str) -> list[str]:
    """Characters of `text` that no face covers, in order of first appearance.

    Controls, format characters (ZWJ, bidi marks) and whitespace need no glyph: the shaper
    drops them, so they never show as boxes. The text is composed (NFC) first, as the shaper
    uses a precomposed glyph when a font lacks the combining mark.
    """
    covered = coverage()
    text = unicodedata.normalize("NFC", text)
    # The distinct characters first: a long text is walked only when one of them is missing.
    wanting = {ch for ch in set(text) if ord(ch) not in covered and _needs_glyph(ch)}
    if not wanting:
        return []
    return list(dict.fromkeys(ch for ch in text if ch in wanting))


def _needs_glyph(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")


def describe(ch: str) -> str:
    """'ℵ' (U+2135 ALEF SYMBOL)"""
    name = unicodedata.name(ch, "unnamed")
    return f"'{ch}' (U+{ord(ch):04X} {name})"
