"""Every manuscript rule: a minimal failing text and a passing one, at the right file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookbuild.book.reader import read_book
from bookbuild.check import registry
from bookbuild.check.ms_text import Manuscript, split

YAML = "title: Test\nauthor: Ann Author\nlanguage: {lang}\n"
LONG = " ".join(["word"] * 501) + "."
SHORT = " ".join(["word"] * 400) + "."
NAMES = ("Later Gorbunov wrote it down, and Gorbunov read it out; we thanked Gorbunov.\n\n"
         "Then we asked Gorbunow to stay.\n")

# code → (failing Markdown, passing Markdown, line of the finding in the failing text)
CASES = {
    "MS-PARA-001": ("# A\n\nHe went to the\n\nshop to buy bread.\n",
                    "# A\n\nHe went to the shop.\n\nThen it rained, and\nwe went home.\n", 3),
    "MS-HEAD-001": ("# A\n\n### C\n\nText.\n", "# A\n\n## B\n\n### C\n\nText.\n", 3),
    "MS-LONG-001": (f"# A\n\n{LONG}\n", f"# A\n\n{SHORT}\n", 3),
    "MS-TODO-001": ("# A\n\nText.\n\nMore. TODO: check the date.\n",
                    "# A\n\nHer todo list was long.\n\n```\n# TODO in code is content\n```\n", 5),
    "MS-QUOTE-001": ('# A\n\nHe said "hello"to me.\n', '# A\n\nHe said "hello" to me.\n', 3),
    "MS-QUOTE-002": ('# A\n\n"He never closed it.\n\nNext paragraph.\n',
                     '# A\n\n"A quotation that runs on,\n\n"into the next paragraph."\n', 3),
    "MS-BRACKET-001": ("# A\n\nA note (see below.\n",
                       "# A\n\nA note (see [the map](images/x.png)). Options a) and b) apply.\n",
                       3),
    "MS-WORD-001": ("# A\n\nWe saw the\nthe cat.\n",
                    "# A\n\nHe had had enough of `the` the cats on Bora Bora.\n", 4),
    "MS-SPACE-001": ("# A\n\nHello , world.\n", "# A\n\nHello, world... and [a link](x.html).\n",
                     3),
    "MS-ASSET-001": ("# A\n\n![A map.](images/missing.png){fig-alt=\"A map.\"}\n",
                     "# A\n\n![A map.](images/map.png){fig-alt=\"A map.\"}\n", 3),
    "MS-ASSET-002": ("# A\n\nNo pictures.\n",
                     "# A\n\n![A map.](images/map.png){fig-alt=\"A map.\"}\n", None),
    "MS-NAME-001": (f"# A\n\n{NAMES}", f"# A\n\n{NAMES.replace('Gorbunow', 'Gorbunov')}", 5),
}


def book(root: Path, text: str, lang: str = "en", yaml_extra: str = "") -> Path:
    (root / "manuscript/chapters").mkdir(parents=True)
    (root / "assets/images").mkdir(parents=True)
    (root / "manuscript/book.yaml").write_text(YAML.format(lang=lang) + yaml_extra)
    (root / "manuscript/chapters/01-one.md").write_text(text)
    (root / "assets/images/map.png").write_bytes(b"\x89PNG")
    return root


def findings(root: Path) -> list:
    return registry.run("manuscript", Manuscript.of(read_book(root)))


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_failing_text(tmp_path, code):
    bad, _good, line = CASES[code]
    found = [f for f in findings(book(tmp_path, bad)) if f.code == code]
    assert found, f"{code} did not fire"
    if line is not None:
        assert (found[0].file, found[0].line) == ("manuscript/chapters/01-one.md", line)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_passes_the_good_text(tmp_path, code):
    _bad, good, _line = CASES[code]
    assert [str(f) for f in findings(book(tmp_path, good)) if f.code == code] == []


def test_every_manuscript_rule_has_cases():
    book_yaml_rules = {"MS-LABEL-001"}  # tested below: a language, not a text
    assert {r.code for r in registry.rules_for("manuscript")} == set(CASES) | book_yaml_rules


def test_a_language_bookbuild_has_no_words_for(tmp_path):
    hungarian = book(tmp_path / "hu", "# A\n\nSzöveg.\n", lang="hu")
    found = [f for f in findings(hungarian) if f.code == "MS-LABEL-001"]
    assert len(found) == 1 and found[0].file == "manuscript/book.yaml" and found[0].line == 3
    assert "'hu'" in found[0].message and "any of the pages" in found[0].message
    partly = book(tmp_path / "hu2", "# A\n\nSzöveg.\n", lang="hu",
                  yaml_extra="labels: {contents: Tartalom}\n")
    found = [f for f in findings(partly) if f.code == "MS-LABEL-001"]
    assert len(found) == 1 and "some (landmarks, cover," in found[0].message
    german = book(tmp_path / "de", "# A\n\nText.\n", lang="de")
    assert not [f for f in findings(german) if f.code == "MS-LABEL-001"]


@pytest.mark.parametrize("folder", [".", "tests/books/everything"])
def test_both_books_are_clean(folder):
    root = Path(__file__).resolve().parents[2] / folder
    assert [str(f) for f in findings(root)] == []


def test_straight_quotes_in_raw_html_and_printed_metadata(tmp_path):
    root = book(tmp_path, '# A\n\n<p class="x">He said "hi".</p>\n',
                yaml_extra="rights: 'Plates 8\"x10\"'\n")
    found = [(f.file, f.line) for f in findings(root) if f.code == "MS-QUOTE-001"]
    assert ("manuscript/chapters/01-one.md", 3) in found
    # 8"x is inside a word: no way to tell; 10" closes, so it is curled and not named
    metadata = [f for f in findings(root) if f.code == "MS-QUOTE-001" and f.line == 4]
    assert [(f.file, f.line) for f in metadata] == [("manuscript/book.yaml", 4)]
    assert '8"x10' in metadata[0].message


def test_metadata_quotes_that_curl_are_not_warned_about(tmp_path):
    root = book(tmp_path, "# A\n\nText.\n",
                yaml_extra="subtitle: The \"Keeper's\" Tale\nrights: \"Ann's book\"\n")
    assert [str(f) for f in findings(root) if f.code == "MS-QUOTE-001"] == []


def test_french_spacing_is_not_a_stray_space(tmp_path):
    root = book(tmp_path, "# A\n\nBonjour ! Comment allez-vous ?\n", lang="fr")
    assert [f for f in findings(root) if f.code == "MS-SPACE-001"] == []


def test_todo_in_a_comment_is_found(tmp_path):
    root = book(tmp_path, "# A\n\nText. <!-- FIXME: source? -->\n")
    assert [(f.code, f.line) for f in findings(root) if f.code == "MS-TODO-001"] == \
        [("MS-TODO-001", 3)]


def test_names_ignore_inflections_and_common_words(tmp_path):
    text = ("# A\n\nThe Soviets met; the Soviet decided. A Marxist read Marxism to a Russian "
            "from Russia. Then they left.\n\nThen they came. This was it.\n")
    assert [f for f in findings(book(tmp_path, text)) if f.code == "MS-NAME-001"] == []


def test_poetry_tables_and_code_are_not_split_paragraphs(tmp_path):
    text = ("# A\n\n| The hill stands still, the river runs,\n|     the needle shivers\n\n"
            "| and I walk on\n\n```\nx = [\n\n1]\n```\n\nTerm\n\n:   A definition\n\n"
            "- an item without a stop\n- and another\n")
    assert [str(f) for f in findings(book(tmp_path, text)) if f.code != "MS-ASSET-002"] == []


def test_block_splitter_keeps_line_numbers():
    blocks = split("# T\n\nPara one\ncontinues.\n\n```\ncode\n\nmore\n```\n\n## Sub\nText.\n")
    assert [(b.kind, b.line) for b in blocks] == [
        ("heading", 1), ("para", 3), ("code", 6), ("heading", 12), ("para", 13)]


def test_prose_blanks_code_and_links_without_moving_text():
    (block,) = split("See `the the` and [x](the%20the.html) here.")
    assert len(block.prose) == len(block.text)
    assert "the the" not in block.prose and block.prose.index("here") == block.text.index("here")


def test_text_marked_for_an_edition_gives_the_rules_nothing_to_say(tmp_path):
    """Alternatives side by side ({.print-only} then {.ebook-only}) read as one text."""
    from tests.conftest import editions_book

    root = editions_book(tmp_path)
    chapter = root / "manuscript" / "chapters" / "01-one.md"
    chapter.write_text(chapter.read_text("utf-8") + (
        "\nTurn [the page]{.print-only} [the screen]{.ebook-only}, then [read]{.print-only}"
        "[read]{.ebook-only} on.\n\n::: {.print-only}\nThe printed map shows\n:::\n\n"
        "::: {.ebook-only}\nthe linked map shows\n:::\n\nthe whole coast.\n"), "utf-8")
    assert [str(f) for f in findings(root)] == []
