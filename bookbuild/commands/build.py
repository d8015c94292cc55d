"""`bookbuild build`: the formats asked for, through the pipeline, each told as written or
up to date."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bookbuild.support import output
from bookbuild.support.progress import Progress

ALL = ["epub", "pdf", "cover"]  # what --format all makes: the EPUB and the print files


def build_command(book: str, out: str | None, fmt: str, echo: Callable[[str], None],
                  progress: Progress) -> None:
    from bookbuild.pipeline import build

    formats = ALL if fmt == "all" else [fmt]
    before = output.snapshot(Path(out) if out else Path(book) / "build")
    for path in build(book, out, formats, progress):
        echo(output.told(path, before))
