"""The Lua filters skip the walks a section's Markdown gives no work (normalize.lua's raw
HTML, lone images and undefined references; typst.lua's text after a call): skipping them must
change nothing. Each text is converted with the skips and with every walk
(BOOKBUILD_ALL_WALKS), for both writers."""

from __future__ import annotations

from importlib import resources

import pytest

from bookbuild.book.reader import read_book
from bookbuild.convert import pandoc
from bookbuild.pdf import source
from tests.conftest import EVERYTHING, ROOT, SAMPLE

EDGES = [
    "*Pittosporum*.Ein word, `code`.method and **bold**.Ünter.",
    "A [link](#a)(with a parenthesis) and [a note][^1]. [^1]: The note.\n",
    "Quoted \"word\".Next, and *emph*\\(escaped\\) and *x*[bracket].",
    "Raw <em>html</em>.Here and <span lang=\"ru\">слово</span>.",
    "![A lone picture](pic.png)\n",
    "![](no-alt.png)\n\nText ![](inline.png) text, and ![alt](x.png){.inline}\n",
    "[]() alone\n\n[]()\n\nA [fragment](#%D0%B0%D0%B1) and [a page](p.html#x%20y).",
    "```rust,ignore\nfn main() {}\n```\n\n~~~ {.python .numberLines}\nx = 1\n~~~\n",
    "An [empty link]() and [a][nowhere].",
    "Plain prose, a sentence. Another one (with a parenthesis) — and a dash.",
    "# A\n\nRead [print]{.print-only}[ebook]{.ebook-only}.\n\n::: {.print-only}\n## Map\n"
    ":::\n\n### B\n\n::: {.kindle-only}\nOn Kindle.\n:::\n\n[Kobo]{.kobo-only}\n",
]


def texts() -> list[str]:
    books = [SAMPLE, EVERYTHING, ROOT / "tests" / "books" / "stress"]
    return EDGES + [s.text for b in books for s in read_book(b).sections]


@pytest.mark.parametrize("writer", ["html5", "typst"])
def test_skipping_walks_changes_no_output(writer, monkeypatch):
    all_texts = texts()
    names = [f"t{i}.md" for i in range(len(all_texts))]

    def convert() -> list:
        if writer == "html5":
            return pandoc.convert_all(all_texts, names)
        with resources.as_file(source.FILTER) as lua:
            return pandoc.convert_all(all_texts, names, writer="typst", lua_filter=str(lua))

    skipped = convert()
    monkeypatch.setenv("BOOKBUILD_ALL_WALKS", "1")
    every = convert()
    assert [c.output for c in skipped] == [c.output for c in every]
    assert [c.warnings for c in skipped] == [c.warnings for c in every]
    if writer == "typst":  # the edges do need the walks
        assert "\\.Ein" in every[0].output and "\\(" in every[1].output


def test_one_run_writing_both_gives_what_two_runs_give():
    """A print build checks each section as the EPUB does and writes its Typst in the same
    pandoc run; both outputs, and the warnings, are those of a run of its own."""
    all_texts = texts() + ["Raw <figure><img src=\"a.png\" alt=\"A\"></figure> and <b>b</b>."]
    names = [f"t{i}.md" for i in range(len(all_texts))]
    blocks = {i for i, t in enumerate(all_texts) if not source.needs_inlines(t)}
    wanted = set(range(0, len(all_texts), 2)) | {len(all_texts) - 1}
    with resources.as_file(source.FILTER) as lua:
        both = pandoc.convert_all(all_texts, names, also=pandoc.Also(
            "typst", str(lua), frozenset(wanted), frozenset(blocks)))
    html = pandoc.convert_all(all_texts, names)
    typst = {}
    for lua_filter, group in ((source.FILTER, sorted(wanted - blocks)),
                              (source.BLOCKS_FILTER, sorted(wanted & blocks))):
        with resources.as_file(lua_filter) as lua:
            alone = pandoc.convert_all([all_texts[i] for i in group], [names[i] for i in group],
                                       writer="typst", lua_filter=str(lua))
        typst.update(zip(group, alone))
    assert [c.output for c in both] == [c.output for c in html]
    assert [c.warnings for c in both] == [c.warnings for c in html]
    assert {i: c.also for i, c in enumerate(both) if c.also is not None} == \
        {i: c.output for i, c in typst.items()}
