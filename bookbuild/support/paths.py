"""Paths an author writes, resolved without ever leaving the book folder."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath

from anyascii import anyascii


class UnsafePath(ValueError):
    pass


def inside(root: Path, relative: str, base: str = "") -> Path:
    """Resolve `relative` (written by the author, under `base`) inside `root`.

    Refuses absolute paths, `..` escapes and symlinks that lead out, before anything is opened.
    """
    if not relative or relative.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", relative):
        raise UnsafePath(f"absolute path {relative!r} is not allowed; write it relative to the book")
    posix = PurePosixPath(base, relative.replace("\\", "/"))
    if ".." in posix.parts:
        raise UnsafePath(f"path {relative!r} leaves the book folder")
    root = root.resolve()
    target = (root / posix).resolve()
    if target != root and root not in target.parents:
        raise UnsafePath(f"path {relative!r} leads outside the book folder (symlink)")
    return target


# Where a language writes its letters in ASCII otherwise than by dropping the accent.
_SPELLED = {"de": {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"},
            "da": {"å": "aa", "Å": "Aa", "ø": "oe", "Ø": "Oe"},
            "nb": {"å": "aa", "Å": "Aa", "ø": "oe", "Ø": "Oe"},
            "no": {"å": "aa", "Å": "Aa", "ø": "oe", "Ø": "Oe"}}


def slugify(text: str, fallback: str = "book", language: str = "") -> str:
    """ASCII, lower-case, hyphenated: safe as a file name in a zip and a URL. With the text's
    `language`, its own spelling first: für → fuer in German."""
    text = unicodedata.normalize("NFC", text)
    for letter, ascii_form in _SPELLED.get(language.split("-")[0].lower(), {}).items():
        text = text.replace(letter, ascii_form)
    # Any script to readable ASCII (Когда → kogda, Ὀδύσσεια → odysseia); an apostrophe
    # joins its word (Keeper's → keepers), as people write such names by hand.
    text = re.sub(r"['’ʼ]", "", anyascii(unicodedata.normalize("NFC", text)))
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text or fallback
