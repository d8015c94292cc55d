"""A real EPUB made by another toolchain: Standard Ebooks' The Adventures of Sherlock Holmes
(CC0; files/…LICENSE.md), zipped from its public source as published."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from bookbuild.check import epubcheck
from bookbuild.importer.book import import_book
from bookbuild.pipeline import build
from bookbuild.support.xml import PARSER

SHERLOCK = Path(__file__).parent / "files" / "the-adventures-of-sherlock-holmes.epub"


def story_words(epub: Path, names: list[str]) -> list[str]:
    """The words of each named document, bookbuild's chapter numbers left out."""
    out = []
    with zipfile.ZipFile(epub) as z:
        for name in names:
            body = etree.fromstring(z.read(name), PARSER).find("{*}body")
            for number in body.xpath(".//*[@class='bb-number']"):
                number.text = ""  # its tail, the title, stays
            out.append(" ".join("".join(body.itertext()).split()))
    return out


@pytest.fixture(scope="module")
def sherlock(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sherlock") / "book"
    report = import_book(SHERLOCK, folder)
    epub, pdf = build(folder, tmp_path_factory.mktemp("out"), ["epub", "pdf"])
    return folder, report, epub, pdf


def test_its_stories_are_chapters_and_its_imprint_and_colophon_front_and_back(sherlock):
    folder, report, _epub, _pdf = sherlock
    manuscript = folder / "manuscript"
    assert len(list((manuscript / "chapters").glob("*.md"))) == 12
    assert [p.name for p in (manuscript / "front").glob("*.md")] == ["01-imprint.md"]
    assert [p.name for p in (manuscript / "back").glob("*.md")] == ["01-colophon.md"]
    assert "titlepage.xhtml" in report.text() and "uncopyright.xhtml" in report.text()
    assert "is not a JPEG or PNG" in report.text()  # its SVG cover is not passed off as one
    first = (manuscript / "chapters/01-a-scandal-in-bohemia.md").read_text("utf-8")
    assert first.startswith("# A Scandal in Bohemia\n\n## I\n")
    assert "epub:type" not in first and "z3998" not in first


def test_it_builds_both_formats_and_passes_epubcheck(sherlock):
    _folder, _report, epub, pdf = sherlock
    assert pdf.stat().st_size > 100_000
    assert [str(f) for f in epubcheck.run(epub)] == []


def test_every_story_keeps_its_words(sherlock):
    _folder, _report, epub, _pdf = sherlock
    with zipfile.ZipFile(SHERLOCK) as z:
        stories = sorted(n for n in z.namelist() if n.startswith("epub/text/the-")
                         or n.startswith("epub/text/a-"))
    with zipfile.ZipFile(epub) as z:
        rebuilt = sorted(n for n in z.namelist() if "/chapter-" in n)
    assert len(stories) == len(rebuilt) == 12
    before = sorted(story_words(SHERLOCK, stories))
    after = sorted(story_words(epub, rebuilt))
    assert after == before
