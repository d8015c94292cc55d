"""Cross-references (`@id`, `[see @id]`): links that name the print page, in both editions."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from bookbuild.book.labels import english
from bookbuild.book.model import Section
from bookbuild.convert.html import Document, Heading
from bookbuild.epub import xrefs
from bookbuild.support.xml import PARSER
from tests.conftest import ROOT

HANDBOOK = ROOT / "tests" / "books" / "handbook"
XHTML = "{http://www.w3.org/1999/xhtml}"


def xref(target: str, form: str, cite: str) -> str:
    return (f'<a href="#{target}" class="bb-xref" data-form="{form}" '
            f'data-cite="{cite}">{cite}</a>')


def docs() -> list[Document]:
    one = Document(Section("chapter", "one", "manuscript/one.md", "As @sec-two says.\n"
                                                                  "And [@sec-nope].\n"), "One",
                   f"<p>As {xref('sec-two', 'page', '@sec-two')} says; see "
                   f"{xref('sec-two', 'title', '[@sec-two]')}. And "
                   f"{xref('sec-nope', 'title', '[@sec-nope]')} or {xref('ann', 'page', '@ann')}"
                   f".</p>")
    two = Document(Section("chapter", "two", "manuscript/two.md", "# Bearings\n"), "Two",
                   '<h1 id="sec-two">Bearings</h1>', ids=["sec-two"],
                   headings=[Heading(1, "sec-two", "Bearings")])
    return [one, two]


def test_a_reference_names_the_print_page_and_the_title_and_links_to_the_target():
    d = docs()
    warnings = xrefs.fill(d, {("two", "sec-two"): "42"}, english())
    p = d[0].tree().find(f"{XHTML}p")
    links = [a for a in p.iter(f"{XHTML}a")]
    assert [a.get("href") for a in links] == ["two.xhtml#sec-two"] * 2
    assert "".join(links[0].itertext()) == "page\u00a042"
    assert links[1].find(f"{XHTML}em").text == "Bearings"
    assert "".join(links[1].itertext()) == "Bearings, page\u00a042"
    assert not any(a.get("data-cite") for a in links)
    # A key the book does not have keeps its words; only one meant as a reference warns.
    text = "".join(p.itertext())
    assert "And [@sec-nope] or @ann." in text
    (w,) = warnings
    assert (w.code, w.file, w.line) == ("CONVERT-XREF-001", "manuscript/one.md", 2)


def test_without_a_page_list_the_title_stands_alone():
    d = docs()
    xrefs.fill(d, None, english())
    links = list(d[0].tree().iter(f"{XHTML}a"))
    assert "".join(links[1].itertext()) == "Bearings"
    assert "".join(links[0].itertext()) == "Bearings"  # the page form falls back on the title


@pytest.fixture(scope="module")
def handbook(tmp_path_factory):
    from bookbuild.pipeline import build

    out = tmp_path_factory.mktemp("handbook")
    epub, pdf = build(HANDBOOK, out, ["epub", "pdf"])
    return epub, pdf


def test_each_reference_names_the_page_its_target_is_on_in_both_editions(handbook):
    """The EPUB's "page N" is the page its target heading is on: the page whose marker comes
    last before the heading. And print shows the same words."""
    epub, pdf = handbook
    with zipfile.ZipFile(epub) as z:
        trees = {n.split("/")[-1]: etree.fromstring(z.read(n), PARSER)
                 for n in z.namelist() if n.endswith(".xhtml")}
    page_of = {}
    for name, tree in trees.items():
        page = None
        for el in tree.iter():
            if el.get("role") == "doc-pagebreak":
                page = el.get("aria-label")
            elif el.get("id"):
                page_of[(name, el.get("id"))] = page
    said = []
    for name, tree in trees.items():
        for a in tree.iter(f"{XHTML}a"):
            if a.get("class") != "bb-xref":
                continue
            file, _, target = a.get("href").partition("#")
            words = " ".join("".join(a.itertext()).split())
            number = re.search(r"page (\w+)$", words).group(1)
            assert number == page_of[(file or name, target)], words
            said.append(words)
    assert len(said) >= 12 and len(set(said)) >= 6
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    printed = " ".join(" ".join(doc[i].get_textpage().get_text_range().split())
                       for i in range(len(doc)))
    doc.close()
    for words in said:
        assert words.replace("\u00a0", " ") in printed.replace("\u00a0", " ")
