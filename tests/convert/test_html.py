"""Markdown → EPUB XHTML: the conversion rules of the book folder contract."""

import pytest
from lxml import etree

from bookbuild.book.model import Section
from bookbuild.convert import pandoc
from bookbuild.convert.html import EPUB_TYPE, XML_LANG, resolve_links, to_document
from bookbuild.support.errors import BookError, Problems

NS = {"h": "http://www.w3.org/1999/xhtml", "m": "http://www.w3.org/1998/Math/MathML"}


def convert(*texts: str, allow_scripts: bool = False):
    sections = [Section("chapter", f"chapter-{i}", f"manuscript/chapters/{i}.md", t, "chapter")
                for i, t in enumerate(texts, 1)]
    markup = pandoc.convert([s.text for s in sections], [s.source for s in sections])
    problems = Problems()
    docs = [to_document(s, m, problems, allow_scripts) for s, m in zip(sections, markup)]
    if not problems:
        resolve_links(docs, problems)
    return docs, [str(p) for p in problems.items]


def test_title_is_first_heading():
    (doc,), problems = convert("# The *Title*\n\nText.\n\n## Later\n")
    assert problems == [] and doc.title == "The Title"
    assert [h.level for h in doc.headings] == [1, 2]


def test_heading_only_section():
    (doc,), problems = convert("# Interlude\n")
    assert problems == [] and doc.title == "Interlude"


def test_smart_typography():
    (doc,), _ = convert('# T\n\n"Quoted" and \'single\' -- en --- em...\n')
    text = "".join(doc.tree().itertext())
    assert "\u201cQuoted\u201d" in text and "\u2018single\u2019" in text
    assert "\u2013 en \u2014 em\u2026" in text


def test_footnotes_become_epub_notes_with_backlinks():
    (doc,), _ = convert("# T\n\nOne.[^a] Two.[^b]\n\n[^a]: First.\n\n[^b]: Second.\n\n    More.\n")
    refs = doc.tree().xpath(".//h:a[@class='noteref']", namespaces=NS)
    notes = doc.tree().xpath(".//h:aside", namespaces=NS)
    assert [r.get(EPUB_TYPE) for r in refs] == ["noteref", "noteref"]
    assert [n.get(EPUB_TYPE) for n in notes] == ["footnote", "footnote"]
    for ref, note in zip(refs, notes):
        assert ref.get("href") == "#" + note.get("id")
        back = note.xpath(".//h:a[@role='doc-backlink']", namespaces=NS)[0]
        assert back.get("href") == "#" + ref.get("id")
    assert notes[0].get("id").startswith("chapter-1-")  # unique across the book
    assert len(notes[1].xpath("h:p", namespaces=NS)) == 2
    # No <hr> of its own: a reader that hides the notes would leave it under the chapter.
    assert doc.tree().xpath(".//h:section[@class='notes']/h:hr", namespaces=NS) == []


@pytest.mark.parametrize("quote, attributed", [
    ("> Words.\n>\n> — Lenin, 1917\n", True),
    ("> Words.\n>\n> -- Someone\n", True),
    ("> Words.\n>\n> ― A. N. Other\n", True),
    ("> — One paragraph only, opening with a dash.\n", False),
    ("> Words.\n>\n> More words — not a source.\n", False),
])
def test_a_quotations_last_paragraph_opening_with_a_dash_is_its_attribution(quote, attributed):
    (doc,), problems = convert(f"# T\n\n{quote}")
    last = doc.tree().xpath(".//h:blockquote/h:p", namespaces=NS)[-1]
    assert problems == [] and ("attribution" in (last.get("class") or "")) == attributed


def test_tables_are_classed_by_columns_and_length():
    rows = "".join(f"| {i} | b | c |\n" for i in range(12))
    (doc,), _ = convert("# T\n\n| A | B | C |\n|---|---|---|\n| 1 | 2 | 3 |\n\n"
                        f"| A | B | C |\n|---|---|---|\n{rows}")
    short, long = doc.tree().xpath(".//h:table", namespaces=NS)
    assert short.get("class").split() == ["bb-cols-3", "bb-short"]
    assert long.get("class").split() == ["bb-cols-3"]


def test_scene_break_becomes_an_ornament():
    (doc,), _ = convert("# T\n\nA.\n\n* * *\n\nB.\n")
    assert doc.tree().xpath(".//h:hr", namespaces=NS) == []
    (brk,) = doc.tree().xpath(".//h:div[@class='scene-break']", namespaces=NS)
    assert brk.get("role") == "separator"
    img = brk.find("h:img", NS)
    assert img.get("src") == "images/ornament.svg" and img.get("role") == "presentation"
    assert doc.images == []  # the ornament is ours, not an author's image to process


def test_figure_alt_comes_from_fig_alt():
    (doc,), problems = convert('# T\n\n![A caption.](images/x.png){fig-alt="What it shows."}\n')
    (img,) = doc.tree().xpath(".//h:img", namespaces=NS)
    assert problems == [] and img.get("alt") == "What it shows."
    assert img.get("data-fig-alt") is None
    assert img.getparent().find("h:figcaption", NS).get("aria-hidden") is None


def test_image_without_alt_is_an_error_with_line():
    _docs, problems = convert("# T\n\nText.\n\n![](images/x.png)\n")
    assert problems == ["manuscript/chapters/1.md:5: image images/x.png has no alt text; "
                        "describe it in the brackets, or mark it {.decorative}"]


def test_decorative_image_is_allowed():
    (doc,), problems = convert("# T\n\n![](images/x.png){.decorative}\n")
    (img,) = doc.tree().xpath(".//h:img", namespaces=NS)
    assert problems == [] and img.get("role") == "presentation" and doc.image_count == 0


def test_cross_section_link_is_rewritten():
    docs, problems = convert("# One\n\nSee [there](#bearings).\n", "# Two\n\n## Bearings {#bearings}\n")
    assert problems == []
    assert docs[0].links == ["bearings"]
    assert 'href="chapter-2.xhtml#bearings"' in docs[0].xhtml


def test_same_section_link_is_kept():
    docs, _ = convert("# One {#one}\n\n[Top](#one)\n")
    assert docs[0].links == [] and 'href="#one"' in docs[0].xhtml


def test_dangling_link_names_file_and_line():
    _docs, problems = convert("# One\n\nText.\n\nSee [nowhere](#missing).\n")
    assert problems == ["manuscript/chapters/1.md:5: link to #missing, but no heading or "
                        "element has that id"]


def test_lang_spans_carry_xml_lang():
    (doc,), _ = convert("# T\n\n[Мир]{lang=ru} and [سلام]{lang=ar dir=rtl}\n")
    spans = doc.tree().xpath(".//h:span[@lang]", namespaces=NS)
    assert [(s.get("lang"), s.get(XML_LANG)) for s in spans] == [("ru", "ru"), ("ar", "ar")]
    assert spans[1].get("dir") == "rtl"


def test_math_is_mathml_with_alttext():
    (doc,), _ = convert("# T\n\n$x^2$\n")
    (math,) = doc.tree().xpath(".//m:math", namespaces=NS)
    assert doc.has_math and math.get("alttext") == "x^2"


@pytest.mark.parametrize("html", ["<script>alert(1)</script>", '<iframe src="x.html"></iframe>'])
def test_scripts_and_iframes_refused(html):
    _docs, problems = convert(f"# T\n\n{html}\n")
    assert problems and "is not allowed" in problems[0] and ":3:" in problems[0]


def test_scripts_allowed_when_the_book_opts_in():
    _docs, problems = convert("# T\n\n<script>var x = 1;</script>\n", allow_scripts=True)
    assert problems == []


def test_remote_image_refused():
    _docs, problems = convert("# T\n\n![A cat.](https://example.org/cat.jpg)\n")
    assert any("remote resource https://example.org/cat.jpg" in p for p in problems)


def test_html_entities_in_raw_html_survive():
    (doc,), problems = convert("# T\n\n<p>a&nbsp;b &amp; c</p>\n")
    assert problems == [] and "a\u00a0b & c" in "".join(doc.tree().itertext())


def test_malformed_raw_html_is_a_clean_error():
    _docs, problems = convert("# T\n\n<p>a <b>bold</p>\n")
    assert problems and "not well-formed" in problems[0] and ":3:" in problems[0]


def test_html_with_optional_end_tags_is_read_as_html():
    (doc,), problems = convert("# T\n\n<div><p>open</div>\n")
    assert problems == [] and doc.tree().find(".//{*}div/{*}p").text == "open"


def test_mathml_and_svg_children_are_kept():
    (doc,), problems = convert("# T\n\n<p>Tap <math><mi>x</mi></math>.</p>\n\n"
                               '<svg xmlns="http://www.w3.org/2000/svg"><g><circle r="1"/></g></svg>\n')
    assert problems == []
    assert doc.tree().find(".//{*}mi").text == "x" and doc.tree().find(".//{*}g/{*}circle") is not None


def test_pandoc_output_for_many_sections_keeps_order():
    texts = [f"# Section {i}\n\nBody {i}.\n" for i in range(30)]
    out = pandoc.convert(texts, [f"s{i}.md" for i in range(30)])
    assert [etree.fromstring(f"<div>{o}</div>").findtext("h1") for o in out] == [
        f"Section {i}" for i in range(30)]


def test_pandoc_failure_is_a_book_error(monkeypatch):
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: "/bin/false")
    with pytest.raises(BookError, match="pandoc failed"):
        pandoc.convert(["# x"], ["x.md"])


def test_inline_svg_is_noted_for_the_manifest():
    (doc,), problems = convert('# T\n\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                               '<circle r="4" cx="5" cy="5"/></svg>\n')
    assert problems == [] and doc.has_svg and not convert("# T\n")[0][0].has_svg
