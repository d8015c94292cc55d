"""Pointing findings in a built EPUB back at what the author wrote.

`EPUB/chapter-01-x.xhtml` comes from the section named `chapter-01-x`, whose source is a Markdown
file; a rule's `needle` (an id, an image name, a link) finds the line there. Pages generated from
book.yaml (package document, title and copyright pages) point at book.yaml when the needle is
found in it. Everything else keeps its place inside the EPUB.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.book.model import Book
from bookbuild.check import Finding
from bookbuild.check.registry import Hit
from bookbuild.convert.html import line_of

FROM_METADATA = ("content.opf", "titlepage.xhtml", "copyright.xhtml", "cover.xhtml")


class Locator:
    def __init__(self, book: Book | None, content_dir: str = "EPUB"):
        self.book = book
        self.sections = {}
        self.metadata_pages = set()
        self.yaml = ""
        if book is not None:
            self.sections = {posixpath.join(content_dir, s.file_name): s for s in book.sections}
            self.metadata_pages = {posixpath.join(content_dir, n) for n in FROM_METADATA}
            self.yaml = book.yaml_text

    def place(self, file: str | None, line: int | None, needle: str | None,
              message: str) -> tuple[str | None, int | None, str]:
        section = self.sections.get(file or "")
        where = f"{file}:{line}" if line else f"{file}"
        if section is not None:
            found = line_of(section.text, needle) if needle else None
            return section.source, found, f"{message} (in {where})"
        if file in self.metadata_pages and needle:
            found = line_of(self.yaml, needle)
            if found:
                return METADATA_FILE, found, f"{message} (in {where})"
        return file, line, message

    def __call__(self, hit: Hit) -> tuple[str | None, int | None, str]:
        return self.place(hit.file, hit.line, hit.needle, hit.message)

    def finding(self, f: Finding, needle: str | None = None) -> Finding:
        """Relocate a finding from an outside tool (EPUBCheck, Ace)."""
        file, line, message = self.place(f.file, f.line, needle, f.message)
        if file == f.file:
            return f
        return replace(f, file=file, line=line, column=None, message=message)
