from dataclasses import replace
from pathlib import Path

import pytest

from bookbuild.book import numbering, style
from bookbuild.book.config import load_yaml
from bookbuild.book.reader import read_book
from bookbuild.media import fonts
from bookbuild.support.errors import BookError, Problems


def style_of(tmp_path: Path, text: str) -> style.Style:
    path = tmp_path / "book.yaml"
    path.write_text("title: T\nauthor: A\nlanguage: en\n" + text, "utf-8")
    data = load_yaml(path, Problems())
    return style.parse(data, data["_positions"])


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(BookError) as e:
        style_of(tmp_path, text)
    return [str(p) for p in e.value.problems]


def test_no_style_is_the_classic_design(tmp_path):
    assert style_of(tmp_path, "") == style.DESIGNS["classic"]


@pytest.mark.parametrize("name", list(style.DESIGNS))
def test_a_design_by_name_alone(tmp_path, name):
    chosen = style_of(tmp_path, f"style: {name}\n")
    assert chosen == style.DESIGNS[name] and chosen.design == name


def test_the_authors_choices_win_over_the_designs(tmp_path):
    chosen = style_of(tmp_path, "style:\n  design: modern\n  first_line: drop-cap\n"
                                "  body_font: EB Garamond\n  embed_fonts: false\n")
    assert (chosen.design, chosen.first_line, chosen.body_font) == \
        ("modern", "drop-cap", "EB Garamond")
    assert chosen.heading_font == "Source Sans 3" and chosen.embed_fonts is False


def test_large_print_is_large():
    assert style.DESIGNS["large-print"].print_size >= 16
    assert style.DESIGNS["large-print"].ebook_size > 1


def test_each_wrong_value_is_said_at_its_line(tmp_path):
    found = problems_of(tmp_path, "style:\n  design: classic\n  first_line: swash\n"
                                  "  body_font: Comic Sans\n  colour: red\n"
                                  "  ornament: star.png\n  embed_fonts: maybe\n")
    assert "manuscript/book.yaml:6: style: first_line: 'swash' is not one of " \
           "drop-cap, small-caps, none" in found
    assert any(p.startswith("manuscript/book.yaml:7: style: body_font: 'Comic Sans'")
               for p in found)
    assert any(p.startswith("manuscript/book.yaml:8: style: unknown key 'colour'") for p in found)
    assert any(p.startswith("manuscript/book.yaml:9: style: ornament:") for p in found)
    assert any(p.startswith("manuscript/book.yaml:10: style: embed_fonts: must be true")
               for p in found)
    assert len(found) == 5


def test_an_unknown_design_names_the_designs(tmp_path):
    [problem] = problems_of(tmp_path, "style: baroque\n")
    assert problem == ("manuscript/book.yaml:4: style: design 'baroque' is not one of "
                       "classic, modern, literary, nonfiction, large-print")


def test_every_font_of_the_set_is_installed_and_its_fallback_covers_cyrillic():
    assert set(style.FONTS) == set(fonts.DESIGN_FACES)
    for family in style.FONTS:
        assert fonts.uncovered("Вся власть Советам! Ἐν ἀρχῇ", family) == [], family
        assert fonts.chain("ru", family)[0] == family


# ── Chapter numbers ──────────────────────────────────────────────────────────────────────

SAMPLE = Path(__file__).parents[2]


def test_the_chapter_forms(tmp_path):
    book = read_book(SAMPLE)
    [name] = numbering.chapter_numbers(book)
    got = {}
    for form in ("numeral", "word", "chapter-word", "chapter-numeral"):
        book.style = replace(book.style, chapter_heading=form)
        got[form] = numbering.label(book, 21)
    assert got == {"numeral": "21", "word": "Twenty-One", "chapter-word": "Chapter Twenty-One",
                   "chapter-numeral": "Chapter 21"}
    book.style = replace(book.style, chapter_heading="none")
    assert numbering.chapter_numbers(book) == {}


def test_words_only_where_the_cardinal_reads_right():
    book = read_book(Path(__file__).parents[1] / "books/cyrillic")
    book.style = replace(book.style, chapter_heading="chapter-word")
    assert numbering.label(book, 2) == "Глава 2"  # not "Глава два": the ordinal has a gender
    book.metadata.language = "de"
    book.metadata.labels["chapter"] = "Kapitel {}"
    assert numbering.label(book, 3) == "Kapitel drei"


@pytest.mark.parametrize("title", ["Chapter 6", "3. Ownership", "IV: Spring", "XII", "12 Rules"])
def test_titles_that_carry_a_number_get_none_added(tmp_path, title):
    book = read_book(SAMPLE)
    section = next(s for s in book.sections if s.kind == "chapter")
    section.text = f"# {title}\n\nText.\n"
    assert numbering.numbered_titles(book) and numbering.chapter_numbers(book) == {}


@pytest.mark.parametrize("title", ["Introduction", "I Remember Smolny", "Ivan's Road"])
def test_titles_without_a_number_are_numbered(title):
    book = read_book(SAMPLE)
    section = next(s for s in book.sections if s.kind == "chapter")
    section.text = f"# {title}\n\nText.\n"
    assert list(numbering.chapter_numbers(book).values()) == [1]


def test_a_hash_in_fenced_code_is_no_title():
    code = "Text first.\n\n```rust\n#[derive(Debug)]\n# comment\n```\n\n# The Title\n\nMore.\n"
    assert numbering.title_of(code) == "The Title"
    assert numbering.title_of("Text.\n\n~~~\n# shell comment\n~~~\n") is None
