"""The Kindle edition: passes the Kindle preflight, and fixes what Amazon's converter trips on."""

from __future__ import annotations

import zipfile

import pytest

from bookbuild.check import epubcheck
from bookbuild.check.gate import kindle as preflight
from bookbuild.epub.kindle import make_kindle
from bookbuild.support.errors import BookError
from tests.conftest import read_zip

CHAPTER = "EPUB/chapter-01-when-lenin-proclaimed-soviet-power.xhtml"
NOTE = "EPUB/back-01-a-note-on-this-edition.xhtml"


def rewrite(src, target, changes: dict[str, callable]):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w") as out:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in changes:
                data = changes[info.filename](data)
            out.writestr(info, data)
    return target


@pytest.fixture(scope="module")
def awkward_epub(sample_proof, tmp_path_factory):
    """The sample with what Send to Kindle chokes on: a link to a <body> id, an <img>
    without src, a comment, and a file without an XML declaration."""
    def chapter(data: bytes) -> bytes:
        data = data.replace(b'<body class="chapter"', b'<body id="start" class="chapter"', 1)
        return data.replace(b"</section>", b'<p>Icon <img alt="icon"/> here.</p>'
                                           b"<!-- proofreader: check this --></section>", 1)

    def note(data: bytes) -> bytes:
        data = data.replace(b'<?xml version="1.0" encoding="UTF-8"?>\n', b"", 1)
        return data.replace(b"</section>", b'<p><a href="chapter-01-when-lenin-proclaimed-'
                                           b'soviet-power.xhtml#start">Back to the start</a>'
                                           b"</p></section>", 1)
    target = tmp_path_factory.mktemp("kindle") / "awkward.epub"
    return rewrite(sample_proof["epub"], target, {CHAPTER: chapter, NOTE: note})


def test_kindle_edition_passes_the_preflight_and_epubcheck(sample_proof):
    assert preflight(sample_proof["kindle"]) == []
    assert epubcheck.run(sample_proof["kindle"]) == []


def test_the_preflight_finds_what_amazon_trips_on(awkward_epub):
    codes = sorted({f.code for f in preflight(awkward_epub)})
    assert codes == ["KINDLE-001", "KINDLE-002", "KINDLE-004"]


def test_the_kindle_edition_fixes_it(awkward_epub, tmp_path):
    target = tmp_path / "awkward.kindle.epub"
    make_kindle(awkward_epub, target)
    assert preflight(target) == []
    files = read_zip(target)
    note, chapter = files[NOTE], files[CHAPTER]
    assert note.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert b'href="chapter-01-when-lenin-proclaimed-soviet-power.xhtml"' in note
    assert b"<img" not in chapter.split(b"Icon", 1)[1].split(b"</p>", 1)[0]
    assert b"Icon  here." in chapter  # the text around the dropped image stays
    assert b"<!--" not in chapter
    assert b'id="start"' in chapter  # the body keeps its id; only the links changed


def test_links_to_other_ids_are_untouched(awkward_epub, tmp_path):
    target = tmp_path / "k.epub"
    make_kindle(awkward_epub, target)
    before, after = read_zip(awkward_epub), read_zip(target)
    assert before["EPUB/nav.xhtml"].count(b"href=") == after["EPUB/nav.xhtml"].count(b"href=")
    assert b'href="chapter-01-when-lenin-proclaimed-soviet-power.xhtml"' in \
        after["EPUB/nav.xhtml"]


def test_the_preflight_reports_a_bad_language(sample_proof, tmp_path):
    bad = rewrite(sample_proof["kindle"], tmp_path / "x.epub", {
        "EPUB/content.opf": lambda d: d.replace(b"<dc:language>en</dc:language>",
                                                 b"<dc:language>english</dc:language>")})
    assert [f.code for f in preflight(bad)] == ["KINDLE-003"]


def test_the_kindle_edition_is_reproducible(sample_proof, tmp_path):
    make_kindle(sample_proof["epub"], tmp_path / "a.epub")
    assert (tmp_path / "a.epub").read_bytes() == sample_proof["kindle"].read_bytes()


def test_a_broken_epub_is_one_clear_error(tmp_path):
    bad = tmp_path / "bad.epub"
    bad.write_bytes(b"not a zip")
    with pytest.raises(BookError, match="cannot read the EPUB"):
        make_kindle(bad, tmp_path / "out.epub")
    assert not (tmp_path / "out.epub").exists()
