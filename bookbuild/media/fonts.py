"""The book's fonts: OFL faces from PyPI packages, their fallback order, and what they cover.

Both covers and the print interior are set in these and nothing else (no system fonts, no
silent fallback), so a build is the same on every machine and a character none of them covers
is found before typesetting. They live here, below the writers, because the e-book cover is
drawn with them as well as the print (bookbuild.pdf.fonts adds what only print needs).
"""

from __future__ import annotations

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
# The designs' faces (book.style.FONTS), each with its regular and italic files. Crimson Pro
# and Atkinson Hyperlegible have no Cyrillic or Greek: FALLBACK says which face of like kind
# sets those letters (a serif for a serif, a sans for a sans) before the script faces do.
DESIGN_FACES = {
    "EB Garamond": BODY,
    "Crimson Pro": Face("Crimson Pro", "fontpkg_crimson_pro", "files",
                        ("CrimsonPro[wght].ttf", "CrimsonPro-Italic[wght].ttf")),
    "Literata": Face("Literata", "fontpkg_literata", "files",
                     ("Literata[opsz,wght].ttf", "Literata-Italic[opsz,wght].ttf")),
    "Source Serif 4": Face("Source Serif 4", "fontpkg_source_serif_4", "files",
                           ("SourceSerif4[opsz,wght].ttf", "SourceSerif4-Italic[opsz,wght].ttf")),
    "Source Sans 3": Face("Source Sans 3", "fontpkg_source_sans_3", "files",
                          ("SourceSans3[wght].ttf", "SourceSans3-Italic[wght].ttf")),
    "Atkinson Hyperlegible": Face("Atkinson Hyperlegible", "fontpkg_atkinson_hyperlegible",
                                  "files", ("AtkinsonHyperlegible-Regular.ttf",
                                            "AtkinsonHyperlegible-Italic.ttf",
                                            "AtkinsonHyperlegible-Bold.ttf",
                                            "AtkinsonHyperlegible-BoldItalic.ttf")),
}
FALLBACK = {"Crimson Pro": "EB Garamond", "Atkinson Hyperlegible": "Source Sans 3"}


def design_faces(family: str) -> list[Face]:
    """The design face `family` and the face that sets what it lacks, in that order."""
    faces = [DESIGN_FACES[family]]
    if family in FALLBACK:
        faces.append(DESIGN_FACES[FALLBACK[family]])
    return faces


# Languages whose CJK glyph forms differ: their text prefers the matching face.
CJK_PREFERENCE = {"ja": JAPANESE, "zh": CHINESE, "ko": KOREAN}


def chain(lang: str | None = None, family: str = BODY.family) -> list[str]:
    """Font families in fallback order for text in `lang`, set in `family` (a design face)."""
    faces = faces_of(family)
    preferred = CJK_PREFERENCE.get((lang or "").split("-")[0].lower())
    if preferred:
        faces.remove(preferred)
        faces.insert(1, preferred)
    return [f.family for f in faces]


def folder(face: Face) -> Path:
    return Path(str(resources.files(face.package).joinpath(face.folder)))


def faces_of(family: str) -> list[Face]:
    """The faces text set in `family` is drawn from, in fallback order."""
    first = design_faces(family)
    return first + [f for f in FACES if f not in first]


def font_paths() -> list[str]:
    """Folders for typst.compile(font_paths=…), one per package."""
    return sorted({str(folder(face)) for face in (*FACES, *DESIGN_FACES.values())})


@cache
def _points(face: Face) -> frozenset[int]:
    """Every code point `face` has a glyph for."""
    points: set[int] = set()
    for name in face.files:
        font = TTFont(str(folder(face) / name), lazy=True)
        points.update(font.getBestCmap() or {})
        font.close()
    return frozenset(points)


@cache
def has_feature(face: Face, tag: str) -> bool:
    """Whether the face's first file has the OpenType layout feature `tag` (smcp, onum)."""
    font = TTFont(str(folder(face) / face.files[0]), lazy=True)
    try:
        gsub = font["GSUB"].table if "GSUB" in font else None
        records = gsub.FeatureList.FeatureRecord if gsub and gsub.FeatureList else []
        return any(r.FeatureTag == tag for r in records)
    finally:
        font.close()


def uncovered(text: str, family: str = BODY.family) -> list[str]:
    """Characters of `text` that no face covers, in order of first appearance.

    Controls, format characters (ZWJ, bidi marks) and whitespace need no glyph: the shaper
    drops them, so they never show as boxes. The text is composed (NFC) first, as the shaper
    uses a precomposed glyph when a font lacks the combining mark. A face's character map is
    read only when the faces before it leave something uncovered: a Latin book never reads
    the CJK faces' large maps (most of a print rebuild's font work).
    """
    text = unicodedata.normalize("NFC", text)
    # The distinct characters first: a long text is walked only when one of them is missing.
    wanting = {ch for ch in set(text) if _needs_glyph(ch)}
    for face in faces_of(family):
        if not wanting:
            return []
        points = _points(face)
        wanting = {ch for ch in wanting if ord(ch) not in points}
    if not wanting:
        return []
    return list(dict.fromkeys(ch for ch in text if ch in wanting))


def _needs_glyph(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")


def describe(ch: str) -> str:
    """'ℵ' (U+2135 ALEF SYMBOL)"""
    name = unicodedata.name(ch, "unnamed")
    return f"'{ch}' (U+{ord(ch):04X} {name})"
