"""Print has the {.print-only} text and none of the {.ebook-only} or store-only text, nor
their headings in its contents and bookmarks."""

from __future__ import annotations

import pytest

from tests.conftest import editions_book, optional
from tests.pdf.conftest import Print, build_print
from tests.pdf.test_pdf_interior import outline_titles

pymupdf = optional("pymupdf")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Print:
    root = editions_book(tmp_path_factory.mktemp("editions-book"))
    return build_print(root, tmp_path_factory.mktemp("editions-print"))


def test_print_has_its_own_text_and_not_the_ebooks(printed):
    with pymupdf.open(printed.interior) as doc:
        words = " ".join(" ".join(page.get_text().split()) for page in doc)
    assert "Thank you for reading this paperback." in words
    assert "The map of the coast is on the facing page." in words
    assert "The Second Lamp" in words
    for left_out in ("this ebook", "Tapping", "Tap a word", "Amazon", "Kobo", "Unlimited"):
        assert left_out not in words


def test_the_contents_and_bookmarks_list_the_print_headings_alone(printed):
    with printed.pdf() as pdf:
        titles = [title for title, _page in outline_titles(pdf)]
    assert "The map" in titles and "Tapping" not in titles
    with pymupdf.open(printed.interior) as doc:
        contents = next(" ".join(p.get_text().split()) for p in doc
                        if p.get_text().lstrip().startswith("Contents"))
    assert "The map" in contents and "Tapping" not in contents
