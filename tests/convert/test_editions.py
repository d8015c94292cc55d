"""One manuscript, every edition: {.print-only} text is in print alone, {.ebook-only} in the
EPUB and its editions, {.kindle-only} and {.kobo-only} in that store's edition alone
(normalize.lua drops or marks it, convert/html.py keeps store text out of the neutral EPUB)."""

from __future__ import annotations

from importlib import resources

import pytest

from bookbuild.book.reader import read_book
from bookbuild.convert import pandoc
from bookbuild.convert.html import to_document
from bookbuild.convert.render import render
from bookbuild.pdf import source
from bookbuild.support.errors import BookError, Problems
from tests.conftest import editions_book

MIXED = """\
# One

Read [this paperback]{.print-only}[this ebook]{.ebook-only} now, `x`{.print-only}.

::: {.print-only}
## The map

A map [overleaf]{#overleaf}.
:::

::: {.ebook-only}
## Tapping

Tap a word.

::: {.print-only}
Never in either.
:::
:::

<div class="print-only"><p>Raw print.</p></div>

![A coast](coast.png){.ebook-only}

[Kindle words]{.kindle-only}

::: {.kobo-only}
Kobo words.
:::
"""


def html(text: str) -> pandoc.Converted:
    return pandoc.convert_all([text], ["t.md"])[0]


def typst(text: str) -> str:
    with resources.as_file(source.FILTER) as lua:
        return pandoc.convert([text], ["t.md"], writer="typst", lua_filter=str(lua))[0]


@pytest.fixture(params=["skipping", "every walk"])
def walks(request, monkeypatch):
    """With and without the walks skipped for text that cannot need them."""
    if request.param == "every walk":
        monkeypatch.setenv("BOOKBUILD_ALL_WALKS", "1")


def test_the_epub_has_no_print_text_and_print_no_ebook_text(walks):
    epub = html(MIXED)
    assert "this ebook" in epub.output and "Tapping" in epub.output
    assert "coast.png" in epub.output
    for left_out in ("paperback", "The map", "overleaf", "Raw print", "Never", "<code>"):
        assert left_out not in epub.output
    assert epub.elsewhere == {"the-map": "print-only", "overleaf": "print-only"}
    printed = typst(MIXED)
    assert "this paperback" in printed and "The map" in printed and "Raw print" in printed
    assert "`x`" in printed
    for left_out in ("this ebook", "Tapping", "Never", "coast.png", "Kindle", "Kobo"):
        assert left_out not in printed
    assert '"elsewhere":{"tapping":"ebook-only"}' in printed


BLOCK = "## A heading\n\nSome *words* [and a link](#a-heading)."
SPAN = "Some *words* and a [link](#x){#x}."


@pytest.mark.parametrize("kind", ["block", "span"])
def test_text_marked_for_an_edition_is_set_there_as_if_unmarked(walks, kind):
    def marked(cls: str) -> str:
        body = f"::: {{.{cls}}}\n{BLOCK}\n:::\n" if kind == "block" else f"[{SPAN}]{{.{cls}}}\n"
        return "# Top\n\n" + body
    plain = "# Top\n\n" + (BLOCK if kind == "block" else SPAN) + "\n"
    assert html(marked("ebook-only")).output == html(plain).output
    assert typst(marked("print-only")) == typst(plain)


def test_a_paragraph_of_another_editions_words_alone_is_left_out(walks):
    assert html("Before.\n\n[Print words]{.print-only}\n\nAfter.\n").output == \
        html("Before.\n\nAfter.\n").output
    assert typst("Before.\n\n[Ebook words]{.ebook-only}\n\nAfter.\n") == \
        typst("Before.\n\nAfter.\n")


def document(root, text: str, problems: Problems | None = None):
    """`text` as the first section of a book, converted for the EPUB."""
    editions_book(root)
    (root / "manuscript" / "chapters" / "01-one.md").write_text(text, "utf-8")
    converted = html(text)
    return to_document(read_book(root).sections[0], converted.output,
                       problems if problems is not None else Problems(),
                       elsewhere=converted.elsewhere)


def test_store_text_is_in_its_edition_alone_with_its_notes(tmp_path):
    doc = document(tmp_path, "# Also by\n\nA novel.\n\n::: {.kindle-only}\nOn Amazon.[^k]\n\n"
                   "[^k]: Unlimited.\n:::\n\n[On Kobo.]{.kobo-only}\n")
    assert doc.editions == ["kindle", "kobo"]
    neutral, kindle, kobo = (doc.for_edition(s) for s in (None, "kindle", "kobo"))
    assert "A novel." in neutral.xhtml
    for text in ("Amazon", "Unlimited", "Kobo", "data-bb-edition", "<p></p>", "notes"):
        assert text not in neutral.xhtml
    assert "On Amazon." in kindle.xhtml and "Unlimited." in kindle.xhtml
    assert "Kobo" not in kindle.xhtml and "data-bb-edition" not in kindle.xhtml
    assert 'class="noteref"' in kindle.xhtml and 'class="footnote"' in kindle.xhtml
    assert "On Kobo." in kobo.xhtml and "Amazon" not in kobo.xhtml
    assert "Unlimited" not in kobo.xhtml
    assert "<span" not in kobo.xhtml  # unwrapped: set as it would be unmarked


def test_a_book_without_store_text_is_packaged_as_it_was(tmp_path):
    doc = document(tmp_path, "# One\n\nText [for print]{.print-only}.\n")
    assert doc.editions == [] and doc.for_edition(None) is doc and doc.for_edition("kobo") is doc


def test_each_store_may_use_an_id_once_but_the_neutral_text_only_once_in_all(tmp_path):
    problems = Problems()
    document(tmp_path / "a", "# A\n\n::: {.kindle-only #buy}\nAmazon.\n:::\n\n::: {.kobo-only #buy}\nKobo.\n:::\n",
             problems)
    assert problems.items == []
    document(tmp_path / "b", "# A\n\n::: {#buy}\nAll.\n:::\n\n::: {.kobo-only #buy}\nKobo.\n:::\n", problems)
    assert [p.message for p in problems.items] == ["id 'buy' is used twice in this file"]


def test_headings_an_edition_leaves_out_are_not_in_its_contents(tmp_path):
    book = read_book(editions_book(tmp_path))
    chapter, also_by = render(book)
    assert [h.text for h in chapter.headings] == ["One", "Tapping"]  # the EPUB's nav
    assert [h.text for h in also_by.headings] == ["Also by Ann Author"]
    parts = source.convert(book)
    assert [t for _level, t in parts[0].outline] == ["One", "The map"]  # print's contents
    assert [t for _level, t in parts[1].outline] == ["Also by Ann Author"]


LINK_TO_PRINT = "\n\nAs [the map](#map) shows.\n"
LINK_TO_EBOOK = "\n\nAs [tapping](#tapping) shows.\n"


def test_a_link_into_print_only_text_is_an_error_at_its_line_in_the_epub(tmp_path):
    root = editions_book(tmp_path)
    chapter = root / "manuscript" / "chapters" / "01-one.md"
    chapter.write_text(chapter.read_text("utf-8") + LINK_TO_PRINT, "utf-8")
    with pytest.raises(BookError) as e:
        render(read_book(root))
    (problem,) = e.value.problems
    line = chapter.read_text("utf-8").splitlines().index("As [the map](#map) shows.") + 1
    assert (problem.file, problem.line) == ("manuscript/chapters/01-one.md", line)
    assert "{.print-only}" in problem.message and "the EPUB leaves it out" in problem.message


def test_a_link_into_ebook_only_text_is_an_error_at_its_line_in_print(tmp_path):
    root = editions_book(tmp_path)
    chapter = root / "manuscript" / "chapters" / "01-one.md"
    text = chapter.read_text("utf-8").replace("[See [the tapping section](#tapping) again.]", "")
    chapter.write_text(text + LINK_TO_EBOOK, "utf-8")
    book = read_book(root)
    render(book)  # the EPUB has the heading: no problem there
    problems = Problems()
    source.link_labels(source.convert(book), problems)
    (problem,) = problems.items
    line = chapter.read_text("utf-8").splitlines().index("As [tapping](#tapping) shows.") + 1
    assert (problem.file, problem.line) == ("manuscript/chapters/01-one.md", line)
    assert "{.ebook-only}" in problem.message and "print leaves it out" in problem.message


def test_a_link_into_store_text_from_elsewhere_is_an_error(tmp_path):
    root = editions_book(tmp_path)
    (root / "manuscript" / "back" / "01-also-by.md").write_text(
        "# Also by\n\nSee [the Kobo line](#kobo).\n\n::: {.kobo-only #kobo}\nOn Kobo.\n:::\n",
        "utf-8")
    with pytest.raises(BookError) as e:
        render(read_book(root))
    (problem,) = e.value.problems
    assert (problem.file, problem.line) == ("manuscript/back/01-also-by.md", 3)
    assert "{.kobo-only}" in problem.message and "only the Kobo edition" in problem.message
