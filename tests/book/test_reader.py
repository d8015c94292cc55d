import os
from pathlib import Path

import pytest

from bookbuild.book.reader import read_book
from bookbuild.support.errors import BookError
from tests.conftest import EVERYTHING, SAMPLE


def make_book(root: Path, files: dict[str, str | bytes], yaml: str | None = None) -> Path:
    (root / "manuscript").mkdir(parents=True, exist_ok=True)
    (root / "manuscript" / "book.yaml").write_text(
        yaml or "title: T\nauthor: A\nlanguage: en\n", "utf-8")
    for rel, content in files.items():
        path = root / "manuscript" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")
    return root


def test_sample_book_sections():
    book = read_book(SAMPLE)
    assert [s.kind for s in book.sections] == ["front", "chapter", "back"]
    assert book.metadata.title == "When Lenin Proclaimed Soviet Power"
    assert book.metadata.source.startswith("https://www.marxists.org/")


def test_sections_sorted_by_file_name_within_kind(tmp_path):
    make_book(tmp_path, {"chapters/10-ten.md": "# Ten", "chapters/02-two.md": "# Two",
                         "back/01-afterword.md": "# After", "front/01-dedication.md": "# D"})
    book = read_book(tmp_path)
    assert [s.source for s in book.sections] == [
        "manuscript/front/01-dedication.md", "manuscript/chapters/02-two.md",
        "manuscript/chapters/10-ten.md", "manuscript/back/01-afterword.md"]
    assert [s.role for s in book.sections] == ["dedication", "chapter", "chapter", "afterword"]
    assert [s.file_name for s in book.sections][0] == "front-01-dedication.xhtml"


def test_explicit_order(tmp_path):
    make_book(tmp_path, {"chapters/a.md": "# A", "chapters/b.md": "# B"},
              "title: T\nauthor: A\nlanguage: en\norder: [chapters/b.md, chapters/a.md]\n")
    assert [s.name for s in read_book(tmp_path).sections] == ["chapter-b", "chapter-a"]


def test_order_that_escapes_is_refused(tmp_path):
    make_book(tmp_path, {"chapters/a.md": "# A"},
              "title: T\nauthor: A\nlanguage: en\norder: [chapters/../../x.md]\n")
    with pytest.raises(BookError, match="leaves the book"):
        read_book(tmp_path)


def test_empty_manuscript(tmp_path):
    make_book(tmp_path, {})
    with pytest.raises(BookError, match="no sections"):
        read_book(tmp_path)


def test_not_a_book(tmp_path):
    with pytest.raises(BookError, match="no manuscript/ folder"):
        read_book(tmp_path)


def test_non_utf8_names_file_and_offset(tmp_path):
    make_book(tmp_path, {"chapters/01.md": b"# Title\n\ncaf\xe9\n"})
    with pytest.raises(BookError) as e:
        read_book(tmp_path)
    (problem,) = e.value.problems
    assert problem.file == "manuscript/chapters/01.md" and problem.line == 3
    assert "byte 0xe9 at offset 12" in problem.message


def test_two_sections_with_one_output_name(tmp_path):
    make_book(tmp_path, {"chapters/01 one.md": "# A", "chapters/01-one.md": "# B"})
    with pytest.raises(BookError, match="same output name chapter-01-one.xhtml"):
        read_book(tmp_path)


def test_byte_order_mark_is_dropped(tmp_path):
    make_book(tmp_path, {"chapters/01.md": "\ufeff# Title\n"})
    assert read_book(tmp_path).sections[0].text == "# Title\n"


def test_modified_comes_from_source_date_epoch(tmp_path, monkeypatch):
    make_book(tmp_path, {"chapters/01.md": "# A"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert read_book(tmp_path).modified == 1700000000


def test_modified_otherwise_from_newest_manuscript_file(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    make_book(tmp_path, {"chapters/01.md": "# A", "chapters/02.md": "# B"})
    os.utime(tmp_path / "manuscript/book.yaml", (1_600_000_000, 1_600_000_000))
    os.utime(tmp_path / "manuscript/chapters/01.md", (1_600_000_000, 1_600_000_000))
    os.utime(tmp_path / "manuscript/chapters/02.md", (1_650_000_000, 1_650_000_000))
    assert read_book(tmp_path).modified == 1_650_000_000


def test_assets_listed_without_symlinks_out(tmp_path):
    make_book(tmp_path, {"chapters/01.md": "# A"})
    (tmp_path / "assets/images").mkdir(parents=True)
    (tmp_path / "assets/images/a.png").write_bytes(b"x")
    outside = tmp_path.parent / f"{tmp_path.name}-secret.png"
    outside.write_bytes(b"secret")
    (tmp_path / "assets/images/b.png").symlink_to(outside)
    assert sorted(read_book(tmp_path).assets) == ["images/a.png"]


def test_everything_book_reads():
    book = read_book(EVERYTHING)
    assert book.metadata.isbn == "9783161484100"
    assert {c.role for c in book.metadata.contributors} >= {"author", "translator", "editor"}
    assert len(book.sections) >= 8
