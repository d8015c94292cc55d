"""Books written like the manuscripts people have (see README.md): each builds in both
formats without an edit, passes EPUBCheck, and its PDF holds every figure its EPUB holds."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pikepdf
import pytest

from bookbuild.check import epubcheck
from bookbuild.pipeline import build
from tests.pdf.structure import elements

BOOKS = Path(__file__).parent / "books"


def _build(name: str, out: Path) -> dict:
    said: list[str] = []
    epub, pdf, cover = build(BOOKS / name, out, ["epub", "pdf", "cover"], said.append)
    return {"name": name, "epub": epub, "pdf": pdf, "cover": cover, "said": said}


@pytest.fixture(scope="module")
def raw_html(tmp_path_factory):
    return _build("raw-html", tmp_path_factory.mktemp("raw-html"))


@pytest.fixture(scope="module")
def handbuch(tmp_path_factory):
    return _build("handbuch", tmp_path_factory.mktemp("handbuch"))


@pytest.fixture(params=sorted(p.name for p in BOOKS.iterdir()))
def built(request):
    return request.getfixturevalue(request.param.replace("-", "_"))


def _epub_figures(epub: Path) -> int:
    with zipfile.ZipFile(epub) as z:
        docs = [z.read(n).decode() for n in z.namelist()
                if n.endswith(".xhtml") and "cover" not in n]
    return sum(len(re.findall(r'<img (?![^>]*role="presentation")[^>]*alt="[^"]+"', d))
               for d in docs)


def test_each_builds_and_passes_epubcheck(built):
    found = [f for f in epubcheck.run(built["epub"]) if f.severity in ("error", "warning")]
    assert found == []
    assert built["pdf"].stat().st_size > 0 and built["cover"].stat().st_size > 0


def test_the_pdf_holds_every_figure_of_the_epub(built):
    with pikepdf.open(built["pdf"]) as pdf:
        figures = [e for e in elements(pdf) if e.get("/S") == "/Figure" and e.get("/Alt")]
    assert len(figures) == _epub_figures(built["epub"])


def test_each_warning_is_said_once_at_its_line(built):
    warnings = [m for m in built["said"] if m.startswith("warning: ")]
    assert len(warnings) == len(set(warnings))


def test_raw_html_warnings_name_their_lines(raw_html):
    warnings = [m for m in raw_html["said"] if m.startswith("warning: ")]
    start = "warning: manuscript/chapters/01-start.md:"
    assert f"{start}29: CONVERT-HTML-001: <Listing> is not an HTML element: its tags were " \
           f"left out and its content kept" in warnings
    assert f'{start}16: CONVERT-LINK-001: link "Empty" has no target; its text is kept' \
        in warnings
    assert any(w.startswith(f"{start}18: CONVERT-LINK-002: link reference [nowhere] is defined")
               for w in warnings)


def test_raw_html_figures_are_in_both_editions(raw_html):
    assert _epub_figures(raw_html["epub"]) == 2


def test_raw_html_reads_as_the_author_meant(raw_html):
    with zipfile.ZipFile(raw_html["epub"]) as z:
        one = z.read("EPUB/chapter-01-start.xhtml").decode()
        two = z.read("EPUB/chapter-02-more.xhtml").decode()
        svg = z.read("EPUB/images/room.svg").decode()
    assert "<!--" not in one + two  # comments are the author's, not the reader's
    assert 'title="a &lt; b"' in two
    # A definition in one file serves the other; `#reader-options-1` is the second file's.
    assert '<a href="https://www.haskell.org">Haskell</a> here too' in two
    assert 'href="chapter-02-more.xhtml#reader-options">this</a>' in two
    assert "<!DOCTYPE" not in svg
    assert "<figcaption>" in one and 'class="align-center"' in one


def test_one_file_manual_lists_its_headings_and_keeps_its_at_signs(handbuch):
    with zipfile.ZipFile(handbuch["epub"]) as z:
        nav = z.read("EPUB/nav.xhtml").decode()
        text = z.read("EPUB/chapter-01-handbuch.xhtml").decode()
    for title in ("Einleitung", "Installation", "Unter Linux", "Bedienung"):
        assert f">{title}</a>" in nav
    assert nav.count(">Bedienung</a>") == 2
    assert "redaktion@example.org" in text and "[@mueller2004, S. 3]" in text


def test_code_with_a_language_is_highlighted_in_both_editions(raw_html):
    import pymupdf

    with zipfile.ZipFile(raw_html["epub"]) as z:
        two = z.read("EPUB/chapter-02-more.xhtml").decode()
        css = z.read("EPUB/styles/book.css").decode() if "EPUB/styles/book.css" in z.namelist() \
            else next(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
    assert '<span class="kw">def</span>' in two and 'id="cb' not in two
    assert "code span.kw" in css and "color" not in css.split("code span.kw")[1].split("}")[0]
    with pymupdf.open(raw_html["pdf"]) as doc:
        spans = [s for page in doc for block in page.get_text("dict")["blocks"]
                 for line in block.get("lines", []) for s in line["spans"]]
    weight = {s["text"].strip(): bool(s["flags"] & 16) or "Bold" in s["font"]
              for s in spans if s["text"].strip() in ("def", "return", "greet")}
    assert weight.get("def") and weight.get("return"), weight


def _nav_entries(epub: Path) -> list[tuple[int, str]]:
    """(level, title) of the nav's table of contents, generated pages left out."""
    from lxml import etree

    with zipfile.ZipFile(epub) as z:
        root = etree.fromstring(z.read("EPUB/nav.xhtml"))
    ns = {"h": "http://www.w3.org/1999/xhtml", "e": "http://www.idpf.org/2007/ops"}
    toc = root.find(".//h:nav[@e:type='toc']", ns)
    out = []
    for a in toc.iter("{http://www.w3.org/1999/xhtml}a"):
        if a.get("href", "").startswith(("titlepage", "copyright", "cover")):
            continue
        out.append((len([x for x in a.iterancestors("{http://www.w3.org/1999/xhtml}ol")]),
                    "".join(a.itertext())))
    return out


@pytest.mark.parametrize("name", ["raw_html", "handbuch"])
def test_print_contents_and_bookmarks_list_what_the_epub_lists(request, name):
    import pymupdf

    book = request.getfixturevalue(name)
    with pymupdf.open(book["pdf"]) as doc:
        bookmarks = [(level, title) for level, title, _page in doc.get_toc()]
        contents = next(p.get_text() for p in doc if "Inhalt" in p.get_text()
                        or "Contents" in p.get_text())
    assert bookmarks == _nav_entries(book["epub"])
    assert any(level > 1 for level, _ in bookmarks)
    for _level, title in bookmarks:
        assert title in contents


def test_mdbook_links_reach_their_sections_or_lose_only_the_link(raw_html):
    with zipfile.ZipFile(raw_html["epub"]) as z:
        two = z.read("EPUB/chapter-02-more.xhtml").decode()
    # Page names as mdBook writes them, a section in back/ linked flat, a GitHub-style id.
    assert '<a href="chapter-01-start.xhtml#reader-options">the start</a>' in two
    assert '<a href="back-01-appendix.xhtml">the appendix</a>' in two
    assert "and the standard library;" in two.replace("\n", " ")
    assert '<a href="back-01-appendix.xhtml#old-glossary">' in two
    assert '<a href="back-01-appendix.xhtml#überblick">' in two  # written #%C3%BCberblick
    assert any("link to ../std/index.html leads outside the book: its text is kept" in m
               for m in raw_html["said"])


def test_print_links_go_where_the_epub_links_go(raw_html):
    with pikepdf.open(raw_html["pdf"]) as pdf:
        uris = [str(a.A.URI) for page in pdf.pages for a in page.obj.get("/Annots", [])
                if "/A" in a and "/URI" in a.A]
        raw = [a.Dest for page in pdf.pages for a in page.obj.get("/Annots", []) if "/Dest" in a]
        dests = [bytes(d).decode("utf-8") for d in raw]  # Typst names them in UTF-8
        named = set(pikepdf.NameTree(pdf.Root.Names.Dests).keys())
        assert {str(d) for d in raw} <= named
    assert uris and all(u.startswith("https://") for u in uris), uris  # no ch01.html left
    assert any(d.endswith("--appendix") for d in dests)
    assert sum(d.endswith("--reader-options") for d in dests) >= 2
    # An anchor paragraph under a heading (<a id="old-glossary"></a>) is a target of its own.
    assert any(d.endswith("--old-glossary") for d in dests)
    assert any(d.endswith("--überblick") for d in dests), dests


def test_mdbook_code_attributes_leave_the_language(raw_html):
    with zipfile.ZipFile(raw_html["epub"]) as z:
        two = z.read("EPUB/chapter-02-more.xhtml").decode()
    assert '<pre class="sourceCode rust' in two and "rust,ignore" not in two
    assert not any("Typst:" in m for m in raw_html["said"])
