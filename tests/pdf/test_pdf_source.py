"""Sections → Typst: links found in pandoc's output, and which sections need the inline walk."""

from __future__ import annotations

from importlib import resources

import pytest

from bookbuild.book.reader import read_book
from bookbuild.convert import pandoc
from bookbuild.pdf import source
from bookbuild.support.errors import Problems
from tests.pdf.conftest import EVERYTHING


def test_links_are_found_outside_code_only():
    typst = ('See #link(<a>)[x], #link(label("with \\"q\\" space"))[y] and `#link(<b>)`, '
             'an escaped \\` #link(<c>)[z]\n```\n#link(<d>)\n```\n#link("https://e.org")[e]')
    assert source.links(typst) == ["a", 'with "q" space', "c"]


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
