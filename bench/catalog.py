"""`make bench`, issue 19: a catalogue of small books built serially (one worker, in the
command's own process) and on this machine's cores (a local Dask cluster), both cold, from
two copies of the same books. One book of them is broken: both runs must report it and build
the others, and both must write the same bytes."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from bench.generate import paragraph

BROKEN = "book-broken"


def generate(root: Path, books: int) -> Path:
    """`books` book folders (the last broken) and a catalog.yaml naming them by pattern."""
    rng = random.Random(19)
    for n in range(1, books):
        folder = root / "books" / f"book-{n:04d}"
        (folder / "manuscript" / "chapters").mkdir(parents=True)
        (folder / "manuscript" / "book.yaml").write_text(
            f"title: Small Book {n}\nauthor: Author {n % 37}\nlanguage: en\n"
            f"identifier: urn:uuid:00000000-0000-4000-8000-{n:012d}\n", "utf-8")
        for c in range(1, 4):
            text = "\n\n".join(paragraph(rng, 130)[0] for _ in range(3))
            (folder / "manuscript" / "chapters" / f"{c:02d}-part.md").write_text(
                f"# Part {c}\n\n{text}\n", "utf-8")
    broken = root / "books" / BROKEN / "manuscript"
    (broken / "chapters").mkdir(parents=True)
    (broken / "book.yaml").write_text("title: Broken\nauthor: Nobody\nlanguage: English\n")
    (broken / "chapters" / "01-one.md").write_text("# One\n\nText.\n", "utf-8")
    (root / "catalog.yaml").write_text(
        "title: Bench Press\ndefaults:\n  publisher: Bench Press\nbooks:\n  - books/*\n", "utf-8")
    return root / "catalog.yaml"


def copy(src: Path, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest)  # with the files' times: the same books, nothing cached
    return dest / "catalog.yaml"


def verdict(serial: Path, parallel: Path, books: int) -> list[str]:
    """What the two runs must agree on; each line a failure."""
    problems = []
    for where in (serial, parallel):
        report = json.loads((where / "build/catalog/catalog-report.json").read_text())
        failed = [b["book"] for b in report["books"] if b["status"] == "failed"]
        if report["built"] != books - 1 or failed != [BROKEN]:
            problems.append(f"{where}: {report['built']} built, failed: {failed}")
    a, b = _files(serial / "build/catalog"), _files(parallel / "build/catalog")
    differ = sorted(n for n in a.keys() | b.keys() if a.get(n) != b.get(n))
    if differ:
        problems.append(f"serial and parallel outputs differ: {differ[:5]}")
    return problems


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".") and p.name != "catalog-report.json"}
