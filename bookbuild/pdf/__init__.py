"""Print: the PDF interior and the cover wrap, typeset with Typst.

The writers here know nothing of output folders, caches of outputs or preflight: the pipeline
gives them a temp file to write and gates what they wrote. Their warnings are Diagnostics.
"""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path

from bookbuild.book.model import Book
from bookbuild.support.diagnostics import Diagnostic
from bookbuild.support.progress import Progress, silent


def cover_pdf(book: Book, pages: int, progress: Progress = silent) -> tuple[bytes, list[Diagnostic]]:
    """The cover wrap for an interior of `pages` pages, and its warnings."""
    from bookbuild.pdf.interior import print_settings
    from bookbuild.pdf.wrap import cover_pdf as wrap

    return wrap(book, print_settings(book), pages, progress)


def cover_trim(book: Book, pages: int) -> tuple[tuple[float, float], float]:
    """The wrap's size without its bleed, and the bleed, in points: what its preflight checks."""
    from bookbuild.pdf.interior import print_settings
    from bookbuild.pdf.wrap import geometry

    g = geometry(print_settings(book), pages)
    return (g["width"] - 2 * g["bleed"], g["trim_height"]), g["bleed"]


def write_stats(result) -> None:
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
