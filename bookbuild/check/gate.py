"""The build's preflight: the fast rules run on every output before it replaces the last one.

These return findings; the pipeline applies book.yaml's suppressions, says the warnings and
stops on an error, while the new file is still a temp file, so the previous good output stays.
EPUBCheck and Ace are not run here: JVM and browser start-up belong in `bookbuild check`.
"""

from __future__ import annotations

from pathlib import Path

from bookbuild.book.model import Book
from bookbuild.check import Finding, registry
from bookbuild.check.epub_file import EpubFile
from bookbuild.check.locate import Locator
from bookbuild.support.cache import NO_CACHE, Cache


def epub(path: Path, book: Book, memo: Cache = NO_CACHE) -> list[Finding]:
    """The fast EPUB rules on a freshly written EPUB, placed in the author's Markdown.

    `memo` keeps what was learnt about each content document for the next build, so after a
    one-chapter edit only that chapter is parsed and checked again.
    """
    with EpubFile.open(path) as doc:
        doc.options = {"allow_scripts": bool(book.config.get("allow_scripts"))}
        doc.memo = memo
        return registry.run("epub", doc, Locator(book))


def kindle(path: Path) -> list[Finding]:
    """The Kindle rules (KINDLE-*): what makes Send to Kindle refuse the edition at `path`."""
    with EpubFile.open(path) as doc:
        return [f for f in registry.run("epub", doc) if f.code.startswith("KINDLE-")]


def pdf(path: Path, trim: tuple[float, float] | None = None, bleed: float = 0.0,
        cover: bool = False, overflows: list | None = None,
        skip: tuple[str, ...] = ()) -> list[Finding]:
    """The PDF preflight on a freshly written PDF (an interior, or a cover wrap whose `trim`
    is the whole wrap without its bleed). `overflows` are what the typesetting could not make
    fit (pdf.fit.Overflow); `skip`, the rules whose findings the writer has made already."""
    from bookbuild.check.pdf_file import PdfFile

    with PdfFile.open(path, trim=trim, bleed=bleed, cover=cover) as doc:
        doc.overflows = list(overflows or [])
        return registry.run("pdf", doc, skip=skip)
