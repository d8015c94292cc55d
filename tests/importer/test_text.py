"""One long Markdown or plain-text file split into a book (issue 18: a one-file manual once
built to an EPUB whose contents listed one chapter of 23)."""

from __future__ import annotations

import yaml

from bookbuild.importer.book import import_book
from bookbuild.pipeline import build

MANUAL = "# The Tide Tables Manual\n\n" + "".join(
    f"## Part {n}: Topic {n}\n\nText of topic {n}.\n\n### A detail of {n}\n\nMore.\n\n"
    for n in range(1, 24))


def test_a_one_file_manual_splits_at_its_second_level_with_its_title_from_the_top(tmp_path):
    (tmp_path / "manual.md").write_text(MANUAL, "utf-8")
    report = import_book(tmp_path / "manual.md", tmp_path / "book")
    chapters = sorted((tmp_path / "book/manuscript/chapters").glob("*.md"))
    assert len(chapters) == 23
    first = chapters[0].read_text("utf-8")
    assert first.startswith("# Part 1: Topic 1\n") and "\n## A detail of 1\n" in first
    data = yaml.safe_load((tmp_path / "book/manuscript/book.yaml").read_text("utf-8"))
    assert data["title"] == "The Tide Tables Manual"
    assert "manual.md:3" in report.text()  # where each chapter was found
    assert "author: the document names no author" in report.text()
    (epub,) = build(tmp_path / "book", tmp_path / "out", ["epub"])
    import zipfile

    with zipfile.ZipFile(epub) as z:
        nav = z.read("EPUB/nav.xhtml").decode()
    assert nav.count("Topic") == 23


def test_split_level_asked_for_is_used(tmp_path):
    (tmp_path / "manual.md").write_text(MANUAL, "utf-8")
    import_book(tmp_path / "manual.md", tmp_path / "book", split_at=3)
    assert len(list((tmp_path / "book/manuscript/chapters").glob("*.md"))) == 23


def test_plain_text_chapter_lines_become_headings(tmp_path):
    text = ("THE LONG WINTER\nby A. Snow\n\n"
            "CHAPTER ONE\n\nIt snowed.\nIt snowed again, all night.\n\n***\n\nThen spring.\n\n"
            "CHAPTER TWO\n\n1. This line is prose, not a list.\n\n"
            "Chapter 3: The Thaw\n\nWater everywhere.\n")
    (tmp_path / "winter.txt").write_text(text, "utf-8")
    report = import_book(tmp_path / "winter.txt", tmp_path / "book")
    chapters = sorted((tmp_path / "book/manuscript/chapters").glob("*.md"))
    assert [c.name for c in chapters] == ["01-chapter-one.md", "02-chapter-two.md",
                                          "03-chapter-3-the-thaw.md"]
    one = chapters[0].read_text("utf-8")
    # The lines a typewriter broke are one paragraph; *** is a scene break.
    assert "It snowed. It snowed again, all night." in one and "\n* * *\n" in one
    assert "1. This line is prose" in chapters[1].read_text("utf-8").replace("\\", "")
    assert "chapter headings recognised" in report.text()
    assert (tmp_path / "book/manuscript/front/01-opening.md").exists()


def test_not_utf8_is_refused_at_its_line(tmp_path):
    import pytest

    from bookbuild.support.errors import BookError

    (tmp_path / "old.txt").write_bytes(b"CHAPTER ONE\n\nCaf\xe9.\n")
    with pytest.raises(BookError, match=r"old.txt:3: not UTF-8"):
        import_book(tmp_path / "old.txt", tmp_path / "book")
    assert not (tmp_path / "book").exists()
