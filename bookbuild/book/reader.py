"""The reader: a book folder becomes a Book, or a list of problems."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from bookbuild.book import references, style
from bookbuild.book.config import AT, load_yaml, parse_metadata
from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.book.model import Asset, Book, Section
from bookbuild.support.errors import BookError, Problems
from bookbuild.support.paths import UnsafePath, inside, slugify

# Folder under manuscript/ → section kind, in reading order.
FOLDERS = {"front": "front", "chapters": "chapter", "back": "back"}

# Semantic types a file name can announce ("02-preface.md"); anything else in front or back
# matter is plain front or back matter.
ROLES = {
    "front": {"dedication", "epigraph", "foreword", "preface", "introduction", "prologue",
              "acknowledgments", "acknowledgements", "preamble"},
    "back": {"afterword", "epilogue", "appendix", "glossary", "bibliography", "colophon",
             "acknowledgments", "acknowledgements", "notes", "conclusion"},
}


def read_book(folder: str | Path, defaults: dict | None = None) -> Book:
    """The book in `folder`; `defaults` are book.yaml keys a catalogue gives every book, under
    the book's own (a mapping such as print: is merged key by key)."""
    root = Path(folder).resolve()
    problems = Problems()
    if not (root / "manuscript").is_dir():
        raise BookError(f"{folder}: no manuscript/ folder here; is this a book folder? "
                        f"(`bookbuild new DIR` makes one)")
    _refuse_escapes(root)
    yaml_path = inside(root, METADATA_FILE)
    if not yaml_path.is_file():
        raise BookError(f"{METADATA_FILE}: missing; it holds title, author and language")
    data = with_defaults(load_yaml(yaml_path, problems), defaults or {})
    metadata = parse_metadata(data, problems) if data else None
    if data and not metadata and not problems:
        problems.add("incomplete metadata", METADATA_FILE)
    files = _section_files(root, data.get("order"), problems)
    sections = _with_book_references(_read_sections(root, files, problems))
    problems.raise_if_any()
    config = {k: v for k, v in data.items()
              if k in ("print", "check", "allow_scripts", "toc_depth", "style", "page_list")}
    design = style.parse(config, data.get(AT))
    return Book(root=root, metadata=metadata, sections=sections, assets=_assets(root),
                config=config, modified=_modified(root, files),
                yaml_text=yaml_path.read_text("utf-8", "replace"), positions=data.get(AT), style=design,
                defaults=dict(defaults or {}))


def with_defaults(data: dict, defaults: dict) -> dict:
    """book.yaml's keys over the shared ones; a mapping in both has the book's keys over the
    shared ones. Nothing is added to a book.yaml that cannot be read."""
    if not data or not defaults:
        return data
    merged = dict(data)
    for key, value in defaults.items():
        own = data.get(key)
        if key not in data:
            merged[key] = value
        elif isinstance(own, dict) and isinstance(value, dict):
            merged[key] = {**value, **own}
    return merged


def _with_book_references(sections: list[Section]) -> list[Section]:
    """Each section as pandoc reads it: with the link definitions the others hold."""
    texts = references.book_wide([s.text for s in sections])
    return [s if t == s.text else replace(s, pandoc_text=t) for s, t in zip(sections, texts)]


def _refuse_escapes(root: Path) -> None:
    """A symlinked book.yaml, manuscript/ or assets/ folder that leads out is never followed."""
    problems = Problems()
    for rel in ("manuscript", METADATA_FILE, "assets",
                *(f"manuscript/{folder}" for folder in FOLDERS)):
        try:
            inside(root, rel)
        except UnsafePath as e:
            problems.add(str(e), rel)
    problems.raise_if_any()


def _section_files(root: Path, order, problems: Problems) -> list[tuple[str, str]]:
    """(kind, relative path) of each section file, in reading order."""
    manuscript = root / "manuscript"
    if order is not None:
        return _ordered_files(root, order, problems)
    files = []
    for folder, kind in FOLDERS.items():
        base = manuscript / folder
        if not base.is_dir():
            continue
        for path in sorted(base.glob("*.md"), key=lambda p: p.name):
            if path.name.startswith("."):
                continue  # editor lock files (.#x.md) and macOS metadata (._x.md)
            files.append((kind, f"manuscript/{folder}/{path.name}"))
    if not files:
        problems.add("no sections: put Markdown files in manuscript/front, manuscript/chapters "
                     "or manuscript/back", "manuscript/")
    return files


def _ordered_files(root: Path, order, problems: Problems) -> list[tuple[str, str]]:
    if not isinstance(order, list) or not order or not all(isinstance(o, str) for o in order):
        problems.add("'order' must be a list of section files such as chapters/01.md",
                     METADATA_FILE)
        return []
    files = []
    listed: set[str] = set()
    for entry in order:
        if entry in listed:
            problems.add(f"order: {entry!r} is listed twice", METADATA_FILE)
            continue
        listed.add(entry)
        folder = entry.replace("\\", "/").split("/")[0]
        if folder not in FOLDERS or not entry.endswith(".md"):
            problems.add(f"order: {entry!r} must be a .md file under front/, chapters/ or back/",
                         METADATA_FILE)
            continue
        try:
            path = inside(root, entry, "manuscript")
        except UnsafePath as e:
            problems.add(f"order: {e}", METADATA_FILE)
            continue
        if not path.is_file():
            problems.add(f"order: {entry!r} does not exist", METADATA_FILE)
            continue
        files.append((FOLDERS[folder], f"manuscript/{entry}"))
    return files


def _read_sections(root: Path, files: list[tuple[str, str]], problems: Problems) -> list[Section]:
    sections: list[Section] = []
    by_name: dict[str, str] = {}
    for kind, rel in files:
        if "\\" in rel:
            problems.add("the file name has a backslash, which bookbuild reads as a folder "
                         "separator and Windows cannot store; rename the file", rel)
            continue
        try:
            path = inside(root, rel)
        except UnsafePath as e:
            problems.add(str(e), rel)
            continue
        text = _read_text(path, rel, problems)
        if text is None:
            continue
        stem = Path(rel).stem
        name = f"{kind}-{_slug(stem)}"
        if name in by_name:
            problems.add(f"gives the same output name {name}.xhtml as {by_name[name]}; rename one",
                         rel)
            continue
        by_name[name] = rel
        sections.append(Section(kind=kind, name=name, source=rel, text=text,
                                role=_role(kind, stem)))
    return sections


def _slug(stem: str) -> str:
    """The file stem as a URL-safe name. Letters that ASCII cannot spell (Cyrillic, CJK…) and
    names of punctuation alone would vanish and make different files collide, so such names keep
    a short hash of the original."""
    slug = slugify(stem, "section")
    if slugify(stem, "") == "" or any(c.isalpha() and not c.isascii() for c in stem):
        digest = hashlib.sha1(unicodedata.normalize("NFC", stem).encode()).hexdigest()[:8]
        slug = digest if slug == "section" else f"{slug}-{digest}"
    return slug


# C0 controls other than tab, newline and carriage return, and the non-characters U+FFFE and
# U+FFFF, cannot appear in XHTML at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _read_text(path: Path, rel: str, problems: Problems) -> str | None:
    if not path.exists():
        problems.add("a link to a file that does not exist", rel)
        return None
    if not path.is_file():
        problems.add("not a regular file; a section is a Markdown text file", rel)
        return None
    try:
        data = path.read_bytes()
    except OSError as e:
        problems.add(f"cannot read it ({e.strerror})", rel)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        problems.add(f"not UTF-8 text: byte 0x{data[e.start]:02x} at offset {e.start}; "
                     f"save the file as UTF-8", rel, line)
        return None
    text = text.removeprefix("\ufeff")
    if bad := _CONTROL.search(text):
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        kind = "control character" if ord(bad.group()) < 0x80 else "non-character"
        problems.add(f"{kind} U+{ord(bad.group()):04X} cannot appear in a book; delete it",
                     rel, line, column)
        return None
    return text


def _role(kind: str, stem: str) -> str | None:
    if kind == "chapter":
        return "chapter"
    word = re.sub(r"^[\d\s._-]+", "", stem).lower()
    return word if word in ROLES[kind] else None


def _assets(root: Path) -> dict[str, Asset]:
    assets = {}
    base = root / "assets"
    if not base.is_dir():
        return assets
    for folder, _dirs, names in os.walk(base):  # does not follow symlinked folders
        for name in sorted(names):
            rel = Path(folder, name).relative_to(base).as_posix()
            try:
                path = inside(root, rel, "assets")
            except UnsafePath:
                continue  # a symlink out of the book is reported where it is used
            if not path.is_file():
                continue  # a pipe or device would block whoever reads it; a broken link
            assets[rel] = Asset(rel, path)
    return assets


def _modified(root: Path, files: list[tuple[str, str]]) -> int:
    """Timestamp for dcterms:modified and zip entries: reproducible, yet moves with edits."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return int(epoch)
    paths = [root / METADATA_FILE] + [root / rel for _kind, rel in files]
    return int(max(p.stat().st_mtime for p in paths if p.exists()))
