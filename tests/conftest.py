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
