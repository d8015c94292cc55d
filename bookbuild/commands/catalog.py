"""`bookbuild catalog`: many books in one command, then their OPDS feeds; `bookbuild serve`:
a catalogue (or a build folder) over HTTP for reading apps and e-reader browsers."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bookbuild.support.progress import Progress
from bookbuild.support.words import counted


def catalog_command(paths: list[str], out: str | None, formats: tuple[str, ...],
                    title: str | None, scheduler: str | None, workers: int | None,
                    echo: Callable[[str], None], progress: Progress) -> int:
    """Exit code 1 when any book failed (the others are built all the same), else 0."""
    from bookbuild.catalog import build_catalog, config, report
    from bookbuild.catalog.feeds import ATOM_FILE

    catalog = config.read(paths, out, formats, title)
    where = f"on {scheduler}" if scheduler else \
        ("in this process" if workers == 1 else "on this machine's cores")
    progress(f"building {counted(len(catalog.entries), 'book')} {where} into {catalog.out}")
    started = time.monotonic()

    def finished(result: dict, done: int, total: int) -> None:
        progress(report.finished_line(result, done, total, time.monotonic() - started))

    outcome = build_catalog(catalog, scheduler, workers, finished)
    echo(report.table(outcome.results))
    for result in outcome.failed:
        for problem in result["errors"]:
            echo(f"{result['book']}: {problem}")
    echo(report.summary(outcome.results, outcome.seconds))
    echo(f"catalogue: {catalog.out / ATOM_FILE} (OPDS), {catalog.out / 'index.html'}; "
         f"report: {catalog.out / 'catalog-report.json'}")
    return 1 if outcome.failed else 0


def serve_command(folder: str, host: str, port: int, echo: Callable[[str], None]) -> None:
    from bookbuild.proof.serve import serve
    from bookbuild.support.errors import BookError

    root = Path(folder)
    if not root.is_dir():
        raise BookError(f"{folder}: no such folder (serve a catalogue's or a book's output)")
    serve(root.resolve(), host, port, echo, title=root.resolve().name)
