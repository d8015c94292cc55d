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


def slugify(text: str, fallback: str = "book") -> str:
    """ASCII, lower-case, hyphenated: safe as a file name in a zip and a URL."""
    # Any script to readable ASCII (Когда → kogda, Ὀδύσσεια → odysseia); an apostrophe
    # joins its word (Keeper's → keepers), as people write such names by hand.
    text = re.sub(r"['’ʼ]", "", anyascii(unicodedata.normalize("NFC", text)))
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text or fallback
