"""Print: the PDF interior and the cover wrap, typeset with Typst.

Warnings (low-resolution pictures, characters no font has, a page count printers refuse)
go through `progress` as lines starting with "warning:"; they never stop the build.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
from pathlib import Path

from bookbuild.support import cache
from bookbuild.support import output
from bookbuild.book.model import Book
from bookbuild.support.progress import Progress, silent

# The last interior typeset in this process: `--format all` sets the book once for both the
# interior and the cover, whose spine depends on the page count.
_last: tuple[Book, object] | None = None




def typeset_interior(book: Book, progress: Progress = silent):
    global _last
    from bookbuild.pdf.interior import typeset

    if _last is not None and _last[0] is book:
        return _last[1]
    result = typeset(book, progress)
    for warning in result.warnings:
        progress(f"warning: {warning}")
    _last = (book, result)
    return result


def overflows_of(book: Book) -> list:
    """What the print of `book`, typeset in this process, could not make fit."""
    if _last is not None and _last[0] is book:
        return list(_last[1].overflows)
    return []


def _record(book: Book):
    """The build cache and the key of this book's print inputs (see bookbuild.pipeline)."""
    from bookbuild.pipeline import book_cache, inputs_key

    return book_cache(book), inputs_key(book, "pdf")


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def build_pdf(book: Book, out_dir: Path, progress: Progress = silent) -> Path:
    target = out_dir / f"{book.metadata.slug}.pdf"
    store, stamp = _record(book)
    known = store.get_json("print", stamp)
    if known and _digest(target) == known.get("digest"):
        progress("print interior is up to date")
        for warning in known.get("warnings", []):
            progress(f"warning: {warning}")
        return target
    result = typeset_interior(book, progress)
    with output.locked(out_dir), output.atomic(target) as tmp:
        tmp.write_bytes(result.pdf)
        from bookbuild.check import (
            gate,  # preflight: an error keeps the previous PDF, exit 2
        )

        kept = gate.pdf(tmp, book, progress, (result.settings.width, result.settings.height),
                        result.settings.bleed_pt, overflows=result.overflows)
    # The gate's own warnings are said again when the PDF is found up to date.
    said = [f"{f.location + ': ' if f.location else ''}{f.code}: {f.message}" for f in kept
            if f.severity == "warning" and f.code in gate.SAID_HERE]
    store.put_json("print", stamp, {"digest": hashlib.sha256(result.pdf).hexdigest(),
                                    "pages": result.pages,
                                    "warnings": result.warnings + said})
    progress(f"interior: {result.pages} pages, trim {result.settings.trim_name}")
    _write_stats(result)
    return target


def _write_stats(result) -> None:
    """BOOKBUILD_STATS=FILE: each process's peak memory, for `make bench`."""
    path = os.environ.get("BOOKBUILD_STATS")
    if not path:
        return
    workers = [kb / 1024 for pid, kb in sorted(result.peaks_kb.items()) if pid != os.getpid()]
    Path(path).write_text(json.dumps({
        "main_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # pandoc's processes and Typst's workers, once waited for: the largest of them
        "largest_child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "typst_workers_peak_mb": workers,
        "typst_jobs_compiled": len(result.compiled)}))


def _page_count(book: Book, progress: Progress) -> int:
    """The interior's page count: from this run, from the cache, or by typesetting it."""
    if _last is not None and _last[0] is book:
        return _last[1].pages
    store, stamp = _record(book)
    known = store.get_json("print", stamp)
    if known and isinstance(known.get("pages"), int):
        return known["pages"]
    return typeset_interior(book, progress).pages


def build_cover(book: Book, out_dir: Path, progress: Progress = silent) -> Path:
    from bookbuild.pdf.interior import print_settings
    from bookbuild.check import gate  # preflight: an error keeps the previous cover, exit 2
    from bookbuild.pdf.wrap import cover_pdf
    from bookbuild.pdf.wrap import geometry as wrap_geometry

    settings = print_settings(book)
    pages = _page_count(book, progress)
    target = out_dir / f"{book.metadata.slug}-cover.pdf"
    store, stamp = _record(book)
    stamp = cache.key("cover", stamp, str(pages))
    known = store.get_json("print", stamp)
    if known and _digest(target) == known.get("digest"):
        progress("cover wrap is up to date")
        for warning in known.get("warnings", []):
            progress(f"warning: {warning}")
        return target
    pdf, warnings = cover_pdf(book, settings, pages, progress)
    for warning in warnings:
        progress(f"warning: {warning}")
    g = wrap_geometry(settings, pages)
    with output.locked(out_dir), output.atomic(target) as tmp:
        tmp.write_bytes(pdf)
        gate.pdf(tmp, book, progress, trim=(g["width"] - 2 * g["bleed"], g["trim_height"]),
                 bleed=g["bleed"], cover=True)
    store.put_json("print", stamp, {"digest": _digest(target), "warnings": warnings})
    return target
