"""Pandoc run on an imported file: bounded in time and memory, sandboxed from the network."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bookbuild.convert.pandoc import pandoc_path
from bookbuild.support import bounded
from bookbuild.support.errors import BookError

TIMEOUT = 300  # seconds: a 1,000-page manuscript reads in well under a minute
MEMORY_MB = 4096


def read(source: Path, fmt: str, *args: str, media: Path | None = None) -> dict:
    """The file as pandoc's document tree (its JSON)."""
    extra = [f"--extract-media={media}"] if media else []
    out = _run([str(source), "-f", fmt, "-t", "json", *extra, *args], source)
    return json.loads(out)


def write(doc: dict, to: str, *args: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as f:
        json.dump(doc, f)
        f.flush()
        return _run([f.name, "-f", "json", "-t", to, *args], Path(f.name))


def _run(args: list[str], source: Path) -> str:
    # --sandbox: readers and writers touch no file and no network beyond what is named here.
    proc = bounded.run([pandoc_path(), "--sandbox", *args], TIMEOUT, MEMORY_MB)
    if proc.stopped:
        limit = f"{TIMEOUT} s" if proc.stopped == "time" else f"{MEMORY_MB} MB"
        raise BookError(f"{source}: pandoc was stopped at its limit of {limit}")
    if proc.returncode != 0:
        raise BookError(f"{source}: pandoc could not read it: "
                        f"{proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ''}")
    return proc.stdout



def api_version() -> list[int]:
    """The document-tree version this pandoc writes and reads."""
    with tempfile.NamedTemporaryFile("w", suffix=".md") as f:
        return read(Path(f.name), "markdown")["pandoc-api-version"]
