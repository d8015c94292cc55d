"""A character no font has on the generated cover is a warning at its line of book.yaml."""

from __future__ import annotations

from bookbuild import pipeline
from bookbuild.book.reader import read_book
from bookbuild.media import cover

YAML = """\
# A book whose cover text has a script none of the fonts has.
language: en
title: The Lamp ሀ
subtitle: All fine
author: Ann ሁሂ Author
"""


def book_folder(tmp_path, yaml: str = YAML):
    folder = tmp_path / "book"
    (folder / "manuscript" / "chapters").mkdir(parents=True)
    (folder / "manuscript" / "book.yaml").write_text(yaml, "utf-8")
    (folder / "manuscript" / "chapters" / "01-one.md").write_text(
        "# One\n\n" + "The keeper trimmed the lamp. " * 20 + "\n", "utf-8")
    return folder


def test_the_warning_names_book_yaml_the_line_and_the_character(tmp_path):
    warnings = cover.cover_warnings(read_book(book_folder(tmp_path)))
    assert [(w.code, w.severity, w.file, w.line) for w in warnings] == [
        ("PDF-GLYPH-001", "warning", "manuscript/book.yaml", 3),
        ("PDF-GLYPH-001", "warning", "manuscript/book.yaml", 5)]
    assert "U+1200 ETHIOPIC SYLLABLE HA" in warnings[0].message
    assert "title" in warnings[0].message
    assert "U+1201" in warnings[1].message and "U+1202" in warnings[1].message
    assert str(warnings[0]).startswith("manuscript/book.yaml:3: warning PDF-GLYPH-001")


def test_covered_text_and_the_authors_own_art_give_no_warning(tmp_path):
    fine = YAML.replace("ሀ", "").replace("ሁሂ", "عربي")
    assert cover.cover_warnings(read_book(book_folder(tmp_path / "a", fine))) == []
    art = YAML + "cover: cover.jpg\n"
    folder = book_folder(tmp_path / "b", art)
    (folder / "assets").mkdir()
    from PIL import Image
    Image.new("RGB", (1600, 2560)).save(folder / "assets" / "cover.jpg")
    assert cover.cover_warnings(read_book(folder)) == []


def test_the_epub_build_says_the_warning(tmp_path):
    said: list[str] = []
    pipeline.build(book_folder(tmp_path), tmp_path / "out", ["epub"], said.append)
    warned = [line for line in said if "PDF-GLYPH-001" in line]
    assert any("manuscript/book.yaml:3:" in line and "U+1200" in line for line in warned), said


def test_a_run_making_the_epub_and_the_pdf_says_it_once(tmp_path):
    said: list[str] = []
    pipeline.build(book_folder(tmp_path), tmp_path / "out", ["epub", "pdf"], said.append)
    title = [line for line in said if "PDF-GLYPH-001" in line and "book.yaml:3:" in line]
    assert len(title) == 1, said
