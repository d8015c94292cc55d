"""The print edition's page breaks in the EPUB: placed where each PDF page begins."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from bookbuild.book.model import Section
from bookbuild.convert.html import Document
from bookbuild.epub import pagebreaks
from bookbuild.epub.pagebreaks import Start, key
from bookbuild.support.xml import PARSER

XHTML = "{http://www.w3.org/1999/xhtml}"
BREAK = "//*[@role='doc-pagebreak']"


def doc(name: str, xhtml: str, kind: str = "chapter", text: str = "") -> Document:
    return Document(Section(kind, name, f"manuscript/{name}.md", text or xhtml), name, xhtml)


def following(document: Document, label: str, chars: int = 40) -> str:
    """The key text after the marker of page `label`, footnotes left out."""
    tree = document.tree()
    (span,) = tree.xpath(f"//*[@id='page-{label}']")
    texts = []
    started = False
    for el in tree.iter():
        if el is span:
            started = True
            texts.append(el.tail or "")
            continue
        if started and "notes" not in (el.get("class") or ""):
            if not any("notes" in (a.get("class") or "") for a in el.iterancestors()):
                texts.append(el.text or "")
            if el.getparent() is not None:
                texts.append(el.tail or "")
    return key("".join(texts))[:chars]


def test_a_page_that_turns_mid_paragraph_gets_its_marker_before_the_word():
    d = doc("one", "<h1>One</h1><p>The first page ends here and the second page begins "
                   "with these very words of the paragraph.</p>")
    placed = pagebreaks.place([d], [Start("1", "One The first page ends here and"),
                                    Start("2", "the second page begins with these very words")])
    assert [label for label, _ in placed.entries] == ["1", "2"]
    assert following(d, "2").startswith(key("the second page begins"))
    p = d.tree().find(f".//{XHTML}p")
    assert p.text == "The first page ends here and "  # the paragraph is split at the word
    assert not placed.warnings


def test_a_page_that_opens_with_a_heading_has_its_marker_first_in_it_and_a_figure_before_it():
    """Before a heading the marker would be a box of its own ahead of the heading's page
    break: a blank first screen in column readers (CI saw it on the sample)."""
    d = doc("one", '<h1><span class="bb-number">1</span> Title</h1><p>Words of the opening '
                   'page go on for a while.</p><figure><img src="a.png" alt="A map"/>'
                   '<figcaption>The map of the town</figcaption></figure><p>More.</p>')
    pagebreaks.place([d], [Start("1", "1 Title Words of the opening page"),
                           Start("2", "The map of the town More.")])
    tree = d.tree()
    root = list(tree)
    assert root[0].tag == f"{XHTML}h1" and not (root[0].text or "").strip()
    assert root[0][0].get("id") == "page-1" and root[0][1].get("class") == "bb-number"
    figure = tree.find(f".//{XHTML}figure")
    assert figure.getprevious().get("id") == "page-2"


def test_a_page_that_starts_inside_a_hyphenated_word_marks_the_whole_word():
    d = doc("one", "<p>It was an extraordinarily long afternoon in the town.</p>")
    pagebreaks.place([d], [Start("1", "It was an extra-"), Start("2", "ordinarily long afternoon")])
    assert d.tree().find(f".//{XHTML}p").text == "It was an "


def test_blank_pages_share_the_next_pages_marker_and_generated_front_pages_open_the_title_page():
    front = doc("pref", "<h1>Preface</h1><p>Why this book was written at all.</p>", "front")
    body = doc("one", "<h1>One</h1><p>The story begins on a Monday.</p>")
    placed = pagebreaks.place([front, body], [
        Start("i", "The Book"), Start("ii", ""), Start("iii", "The Book A Subtitle"),
        Start("iv", "Preface Why this book was written"), Start("v", ""),
        Start("1", "One The story begins"), Start("2", "")])
    assert placed.front == ["i", "ii", "iii"]
    assert [h for _, h in placed.entries][:3] == [f"titlepage.xhtml#page-{n}"
                                                 for n in ("i", "ii", "iii")]
    hrefs = dict(placed.entries)
    assert hrefs["v"] == hrefs["1"].replace("page-1", "page-v") == "one.xhtml#page-v"
    assert hrefs["2"] == "one.xhtml#page-2"  # a blank last page: at the end of the text
    assert [label for label, _ in placed.entries] == ["i", "ii", "iii", "iv", "v", "1", "2"]
    assert not placed.warnings


def test_a_page_whose_words_the_epub_lacks_is_a_warning_at_its_file_and_line():
    d = doc("one", "<p>Only the ebook has this text.</p>",
            text="Only the ebook\nhas this text.\n")
    placed = pagebreaks.place([d], [Start("1", "Only the ebook has this text."),
                                    Start("2", "Words that print alone set on a page")])
    (w,) = placed.warnings
    assert (w.code, w.file, w.severity) == ("EPUB-PAGE-001", "manuscript/one.md", "warning")
    assert "print page 2" in w.message and "Words that print alone" in w.message
    assert [label for label, _ in placed.entries] == ["1"]


def test_footnotes_are_not_taken_for_the_text_and_a_repeated_phrase_is_found_in_order():
    d = doc("one", '<p>Yes, said he, and walked on home.</p><p>Long after, again: Yes, said '
                   'he, and walked on home.</p><section class="notes"><aside><p>Yes, said he, '
                   'and walked on home.</p></aside></section>')
    pagebreaks.place([d], [Start("1", "Yes, said he, and walked on home. Long after, again:"),
                           Start("2", "Yes, said he, and walked on home.")])
    span = d.tree().xpath("//*[@id='page-2']")[0]
    assert span.getparent().tag == f"{XHTML}p"  # in the second paragraph, not the note
    assert span.getparent().text == "Long after, again: "


def test_a_page_opening_with_a_diagrams_own_words_is_found_by_the_text_after_them():
    d = doc("one", '<p>Before the picture.</p><figure><img src="d.svg" alt="A diagram"/>'
                   '<figcaption>From manuscript to book.</figcaption></figure>')
    placed = pagebreaks.place([d], [Start("1", "Before the picture."),
                                    Start("2", "Markdown Pandoc EPUB PDF From manuscript to book.")])
    assert not placed.warnings
    assert d.tree().find(f".//{XHTML}figure").getprevious().get("id") == "page-2"


def test_markers_are_empty_spans_named_for_screen_readers():
    html = pagebreaks.front_markup(["12"])
    assert html.startswith("<span ") and html.endswith("></span>")  # never <span/>, which
    # an HTML parser leaves open
    assert pagebreaks.marker("12").text == ""
    el = pagebreaks.marker("xii")
    assert (el.get("role"), el.get("aria-label"), el.get("id")) == ("doc-pagebreak", "xii",
                                                                    "page-xii")


# ── On the built books: the EPUB's markers against the PDF's pages ──────────────────────

@pytest.fixture(scope="module", params=["sample", "everything"])
def both(request, tmp_path_factory):
    from bookbuild.pipeline import build
    from tests.conftest import EVERYTHING, SAMPLE

    folder = {"sample": SAMPLE, "everything": EVERYTHING}[request.param]
    out = tmp_path_factory.mktemp(f"pages-{request.param}")
    epub, pdf = build(folder, out, ["epub", "pdf"])
    return epub, pdf


def _pdf_pages(pdf) -> list[tuple[str, str]]:
    """Each page's label and its text below the running head, read by PDFium directly."""
    import pikepdf
    import pypdfium2 as pdfium

    with pikepdf.open(pdf) as p:
        labels = [pikepdf.Page(page).label for page in p.pages]
    doc = pdfium.PdfDocument(str(pdf))
    out = []
    for n, label in enumerate(labels):
        page = doc[n]
        lines = page.get_textpage().get_text_range().splitlines()
        if label.isdigit() and len(lines) > 1:
            lines = lines[1:]  # the running head or the folio above the text
        out.append((label, " ".join(lines)))
    doc.close()
    return out


def test_every_print_page_has_a_marker_before_the_text_that_begins_it(both):
    epub, pdf = both
    with zipfile.ZipFile(epub) as z:
        docs = {n: z.read(n) for n in z.namelist() if n.endswith(".xhtml")}
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"), PARSER)
        opf = z.read("EPUB/content.opf").decode()
    listed = [a.text for a in nav.xpath("//*[@role='doc-pagelist']//*[local-name()='a']")]
    pages = _pdf_pages(pdf)
    assert listed == [label for label, _ in pages]  # every page, in order
    assert "pageBreakMarkers" in opf and "pageNavigation" in opf and "pageBreakSource" in opf
    where = {}
    for name, data in docs.items():
        tree = etree.fromstring(data, PARSER)
        for span in tree.xpath(BREAK):
            where[span.get("aria-label")] = name
    checked = 0
    for label, text in pages:
        assert label in where, f"page {label} has no marker"
        if not label.isdigit() or not key(text):
            continue
        section = doc(where[label].split("/")[-1][:-6],
                      _body(docs[where[label]]))
        after = following(section, label, 400)
        page = key(text)
        # The page's own words follow its marker; a page that opens with a diagram's words
        # (an SVG's labels are not text in the EPUB) is found by the words after them.
        assert page[:24] in after[:24 + len(page[:24])] or \
            any(page[k:k + 24] == after[:24] for k in range(1, min(len(page), 80))), \
            f"page {label}: {text[:60]!r} vs {after[:60]!r}"
        checked += 1
    assert checked >= 5


def _body(data: bytes) -> str:
    tree = etree.fromstring(data, PARSER)
    body = tree.find(f"{XHTML}body")
    from bookbuild.convert.html import inner_xml

    return inner_xml(body)


def _sample_copy(tmp_path, extra: str):
    import shutil

    from tests.conftest import SAMPLE

    book = tmp_path / "book"
    shutil.copytree(SAMPLE / "manuscript", book / "manuscript")
    shutil.copytree(SAMPLE / "assets", book / "assets")
    (book / "manuscript/book.yaml").write_text(
        (SAMPLE / "manuscript/book.yaml").read_text() + extra)
    return book


def test_page_list_false_leaves_the_print_pages_out_and_typesets_nothing(tmp_path):
    from bookbuild.pipeline import build

    said = []
    (epub,) = build(_sample_copy(tmp_path, "page_list: false\n"), tmp_path / "out", ["epub"],
                    said.append)  # the progress lines
    with zipfile.ZipFile(epub) as z:
        assert b"page-list" not in z.read("EPUB/nav.xhtml")
        assert b"pageBreakSource" not in z.read("EPUB/content.opf")
    assert not any("typesetting" in line for line in said)


def test_a_page_list_that_is_not_true_or_false_is_refused_at_its_line(tmp_path):
    from bookbuild.pipeline import build
    from bookbuild.support.errors import BookError

    book = _sample_copy(tmp_path, "page_list: sometimes\n")
    line = (book / "manuscript/book.yaml").read_text().count("\n")
    with pytest.raises(BookError) as e:
        build(book, tmp_path / "out", ["epub"])
    (problem,) = e.value.problems
    assert (problem.file, problem.line) == ("manuscript/book.yaml", line)
    assert "page_list" in problem.message


@pytest.mark.parametrize("markup, inside", [
    ("<ul><li>First item of the list.</li><li>Second item opens the page.</li></ul>", "li"),
    ("<dl><dt>Kerf</dt><dd>The slot.</dd><dt>Second term opens the page</dt>"
     "<dd>Its words.</dd></dl>", "dt"),
    ("<table><tr><td>One row of the table</td></tr><tr><td>Second row opens the page</td>"
     "</tr></table>", "td"),
    ("<ol><li><p>A first item.</p></li><li><p>Second item opens the page.</p></li></ol>", "li"),
])
def test_a_page_that_opens_inside_a_list_or_a_table_keeps_the_markup_valid(markup, inside):
    """A span may not stand between list items, terms or rows (EPUBCheck RSC-005, Ace)."""
    d = doc("one", markup)
    first = " ".join(d.tree().itertext()).split()[0]
    placed = pagebreaks.place([d], [Start("1", first), Start("2", "Second")])
    assert not placed.warnings
    span = d.tree().xpath("//*[@id='page-2']")[0]
    assert span.getparent().tag == f"{XHTML}{inside}"
    assert "".join(span.getparent().itertext()).startswith("Second")


def test_a_page_that_starts_inside_a_run_of_chinese_is_marked_where_it_starts():
    d = doc("one", "<p>如果你已经跟踪了一些文件但是想把它们移到子模块去你必须非常小心。</p>")
    pagebreaks.place([d], [Start("1", "如果你已经跟踪了一些文件但是想把它们移到子模"),
                           Start("2", "块去你必须非常小心。")])
    assert d.tree().find(f".//{XHTML}p").text == "如果你已经跟踪了一些文件但是想把它们移到子模"


def test_decomposed_accents_do_not_move_a_marker():
    d = doc("one", "<p>Le cafe\u0301 e\u0301tait ferme\u0301 ce jour-la\u0300, et nous partimes.</p>")
    pagebreaks.place([d], [Start("1", "Le café était fermé ce jour-là,"),
                           Start("2", "et nous partimes.")])
    assert d.tree().find(f".//{XHTML}p").text == "Le cafe\u0301 e\u0301tait ferme\u0301 ce jour-la\u0300, "


def test_two_pages_that_begin_in_one_long_paragraph_both_get_their_markers():
    words = " ".join(f"word{n}" for n in range(300))
    d = doc("one", f"<p>{words}</p>")
    placed = pagebreaks.place([d], [Start("1", "word0 word1 word2"),
                                    Start("2", "word100 word101 word102"),
                                    Start("3", "word200 word201 word202")])
    assert not placed.warnings
    assert following(d, "2").startswith(key("word100 word101"))
    assert following(d, "3").startswith(key("word200 word201"))


def _key_by_character(text: str) -> str:
    """The key as its docstring defines it, one character at a time."""
    import unicodedata

    kept = [ch for ch in unicodedata.normalize("NFKD", text) if ch.isalnum()]
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in kept)


def test_the_quick_paths_for_plain_ascii_give_the_keys_and_places_of_the_definition():
    import random

    from bookbuild.epub.pagebreaks import _char_index

    rng = random.Random(15)
    letters = "abcXYZ019 _-.,;'\"\n\t\u00e9\u03c2\u00df\u4e2d\u0301"
    for n in range(3000):
        text = "".join(rng.choice(letters if n % 2 else letters[:20]) for _ in range(40))
        assert key(text) == _key_by_character(text), text
        want = len(_key_by_character(text))
        for nth in range(want + 1):
            at = _char_index(text, nth)
            assert len(_key_by_character(text[:at])) == nth or at == len(text), (text, nth)
            assert at == len(text) or _key_by_character(text[at]), (text, nth)


def test_after_an_edit_only_the_documents_whose_text_or_pages_changed_are_parsed(tmp_path,
                                                                                  monkeypatch):
    from bookbuild.support.cache import Cache

    def book(second: str) -> list[Document]:
        return [doc("one", "<p>" + " ".join(f"one{n}" for n in range(50)) + "</p>"),
                doc("two", f"<p>{second}</p>"),
                doc("three", "<p>" + " ".join(f"three{n}" for n in range(50)) + "</p>")]

    pages = [Start("1", "one0 one1 one2"), Start("2", "one30 one31"), Start("3", "two0 two1"),
             Start("4", "three0 three1"), Start("5", "three25 three26")]
    store = Cache(tmp_path / "cache")
    first = book("two0 two1 two2")
    pagebreaks.place(first, pages, store=store)
    parsed: list[str] = []
    real = pagebreaks.Marks.__init__
    monkeypatch.setattr(pagebreaks.Marks, "__init__",
                        lambda self, d: parsed.append(d.section.name) or real(self, d))
    edited = book("two0 two1 two2, and more")
    placed = pagebreaks.place(edited, pages, store=store)
    assert parsed == ["two"]  # once, for its key text and its markers
    alone = book("two0 two1 two2, and more")
    assert placed == pagebreaks.place(alone, pages)  # no cache: the same markers, and list
    assert [d.xhtml for d in edited] == [d.xhtml for d in alone]
    assert [d.xhtml for d in edited][0] == first[0].xhtml
