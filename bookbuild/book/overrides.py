"""The author's own overrides of the design: a stylesheet for the e-book, a hook for print.

    assets/styles/ebook.css    linked from every page of the EPUB after bookbuild's own
                               stylesheets, so its rules win; the Kobo and Kindle editions,
                               made from the EPUB, keep it
    assets/styles/print.typ    a Typst hook that the print interior applies after the
                               design's own rules (bookbuild.pdf.hook says what it may hold)

Both are checked before anything is written, each problem one line at its file and line.
The stylesheet is read as a browser reads it (tinycss2, bookbuild.support.safety), and:

- runs no script: no javascript: URL, no `expression()`, `behavior:` or `-moz-binding:`;
- loads nothing from outside the book: no http:, https: or //host URL, no file: or data: URL
  (a data: URL hides a file that nothing checks), no @import (put the rules in ebook.css);
- loads only fonts, and only from assets/: `url(../fonts/Name.woff2)` (relative to
  assets/styles/) names a WOFF2, WOFF, OpenType or TrueType file under assets/, which is
  packed beside the stylesheet as it is, so the URL works unchanged in the EPUB. Pictures
  belong in the Markdown, where they are checked and made into renditions; a url() to one is
  refused. A `url(#id)` (an SVG filter or marker of the page) loads nothing and is kept;
- parses: what tinycss2 cannot parse a reader silently drops, so it is an error at its line;
- is UTF-8 text of at most MAX_CSS bytes; each font at most MAX_FONT.

Edits count for the up-to-date check as every file under assets/ does (size and time).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from bookbuild.support import safety
from bookbuild.support.errors import Problems
from bookbuild.support.paths import UnsafePath, inside

EBOOK_CSS = "styles/ebook.css"  # under assets/
PRINT_HOOK = "styles/print.typ"
MAX_CSS = 256 * 1024
MAX_FONT = 16 * 1024 * 1024
# The font types an EPUB may carry (core media types), and how each file begins.
FONTS = {".woff2": ("font/woff2", (b"wOF2",)), ".woff": ("font/woff", (b"wOFF",)),
         ".otf": ("font/otf", (b"OTTO",)), ".ttf": ("font/ttf", (b"\0\1\0\0", b"true"))}
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")


def label(name: str) -> str:
    """How messages name a file under assets/."""
    return f"assets/{name}"


@dataclass
class Stylesheet:
    """The author's stylesheet, checked: its bytes and the fonts it loads."""

    data: bytes
    fonts: dict[str, tuple[Path, str]] = field(default_factory=dict)  # name → (file, type)

    name = EBOOK_CSS  # in the EPUB too (as assets/styles/ebook.css), beside its fonts

    @property
    def href(self) -> str:
        """The stylesheet's place in the EPUB, as a page (at the package's root) links it."""
        return label(self.name)


def stylesheet(book, problems: Problems) -> Stylesheet | None:
    """assets/styles/ebook.css, checked; None when the book has none or it has problems
    (then they are in `problems`)."""
    asset = book.assets.get(EBOOK_CSS)
    if asset is None:
        return None
    where = label(EBOOK_CSS)
    text = _read(asset.path, where, problems)
    if text is None:
        return None
    css = safety.read_css(text)
    found: list[tuple[int, str]] = []  # (line, message), said in the file's order
    for what, line in css.script:
        found.append((line or 0, f"{what} runs a script; a book's stylesheet may not"))
    for message, line in css.errors:
        found.append((line or 0, f"CSS that cannot be parsed, which a reader drops "
                                 f"({message.rstrip('.')}); fix it"))
    fonts: dict[str, tuple[Path, str]] = {}
    for url, line, imported in css.loads:
        name, why = _loads(book, url, imported)
        if why:
            found.append((line or 0, why))
        elif name is not None and name not in fonts:
            font, why = _font(book.assets[name].path, name)
            if why:
                found.append((line or 0, why))
            elif font:
                fonts[name] = font
    for line, message in sorted(found, key=lambda f: f[0]):
        problems.add(message, where, line or None)
    if found:
        return None
    return Stylesheet(asset.path.read_bytes(), fonts)


def _read(path: Path, where: str, problems: Problems) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_CSS:
            problems.add(f"{size // 1024} KB of CSS; a book's stylesheet is at most "
                         f"{MAX_CSS // 1024} KB", where)
            return None
        data = path.read_bytes()
    except OSError as e:
        problems.add(f"cannot read it ({e.strerror})", where)
        return None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        problems.add(f"not UTF-8 text: byte 0x{data[e.start]:02x}; save the file as UTF-8",
                     where, data[:e.start].count(b"\n") + 1)
        return None


def _loads(book, url: str, imported: bool) -> tuple[str | None, str | None]:
    """(the file under assets/ that `url` loads, or why it may not be loaded)."""
    shown = url if len(url) <= 60 else url[:60] + "…"
    scheme = safety.scheme(url)
    plain = safety.as_url(url).replace("\\", "/")  # a browser reads \\ in a URL as /
    if safety.runs_script(url):
        return None, f"{scheme}: URL runs a script; a book's stylesheet may not"
    if scheme in ("http", "https") or plain.startswith("//"):
        return None, (f"remote resource {shown} is not allowed; put the file under assets/ and "
                      f"write its path relative to assets/styles/")
    if scheme is not None:
        return None, (f"{scheme}: URL {shown} cannot be part of a book; put the file under "
                      f"assets/ and write its path relative to assets/styles/")
    if imported:
        return None, f"@import {shown}: put the rules in {label(EBOOK_CSS)} itself"
    path = plain.split("#")[0].split("?")[0]
    if not path:
        return None, None  # url(#id): a part of the page itself, nothing is loaded
    name = posixpath.normpath(posixpath.join(posixpath.dirname(EBOOK_CSS), unquote(path)))
    if path.startswith("/") or name.startswith("../") or name == "..":
        return None, f"url({shown}) leads outside assets/; write a path to a file under assets/"
    try:
        inside(book.root, name, "assets")
    except UnsafePath as e:
        return None, f"url({shown}): {e}"
    if name not in book.assets:
        return None, f"url({shown}): {label(name)} not found"
    if Path(name).suffix.lower() not in FONTS:
        return None, (f"url({shown}): only fonts (WOFF2, WOFF, OpenType, TrueType) are packed "
                      f"from the stylesheet; pictures belong in the Markdown")
    if not _SAFE_NAME.fullmatch(name):
        return None, (f"url({shown}): rename {label(name)} with letters, digits, '-', '_' and "
                      f"'.' only, which every reader finds")
    return name, None


def _font(path: Path, name: str) -> tuple[tuple[Path, str] | None, str | None]:
    """((the font's file, its media type), or why it cannot be packed)."""
    media_type, magics = FONTS[Path(name).suffix.lower()]
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(4)
    except OSError as e:
        return None, f"{label(name)}: cannot read it ({e.strerror})"
    if size > MAX_FONT:
        return None, (f"{label(name)}: {size // 2**20} MB; a font is at most "
                      f"{MAX_FONT // 2**20} MB (subset it)")
    if head not in magics:
        return None, f"{label(name)}: not a {Path(name).suffix.lstrip('.').upper()} font file"
    return (path, media_type), None


def used(book) -> set[str]:
    """The files under assets/ that the overrides use (for the unused-asset check): the
    stylesheet, the hook, and the fonts the stylesheet loads."""
    names = {n for n in (EBOOK_CSS, PRINT_HOOK) if n in book.assets}
    if EBOOK_CSS in names:
        try:
            text = book.assets[EBOOK_CSS].path.read_text("utf-8", "replace")
        except OSError:
            return names
        for url, _line, imported in safety.read_css(text).loads:
            name, why = _loads(book, url, imported)
            if name and not why:
                names.add(name)
    return names
