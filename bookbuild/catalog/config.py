"""What a catalogue is: its books, what to make of them, and what they share.

Either book folders named on the command line, or a catalog.yaml:

    title: Kollontai Press backlist        # the feeds' and the page's title
    out: build/catalog                     # [the folder of catalog.yaml, then build/catalog]
    formats: [epub, pdf, cover]            # [epub]
    defaults:                              # book.yaml keys every book takes unless its own
      publisher: Kollontai Press           # book.yaml says otherwise (print: merged by key)
      style: modern
      print: {trim: 5x8}
    books:
      - books/when-lenin                   # a book folder, relative to catalog.yaml
      - path: books/memoirs
        formats: [epub]                    # this book's own formats
      - backlist/*                         # every book folder the pattern matches

Each book is built into a folder of its own under `out`, named as its folder is.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.book.config import AT, KNOWN_KEYS, load_yaml
from bookbuild.support.errors import BookError, Problems

FILE = "catalog.yaml"
FORMATS = ("epub", "pdf", "cover", "kepub", "kindle")
DEFAULT_FORMATS = ("epub",)
# What one book.yaml key means for one book alone, so it cannot be shared.
OWN_KEYS = {"title", "subtitle", "author", "identifier", "slug", "order", "cover", "description",
            "series_index", "date", "source"}
SHARED_KEYS = KNOWN_KEYS - OWN_KEYS
KEYS = {"title", "out", "formats", "defaults", "books"}
_PATTERN = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Entry:
    folder: Path  # the book folder
    name: str  # its folder under the catalogue's output folder: unique in the catalogue
    formats: tuple[str, ...]


@dataclass
class Catalog:
    title: str
    out: Path
    entries: list[Entry]
    defaults: dict = field(default_factory=dict)


def from_folders(folders: list[str], out: str | None, formats: tuple[str, ...],
                 title: str | None) -> Catalog:
    """The books named on the command line, with no shared defaults."""
    problems = Problems()
    entries = []
    for folder in folders:
        path = Path(folder)
        if not (path / "manuscript").is_dir():
            problems.add(f"{folder}: not a book folder (no manuscript/ in it)")
            continue
        entries.append(Entry(path.resolve(), _name(path), formats or DEFAULT_FORMATS))
    entries = _unique(entries, problems, None)
    problems.raise_if_any()
    return Catalog(title or "Books", Path(out or "catalog").resolve(), entries)


def from_file(path: Path, out: str | None, formats: tuple[str, ...],
              title: str | None) -> Catalog:
    """catalog.yaml, each problem at its line; `out`, `formats` and `title` given on the
    command line win over its own."""
    problems = Problems()
    label = str(path)
    data = load_yaml(path, problems, label)
    problems.raise_if_any()
    at = data.pop(AT)
    for key in data:
        if key not in KEYS:
            problems.add(f"unknown key '{key}' (known: {', '.join(sorted(KEYS))})", label,
                         at.line(key))
    base = path.resolve().parent
    shared = _formats(data.get("formats", DEFAULT_FORMATS), problems, label, at.line("formats"))
    defaults = _defaults(data.get("defaults") or {}, problems, label, at)
    entries = _entries(data.get("books"), base, formats or shared, problems, label, at)
    problems.raise_if_any()
    where = Path(out) if out else base / str(data.get("out") or "build/catalog")
    return Catalog(title or str(data.get("title") or "Books"), where.resolve(), entries,
                   defaults)


def _formats(value, problems: Problems, label: str, line: int | None) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not names:
        problems.add(f"formats: a list of {', '.join(FORMATS)}", label, line)
        return DEFAULT_FORMATS
    if "all" in names:
        return ("epub", "pdf", "cover")
    unknown = [str(n) for n in names if n not in FORMATS]
    if unknown:
        problems.add(f"formats: unknown {', '.join(unknown)} (known: {', '.join(FORMATS)}, all)",
                     label, line)
    return tuple(n for n in names if n in FORMATS) or DEFAULT_FORMATS


def _defaults(value, problems: Problems, label: str, at) -> dict:
    if not isinstance(value, dict):
        problems.add("defaults: a mapping of book.yaml keys (publisher:, style:, print:…)",
                     label, at.line("defaults"))
        return {}
    for key in value:
        if key in OWN_KEYS:
            problems.add(f"defaults: '{key}' belongs to each book's own book.yaml",
                         label, at.line("defaults", key))
        elif key not in SHARED_KEYS:
            problems.add(f"defaults: unknown key '{key}' (shared keys: "
                         f"{', '.join(sorted(SHARED_KEYS))})", label, at.line("defaults", key))
    return {k: v for k, v in value.items() if k in SHARED_KEYS}


def _entries(value, base: Path, formats: tuple[str, ...], problems: Problems, label: str,
             at) -> list[Entry]:
    if not isinstance(value, list) or not value:
        problems.add("books: a list of book folders (relative to catalog.yaml)", label,
                     at.line("books"))
        return []
    entries: list[Entry] = []
    for n, item in enumerate(value):
        line = at.line("books", n)
        own = formats
        if isinstance(item, dict):
            if "formats" in item:
                own = _formats(item["formats"], problems, label, line)
            item = item.get("path")
        if not isinstance(item, str) or not item.strip():
            problems.add("books: each entry is a folder, or a mapping with path: "
                         "(and formats:)", label, line)
            continue
        for folder in _folders(base, item, problems, label, line):
            entries.append(Entry(folder, _name(folder), own))
    return _unique(entries, problems, label)


def _folders(base: Path, item: str, problems: Problems, label: str,
             line: int | None) -> list[Path]:
    if _PATTERN.search(item):
        found = sorted(Path(p).resolve() for p in glob.glob(str(base / item))
                       if (Path(p) / "manuscript").is_dir())
        if not found:
            problems.add(f"books: {item} matches no book folder", label, line)
        return found
    folder = (base / item).resolve()
    if not (folder / "manuscript").is_dir():
        problems.add(f"books: {item} is not a book folder (no manuscript/ in it)", label, line)
        return []
    return [folder]


def _name(folder: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", folder.resolve().name).strip("-.")
    return name or "book"


def _unique(entries: list[Entry], problems: Problems, label: str | None) -> list[Entry]:
    """Each book once (a pattern and a folder may both name it); two books whose folders
    share a name would be built into one output folder, so that is refused."""
    kept: list[Entry] = []
    names: dict[str, Path] = {}
    for entry in entries:
        if entry.folder in (e.folder for e in kept):
            continue
        if entry.name in names:
            problems.add(f"two books are named {entry.name}: {names[entry.name]} and "
                         f"{entry.folder}; rename one folder", label)
            continue
        names[entry.name] = entry.folder
        kept.append(entry)
    return kept


def read(paths: list[str], out: str | None, formats: tuple[str, ...],
         title: str | None) -> Catalog:
    """The catalogue the command line names: one catalog.yaml (or a folder holding one that
    is not itself a book), or book folders."""
    if not paths:
        paths = ["."]
    if len(paths) == 1:
        path = Path(paths[0])
        if path.is_dir() and not (path / "manuscript").is_dir() and (path / FILE).is_file():
            path = path / FILE
        if path.is_file():
            return from_file(path, out, formats, title)
    files = [p for p in paths if Path(p).is_file()]
    if files:
        raise BookError(f"{files[0]}: name one catalog.yaml, or book folders, not both")
    return from_folders(paths, out, formats, title)
