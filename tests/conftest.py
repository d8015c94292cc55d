"""Shared fixtures: each book is built once per test session, not once per test."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# A suite started in the background by a shell without job control (`nohup make test &`)
# inherits SIGINT ignored, and every process it starts would too: the Ctrl-C tests would see
# a build that a terminal's Ctrl-C cannot stop. A handler of our own is reset by exec, so
# the builds the tests start get the default, as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT
EVERYTHING = ROOT / "tests" / "books" / "everything"


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run the real command line in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "bookbuild", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env=env)


def copy_book(src: Path, dest: Path) -> Path:
    """A private copy of a book folder (manuscript/ and assets/ only) to modify in a test."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in ("manuscript", "assets"):
        if (src / part).exists():
            shutil.copytree(src / part, dest / part)
    return dest


@pytest.fixture(scope="session")
def sample_epub(tmp_path_factory) -> Path:
    from bookbuild.pipeline import build

    out = tmp_path_factory.mktemp("sample")
    (path,) = build(SAMPLE, out, ["epub"])
    return path


@pytest.fixture(scope="session")
def everything_epub(tmp_path_factory) -> Path:
    from bookbuild.pipeline import build

    out = tmp_path_factory.mktemp("everything")
    (path,) = build(EVERYTHING, out, ["epub"])
    return path


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


# book.yaml with straight quotes and apostrophes in every printed field (YAML's own quotes
# around a value that starts with one are not part of the text).
QUOTED_YAML = """\
title: The Keeper's "Lamp"
subtitle: '"Night" and ''Day'''
author: Ann O'Hara
language: {language}
series: The 'Tides'
series_index: 2
publisher: O'Neil & Sons
rights: Ann's text, "free" to share.
description: Ann O'Hara's "lamp" story, of a 'keeper' and his light.
source: {source}
"""


def quoted_book(dest: Path, language: str = "en",
                source: str = "Project Gutenberg EBook") -> Path:
    """A small book whose book.yaml text has straight quotes everywhere it is printed."""
    (dest / "manuscript" / "chapters").mkdir(parents=True)
    (dest / "manuscript" / "book.yaml").write_text(
        QUOTED_YAML.format(language=language, source=source), "utf-8")
    (dest / "manuscript" / "chapters" / "01-one.md").write_text(
        "# One\n\n" + "The keeper trimmed the lamp and watched the sea. " * 40 + "\n", "utf-8")
    return dest


SAMPLE_SLUG = "when-lenin-proclaimed-soviet-power"


@pytest.fixture(scope="session")
def sample_proof(tmp_path_factory) -> dict:
    """`bookbuild proof SAMPLE --device FAKE_KOBO`: the outputs, the device and the run."""
    base = tmp_path_factory.mktemp("sample-proof")
    kobo = base / "KOBOeReader"
    (kobo / ".kobo").mkdir(parents=True)
    out = base / "build"
    result = run_cli("proof", SAMPLE, "--out", out, "--device", kobo, "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    return {"out": out, "proof": out / "proof", "kobo": kobo, "run": result,
            "epub": out / f"{SAMPLE_SLUG}.epub", "kepub": out / f"{SAMPLE_SLUG}.kepub.epub",
            "kindle": out / f"{SAMPLE_SLUG}.kindle.epub"}


def optional(module: str):
    """A module of an optional extra (`proof`): without it the test file is skipped with the
    reason, except under `make test` (BOOKBUILD_ALL_EXTRAS=1), which installs every extra and
    must skip nothing."""
    import importlib
    import os

    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("BOOKBUILD_ALL_EXTRAS") == "1":
            raise
        pytest.skip(f"needs {module} (pip install -e '.[proof]')", allow_module_level=True)


def require_tool(why: str | None, what: str) -> None:
    """Skip a test whose outside tool is missing (`why` says so), except under `make test`
    and CI, which install it and must run it."""
    import os

    if why and (os.environ.get("CI", "").lower() == "true"
                or os.environ.get("BOOKBUILD_ALL_EXTRAS") == "1"):
        pytest.fail(f"`make test` and CI must run {what}: {why}")
    if why:
        pytest.skip(why)


# A book with text for one edition only: print, the EPUB, and each store's (issue 16).
EDITIONS_CHAPTER = """\
# One

Thank you for reading [this paperback]{.print-only}[this ebook]{.ebook-only}. The keeper
trimmed the lamp and watched the sea.

::: {.print-only}
## The map {#map}

The map of the coast is on the facing page.
:::

::: {.ebook-only}
## Tapping {#tapping}

Tap a word to look it up.

[See [the tapping section](#tapping) again.]{.ebook-only}
:::

The end of the chapter.
"""
EDITIONS_ALSO_BY = """\
# Also by Ann Author

*The Second Lamp*, a novel.

::: {.kindle-only}
Find it [on Amazon](https://www.amazon.com/dp/B000000000).[^kindle]

[^kindle]: Kindle Unlimited readers read it free.
:::

::: {.kobo-only}
Find it [on Kobo](https://www.kobo.com/ebook/the-second-lamp).
:::
"""


def editions_book(dest: Path) -> Path:
    """A small book with {.print-only}, {.ebook-only}, {.kindle-only} and {.kobo-only} text,
    and an "also by" page with a paragraph for each store."""
    (dest / "manuscript" / "chapters").mkdir(parents=True)
    (dest / "manuscript" / "back").mkdir(parents=True)
    (dest / "manuscript" / "book.yaml").write_text(
        "title: Every Edition\nauthor: Ann Author\nlanguage: en\n"
        "identifier: urn:uuid:5d3a1f0e-0c1b-4a57-9d2e-7f8f2c1d6b11\n", "utf-8")
    (dest / "manuscript" / "chapters" / "01-one.md").write_text(EDITIONS_CHAPTER, "utf-8")
    (dest / "manuscript" / "back" / "01-also-by.md").write_text(EDITIONS_ALSO_BY, "utf-8")
    return dest
