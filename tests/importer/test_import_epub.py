"""An EPUB imported: bookbuild's own sample comes back word for word (issue 18)."""

from __future__ import annotations

import zipfile

import pytest
import yaml
from lxml import etree

from bookbuild.check import epubcheck
from bookbuild.importer.book import import_book
from bookbuild.pipeline import build
from bookbuild.support.xml import PARSER

GENERATED = ("cover", "titlepage", "copyright", "nav", "index")


def texts(epub) -> list[str]:
    """The words of each document the author wrote, in spine order."""
    out = []
    with zipfile.ZipFile(epub) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"), PARSER)
        hrefs = {i.get("id"): i.get("href") for i in opf.iter("{*}item")}
        for ref in opf.iter("{*}itemref"):
            href = hrefs[ref.get("idref")]
            if any(g in href for g in GENERATED):
                continue
            body = etree.fromstring(z.read(f"EPUB/{href}"), PARSER).find("{*}body")
            out.append(" ".join("".join(body.itertext()).split()))
    return out


@pytest.fixture(scope="module")
def sample_again(sample_epub, tmp_path_factory):
    folder = tmp_path_factory.mktemp("again") / "book"
    report = import_book(sample_epub, folder)
    (epub,) = build(folder, tmp_path_factory.mktemp("out"), ["epub"])
    return folder, report, epub


def test_the_samples_epub_rebuilt_has_the_same_text_word_for_word(sample_epub, sample_again):
    _folder, _report, epub = sample_again
    before, after = texts(sample_epub), texts(epub)
    assert len(before) == 3 and after == before


def test_the_samples_epub_gives_its_sections_metadata_pictures_and_cover(sample_again):
    folder, report, epub = sample_again
    names = sorted(str(p.relative_to(folder / "manuscript"))
                   for p in (folder / "manuscript").rglob("*.md"))
    assert names == ["back/01-a-note-on-this-edition.md",
                     "chapters/01-when-lenin-proclaimed-soviet-power.md",
                     "front/01-about-the-author.md"]
    data = yaml.safe_load((folder / "manuscript/book.yaml").read_text("utf-8"))
    assert data["title"] == "When Lenin Proclaimed Soviet Power"
    assert data["identifier"] == "urn:uuid:5c927bd3-168f-5c1b-8f6a-13df20c73773"
    assert len(data["subjects"]) == 4 and data["cover"] == "images/cover.jpg"
    pictures = sorted(p.name for p in (folder / "assets/images").iterdir())
    # The scene-break ornament is bookbuild's, not the book's: it comes back as * * *.
    assert pictures == ["cover.jpg", "smolny-room.svg", "sovnarkom-room.png"]
    chapter = (folder / "manuscript/chapters/01-when-lenin-proclaimed-soviet-power.md")
    assert "\n* * *\n" in chapter.read_text("utf-8")
    assert "cover.xhtml" in report.text()
    assert [str(f) for f in epubcheck.run(epub)] == []


def test_notes_tables_and_maths_come_back_from_the_everything_book(everything_epub, tmp_path):
    folder = tmp_path / "book"
    report = import_book(everything_epub, folder)
    assert "notes: 4" in report.text()
    prose = next((folder / "manuscript/chapters").glob("01-*.md")).read_text("utf-8")
    assert prose.count("[^") == 6  # three notes, each referenced and defined
    assert "note-back" not in prose and "doc-backlink" not in prose
    (epub,) = build(folder, tmp_path / "out", ["epub"])
    assert texts(epub) == texts(everything_epub)


def test_an_epub_pandoc_made_imports_with_its_chapters_and_notes(tmp_path):
    import subprocess

    from bookbuild.convert.pandoc import pandoc_path

    (tmp_path / "b.md").write_text(
        "---\ntitle: Two Roads\nauthor: Lena Ortiz\nlang: es\n---\n\n# Prólogo\n\nAntes.\n\n"
        "# Uno\n\nEl camino[^1] era largo.\n\n# Dos\n\nLlegamos.\n\n# Epílogo\n\nDespués.\n\n"
        "[^1]: De tierra.\n", "utf-8")
    subprocess.run([pandoc_path(), "b.md", "-o", "b.epub", "--split-level=1"], cwd=tmp_path,
                   check=True)
    report = import_book(tmp_path / "b.epub", tmp_path / "book")
    manuscript = tmp_path / "book/manuscript"
    names = sorted(str(p.relative_to(manuscript)) for p in manuscript.rglob("*.md"))
    assert names == ["back/01-epilogue.md", "chapters/01-uno.md", "chapters/02-dos.md",
                     "front/01-prologue.md"], report.text()
    uno = (manuscript / "chapters/01-uno.md").read_text("utf-8")
    assert "El camino[^1] era largo." in uno and "[^1]: De tierra." in uno
    assert yaml.safe_load((manuscript / "book.yaml").read_text("utf-8"))["language"] == "es"


def test_scripts_and_remote_pictures_are_left_out_and_said(sample_epub, tmp_path):
    hostile = tmp_path / "hostile.epub"
    name = "EPUB/chapter-01-when-lenin-proclaimed-soviet-power.xhtml"
    with zipfile.ZipFile(sample_epub) as src, zipfile.ZipFile(hostile, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == name:
                data = data.replace(b"</h1>", b'</h1><script>alert(1)</script>'
                                    b'<p><img src="https://example.org/spy.png" alt="x"/></p>', 1)
            out.writestr(info, data)
    report = import_book(hostile, tmp_path / "book").text()
    assert "scripts were left out" in report and "not fetched" in report
    chapter = next((tmp_path / "book/manuscript/chapters").glob("*.md")).read_text("utf-8")
    assert "alert" not in chapter and "example.org/spy" not in chapter
