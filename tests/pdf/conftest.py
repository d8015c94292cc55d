"""Print builds shared by the PDF tests: each book is typeset once per session."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT
EVERYTHING = ROOT / "tests" / "books" / "everything"


@dataclass
class Print:
    book: Path
    interior: Path
    cover: Path
    messages: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [m for m in self.messages if m.startswith("warning: ")]

    def pdf(self) -> pikepdf.Pdf:
        return pikepdf.open(self.interior)


def copy_book(src: Path, dest: Path, print_block: dict | None = None,
              extra: dict | None = None) -> Path:
    """A private copy of a book (manuscript/ and assets/), with book.yaml keys changed."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in ("manuscript", "assets"):
        if (src / part).exists():
            shutil.copytree(src / part, dest / part)
    meta_path = dest / "manuscript" / "book.yaml"
    data = yaml.safe_load(meta_path.read_text("utf-8"))
    if print_block is not None:
        data["print"] = print_block
    data.update(extra or {})
    meta_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return dest


def build_print(book: Path, out: Path) -> Print:
    from bookbuild.pipeline import build

    messages: list[str] = []
    interior, cover = build(book, out, ["pdf", "cover"], messages.append)
    return Print(book, interior, cover, messages)


@pytest.fixture(scope="session")
def everything_print(tmp_path_factory) -> Print:
    return build_print(EVERYTHING, tmp_path_factory.mktemp("everything-print"))


@pytest.fixture(scope="session")
def sample_print(tmp_path_factory) -> Print:
    return build_print(SAMPLE, tmp_path_factory.mktemp("sample-print"))


@pytest.fixture(scope="session")
def bleed_print(tmp_path_factory) -> Print:
    """The sample on 6×9 cream paper with bleed."""
    book = copy_book(SAMPLE, tmp_path_factory.mktemp("bleed-book"),
                     {"trim": "6x9", "bleed": True, "paper": "cream"})
    return build_print(book, tmp_path_factory.mktemp("bleed-print"))
