"""`bookbuild import FILE DIR`: a book folder from the manuscript an author has."""

from __future__ import annotations

from pathlib import Path

from bookbuild.importer.book import import_book
from bookbuild.importer.folder import Report


def import_command(source: str, target: str, split_level: int | None,
                   accept_changes: bool) -> Report:
    return import_book(Path(source), Path(target), split_level, accept_changes)
