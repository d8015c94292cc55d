"""The build's preflight: the fast rules run on every output before it replaces the last one.

An error-level finding stops the build with exit code 2, like any other problem in the book, and
the previous good output stays where it was (the new file is still a temp file at this point).
Warnings are printed and do not stop anything. Suppressions in book.yaml apply here too.
EPUBCheck and Ace are not run here: JVM and browser start-up belong in `bookbuild check`.
"""

from __future__ import annotations

import contextlib
import contextvars
from pathlib import Path
from typing import Callable

from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.check import Finding, registry, suppress
from bookbuild.check.epub_file import EpubFile
from bookbuild.check.locate import Locator
from bookbuild.support.errors import BookError, Problem
from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.book.model import Book
from bookbuild.support.words import counted

_enabled = contextvars.ContextVar("bookbuild_gate", default=True)


@contextlib.contextmanager
def disabled():
    """`bookbuild check` builds outputs to report on them, not to be stopped by them."""
    token = _enabled.set(False)
    try:
        yield
    finally:
        _enabled.reset(token)


def epub(path: Path, book: Book, progress: Callable[[str], None],
         memo: Cache = NO_CACHE) -> list[Finding]:
    """Run the fast EPUB rules on a freshly written EPUB; raise BookError on any error.

    `memo` keeps what was learnt about each content document for the next build, so after a
    one-chapter edit only that chapter is parsed and checked again.
    """
    if not _enabled.get():
        return []
    with EpubFile.open(path) as doc:
        doc.options = {"allow_scripts": bool(book.config.get("allow_scripts"))}
        doc.memo = memo
        findings = registry.run("epub", doc, Locator(book))
    return _verdict(findings, book, "EPUB", progress)


# PDF warnings the writer does not report itself: the gate says them.
SAID_HERE = ("PDF-FIT-001",)


def pdf(path: Path, book: Book, progress: Callable[[str], None],
        trim: tuple[float, float] | None = None, bleed: float = 0.0,
        cover: bool = False, overflows: list | None = None) -> list[Finding]:
    """Run the PDF preflight on a freshly written PDF (an interior, or a cover wrap whose
    `trim` is the whole wrap without its bleed); raise BookError on any error.
    `overflows` are what the typesetting could not make fit (pdf.fit.Overflow)."""
    from bookbuild.check.pdf_file import PdfFile

    if not _enabled.get():
        return []
    with PdfFile.open(path, trim=trim, bleed=bleed, cover=cover) as doc:
        doc.overflows = list(overflows or [])
        findings = registry.run("pdf", doc)
    # The PDF writer reports its own warnings (page count, image resolution): only stop here,
    # and say those it does not.
    return _verdict(findings, book, "PDF", progress, show_warnings=SAID_HERE)


def _verdict(findings: list[Finding], book: Book, what: str, progress,
             show_warnings: bool | tuple[str, ...] = True) -> list[Finding]:
    """The findings kept after suppressions; warnings said (all, or those of the codes in
    `show_warnings`); BookError on an error."""
    yaml_path = book.root / METADATA_FILE
    text = yaml_path.read_text("utf-8", "replace") if yaml_path.is_file() else ""
    rules = suppress.parse(book.config, text) + suppress.inline(
        [(s.source, s.text) for s in book.sections])
    kept, _hidden = suppress.apply(findings, rules, set())
    kept = [f for f in kept if not f.code.startswith("CHECK-")]  # stale ones: `check` says
    for f in kept:
        said = show_warnings is True or (show_warnings and f.code in show_warnings)
        if said and f.severity == "warning":
            where = f"{f.location}: " if f.location else ""
            progress(f"warning: {where}{f.code}: {f.message}")
    errors = [f for f in kept if f.severity == "error"]
    if errors:
        lines = [Problem(f"{f.code}: {f.message}", f.file, f.line, f.column) for f in errors]
        lines.append(Problem(f"the {what} failed preflight with {counted(len(errors), 'error')}; "
                             f"the previous {what}, if any, is kept"))
        raise BookError(lines)
    return kept
