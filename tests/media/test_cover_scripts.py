"""The generated cover in other scripts: every title character gets a real glyph from the
book's fonts (shaped, right to left where it should be), none the empty box."""

from __future__ import annotations

import pytest

from bookbuild.book.model import Contributor, Metadata
from bookbuild.media import cover, fonts
from tests.conftest import optional
from tests.media.test_cover import TITLE_BAND

pymupdf = optional("pymupdf")

TITLES = {
    "ar": "عندما أعلن لينين السلطة السوفيتية",
    "zh": "当列宁宣布苏维埃政权时",
    "ja": "レーニンがソビエト権力を宣言したとき",
    "hi": "जब लेनिन ने सोवियत सत्ता की घोषणा की",
    "he": "כאשר לנין הכריז",
}
MISSING = "ሀሁሂ"  # Ethiopic: no font of the book has it


def meta(title: str, language: str = "en") -> Metadata:
    return Metadata(title=title, language=language, identifier="urn:uuid:x",
                    contributors=[Contributor("Ann Author")])


def glyph_ids(m: Metadata) -> dict[str, list[int]]:
    """Each character the cover sets, and the glyph ids it got (0 is the empty box, .notdef):
    read from the same design compiled to PDF, where the glyphs can be told apart."""
    page = pymupdf.open(stream=cover._compile(m, format="pdf"), filetype="pdf")[0]
    found: dict[str, list[int]] = {}
    for span in page.get_texttrace():
        for unicode, glyph, *_ in span["chars"]:
            found.setdefault(chr(unicode) if unicode > 0 else "?", []).append(glyph)
    return found


def ink(im) -> int:
    return sum(1 for v in im.crop(TITLE_BAND).convert("L").get_flattened_data() if v > 150)


@pytest.mark.parametrize("lang", sorted(TITLES))
@pytest.mark.parametrize("book_language", ["en", "own"])
def test_titles_in_other_scripts_get_real_glyphs(lang, book_language):
    title = TITLES[lang]
    m = meta(title, lang if book_language == "own" else "en")
    assert fonts.uncovered(title) == []
    ids = glyph_ids(m)
    assert all(0 not in got for got in ids.values()), ids
    # Shaping may merge characters, but the title's letters are on the page.
    letters = {ch for ch in title if ch.isalpha()}
    assert len(letters & set(ids)) >= len(letters) // 2, (letters - set(ids))
    drawn = cover.render(m)
    assert ink(drawn) > ink(cover.render(meta(" ", m.language))) + 5000


def test_a_character_no_font_has_is_an_empty_box():
    """The check above can fail: the missing script gets glyph 0."""
    assert fonts.uncovered(MISSING) == list(MISSING)
    ids = glyph_ids(meta(MISSING))
    assert all(got == [0] or set(got) == {0} for ch, got in ids.items() if ch in MISSING + "?")
    assert any(0 in got for got in ids.values())


def test_right_to_left_titles_read_from_the_right():
    """The first word of a Hebrew title is set at the right of the line."""
    page = pymupdf.open(stream=cover._compile(meta("כאשר לנין"), format="pdf"),
                        filetype="pdf")[0]
    xs = {chr(c[0]): c[2][0] for span in page.get_texttrace() for c in span["chars"]}
    assert xs["כ"] > xs["ל"]


def test_cjk_glyph_forms_follow_the_book_language():
    """The same Han characters, in a Japanese book and a Chinese one: the faces differ."""
    def faces(lang):
        page = pymupdf.open(stream=cover._compile(meta("直骨", lang), format="pdf"),
                            filetype="pdf")[0]
        return {span["font"] for span in page.get_texttrace()
                if any(chr(c[0]) in "直骨" for c in span["chars"])}
    assert faces("ja") != faces("zh")

