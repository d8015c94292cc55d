"""The Book model: what the reader produces and every writer consumes."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bookbuild.book.labels import english


def is_url(text: str) -> bool:
    """Whether book.yaml's `source` is a web address (a link) rather than a citation."""
    return re.fullmatch(r"https?://\S+", text, re.IGNORECASE) is not None

# MARC relator codes, the vocabulary EPUB's `role` refinement expects.
ROLES = {
    "author": "aut",
    "translator": "trl",
    "editor": "edt",
    "illustrator": "ill",
    "contributor": "ctb",
    "introduction": "aui",
    "foreword": "aui",
}


@dataclass(frozen=True)
class Contributor:
    name: str
    role: str = "author"  # a key of ROLES

    @property
    def marc(self) -> str:
        return ROLES[self.role]


@dataclass
class Metadata:
    title: str
    language: str
    contributors: list[Contributor]
    identifier: str  # "urn:isbn:…", "urn:uuid:…" or another URN
    identifier_generated: bool = False
    subtitle: str | None = None
    publisher: str | None = None
    date: str | None = None
    rights: str | None = None
    description: str | None = None
    subjects: list[str] = field(default_factory=list)
    series: str | None = None
    series_index: float | None = None
    cover: str | None = None  # path under assets/
    slug: str = "book"
    source: str | None = None  # a URL, or a citation such as "Project Gutenberg EBook #12345"
    # Who reviewed the EPUB against WCAG: only then does it claim conformance.
    accessibility_evaluator: str | None = None
    labels: dict[str, str] = field(default_factory=english)  # the words we add, in its language
    untranslated: list[str] = field(default_factory=list)  # labels left in English
    # book.yaml's text as typed, before its quotes were curled: key → text ("author": names)
    typed: dict = field(default_factory=dict)

    @property
    def source_url(self) -> str | None:
        """`source` when it is a web address (then it is printed as a link)."""
        return self.source if self.source and is_url(self.source) else None

    @property
    def authors(self) -> list[Contributor]:
        return [c for c in self.contributors if c.role == "author"]

    @property
    def author_line(self) -> str:
        return self.joined([c.name for c in self.authors] or [self.contributors[0].name])

    def joined(self, names: list[str]) -> str:
        """"A, B and C", in the book's language."""
        if len(names) == 1:
            return names[0]
        return self.labels["and"].format(self.labels["list_sep"].join(names[:-1]), names[-1])

    def credit(self, contributor: Contributor) -> str:
        """"Translated by …" and the like, in the book's language."""
        return self.labels[contributor.role].format(contributor.name)

    @property
    def reader_date(self) -> str | None:
        """`date` as readers of the book's language write it: "March 2025", "5 mars 2025"."""
        return reader_date(self.date, self.language) if self.date else None

    @property
    def printed_identifier(self) -> str | None:
        """The identifier line of the copyright page: an ISBN or a DOI-like name, never a
        UUID (it means nothing to a reader)."""
        if self.isbn:
            return f"ISBN {self.isbn}"
        if self.identifier.startswith("urn:uuid:"):
            return None
        return self.labels["identifier"].format(self.identifier)

    @property
    def isbn(self) -> str | None:
        prefix = "urn:isbn:"
        return self.identifier[len(prefix):] if self.identifier.startswith(prefix) else None


# Section kinds, in reading order.
KINDS = ("front", "chapter", "back")


@dataclass
class Section:
    kind: str  # one of KINDS
    name: str  # URL-safe, unique in the book; the output file is f"{name}.xhtml"
    source: str  # path of the Markdown file relative to the book folder
    text: str
    role: str | None = None  # semantic type such as "dedication", "preface", "chapter"
    # What pandoc reads: `text` with the book's link reference definitions that other
    # sections hold appended (convert/references.py); None when it has none to add.
    pandoc_text: str | None = None

    @property
    def file_name(self) -> str:
        return f"{self.name}.xhtml"

    @property
    def markdown(self) -> str:
        return self.text if self.pandoc_text is None else self.pandoc_text


@dataclass(frozen=True)
class Asset:
    name: str  # path under assets/, with forward slashes: "images/x.jpg"
    path: Path  # resolved, inside the book folder


@dataclass
class Book:
    root: Path
    metadata: Metadata
    sections: list[Section]
    assets: dict[str, Asset]
    config: dict = field(default_factory=dict)  # book.yaml blocks for writers and checks: print, check…
    modified: int = 0  # seconds since the epoch, for reproducible timestamps
    yaml_text: str = ""  # book.yaml as read, once, for finding a value's text in it
    positions: Any = None  # book.config.Positions: the line of every key of book.yaml
    style: Any = None  # book.style.Style: the design and the author's choices in it
    defaults: dict = field(default_factory=dict)  # a catalogue's shared book.yaml keys

    def __post_init__(self) -> None:
        if self.style is None:  # a Book made in code, not read from a folder
            from bookbuild.book.style import DESIGNS

            self.style = DESIGNS["classic"]

    @property
    def page_list(self) -> bool:
        """Whether the EPUB carries the print edition's page breaks (book.yaml's
        `page_list`; on unless it says false)."""
        return self.config.get("page_list", True) is not False

    def line(self, *path) -> int | None:
        """The line of book.yaml holding a key: book.line("print", "trim")."""
        return self.positions.line(*path) if self.positions is not None else None


def reader_date(date: str, language: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD in the words of `language` (CLDR, through Babel)."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date, format_skeleton

    parts = [int(p) for p in date.split("-")]
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            locale = Locale.parse(language.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return date
    if len(parts) == 1:
        return str(parts[0])
    day = datetime.date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    if len(parts) == 2:
        return format_skeleton("yMMMM", day, locale=locale)
    return format_date(day, "long", locale=locale)
