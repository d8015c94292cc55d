"""Sections → Typst: links found in pandoc's output, and which sections need the inline walk."""

from __future__ import annotations

from importlib import resources

import pytest

from bookbuild.book.reader import read_book
from bookbuild.convert import pandoc
from bookbuild.pdf import source
from bookbuild.support.errors import Problems
from tests.pdf.conftest import EVERYTHING


def test_links_are_pointed_at_their_sections_outside_code_only():
    from bookbuild.book.model import Section

    typst = ('See #link(<a>)[x], #link(label("with \\"q\\" space"))[y] and `#link(<b>)`, '
             'an escaped \\` #link(<c>)[z]\n```\n#link(<d>)\n```\n#link("https://e.org")[e]')
    part = source.Part(Section("chapter", "one", "manuscript/one.md", ""), 0, typst,
                       ids=["a", 'with "q" space', "b", "c", "d"])
    source.link_labels([part], Problems())
    assert part.text == (
        'See #link(<s0--a>)[x], #link(label("s0--with \\"q\\" space"))[y] and `#link(<b>)`, '
        'an escaped \\` #link(<s0--c>)[z]\n```\n#link(<d>)\n```\n#link("https://e.org")[e]')


@pytest.mark.parametrize("markdown, needed", [
    ("Prose only![^1] with a note.\n\n[^1]: A note.\n", False),
    ("Text.\n\n![A figure](a.png){fig-alt=\"Alt\"}\n\nMore, and [a link](#x).\n", False),
    ("# Title {#t}\n\n::: {lang=ru}\nТекст\n:::\n", False),
    ("An ![inline](icon.png) picture.\n", True),
    ("![Caption](a.png)\nwith text in the same paragraph.\n", True),
    ("Euler: $e^{i\\pi} + 1 = 0$.\n", True),
    ("A [span]{lang=ru} here.\n", True),
    ("Code `x`{#c} with an id.\n", True),
    ("A <span lang=\"el\">λόγος</span>.\n", True),
])
def test_sections_that_need_the_inline_walk(markdown, needed):
    assert source.needs_inlines(markdown) is needed


def test_the_blocks_only_filter_writes_what_the_full_one_does():
    """For sections that need no inline walk, both filters give the same Typst."""
    sections = [s for s in read_book(EVERYTHING).sections if not source.needs_inlines(s.text)]
    assert len(sections) >= 3
    out = {}
    for name, lua_filter in (("full", source.FILTER), ("blocks", source.BLOCKS_FILTER)):
        with resources.as_file(lua_filter) as lua:
            out[name] = pandoc.convert([s.text for s in sections], [s.source for s in sections],
                                       writer="typst", lua_filter=str(lua))
    assert out["blocks"] == out["full"]


def test_links_point_at_their_section_or_at_another_job():
    parts = source.convert(read_book(EVERYTHING))
    by_name = {p.section.name: p for p in parts}
    source.link_labels(parts, Problems(), lambda p: "front" if p.section.kind == "front"
                       else p.section.name)
    afterword = by_name["back-01-afterword"]
    preface = by_name["front-02-preface"]
    assert f'#link("bookbuild:dest/{preface.prefix}preface")' in afterword.text
    assert f"{preface.prefix}preface" in preface.targets
    assert f"<{preface.prefix}preface>" in preface.text


@pytest.mark.parametrize("lua_filter", [source.FILTER, source.BLOCKS_FILTER])
def test_a_quotations_closing_attribution_is_set_right(lua_filter):
    quoted = ("> All power to the Soviets!\n>\n> — Lenin, 1917\n\n"
              "> One paragraph — with a dash in it.\n\n"
              "> A first paragraph.\n>\n> And a second that names no one.\n")
    with resources.as_file(lua_filter) as lua:
        (typst,) = pandoc.convert([quoted], ["q.md"], writer="typst", lua_filter=str(lua))
    assert typst.count("align(end)[") == 1
    assert typst.index("align(end)[") < typst.index("Lenin, 1917") < typst.index("One paragraph")


def test_cross_references_name_the_targets_page_and_title_and_unknown_keys_stay_as_written():
    from tests.epub.test_xrefs import HANDBOOK

    book = read_book(HANDBOOK)
    parts = source.convert(book)
    by_name = {p.section.name: p for p in parts}
    titles = {("chapter-02-timber", "sec-timber"): "Timber",
              ("chapter-03-joints", "sec-joints"): "Joints"}
    found = source.link_labels(parts, Problems(), lambda p: p.section.name, titles,
                               book.metadata.labels)
    tools, timber = by_name["chapter-01-tools"], by_name["chapter-02-timber"]
    label = f"{timber.prefix}sec-timber"
    # `@sec-timber`: the page alone, a link into the other job; its page is read back there.
    assert (f'#link("bookbuild:dest/{label}")[#"page\u00a0"#bb-pageref("{label}")#""]'
            in tools.text)
    assert label in timber.targets
    # `[@sec-joints]`: the title in italics, then the page.
    assert '#emph("Joints")#", page\u00a0"#bb-pageref(' in tools.text
    assert source.page_refs(tools.text)[0] == label
    assert not found and "#bb-xref(" not in tools.text


@pytest.mark.parametrize("lua_filter", [source.FILTER])
def test_an_unknown_key_keeps_its_words_and_a_meant_reference_warns(lua_filter):
    from bookbuild.book.model import Section

    text = "Write to @ann, or see [@sec-missing].\n"
    with resources.as_file(lua_filter) as lua:
        (typst,) = pandoc.convert([text], ["m.md"], writer="typst", lua_filter=str(lua))
    part = source._part(Section("chapter", "m", "manuscript/m.md", text), 0, typst)
    (w,) = source.link_labels([part], Problems())
    assert (w.code, w.line) == ("CONVERT-XREF-001", 1) and "sec-missing" in w.message
    assert '#"@ann"' in part.text and '#"[@sec-missing]"' in part.text
