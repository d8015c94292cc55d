"""One safety module for the converter and the checker: what runs a script, what CSS loads.

Each case is tried against the module, then against both of its users, so that they cannot
drift apart again (the converter once missed `java&#9;script:`, the checker `vbscript:`; a url()
in a CSS comment was flagged while one in a <style> element, in style="" or escaped was not).
"""

from __future__ import annotations

import pytest

from bookbuild.book.model import Section
from bookbuild.check import registry
from bookbuild.check.epub_file import EpubFile
from bookbuild.convert import pandoc
from bookbuild.convert.html import to_document
from bookbuild.support import safety
from bookbuild.support.cache import Cache
from bookbuild.support.errors import Problems
from tests.check.epub_faults import CHAPTER, rewrite, sub

SCRIPT_URLS = ["javascript:alert(1)", "java\tscript:alert(1)", " JavaScript:x", "vbscript:msgbox",
               "\x01java\nscript:x", "VBScript:x"]
HARMLESS_URLS = ["https://example.org/javascript:", "chapter-02.xhtml#javascript", "mailto:a@b",
                 "notes.xhtml"]


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_script_urls_run_scripts(url):
    assert safety.runs_script(url)


@pytest.mark.parametrize("url", HARMLESS_URLS)
def test_other_urls_do_not(url):
    assert not safety.runs_script(url)


@pytest.mark.parametrize("css, declarations, urls", [
    ("p { background: url(http://x.org/a.png) }", False, ["http://x.org/a.png"]),
    ('p { background: url("http://x.org/q.png") }', False, ["http://x.org/q.png"]),
    ("p { background: u\\72l(http://x.org/e.png) }", False, ["http://x.org/e.png"]),
    ('@import "http://x.org/i.css";', False, ["http://x.org/i.css"]),
    ("@import url(//x.org/j.css);", False, ["//x.org/j.css"]),
    ("@media print { p { background: url(//x.org/m.png) } }", False, ["//x.org/m.png"]),
    ('p { background: image-set("a.png" 1x, "b.png" 2x) }', False, ["a.png", "b.png"]),
    ("/* p { background: url(http://x.org/c.png) } */ p { color: red }", False, []),
    ("background: url(http://x.org/s.png); color: red", True, ["http://x.org/s.png"]),
    ("color: red /* url(http://x.org/c.png) */", True, []),
    ('@namespace epub url("http://www.idpf.org/2007/ops"); p { color: red }', False, []),
])
def test_css_urls(css, declarations, urls):
    assert safety.css_urls(css, declarations) == urls


def converted(markdown: str) -> list[str]:
    section = Section("chapter", "chapter-1", "manuscript/chapters/1.md", markdown, "chapter")
    (markup,) = pandoc.convert([markdown], [section.source])
    problems = Problems()
    to_document(section, markup, problems)
    return [str(p) for p in problems.items]


@pytest.mark.parametrize("markdown, said", [
    ('<a href="java&#9;script:alert(1)">x</a>\n', "javascript: link runs a script"),
    ('<a href="vbscript:msgbox(1)">x</a>\n', "vbscript: link runs a script"),
    ('<div style="background: u\\72l(http://x.org/e.png)">x</div>\n', "remote resource"),
    ("<style>p { background: url(http://x.org/s.png) }</style>\n\nText.\n", "remote resource"),
])
def test_the_converter_refuses(markdown, said):
    problems = converted(markdown)
    assert any(said in p and "manuscript/chapters/1.md:1" in p for p in problems), problems


def test_the_converter_lets_a_commented_url_be():
    assert converted("<style>/* url(http://x.org/c.png) */ p { color: red }</style>\n\nA.\n") == []


def checked(epub, tmp_path, html: str) -> set[str]:
    path = rewrite(epub, tmp_path / "x.epub",
                   edit={CHAPTER: sub(r"</section>", html.replace("\\", "\\\\") + "</section>")})
    with EpubFile.open(path) as doc:
        doc.memo = Cache(None)
        return {f.code for f in registry.run("epub", doc)}


@pytest.mark.parametrize("html, code", [
    ('<p><a href="java&#9;script:alert(1)">x</a></p>', "EPUB-SCRIPT-001"),
    ('<p><a href="vbscript:msgbox(1)">x</a></p>', "EPUB-SCRIPT-001"),
    ('<p style="background: u\\72l(http://x.org/e.png)">x</p>', "EPUB-RES-001"),
    ('<p style="background: url(http://x.org/s.png)">x</p>', "EPUB-RES-001"),
])
def test_the_checker_finds(sample_epub, tmp_path, html, code):
    assert code in checked(sample_epub, tmp_path, html)


def test_the_checker_reads_style_elements_and_lets_comments_be(sample_epub, tmp_path):
    style = "<style>p {{ background: url({}) }}</style>"
    head = {CHAPTER: sub(r"</head>", style.format("http://x.org/s.png") + "</head>")}
    path = rewrite(sample_epub, tmp_path / "s.epub", edit=head)
    with EpubFile.open(path) as doc:
        doc.memo = Cache(None)
        assert "EPUB-RES-001" in {f.code for f in registry.run("epub", doc)}
    comment = {CHAPTER: sub(r"</head>", "<style>/* url(http://x.org/c.png) */ p { color: red }"
                                        "</style></head>")}
    path = rewrite(sample_epub, tmp_path / "c.epub", edit=comment)
    with EpubFile.open(path) as doc:
        doc.memo = Cache(None)
        assert "EPUB-RES-001" not in {f.code for f in registry.run("epub", doc)}


@pytest.mark.parametrize("script_type, data", [
    (None, False), ("", False), ("text/javascript", False), ("module", False),
    ("Text/JavaScript; charset=utf-8", False), ("application/ld+json", True),
    ("application/json", True), ("text/x-template", True)])
def test_data_blocks_never_run(script_type, data):
    assert safety.is_data_block(script_type) is data
