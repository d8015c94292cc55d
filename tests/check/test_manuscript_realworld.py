"""False alarms the manuscript rules raised on real books (tests/realworld/lint-judgement.md),
each with the true finding next to it that the rule must keep. The texts are written for these
tests, after the shape of the sentences that tripped the rules."""

from __future__ import annotations

import pytest

from bookbuild.check.ms_text import split
from tests.check.test_manuscript_rules import book, findings


def hits(tmp_path, code: str, text: str, lang: str = "en") -> list[tuple[int, str]]:
    root = book(tmp_path, "# A\n\n" + text, lang=lang)
    return [(f.line, f.message) for f in findings(root) if f.code == code]


def lines(tmp_path, code: str, text: str, lang: str = "en") -> list[int]:
    return [line for line, _message in hits(tmp_path, code, text, lang)]


# --- MS-BRACKET-001 ---------------------------------------------------------------------

def test_a_word_of_two_letters_before_a_closing_bracket_closes_it(tmp_path):
    text = ("The saga goes on (Book 2) and the files are listed (linked to) below; see the "
            "figure (C4) too.\n")
    assert lines(tmp_path, "MS-BRACKET-001", text) == []


def test_an_enumeration_still_closes_nothing_and_a_stray_bracket_is_found(tmp_path):
    text = "Options a) and b) apply.\n\nThe note (see below is never closed.\n"
    assert lines(tmp_path, "MS-BRACKET-001", text) == [5]


def test_escaped_brackets_are_characters(tmp_path):
    assert lines(tmp_path, "MS-BRACKET-001", "A left bracket: \\[ and a paren: \\(\n") == []


# --- MS-QUOTE-002 -----------------------------------------------------------------------

def test_a_quote_inside_brackets_and_seconds_of_arc_balance(tmp_path):
    text = ('He gave the code ("x") twice.\n\nThe star moved 10" of arc in a night, and '
            'the screen was 12" wide.\n\nHe said, "stop," and then--"no more."\n')
    assert lines(tmp_path, "MS-QUOTE-002", text) == []


def test_a_speech_broken_off_by_a_dash_closes(tmp_path):
    text = ('"Give me the key, or--" He stopped.\n\n"A promise," she said,--"a promise to '
            'him."\n')
    assert lines(tmp_path, "MS-QUOTE-002", text) == []


def test_elisions_are_not_single_quotes_but_an_unclosed_curly_one_is(tmp_path):
    text = "\"I'll tell 'ee what: wear 'em,\" he said, \"'tis cold.\"\n\nShe read ‘the end.\n"
    assert lines(tmp_path, "MS-QUOTE-002", text) == [5]


def test_german_quotes_open_low_and_close_high(tmp_path):
    text = ("„Kommst Du?“ fragte sie, „es ist spät.“\n\n"
            "Er sagte: ‚Vielleicht‘ und ging.\n\n"
            "Im Handbuch steht “Nimm den lokalen Zweig” als Regel.\n\n"
            "„Das bleibt offen.\n\nNeuer Absatz ohne Anführung.\n")
    assert lines(tmp_path, "MS-QUOTE-002", text, lang="de") == [9]


def test_swiss_german_uses_guillemets(tmp_path):
    root = book(tmp_path, "# A\n\n«Kommst Du?» fragte sie.\n", lang="de-CH")
    assert [f for f in findings(root) if f.code == "MS-QUOTE-002"] == []


def test_a_french_dialogue_runs_over_dash_paragraphs(tmp_path):
    text = ("«Bonjour, Madame. Où est le malade?\n\n--Bonjour, Docteur. Il est là-haut.\n\n"
            "[Illustration]\n\n--Merci, j’y vais.»\n\n"
            "Puis elle dit: «Il fait froid. Sans suite.\n\nLe soir tomba.\n")
    assert lines(tmp_path, "MS-QUOTE-002", text, lang="fr") == [11]


# --- MS-QUOTE-001 -----------------------------------------------------------------------

def test_quotes_in_a_script_or_a_code_span_inside_html_are_code(tmp_path):
    text = ('<script>document.write(\'not prose\');</script>\n\n'
            '<span>the value `"hello"` bound to s</span>\n\n<p>He said "hi".</p>\n')
    assert lines(tmp_path, "MS-QUOTE-001", text) == [7, 7]


# --- MS-WORD-001 ------------------------------------------------------------------------

def test_german_articles_and_pronouns_may_double(tmp_path):
    text = ("Hinter der der Turm stand, lag die Mauer, die die Stadt schützte. Wollen Sie "
            "sie sehen? Er kam und\nund ging.\n")
    assert [m for _l, m in hits(tmp_path, "MS-WORD-001", text, lang="de")] == \
        ["doubled word “und und”"]


def test_french_reflexives_double_but_a_typo_does_not(tmp_path):
    text = "Si vous vous trompez, nous nous aidons, en en parlant. Oh la la! Le le chat.\n"
    assert [m for _l, m in hits(tmp_path, "MS-WORD-001", text, lang="fr")] == \
        ["doubled word “Le le”"]


def test_file_endings_and_laughter_are_not_doubled_words(tmp_path):
    text = "Ignore files ending in .o o .a here. He laughed: he he! Then then he left.\n"
    assert [m for _l, m in hits(tmp_path, "MS-WORD-001", text)] == ["doubled word “Then then”"]


# --- MS-NAME-001 ------------------------------------------------------------------------

GERMAN = ("Er bat sie um eine Bitte, und sie machte das Bette. Auf der Feier lag eine Feder; "
          "die Feier war laut. Im Garten und in den Gärten blühte es, die Kapitels und "
          "Kapiteln las er. Dann kam Innstetten, und Innstetten sprach mit Innstetten über "
          "Instetten. Die Syntax, die Syntax, die Syntax und die Snytax. Zum Server ging "
          "der SVN-Server und der SSH-Server, der SSH-Server, der SSH-Server. Die "
          "SHA1-Summe und die SHA-Summe, die SHA-Summe, die SHA-Summe. Eine Szene, noch eine "
          "Szene, dann eine Szene und die Scene.\n")


def test_german_nouns_one_letter_apart_are_two_words(tmp_path):
    found = [m for _l, m in hits(tmp_path, "MS-NAME-001", GERMAN, lang="de")]
    variants = sorted(m.split("”")[0][1:] for m in found)
    assert variants == ["Instetten", "Scene", "Snytax"]


def test_hyphen_and_capital_variants_are_found_but_shouting_is_not(tmp_path):
    text = ("We ran a Webserver, then the Webserver, then the Webserver, then a Web-Server. "
            "We used BitKeeper, BitKeeper and BitKeeper, once Bitkeeper. Read the "
            "Gutenberg-tm license, the Gutenberg-tm rules and the GUTENBERG-tm name.\n")
    variants = sorted(m.split("”")[0][1:] for _l, m in hits(tmp_path, "MS-NAME-001", text))
    assert variants == ["Bitkeeper", "Web-Server"]


# --- MS-TODO-001 ------------------------------------------------------------------------

def test_a_file_called_todo_is_not_a_note_to_self(tmp_path):
    text = ("To stage the TODO and index.html files, type 2. Now the file TODO is staged, "
            "not subdir/TODO.\n\nMore. TODO: check the date. <!-- FIXME -->\n")
    assert lines(tmp_path, "MS-TODO-001", text) == [5, 5]


# --- MS-HEAD-001 ------------------------------------------------------------------------

def test_a_section_may_open_at_level_two_but_may_not_skip(tmp_path):
    root = book(tmp_path, "## Installation\n\nText.\n\n### Linux\n\nText.\n\n##### Deep\n")
    assert [f.line for f in findings(root) if f.code == "MS-HEAD-001"] == [9]


def test_setext_headings_count_as_headings(tmp_path):
    root = book(tmp_path, "Title\n=====\n\nText.\n\nPart\n----\n\n#### Deep\n\nText.\n")
    assert [f.line for f in findings(root) if f.code == "MS-HEAD-001"] == [9]


# --- MS-PARA-001 ------------------------------------------------------------------------

def test_paragraphs_ending_on_a_url_or_a_title_are_not_split(tmp_path):
    text = ("Produced by the Team at http://www.example.org\n\nThe Note follows here.\n\n"
            "Licensed online at http://example.org/license).\n\nIf you paid a fee.\n\n"
            "J. Smith, M.A. 2007\n\nB. Jones\n\n"
            "[A link](/url/ 'title in single quotes')\n\n[with underscore](/url/x)\n")
    assert lines(tmp_path, "MS-PARA-001", text) == []


def test_a_sentence_may_run_through_a_verse_or_a_picture(tmp_path):
    text = ("The name carved on the beam was\n\n[Illustration: the name]\n\n"
            "He left. The above description of\n\n   --the great Figg, the pride of the "
            "plains--\n\nmay sound tame.\n\nHe went to the\n\nshop.\n")
    assert lines(tmp_path, "MS-PARA-001", text) == [13]


# --- MS-ASSET-001 -----------------------------------------------------------------------

def test_image_syntax_shown_in_a_code_span_is_an_example(tmp_path):
    text = ("Write `![image](spider.jpg)` in `chap1/text.md`, or ``![x](a `b`.png)``.\n\n"
            "![A map.](images/missing.png)\n")
    found = [(f.line, f.severity) for f in findings(book(tmp_path, "# A\n\n" + text))
             if f.code == "MS-ASSET-001"]
    assert found == [(5, "error")]


# --- the block splitter -----------------------------------------------------------------

def test_code_indented_inside_a_definition_is_code():
    blocks = split("`--css`\n\n:   Add this to your CSS:\n\n        src: url(\"x.ttf\");\n\n"
                   "    And more of the definition.\n")
    assert [(b.kind, b.line) for b in blocks] == [
        ("para", 1), ("definition", 3), ("code", 5), ("definition", 7)]


@pytest.mark.parametrize("url", ["http://example.org/license).", "https://x.org/a,"])
def test_a_bare_url_leaves_the_punctuation_after_it(url):
    (block,) = split(f"See {url}")
    assert block.prose.rstrip()[-1] == url[-1]
