"""Word and OpenDocument files saved by LibreOffice, imported and built (issue 18)."""

from __future__ import annotations

import pytest
import yaml
from PIL import Image

from bookbuild.check import epubcheck
from bookbuild.importer.book import import_book
from bookbuild.pipeline import build

EXPECTED = ["back/01-acknowledgements.md", "back/02-about-the-author.md",
            "chapters/01-chapter-one.md", "chapters/02-chapter-two.md", "front/01-dedication.md"]


@pytest.fixture(scope="module", params=["docx", "odt"])
def imported(request, novel_files, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param) / "book"
    report = import_book(novel_files[request.param], folder)
    return request.param, folder, report


def files(folder):
    return sorted(str(p.relative_to(folder / "manuscript")) for p in
                  (folder / "manuscript").rglob("*.md"))


def test_chapters_and_front_and_back_matter_are_split_and_named(imported):
    _fmt, folder, report = imported
    assert files(folder) == EXPECTED
    assert "(dedication)" in report.text() and "(about-the-author)" in report.text()


def test_book_yaml_comes_from_the_documents_properties(imported):
    _fmt, folder, _ = imported
    data = yaml.safe_load((folder / "manuscript/book.yaml").read_text("utf-8"))
    assert (data["title"], data["author"], data["language"]) == \
        ("The Lighthouse Keeper", "Mara Quill", "en-GB")
    assert data["identifier"].startswith("urn:uuid:")


def test_the_text_keeps_its_notes_emphasis_quotes_lists_tables_links_and_breaks(imported):
    fmt, folder, _ = imported
    one = (folder / "manuscript/chapters/01-chapter-one.md").read_text("utf-8")
    assert "[^1]" in one and "There are one hundred and twelve of them." in one
    assert "*The Mariner's Log*" in one.replace("’", "'") and "**never**" in one
    assert "\n* * *\n" in one
    assert "> The log said" in one
    assert "- the lamp" in one and "six" in one and "west" in one
    assert "(https://example.org/harbour)" in one
    if fmt == "docx":  # pandoc's OpenDocument reader does not read small capitals
        assert "[NASA]{.smallcaps}" in one
    # No noise: no Word sizes on pictures, no empty bookmarks, no doubled spaces.
    assert "width=" not in one and "[]{#" not in one
    assert not [line for line in one.splitlines() if line[:1].isalpha() and "  " in line]
    assert "| six" in one  # a table an author can edit


def test_the_picture_is_extracted_with_its_description(imported):
    _fmt, folder, _ = imported
    one = (folder / "manuscript/chapters/01-chapter-one.md").read_text("utf-8")
    # Word's and LibreOffice's description is the alt text; the caption stays the caption.
    assert ('![The lighthouse at dusk](images/image-01.png){alt="A white tower on a dark rock"}'
            in one)
    with Image.open(folder / "assets/images/image-01.png") as im:
        assert im.size == (120, 160)


def test_the_imported_folder_builds_epub_and_pdf_and_passes_epubcheck(imported, tmp_path):
    _fmt, folder, _ = imported
    epub, pdf = build(folder, tmp_path, ["epub", "pdf"])
    assert pdf.stat().st_size > 0
    assert [str(f) for f in epubcheck.run(epub)] == []
