"""The command line: parse, call, print. Bad input is one line per problem and exit code 2."""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import signal
import sys
import time
from pathlib import Path

import click

from bookbuild import __version__
from bookbuild.proof.devices import DEFAULT_VIEW, DEVICES
from bookbuild.support.errors import BookError

FORMATS = ["epub", "pdf", "cover", "kepub", "kindle", "all"]


def _err(message: str) -> None:
    click.secho(message, err=True, fg="red" if sys.stderr.isatty() else None)


def friendly(func):
    """No traceback ever reaches the author: bad input is exit 2, a bug is exit 3."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except BookError as e:
            for problem in e.problems:
                _err(f"error: {problem}")
            sys.exit(2)
        except KeyboardInterrupt as e:  # Ctrl-C, or `kill` (Terminated)
            _err("interrupted: earlier outputs are left as they were")
            sys.exit(getattr(e, "exit_code", 130))
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.Abort):
            raise
        except Exception as e:  # noqa: BLE001 - the last line of defence
            if os.environ.get("BOOKBUILD_DEBUG"):
                raise
            _err(f"internal error: {type(e).__name__}: {e} "
                 f"(a bug in bookbuild; BOOKBUILD_DEBUG=1 shows the details)")
            sys.exit(3)
    return wrapper


def _progress(quiet: bool):
    start = time.monotonic()

    def say(message: str) -> None:
        if message.startswith("warning:"):  # warnings are for the author, even when quiet
            click.secho(message, err=True, fg="yellow" if sys.stderr.isatty() else None)
        elif not quiet:
            click.echo(f"[{time.monotonic() - start:5.1f}s] {message}", err=True)
    return say


def _version(ctx: click.Context, _param, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from bookbuild.convert.pandoc import pandoc_version

    try:
        pandoc = f"pandoc {pandoc_version()}"
    except (BookError, OSError):  # pypandoc_binary missing and no pandoc on PATH
        pandoc = "pandoc not found"
    click.echo(f"bookbuild {__version__} ({pandoc})")
    ctx.exit()


@click.group()
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help="Show the version (and pandoc's) and exit.")
def main() -> None:
    """bookbuild: a book folder in, store-ready EPUB 3 and print PDF out."""
    # `kill` must leave outputs as Ctrl-C does: unwinding runs the temp-file cleanup.
    signal.signal(signal.SIGTERM, _terminate)


class Terminated(KeyboardInterrupt):
    """SIGTERM, unwound as Ctrl-C is: temp files removed, one line said, no traceback."""

    def __init__(self, signum: int):
        super().__init__(f"signal {signum}")
        self.exit_code = 128 + signum


def _terminate(signum, _frame) -> None:
    raise Terminated(signum)


@main.command()
@click.argument("book", default=".", type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="epub", show_default=True)
@click.option("--out", type=click.Path(file_okay=False), help="Output folder [BOOK/build].")
@click.option("-q", "--quiet", is_flag=True, help="Print only the written files, warnings and errors.")
@friendly
def build(book: str, fmt: str, out: str | None, quiet: bool) -> None:
    """Build BOOK (a folder with manuscript/ and assets/)."""
    from bookbuild.commands.build import build_command

    build_command(book, out, fmt, click.echo, _progress(quiet))


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["human", "json"]), default="human",
              show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option("--ace", is_flag=True, help="Also run DAISY Ace (`make ace` installs it).")
@click.option("--reader", is_flag=True,
              help="Also read the EPUB in epub.js at every device and type size "
                   "(READER-*; `make proof` installs it).")
@click.option("--fast", is_flag=True, help="Only bookbuild's own rules: skip EPUBCheck.")
@click.option("--profile", type=click.Choice(["generic", "kindle", "kobo", "apple"]),
              help="The store to check for: its own rules are errors only under its profile "
                   "[a book: every store; an EPUB: generic].")
@click.option("-q", "--quiet", is_flag=True, help="No progress messages.")
@friendly
def check(path: str, fmt: str, strict: bool, ace: bool, reader: bool, fast: bool,
          profile: str | None, quiet: bool) -> None:
    """Preflight PATH: a book folder (manuscript, EPUB and PDF), an .epub or a .pdf.

    Exit code 0 when clean, 1 when anything is an error (or a warning, with --strict),
    2 on bad usage.
    """
    from bookbuild.check import report
    from bookbuild.commands.check import Options, check_path

    if fast and (ace or reader):
        raise click.UsageError("--fast skips the outside checkers; it cannot run Ace or the reader")
    result = check_path(path, Options(epubcheck=not fast, ace=ace, reader=reader,
                                      profile=profile),
                        _progress(quiet))
    if fmt == "json":
        click.echo(report.as_json(result))
    else:
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        click.echo(report.as_text(result, colour))
    sys.exit(result.exit_code(strict))


@main.command()
@click.argument("folder", type=click.Path())
@friendly
def new(folder: str) -> None:
    """Create a book folder in FOLDER that builds at once."""
    from bookbuild.commands.new import new_book

    target = new_book(folder)
    click.echo(f"created {target}; build it with: {_invocation()} build {shlex.quote(str(target))}")


@main.command("import")
@click.argument("source", type=click.Path(dir_okay=False))
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--split-level", type=click.IntRange(1, 6), default=None,
              help="Split chapters at this heading level [the level the headings show].")
@click.option("--accept-changes", is_flag=True,
              help="Accept every tracked change and drop every comment (refused otherwise).")
@friendly
def import_(source: str, folder: str, split_level: int | None, accept_changes: bool) -> None:
    """Make a book folder FOLDER from SOURCE: a .docx, .odt, .epub, or one .md or .txt file."""
    from bookbuild.commands.imports import import_command

    report = import_command(source, folder, split_level, accept_changes)
    click.echo(report.text(), nl=False)
    click.echo(f"created {folder} (this report is in {Path(folder) / 'import-report.txt'}); "
               f"build it with: {_invocation()} build {shlex.quote(folder)}")


def _invocation() -> str:
    """How to run bookbuild again, as this shell can: `bookbuild` only when it is on PATH."""
    me = Path(sys.argv[0])
    on_path = shutil.which("bookbuild")
    if on_path and me.exists() and Path(on_path).resolve() == me.resolve():
        return "bookbuild"
    if me.name == "bookbuild" and me.exists():
        try:
            return shlex.quote(str(me.resolve().relative_to(Path.cwd())))
        except ValueError:
            return shlex.quote(str(me))
    return f"{shlex.quote(sys.executable)} -m bookbuild"


@main.command()
@click.argument("book", default=".", type=click.Path(file_okay=False))
@click.option("--out", type=click.Path(file_okay=False), help="Output folder [BOOK/build].")
@click.option("--serve", is_flag=True, help="Then serve the output folder to e-reader browsers.")
@click.option("--device", type=click.Path(file_okay=False),
              help="Then copy the right edition to the e-reader mounted at PATH.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to serve on.")
@click.option("--designs", is_flag=True,
              help="Only this: the first chapter's opener in every design, print and e-reader.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the results and findings.")
@friendly
def proof(book: str, out: str | None, serve: bool, device: str | None, port: int, host: str,
          designs: bool, quiet: bool) -> None:
    """Proof BOOK for e-readers: Kobo and Kindle editions, device renderings, print spreads."""
    from bookbuild.commands.proof import designs_command, proof_command

    if designs:
        sys.exit(designs_command(book, out, echo=click.echo, progress=_progress(quiet)))
    sys.exit(proof_command(book, out, serve=serve, device=device, host=host, port=port,
                           echo=click.echo, progress=_progress(quiet)))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--out", type=click.Path(file_okay=False),
              help="Output folder [catalog.yaml's out:, else build/catalog beside it; "
                   "./catalog for folders].")
@click.option("--format", "formats", multiple=True,
              type=click.Choice(["epub", "pdf", "cover", "kepub", "kindle", "all"]),
              help="A format to make of every book (again for more) [catalog.yaml's, or epub].")
@click.option("--title", help="The catalogue's title in its feeds and page [catalog.yaml's].")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Build on this Dask cluster (its workers see the books at the same paths).")
@click.option("--workers", type=click.IntRange(1, 512),
              help="Local worker processes [one per core]; 1 builds in this process.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the table and the results.")
@friendly
def catalog(paths: tuple[str, ...], out: str | None, formats: tuple[str, ...],
            title: str | None, scheduler: str | None, workers: int | None, quiet: bool) -> None:
    """Build many books: PATHS are book folders, or one catalog.yaml [./catalog.yaml]; then
    write their OPDS 1.2 and 2.0 feeds, an HTML page and a JSON report.

    Exit code 0 when every book is built, 1 when any failed (the others are built all the
    same), 2 on bad usage.
    """
    from bookbuild.commands.catalog import catalog_command

    if scheduler and workers:
        raise click.UsageError("--workers is for the local cluster; a --scheduler has its own")
    chosen = ("epub", "pdf", "cover") if "all" in formats else tuple(dict.fromkeys(formats))
    sys.exit(catalog_command(list(paths), out, chosen, title, scheduler, workers, click.echo,
                             _progress(quiet)))


@main.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to serve on.")
@friendly
def serve(folder: str, port: int, host: str) -> None:
    """Serve FOLDER (a catalogue's output, or a book's build folder) on the local network:
    OPDS readers open /opds.xml, browsers the front page."""
    from bookbuild.commands.catalog import serve_command

    serve_command(folder, host, port, click.echo)


@main.command()
@click.argument("book", default=".", type=click.Path(file_okay=False))
@click.option("--out", type=click.Path(file_okay=False), help="Output folder [BOOK/build].")
@click.option("--view", default=DEFAULT_VIEW, show_default=True,
              type=click.Choice([d.id for d in DEVICES]),
              help="The device whose rendering of the saved section is refreshed.")
@click.option("--full", is_flag=True, help="The whole proof on every save, not one device.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the results and findings.")
@friendly
def watch(book: str, out: str | None, view: str, full: bool, quiet: bool) -> None:
    """Rebuild BOOK on every save, until Ctrl-C: the EPUB and a device's rendering of the
    saved section (build/watch/index.html), or with --full the whole proof."""
    from bookbuild.commands.proof import watch_command

    watch_command(book, out, echo=click.echo, progress=_progress(quiet), full=full, view=view)


if __name__ == "__main__":
    main()
