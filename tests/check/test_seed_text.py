"""The manuscript lint on the sample as it was found: an unrepaired copy of the source text,
kept in tests/check/seed/, has four paragraphs split mid-sentence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bookbuild.book.reader import read_book
from bookbuild.check import registry
from bookbuild.check.ms_text import Manuscript

ROOT = Path(__file__).resolve().parents[2]
SEED = Path(__file__).parent / "seed" / "when-lenin-proclaimed-soviet-power.txt"
CHAPTER = "manuscript/chapters/01-when-lenin-proclaimed-soviet-power.md"
# The end of the first half of each split, and the start of the second.
SPLITS = [("on the instructions of the party,", "he had been"), ("An", "electric bulb"),
          ("closing session of the", "Second Congress"), ("as part", "of their rations")]


@pytest.fixture(scope="module")
def unrepaired(tmp_path_factory) -> Path:
    assert SEED.is_file(), f"the seed text is missing: {SEED}"
    root = tmp_path_factory.mktemp("seed")
    shutil.copytree(ROOT / "manuscript", root / "manuscript")
    shutil.copytree(ROOT / "assets", root / "assets")
    shutil.copy(SEED, root / CHAPTER)
    return root


def _expected_lines(text: str) -> list[int]:
    lines = text.split("\n")
    out = []
    for end, start in SPLITS:
        hits = [i for i, line in enumerate(lines, 1)
                if line.rstrip().endswith(end) and i + 1 < len(lines)
                and not lines[i].strip() and lines[i + 1].startswith(start)]
        assert len(hits) == 1, f"the seed no longer has the split “{end}” / “{start}”"
        out += hits
    return out


def test_the_four_split_paragraphs_at_their_lines(unrepaired):
    found = registry.run("manuscript", Manuscript.of(read_book(unrepaired)))
    splits = [f for f in found if f.code == "MS-PARA-001"]
    assert {f.file for f in splits} == {CHAPTER}
    assert sorted(f.line for f in splits) == _expected_lines(SEED.read_text("utf-8"))


def test_the_repaired_sample_has_none():
    found = registry.run("manuscript", Manuscript.of(read_book(ROOT)))
    assert [f for f in found if f.code == "MS-PARA-001"] == []
