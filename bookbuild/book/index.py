"""The book's index: terms marked in the Markdown, gathered into sorted entries.

A mark is a span (README, "An index"): `[steam engines]{.index}` indexes its words,
`index="Steam engines!boilers"` names the term and its sub-entry, `see="…"` and
`see-also="…"` send the reader to other terms, `index-sort="…"` sorts a term as another
spelling. Each mark that places a locator has an anchor (normalize.lua gives it `ix-N`), the
same in the EPUB and in print; the writers turn the entries into their index pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bookbuild.book import collation
from bookbuild.support.diagnostics import Diagnostic

LEVEL = "!"  # between a term and its sub-entry
MANY = ";"  # between the terms of one see="…" or see-also="…"
DEPTH = 3  # main entry, sub-entry, sub-sub-entry
UNKNOWN_TARGET, MALFORMED, UNPLACED = "INDEX-001", "INDEX-002", "INDEX-003"
Path = tuple[str, ...]


@dataclass(frozen=True)
class Occurrence:
    section: str  # the section's name: its XHTML file is f"{section}.xhtml"
    anchor: str  # the id at the mark
    source: str  # the Markdown file
    line: int | None


@dataclass(frozen=True)
class Mark:
    """One mark, read: the term it indexes and where (occurrence None for a see="…" mark)."""

    path: Path
    source: str
    line: int | None
    occurrence: Occurrence | None = None
    sort: str | None = None  # index-sort: the last level sorted as this spelling
    see: tuple[Path, ...] = ()
    see_also: tuple[Path, ...] = ()


@dataclass
class Entry:
    term: str
    sort: str  # what the term is sorted as
    occurrences: list[Occurrence] = field(default_factory=list)  # in the book's order
    see: list[Path] = field(default_factory=list)
    see_also: list[Path] = field(default_factory=list)
    subentries: list[Entry] = field(default_factory=list)  # sorted, once built


@dataclass
class Index:
    groups: list[collation.Group]  # each group's members are Entries
    warnings: list[Diagnostic]

    def __bool__(self) -> bool:
        return bool(self.groups)


def path_of(value: str) -> Path | None:
    """"Steam engines!boilers" → ("Steam engines", "boilers"); None when a level is empty or
    there are more than DEPTH."""
    parts = tuple(" ".join(p.split()) for p in value.split(LEVEL))
    return parts if all(parts) and len(parts) <= DEPTH else None


def read_mark(attributes: dict[str, str], words: str, section: str, source: str,
              line: int | None) -> tuple[Mark | None, list[Diagnostic]]:
    """One span's index attributes (without HTML's data- prefix), its words and its anchor
    (attributes["id"]), as a Mark; None, with why, when it cannot be read."""
    def bad(message: str) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(MALFORMED, "warning", message, source, line)]

    written = attributes.get("index")
    term = written if written is not None else words
    path = path_of(term) if written is not None else ((" ".join(words.split()),)
                                                       if words.strip() else None)
    if path is None:
        return bad(f"index mark {term!r}: " + (
            "no term (give it words, or index=\"term\")" if not term.strip() else
            f"a level is empty or there are more than {DEPTH} (write \"term!sub-entry\")"))
    refs = {}
    for name in ("see", "see-also"):
        value = attributes.get(name)
        targets = tuple(path_of(v) for v in value.split(MANY)) if value is not None else ()
        if None in targets:
            return bad(f"index mark {term!r}: {name}=\"{value}\" names no term")
        refs[name] = targets
    sort = " ".join((attributes.get("index-sort") or "").split()) or None
    anchor = attributes.get("id")
    where = Occurrence(section, anchor, source, line) if anchor and not refs["see"] else None
    return Mark(path, source, line, where, sort, refs["see"], refs["see-also"]), []


def build(marks: list[Mark], language: str) -> Index:
    """The entries of every mark, sorted and grouped by the letters of `language`; a see or
    see-also to a term no mark indexes is a warning at the mark."""
    top: dict[str, Entry] = {}
    for mark in marks:
        entry = _entry(top, mark.path)
        if mark.sort:
            entry.sort = mark.sort
        if mark.occurrence is not None:
            entry.occurrences.append(mark.occurrence)
        _add_new(entry.see, mark.see)
        _add_new(entry.see_also, mark.see_also)
    warnings = [Diagnostic(UNKNOWN_TARGET, "warning",
                           f"index mark {LEVEL.join(m.path)!r}: {kind} {LEVEL.join(t)!r}, but "
                           f"no mark indexes that term", m.source, m.line)
                for m in marks for kind, targets in (("see", m.see), ("see also", m.see_also))
                for t in targets if _find(top, t) is None]
    entries = list(top.values())
    for entry in entries:
        _sort_under(entry, language)
    return Index(collation.grouped(entries, language, key=lambda e: e.sort), warnings)


def _entry(top: dict[str, Entry], path: Path) -> Entry:
    entry = top.get(folded(path[0]))
    if entry is None:
        entry = top[folded(path[0])] = Entry(path[0], path[0])
    _prefer(entry, path[0])
    for term in path[1:]:
        found = next((e for e in entry.subentries if folded(e.term) == folded(term)), None)
        if found is None:
            found = Entry(term, term)
            entry.subentries.append(found)
        _prefer(found, term)
        entry = found
    return entry


def folded(term: str) -> str:
    """A term as entries are told apart: "Sharpening" at the start of a sentence is the
    entry "sharpening"; "Steam" and "steam engines" stay two."""
    return term[:1].lower() + term[1:]


def _prefer(entry: Entry, term: str) -> None:
    """The lower-case spelling wins: a capital that only opens a sentence is not the term's."""
    if term != entry.term and term[:1].islower():
        if entry.sort == entry.term:
            entry.sort = term
        entry.term = term


def _add_new(have: list[Path], more: tuple[Path, ...]) -> None:
    have.extend(p for p in dict.fromkeys(more) if p not in have)


def _find(top: dict[str, Entry], path: Path) -> Entry | None:
    entry = top.get(folded(path[0]))
    for term in path[1:]:
        entry = next((e for e in entry.subentries if folded(e.term) == folded(term)),
                     None) if entry else None
    return entry


def _sort_under(entry: Entry, language: str) -> None:
    key = collation.sort_key(language)
    entry.subentries.sort(key=lambda e: key(e.sort))
    for sub in entry.subentries:
        _sort_under(sub, language)


_ROMAN = re.compile(r"(?i)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_VALUE = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def page_value(label: str) -> tuple[int, int] | None:
    """Where a page label stands: (0, n) for roman front matter ("iv"), (1, n) for arabic
    ("42"); None for any other label."""
    if label.isdigit():
        return 1, int(label)
    if label and _ROMAN.fullmatch(label):
        values = [_ROMAN_VALUE[c] for c in label.lower()]
        return 0, sum(-v if v < after else v for v, after in zip(values, values[1:] + [0]))
    return None


@dataclass(frozen=True)
class Locator:
    """Pages first to last, each with the occurrence it links to: (label, occurrence)."""

    first: tuple[str, Occurrence]
    last: tuple[str, Occurrence] | None = None  # None: a single page


def locators(occurrences: list[Occurrence], pages: dict[tuple[str, str], str]) -> list[Locator]:
    """An entry's pages, roman before arabic, each page once, runs merged: 12, 13, 14 is
    12–14. `pages`: (section, anchor) → the page label the occurrence landed on; occurrences
    not in it are left out (see unplaced)."""
    seen: dict[str, Occurrence] = {}
    for o in occurrences:
        label = pages.get((o.section, o.anchor))
        if label is not None and label not in seen:
            seen[label] = o
    known = sorted((label for label in seen if page_value(label)), key=page_value)
    out: list[Locator] = []
    for label in known:
        here = page_value(label)
        end = out[-1].last or out[-1].first if out else None
        if end and page_value(end[0]) == (here[0], here[1] - 1):
            out[-1] = Locator(out[-1].first, (label, seen[label]))
        else:
            out.append(Locator((label, seen[label])))
    out.extend(Locator((label, seen[label])) for label in seen if not page_value(label))
    return out


def entries(index: Index):
    """Every entry, sub-entries included, in the index's order."""
    def walk(entry):
        yield entry
        for sub in entry.subentries:
            yield from walk(sub)
    for group in index.groups:
        for entry in group.members:
            yield from walk(entry)


def unplaced(index: Index, pages: dict[tuple[str, str], str]) -> list[Diagnostic]:
    """A warning at each mark whose place has no page (its text is in no printed page)."""
    return [Diagnostic(UNPLACED, "warning", f"index term {entry.term!r}: the place it marks "
                       f"is on no page of the PDF, so the index leaves it out",
                       o.source, o.line)
            for entry in entries(index) for o in entry.occurrences
            if (o.section, o.anchor) not in pages]
