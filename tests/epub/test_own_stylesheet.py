"""The author's stylesheet, assets/styles/ebook.css: linked last, packed with its fonts,
refused at its line when it would run script or load what is not the book's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from bookbuild.book import overrides
from bookbuild.check import epubcheck
from bookbuild.media.fonts import DESIGN_FACES, folder
from bookbuild.pipeline import build
from bookbuild.support.errors import BookError
from tests.conftest import quoted_book, read_zip, run_cli

H = {"h": "http://www.w3.org/1999/xhtml"}
OWN = "EPUB/assets/styles/ebook.css"
FONT = "EPUB/assets/fonts/crimson.ttf"
GOOD = """\
@font-face { font-family: "Mine"; src: url(../fonts/crimson.ttf) format("truetype"); }
h1 { font-family: "Mine", serif; }
p { text-indent: 2em; }
"""


def with_css(tmp_path: Path, css: str, font: bool = True) -> Path:
    book = quoted_book(tmp_path / "book")
    (book / "assets" / "styles").mkdir(parents=True)
    (book / "assets" / "styles" / "ebook.css").write_text(css, "utf-8")
    if font:
        (book / "assets" / "fonts").mkdir()
        face = DESIGN_FACES["Crimson Pro"]
        shutil.copy(folder(face) / face.files[0], book / "assets" / "fonts" / "crimson.ttf")
    return book


def stylesheets(data: bytes) -> list[str]:
    root = etree.fromstring(data)
    return root.xpath("//h:head/h:link[@rel='stylesheet']/@href", namespaces=H)


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    tmp = tmp_path_factory.mktemp("own-css")
    book = with_css(tmp, GOOD)
    paths = build(book, tmp / "out", ["epub", "kepub", "kindle"])
    return {p.name: read_zip(p) for p in paths}


def test_every_page_of_every_edition_links_it_after_the_built_in_stylesheet(editions):
    assert len(editions) == 3
    for name, files in editions.items():
        pages = [n for n in files if n.endswith(".xhtml")]
        assert len(pages) >= 5, name  # cover, title page, copyright, contents, the chapter
        for page in pages:
            links = stylesheets(files[page])
            assert links[-1] == "assets/styles/ebook.css", (name, page, links)
            assert "css/book.css" in links[:-1], (name, page, links)
        assert files[OWN].decode("utf-8") == GOOD, name
        assert files[FONT][:4] == b"\0\1\0\0", name


def test_the_font_it_loads_is_in_the_manifest_and_epubcheck_is_clean(tmp_path):
    book = with_css(tmp_path, GOOD)
    (epub,) = build(book, tmp_path / "out", ["epub"])
    opf = etree.fromstring(read_zip(epub)["EPUB/content.opf"])
    types = {i.get("href"): i.get("media-type") for i in opf.iter("{*}item")}
    assert types["assets/styles/ebook.css"] == "text/css"
    assert types["assets/fonts/crimson.ttf"] == "font/ttf"
    # Only EPUBCheck's notes that the book has a @font-face; no warning, no error.
    assert [str(f) for f in epubcheck.run(epub) if f.severity != "info"] == []


def test_without_it_the_pages_link_only_the_built_in_stylesheet(tmp_path):
    (epub,) = build(quoted_book(tmp_path / "book"), tmp_path / "out", ["epub"])
    files = read_zip(epub)
    assert stylesheets(files["EPUB/titlepage.xhtml"]) == ["css/book.css"]
    assert not any(n.startswith("EPUB/assets/") for n in files)


def test_the_fonts_it_loads_are_used_assets(tmp_path):
    from bookbuild.book.reader import read_book

    book = read_book(with_css(tmp_path, GOOD))
    assert overrides.used(book) == {"styles/ebook.css", "fonts/crimson.ttf"}


# The line of each case is that of the rule after the first line ("h1 { }").
REFUSED = [
    ("p { background: url(https://example.com/x.png) }", "remote resource https://example.com"),
    ('p { background: url("//example.com/x.png") }', "remote resource //example.com"),
    ("p { background: url(http:x.png) }", "remote resource http:x.png"),
    ('p { background: url("file:///etc/passwd") }', "file: URL"),
    ("p { background: url(data:image/png;base64,AAAA) }", "data: URL"),
    ('p { background: url("javascript:alert(1)") }', "javascript: URL runs a script"),
    ("p { width: expression(alert(1)) }", "expression() runs a script"),
    ("p { behavior: url(x.htc) }", "behavior: runs a script"),
    ("p { b\\65havior: url(x.htc) }", "behavior: runs a script"),
    ("p { -moz-binding: url(x.xml#b) }", "-moz-binding: runs a script"),
    ('@import "more.css";', "@import more.css: put the rules in"),
    ("p { background: url(../images/x.png) }", "only fonts"),
    ("p { background: url(../../manuscript/book.yaml) }", "leads outside assets/"),
    ("@font-face { font-family: X; src: url(../fonts/none.woff2) }",
     "assets/fonts/none.woff2 not found"),
    ("p { color: red; ] ; }", "CSS that cannot be parsed"),
]


@pytest.mark.parametrize("rule,said", REFUSED, ids=[r[1][:24] for r in REFUSED])
def test_what_it_may_not_do_is_refused_at_its_line_and_nothing_is_written(tmp_path, rule, said):
    book = with_css(tmp_path, "h1 { color: #222; }\n\n" + rule + "\n", font=False)
    (book / "assets" / "images").mkdir()
    (book / "assets" / "images" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(BookError) as e:
        build(book, tmp_path / "out", ["epub"])
    lines = [str(p) for p in e.value.problems]
    assert all(line.startswith("assets/styles/ebook.css:3: ") for line in lines), lines
    assert said in lines[0], lines  # (a script's url() may also be a file that is not there)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.epub"))


def test_a_fragment_url_loads_nothing_and_is_kept(tmp_path):
    book = with_css(tmp_path, "img { filter: url(#soft); }\n", font=False)
    (epub,) = build(book, tmp_path / "out", ["epub"])
    assert b"url(#soft)" in read_zip(epub)[OWN]


def test_a_file_that_is_not_the_font_it_says_is_refused(tmp_path):
    book = with_css(tmp_path, "@font-face { font-family: X;\n  src: url(../fonts/fake.woff2) }\n",
                    font=False)
    (book / "assets" / "fonts").mkdir()
    (book / "assets" / "fonts" / "fake.woff2").write_text("<html>not a font</html>")
    with pytest.raises(BookError) as e:
        build(book, tmp_path / "out", ["epub"])
    assert [str(p) for p in e.value.problems] == [
        "assets/styles/ebook.css:2: assets/fonts/fake.woff2: not a WOFF2 font file"]


def test_a_stylesheet_too_large_is_refused(tmp_path):
    book = with_css(tmp_path, "p { color: red; }\n" * (overrides.MAX_CSS // 18 + 1), font=False)
    with pytest.raises(BookError, match=r"assets/styles/ebook.css: \d+ KB of CSS"):
        build(book, tmp_path / "out", ["epub"])


def test_an_edit_of_it_rebuilds_the_epub(tmp_path):
    book = with_css(tmp_path, "p { text-indent: 1em; }\n", font=False)
    said: list[str] = []
    (epub,) = build(book, tmp_path / "out", ["epub"], said.append)
    assert b"1em" in read_zip(epub)[OWN]
    (book / "assets" / "styles" / "ebook.css").write_text("p { text-indent: 3em; }\n")
    said.clear()
    build(book, tmp_path / "out", ["epub"], said.append)
    assert not any("up to date" in s for s in said), said
    assert b"3em" in read_zip(epub)[OWN]


def test_the_command_line_says_each_problem_in_one_line_and_exits_2(tmp_path):
    book = with_css(tmp_path, "h1 { color: #222; }\np { -moz-binding: url(x.xml) }\n"
                              "q { background: url(https://example.com/q.png) }\n", font=False)
    result = run_cli("build", book, "--format", "epub", "-q")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors[0] == ("error: assets/styles/ebook.css:2: -moz-binding: runs a script; "
                         "a book's stylesheet may not")
    assert errors[1].startswith("error: assets/styles/ebook.css:2: url(x.xml): ")
    assert errors[2].startswith("error: assets/styles/ebook.css:3: remote resource ")
    assert not list((book / "build").glob("*.epub"))
