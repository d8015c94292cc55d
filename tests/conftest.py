"""Shared fixtures: each book is built once per test session, not once per test."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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
    from bookbuild.build import build

    out = tmp_path_factory.mktemp("sample")
    (path,) = build(SAMPLE, out, ["epub"])
    return path


@pytest.fixture(scope="session")
def everything_epub(tmp_path_factory) -> Path:
    from bookbuild.build import build

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
