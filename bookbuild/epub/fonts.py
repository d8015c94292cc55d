"""The design's fonts in the EPUB: static, subset TrueType files and their @font-face rules.

Each face the stylesheet may ask for (the body and heading fonts of `Book.style`, and the
faces that set what they lack) goes in at the weights and styles the CSS uses: regular and
italic at 400, and bold at 700 for the body face (<strong>, <b>). Variable fonts are pinned
to one instance first: Adobe RMSDK, older Kobo firmware and Kindle's engines do not handle
variable fonts, and a static instance of only the book's characters is a few dozen KB where
the variable file is a MB. A face that sets none of the book's characters is left out.

The OFL asks that every copy carry the copyright notice and the licence. Both stay in each
font's name table (IDs 0, 13, 14), and each family's LICENSE file opens the stylesheet as a
comment: a text file of its own in the package would be a manifest item nothing refers to
(EPUBCheck OPF-097) and a link to it a non-standard resource (RSC-010).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.unicodedata import mirrored
from fontTools.varLib import instancer

from bookbuild.book.model import Book
from bookbuild.media.fonts import DESIGN_FACES, Face, design_faces, folder
from bookbuild.support import cache as build_cache
from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.support.xml import XHTML_NS, parse

MEDIA_TYPE = "font/ttf"  # a core media type of EPUB 3.3
# What the book's CSS and the designs' CSS set in these faces: kerning and ligatures, small
# capitals (a chapter's first line, c2sc for capitals among them), old-style and lining,
# proportional and tabular figures. fontTools keeps its default features (ccmp, locl, mark…)
# besides.
FEATURES = ("kern", "liga", "clig", "smcp", "c2sc", "onum", "lnum", "pnum", "tnum")
# Always kept: the spaces, and what a reader draws in the text's font without it being in
# the text: list numbers ("1."), CSS counters (numbered sections) and their separators.
ALWAYS = " \u00a0" + "0123456789.)"
ROMAN, ITALIC, BOLD = (400, False), (400, True), (700, False)
# What most books are written in: Latin (with its extensions), Greek, Cyrillic, and the
# punctuation, currency and symbols of general text. See share_instances().
REPERTOIRE = frozenset(chr(c) for lo, hi in (
    (0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x45F), (0x2010, 0x205E),
    (0x20A0, 0x20BF), (0x2100, 0x215F)) for c in range(lo, hi + 1))
_shared = False  # see share_instances()
# Kept in every face the book embeds that has them, used or not yet: printable ASCII and the
# punctuation that smart quotes and dashes make. An edit that brings the book's first ";" or
# "%" then leaves the subsets as they were (cutting them again takes seconds a face).
TYPING = frozenset(chr(c) for c in range(0x21, 0x7F)) | frozenset("‘’‚“”„–—…")


@dataclass(frozen=True)
class FontFile:
    name: str  # path inside the EPUB: fonts/literata-regular.ttf
    family: str  # as the @font-face rule declares it (a key of media.fonts.DESIGN_FACES)
    weight: int
    italic: bool
    data: bytes


@dataclass(frozen=True)
class Fonts:
    files: list[FontFile]
    css: str  # the licences and @font-face rules, for a stylesheet in css/


NONE = Fonts([], "")


def embedded(book: Book, text: str, store: Cache = NO_CACHE) -> Fonts:
    """The font files for `text` (all the EPUB shows) in the book's design, and their CSS."""
    style = book.style
    if not style.embed_fonts:
        return NONE
    wanted = characters(text)
    needs: dict[tuple[Face, int, bool], set[str]] = {}
    # Sans headings are set bold (modern, nonfiction, large print): their bold is carried too,
    # or readers would smear the regular into a fake one.
    heading = (ROMAN, ITALIC, BOLD) if style.sans_headings else (ROMAN, ITALIC)
    roles = [(style.body_font, (ROMAN, ITALIC, BOLD)), (style.heading_font, heading)]
    room: dict[tuple[Face, int, bool], set[str]] = {}
    for family, variants in roles:
        for weight, italic in variants:
            _share(design_faces(family), weight, italic, wanted, needs)
            _share(design_faces(family), weight, italic, set(TYPING), room)
    for k, chars in needs.items():
        if chars - set(ALWAYS):  # a face the text needs (see _file)
            chars |= room.get(k, set())
    # A family's files together, in the order the roles first name them.
    families = list(dict.fromkeys(face for face, _weight, _italic in needs))
    order = sorted(needs, key=lambda k: (families.index(k[0]), (ROMAN, ITALIC, BOLD).index(k[1:])))
    files = [f for k in order if (f := _file(*k, needs[k], store)) is not None]
    return Fonts(files, stylesheet(files)) if files else NONE


def characters(text: str) -> set[str]:
    """The characters `text` needs glyphs for, with each letter's other case (a design may
    set a heading in capitals, text-transform, whose text is lower case) and each bracket's
    mirror (right-to-left text draws "(" for ")"; fontTools keeps them in the subset anyway)."""
    chars = set(text) | set(ALWAYS)
    for ch in list(chars):
        chars.update(ch.upper(), ch.lower())
    chars.update(chr(m) for ch in list(chars) if (m := mirrored(ord(ch))) is not None)
    return {ch for ch in chars if ch not in "\n\r\t"}


def _share(faces: list[Face], weight: int, italic: bool, wanted: set[str],
           needs: dict) -> None:
    """Give each face of a fallback chain the characters the faces before it lack."""
    left = set(wanted)
    for face in faces:
        path = _pick(face, weight, italic)
        if path is None:
            continue
        mine = {ch for ch in left if ord(ch) in _cmap(path)}
        needs.setdefault((face, weight, italic), set()).update(mine)
        left -= mine


def _file(face: Face, weight: int, italic: bool, chars: set[str],
          store: Cache) -> FontFile | None:
    path = _pick(face, weight, italic)
    # Only spaces and digits (ALWAYS) is not a reason to embed a face.
    if path is None or not chars - set(ALWAYS):
        return None
    text = "".join(sorted(chars))
    key = build_cache.key("font", _digest(path), str(weight), str(italic), text,
                          "shared" if _from_shared(path, text) else "own")
    data = store.get_bytes("font", key)
    if data is None:
        data = static_subset(path, weight, text)
        store.put_bytes("font", key, data)
    return FontFile(file_name(face.family, weight, italic), face.family, weight, italic, data)


def file_name(family: str, weight: int, italic: bool) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", family.lower()).strip("-")
    kind = {ROMAN: "regular", ITALIC: "italic", BOLD: "bold"}.get((weight, italic))
    if kind is None:
        kind = f"{weight}-italic" if italic else str(weight)
    return f"fonts/{slug}-{kind}.ttf"


def share_instances() -> None:
    """For a process that builds many books (a catalogue's): pin each variable face to a
    static instance once, for REPERTOIRE, and cut each book's subset from that instance.

    Instancing is the slow part of a book's fonts (merging the kerning's variations: about
    0.4 s a face, even on a book's few hundred glyphs), where cutting a subset from a static
    font takes a tenth of that. One book alone is quicker the other way round (an instance
    of REPERTOIRE takes about 1 s), so a single build keeps instancing its own subset."""
    global _shared
    _shared = True


def static_subset(path: Path, weight: int, text: str) -> bytes:
    """The font at `path` cut to the glyphs `text` needs, and pinned to `weight` if variable."""
    if _from_shared(path, text):
        return _cut(_shared_instance(path, weight), text)
    font = TTFont(io.BytesIO(_subset(path, text)), recalcTimestamp=False)
    if "fvar" not in font:
        return _saved(font)
    instancer.instantiateVariableFont(font, _pins(font, weight), inplace=True)
    # Cut again: glyphs only other weights substitute (a heavy "$") are dead at this one.
    return _cut(_saved(font), text)


def _from_shared(path: Path, text: str) -> bool:
    return _shared and _kind(path)[0] and set(text) <= REPERTOIRE


@lru_cache(maxsize=16)
def _shared_instance(path: Path, weight: int) -> bytes:
    present = "".join(sorted(ch for ch in REPERTOIRE | set(ALWAYS) if ord(ch) in _cmap(path)))
    font = TTFont(io.BytesIO(_subset(path, present)), recalcTimestamp=False)
    instancer.instantiateVariableFont(font, _pins(font, weight), inplace=True)
    return _saved(font)


def _cut(data: bytes, text: str) -> bytes:
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    subsetter = subset.Subsetter(_options())
    subsetter.populate(text=text)
    subsetter.subset(font)
    return _saved(font)


@lru_cache(maxsize=4)
def _subset(path: Path, text: str) -> bytes:
    """Subsetting comes first, and once for the regular and the bold of one variable file:
    instancing then works on a few hundred glyphs, not thousands."""
    return _cut(path.read_bytes(), text)  # the same bytes every build


def _saved(font: TTFont) -> bytes:
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _options() -> subset.Options:
    options = subset.Options()
    options.layout_features = [*options.layout_features, *FEATURES]
    options.hinting = False  # e-readers render unhinted; hinting is a third of a TTF
    options.name_IDs = ["*"]  # the copyright notice (0) and the licence (13, 14) stay
    options.notdef_outline = True  # a character no face has shows as a box, not as nothing
    return options


def _pins(font: TTFont, weight: int) -> dict:
    """wght at `weight` (within the axis), every other axis at its default (None)."""
    pins: dict = {}
    for axis in font["fvar"].axes:
        if axis.axisTag == "wght":
            pins["wght"] = min(max(weight, axis.minValue), axis.maxValue)
        else:
            pins[axis.axisTag] = None
    return pins


def stylesheet(files: list[FontFile]) -> str:
    """Each family's licence as a comment, then one @font-face rule per file (the stylesheet
    is in css/, the fonts in fonts/)."""
    families = list(dict.fromkeys(f.family for f in files))
    parts = [f"/* {family}: {_licence(family)} */\n" for family in families]
    for f in files:
        parts.append(f'@font-face {{ font-family: "{f.family}"; '
                     f'font-style: {"italic" if f.italic else "normal"}; '
                     f'font-weight: {f.weight}; src: url("../{f.name}"); }}\n')
    return "".join(parts)


def _licence(family: str) -> str:
    text = resources.files(DESIGN_FACES[family].package).joinpath("LICENSE").read_text("utf-8")
    return text.strip().replace("*/", "* /")  # nothing in it may end the comment


def shown_text(documents: list[bytes]) -> str:
    """The text of the XHTML documents' bodies: what a reader sets in the book's fonts."""
    body = f"{{{XHTML_NS}}}body"
    out = []
    for data in documents:
        root = parse(data)
        for el in root.iter(body):
            out.append("".join(el.itertext()))
    return "\n".join(out)


# Facts about the installed font files, read once per process.

@cache
def _pick(face: Face, weight: int, italic: bool) -> Path | None:
    """The file of `face` for the weight and style: its variable file, or the static file of
    the nearest weight. None when the face has no file of that style (no italic)."""
    candidates = []
    for name in face.files:
        path = folder(face) / name
        variable, file_italic, file_weight = _kind(path)
        if file_italic == italic:
            candidates.append((0 if variable else abs(file_weight - weight), name, path))
    return min(candidates)[2] if candidates else None


@cache
def _kind(path: Path) -> tuple[bool, bool, int]:
    """(variable?, italic?, weight class) of a font file."""
    font = TTFont(str(path), lazy=True)
    try:
        os2 = font["OS/2"]
        return "fvar" in font, bool(os2.fsSelection & 1), os2.usWeightClass
    finally:
        font.close()


@cache
def _cmap(path: Path) -> frozenset[int]:
    font = TTFont(str(path), lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@cache
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
