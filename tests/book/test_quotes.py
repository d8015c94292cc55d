"""Curling book.yaml's straight quotes: directions, apostrophes, what stays as typed."""

import json
from pathlib import Path

import pytest

from bookbuild.book import quotes


@pytest.mark.parametrize("typed, curled", [
    ("'Tis the Season", "’Tis the Season"),
    ("the '90s", "the ’90s"),
    ("the Joneses' House", "the Joneses’ House"),
    ("Rock 'n' Roll", "Rock ‘n’ Roll"),
    ("\"She said 'hi'\"", "“She said ‘hi’”"),
    ("(\"x\")", "(“x”)"),
    ("already “curled” text", "already “curled” text"),
])
def test_english_directions_and_apostrophes(typed, curled):
    assert quotes.curl(typed, "en") == curled


def test_a_quote_that_cannot_be_told_is_left_and_named():
    assert quotes.curl('a 8"x10" print', "en") == 'a 8"x10” print'
    assert quotes.ambiguous('a 8"x10" print') == [3]
    assert quotes.ambiguous('a " b') == [2]
    assert quotes.ambiguous("The Keeper's \"Lamp\"") == []


@pytest.mark.parametrize("tag, marks", [
    ("de-AT", ("„", "“", "‚", "‘")),
    ("ja", ("「", "」", "『", "』")),
    ("zh-Hant-TW", ("「", "」", "『", "』")),  # falls back to zh-Hant
    ("zh-Hans", ("“", "”", "‘", "’")),
    ("xx", ("“", "”", "‘", "’")),  # unknown: CLDR's root
])
def test_marks_fall_back_tag_by_tag(tag, marks):
    m = quotes.marks_for(tag)
    assert (m.open, m.close, m.inner_open, m.inner_close) == marks


def test_the_table_is_cldr_data_for_many_languages():
    path = Path(quotes.__file__).parent / "data" / "quotes.json"
    table = json.loads(path.read_text("utf-8"))
    assert "CLDR" in table["source"] and len(table["languages"]) > 100
    assert all(len(m) == 4 for m in table["languages"].values())
