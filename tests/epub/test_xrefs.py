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
    return (f'<a href="#{target}" class="bb-xref" data-xref-form="{form}" '
            f'data-xref-cite="{cite}">{cite}</a>')


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
    assert not any(a.get("data-xref-cite") for a in links)
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


def pages_of_ids(trees: dict) -> dict[tuple[str, str], str | None]:
    """(file, id) → the print page whose marker comes last before the element."""
    page_of = {}
    for name, tree in trees.items():
        page = None
        for el in tree.iter():
            if el.get("role") == "doc-pagebreak":
                page = el.get("aria-label")
            elif el.get("id"):
                # A heading that opens a page holds its markers first (epub/pagebreaks.py).
                opening = page
                for child in (el if not (el.text or "").strip() else []):
                    if child.get("role") != "doc-pagebreak":
                        break
                    opening = child.get("aria-label")
                    if (child.tail or "").strip():
                        break
                page_of[(name, el.get("id"))] = opening
    return page_of


def test_each_reference_names_the_page_its_target_is_on_in_both_editions(handbook):
    """The EPUB's "page N" is the page its target heading is on: the page whose marker comes
    last before the heading. And print shows the same words."""
    epub, pdf = handbook
    with zipfile.ZipFile(epub) as z:
        trees = {n.split("/")[-1]: etree.fromstring(z.read(n), PARSER)
                 for n in z.namelist() if n.endswith(".xhtml")}
    page_of = pages_of_ids(trees)
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


def _pdf_locators(pdf) -> tuple[dict[str, str], dict[str, str]]:
    """Print's index: each locator link's label (its destination, "s3--ix-1") → the text it
    shows; and → the label of the page it leads to."""
    import pikepdf
    import pypdfium2 as pdfium

    shown, landed = {}, {}
    with pikepdf.open(pdf) as doc:
        dests = {}
        names = doc.Root.Names.Dests
        stack = [names]
        while stack:
            node = stack.pop()
            for kid in node.get("/Kids", []):
                stack.append(kid)
            pairs = list(node.get("/Names", []))
            for name, dest in zip(pairs[::2], pairs[1::2]):
                dests[str(name)] = dest
        index = {p.objgen: i for i, p in enumerate(p.obj for p in doc.pages)}
        labels = [pikepdf.Page(p).label for p in doc.pages]
        reader = pdfium.PdfDocument(str(pdf))
        for n, page in enumerate(doc.pages):
            for annot in page.obj.get("/Annots", []):
                name = str(annot.get("/Dest", ""))
                if "--ix-" not in name:
                    continue
                x0, y0, x1, y1 = (float(v) for v in annot.Rect)
                text = reader[n].get_textpage().get_text_bounded(x0, y0, x1, y1).strip()
                shown[name] = text
                landed[name] = labels[index[dests[name][0].objgen]]
        reader.close()
    return shown, landed


def test_the_index_shows_the_same_page_numbers_in_print_and_in_the_epub(handbook):
    """Issue 17's Done-when: the print index, the EPUB index and the pages agree."""
    from bookbuild.book.reader import read_book

    epub, pdf = handbook
    shown, landed = _pdf_locators(pdf)
    assert len(shown) >= 20
    assert shown == landed  # each printed number is the page its link leads to
    sections = [s.name for s in read_book(HANDBOOK).sections]
    with zipfile.ZipFile(epub) as z:
        index = etree.fromstring(z.read("EPUB/index.xhtml"), PARSER)
        trees = {n.split("/")[-1]: etree.fromstring(z.read(n), PARSER)
                 for n in z.namelist() if n.endswith(".xhtml")}
    page_of = pages_of_ids(trees)
    epub_says = {}
    for a in index.iter(f"{XHTML}a"):
        if a.get("{http://www.idpf.org/2007/ops}type") != "index-locator":
            continue
        file, _, anchor = a.get("href").partition("#")
        assert a.text == page_of[(file, anchor)]  # the page the marked place is on
        epub_says[f"s{sections.index(file[:-6])}--{anchor}"] = a.text
    both = set(epub_says) & set(shown)
    assert len(both) >= 15
    assert {k: epub_says[k] for k in both} == {k: shown[k] for k in both}
    assert index.xpath("//*[@role='doc-index']") and "index" in z_opf(epub)


def z_opf(epub) -> str:
    with zipfile.ZipFile(epub) as z:
        return z.read("EPUB/content.opf").decode()


def test_the_handbook_and_its_store_editions_pass_epubcheck_with_the_ncx_page_list(
        handbook, tmp_path):
    """EPUB 2 readers (Adobe's engine) find the print pages in the NCX's pageList."""
    from bookbuild.check import epubcheck
    from bookbuild.epub.kindle import make_kindle
    from bookbuild.epub.kobo import make_kepub

    epub, _pdf = handbook
    with zipfile.ZipFile(epub) as z:
        ncx = etree.fromstring(z.read("EPUB/toc.ncx"), PARSER)
    ns = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    targets = ncx.xpath("//n:pageList/n:pageTarget", namespaces=ns)
    labels = [t.xpath("string(n:navLabel/n:text)", namespaces=ns) for t in targets]
    assert labels[0] == "i" and labels[-1].isdigit() and len(labels) >= 12
    assert ncx.xpath("string(//n:meta[@name='dtb:totalPageCount']/@content)",
                     namespaces=ns) == str(len(labels))
    make_kepub(epub, tmp_path / "k.kepub.epub")
    make_kindle(epub, tmp_path / "k.kindle.epub")
    for book in (epub, tmp_path / "k.kepub.epub", tmp_path / "k.kindle.epub"):
        assert [str(f) for f in epubcheck.run(book)] == []


def test_a_reference_to_a_repeated_headings_one_document_id_finds_its_section():
    """`@options-1` names the second "Options" heading, as in the book as one document."""
    one = Document(Section("chapter", "one", "manuscript/one.md", "# Options\n"), "One",
                   '<h1 id="options">Options</h1><p>See '
                   f'{xref("options-1", "title", "[@options-1]")}.</p>', ids=["options"],
                   headings=[Heading(1, "options", "Options")])
    two = Document(Section("chapter", "two", "manuscript/two.md", "# Options\n"), "Two",
                   '<h1 id="options">Options</h1>', ids=["options"],
                   headings=[Heading(1, "options", "Options")])
    assert xrefs.fill([one, two], {("two", "options"): "9"}, english()) == []
    (a,) = one.tree().iter(f"{XHTML}a")
    assert a.get("href") == "two.xhtml#options"
    assert "".join(a.itertext()) == "Options, page\u00a09"
