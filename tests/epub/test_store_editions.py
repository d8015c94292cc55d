"""Store editions: the Kindle edition has the {.kindle-only} text and not the {.kobo-only},
the Kobo edition the other way round, and the store-neutral EPUB neither; all pass EPUBCheck
(and Ace, where it is installed)."""

from __future__ import annotations

import pytest

from bookbuild.check import ace, epubcheck
from bookbuild.check.gate import kindle as kindle_preflight
from bookbuild.epub.kindle import make_kindle
from bookbuild.epub.kobo import make_kepub
from bookbuild.pipeline import build
from tests.conftest import editions_book, read_zip, require_tool

ALSO_BY = "EPUB/back-01-also-by.xhtml"
CHAPTER = "EPUB/chapter-01-one.xhtml"


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict:
    root = editions_book(tmp_path_factory.mktemp("editions-book"))
    out = tmp_path_factory.mktemp("editions")
    return {fmt: build(root, out, [fmt])[0] for fmt in ("epub", "kepub", "kindle")}


def text(path, name: str = ALSO_BY) -> str:
    return read_zip(path)[name].decode("utf-8")


def test_each_store_edition_has_its_own_text_and_the_neutral_epub_neither(editions):
    neutral, kobo, kindle = (text(editions[f]) for f in ("epub", "kepub", "kindle"))
    for page in (neutral, kobo, kindle):
        assert "The Second Lamp" in page  # the text every edition has
    assert "amazon.com" in kindle and "Kindle Unlimited" in kindle
    assert "kobo.com" not in kindle
    assert "kobo.com" in kobo and "amazon.com" not in kobo and "Unlimited" not in kobo
    assert "amazon.com" not in neutral and "kobo.com" not in neutral
    assert "Unlimited" not in neutral and "data-bb-edition" not in neutral + kobo + kindle


def test_the_editions_have_the_ebook_text_and_none_the_print_text(editions):
    for fmt in ("epub", "kepub", "kindle"):
        chapter = text(editions[fmt], CHAPTER)
        assert "ebook" in chapter and "Tapping" in chapter
        assert "paperback" not in chapter and "The map" not in chapter
        nav = text(editions[fmt], "EPUB/nav.xhtml")
        assert "#tapping" in nav and "#map" not in nav


@pytest.mark.parametrize("fmt, make", [("kindle", make_kindle), ("kepub", make_kepub)])
def test_a_store_edition_differs_from_one_made_from_the_neutral_epub_in_its_text_alone(
        editions, tmp_path, fmt, make):
    plain = read_zip(make(editions["epub"], tmp_path / f"plain.{fmt}.epub"))
    made = read_zip(editions[fmt])
    assert sorted(plain) == sorted(made)
    # and in the fonts, cut to the characters each edition shows
    changed = [name for name in made if made[name] != plain[name]]
    assert [name for name in changed if not name.startswith("EPUB/fonts/")] == [ALSO_BY]


def test_the_editions_pass_epubcheck_and_the_kindle_preflight(editions):
    for fmt in ("epub", "kindle", "kepub"):
        assert [str(f) for f in epubcheck.run(editions[fmt])] == [], fmt
    assert kindle_preflight(editions["kindle"]) == []


def test_the_neutral_epub_passes_ace(editions):
    require_tool(ace.missing(), "DAISY Ace")
    assert [f for f, _ in ace.run(editions["epub"]) if f.severity == "error"] == []
