"""Making broken EPUBs from a good one: each helper changes one thing, as a real fault would."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

OPF = "EPUB/content.opf"
CHAPTER = "EPUB/chapter-01-when-lenin-proclaimed-soviet-power.xhtml"


def rewrite(src: Path, dest: Path, *, drop: tuple[str, ...] = (), add: dict | None = None,
            edit: dict[str, Callable[[bytes], bytes]] | None = None,
            stored: set[str] | None = None, order: Callable[[list[str]], list[str]] | None = None,
            compress_mimetype: bool = False) -> Path:
    """Copy the EPUB `src` to `dest` with entries dropped, added or edited."""
    edit = edit or {}
    with zipfile.ZipFile(src) as z:
        entries = [(i.filename, z.read(i)) for i in z.infolist() if i.filename not in drop]
    entries += list((add or {}).items())
    names = [n for n, _ in entries]
    if order:
        names = order(names)
    data = dict(entries)
    with zipfile.ZipFile(dest, "w") as out:
        for name in names:
            body = data[name]
            if name in edit:
                body = edit[name](body)
            method = zipfile.ZIP_DEFLATED
            if (name == "mimetype" and not compress_mimetype) or name in (stored or set()):
                method = zipfile.ZIP_STORED
            out.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), body, method)
    return dest


def sub(pattern: str, repl: str, count: int = 1) -> Callable[[bytes], bytes]:
    """An edit that applies one regex substitution and insists that it matched."""
    def apply(body: bytes) -> bytes:
        new, n = re.subn(pattern.encode(), repl.encode(), body, count=count)
        assert n, f"pattern {pattern!r} did not match"
        return new
    return apply
