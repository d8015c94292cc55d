"""The command line: parse, call, print. Bad input is one line per problem and exit code 2."""

from __future__ import annotations

import functools
import os
import sys
import time

import click

from bookbuild import __version__
from bookbuild.errors import BookError

FORMATS = ["epub", "pdf", "cover", "all"]


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
        except KeyboardInterrupt:
            _err("interrupted: earlier outputs are left as they were")
            sys.exit(130)
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
        if not quiet:
            click.echo(f"[{time.monotonic() - start:5.1f}s] {message}", err=True)
    return say


@click.group()
@click.version_option(__version__, prog_name="bookbuild")
def main() -> None:
    """bookbuild: a book folder in, store-ready EPUB 3 and print PDF out."""


@main.command()
@click.argument("book", default=".", type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="epub", show_default=True)
@click.option("--out", type=click.Path(file_okay=False), help="Output folder [BOOK/build].")
@click.option("-q", "--quiet", is_flag=True, help="Print only the written files and errors.")
@friendly
def build(book: str, fmt: str, out: str | None, quiet: bool) -> None:
    """Build BOOK (a folder with manuscript/ and assets/)."""
    from bookbuild.build import build as run_build

    formats = ["epub", "pdf", "cover"] if fmt == "all" else [fmt]
    for path in run_build(book, out, formats, _progress(quiet)):
        click.echo(f"wrote {path} ({path.stat().st_size / 1024:,.0f} KB)")


@main.command()
@click.argument("path", type=click.Path(exists=True))
@friendly
def check(path: str) -> None:
    """Check an EPUB with EPUBCheck and print its messages."""
    from pathlib import Path

    from bookbuild.check import epubcheck

    findings = epubcheck.run(Path(path))
    for f in findings:
        click.echo(str(f))
    errors = sum(f.severity == "error" for f in findings)
    click.echo(f"{path}: {len(findings)} messages, {errors} errors")
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("folder", type=click.Path())
@friendly
def new(folder: str) -> None:
    """Create a book folder in FOLDER that builds at once."""
    from bookbuild.scaffold import new_book

    target = new_book(folder)
    click.echo(f"created {target}; build it with: bookbuild build {target}")


if __name__ == "__main__":
    main()
