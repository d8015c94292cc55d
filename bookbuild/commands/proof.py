"""What `bookbuild proof` and `bookbuild watch` do, kept out of the click shell."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

from bookbuild.proof import mupdf
from bookbuild.proof.devices import DEFAULT_VIEW, FONT_SIZES
from bookbuild.proof.run import ProofResult, proof
from bookbuild.proof.sideload import detect, sideload
from bookbuild.support import output
from bookbuild.support.errors import BookError

Say = Callable[[str], None]
WATCH_HINT = ("watchfiles is not installed, and watch needs it: run `make proof`, "
              "or pip install 'bookbuild[proof]'")


def proof_command(book: str, out: str | None, *, serve: bool, device: str | None, host: str,
                  port: int, echo: Say, progress: Say) -> int:
    """Run the proof, then sideload and/or serve. The exit code: 1 if the proof found errors."""
    render = mupdf.available()
    if not render:
        if not (serve or device):
            raise BookError(mupdf.INSTALL_HINT)
        echo(f"note: renderings skipped; {mupdf.INSTALL_HINT}")
    if device:
        detect(Path(device))  # a wrong path fails now, not after the whole proof
    if serve:
        from bookbuild.proof.serve import make_server

        # A busy port fails now, not after the proof (the address is reused at once).
        make_server(Path("."), host, port).server_close()
    before = output.snapshot(Path(out) if out else Path(book) / "build")
    result = proof(book, out, progress, render=render)
    report(result, echo, before)
    if device:
        _sideload(result, Path(device), echo)
    if serve:
        from bookbuild.proof.serve import serve as run_server

        run_server(result.editions.epub.parent, host, port, echo, title=_title(result),
                   slug=_title(result))
    return 1 if any(f.severity == "error" for f in result.findings) else 0


def designs_command(book: str, out: str | None, *, echo: Say, progress: Say) -> int:
    """The book's opener in every design (proof/designs.py), into OUT/proof/."""
    if not mupdf.available():
        raise BookError(mupdf.INSTALL_HINT)
    from bookbuild.book.reader import read_book
    from bookbuild.proof.designs import design_sheet

    root = read_book(book).root  # a book that does not read is said here, once
    sheet = design_sheet(root, (Path(out) if out else root / "build") / "proof", progress)
    echo(f"wrote {sheet}")
    return 0


def _title(result: ProofResult) -> str:
    return result.editions.epub.name.removesuffix(".epub")


def _sideload(result: ProofResult, device: Path, echo: Say) -> None:
    e = result.editions
    reader, path = sideload(device, {"kepub": e.kepub, "kindle": e.kindle})
    echo(f"copied the {reader.name} edition to {path}")
    if reader.note:
        echo(f"note: {reader.note}")


def report(result: ProofResult, echo: Say, before: dict | None = None) -> None:
    e = result.editions
    for path in (e.epub, e.kepub, e.kindle, e.pdf):
        if path is not None:
            echo(output.told(path, before or {}))
    sizes = "/".join(FONT_SIZES)
    for d in result.devices:
        counts = "/".join(str(d.page_counts[s]) for s in FONT_SIZES)
        echo(f"{d.device.name}: {counts} pages at {sizes} type")
    for f in result.findings:
        echo(str(f))
    if result.index is not None:
        echo(f"proof sheet: {result.index}")


def watch_command(book: str, out: str | None, echo: Say, progress: Say, *, full: bool = False,
                  view: str = DEFAULT_VIEW) -> None:
    """Rebuild on every save: the EPUB and one device's rendering of the saved section (a
    second), or with `full` the whole proof (a minute)."""
    if importlib.util.find_spec("watchfiles") is None:
        raise BookError(WATCH_HINT)
    from bookbuild.proof import live
    from bookbuild.proof.watch import watch

    render = mupdf.available()
    if not render:
        echo(f"note: renderings skipped; {mupdf.INSTALL_HINT}")
    pymupdf = mupdf.load() if render else None
    device = live.device_named(view)

    def rebuild(changed: list[str]) -> None:
        before = output.snapshot(Path(out) if out else Path(book) / "build")
        if full:
            report(proof(book, out, progress, render=render), echo, before)
            return
        shown = live.refresh(book, out, changed, device, progress, pymupdf)
        echo(output.told(shown.epub, before))
        if shown.index is not None:
            overflowing = (f"; p. {', '.join(map(str, shown.overflows))} overflow"
                           if shown.overflows else "")
            echo(f"{device.name}: “{shown.section}”, {len(shown.pages)} of {shown.total} "
                 f"pages{overflowing}: {shown.index}")

    watch(book, rebuild, echo)
