"""The book's writing direction comes from CLDR data (langcodes, Babel), not a hand-kept table,
which had Kurmanji (ku, Latin script) right to left and Sorani (ckb) and Shahmukhi Punjabi
(pa-Arab) left to right."""

import pytest

from bookbuild.book.language import right_to_left, script
from bookbuild.epub.documents import text_dir


@pytest.mark.parametrize("tag", ["ar", "he", "fa", "ur", "yi", "ckb", "pa-Arab", "ku-Arab",
                                 "dv", "sd", "ug", "ps", "ar-EG"])
def test_right_to_left(tag):
    assert right_to_left(tag)
    assert text_dir(tag) == ' dir="rtl"'


@pytest.mark.parametrize("tag", ["en", "ku", "pa", "ru", "zh-Hant", "ja", "az", "ar-Latn",
                                 "x-private", "not a tag"])
def test_left_to_right(tag):
    assert not right_to_left(tag)
    assert text_dir(tag) == ""


def test_scripts():
    assert (script("ku"), script("ckb"), script("pa"), script("pa-Arab")) == \
        ("Latn", "Arab", "Guru", "Arab")
