"""A book written right to left is bound on the right: its rectos are left-hand pages, its
bleed lies on the other side, and its cover wrap has the front on the left."""

from __future__ import annotations

import pytest
from conftest import SAMPLE, build_print, copy_book

from tests.conftest import optional

pymupdf = optional("pymupdf")

BLEED = 9.0  # 0.125 in


@pytest.fixture(scope="module")
def arabic(tmp_path_factory):
    root = tmp_path_factory.mktemp("rtl")
    book = copy_book(SAMPLE, root / "book", print_block={"bleed": True},
                     extra={"language": "ar"})
    return build_print(book, root / "out")


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    root = tmp_path_factory.mktemp("ltr")
    book = copy_book(SAMPLE, root / "book", print_block={"bleed": True})
    return build_print(book, root / "out")


def test_the_bleed_is_on_the_fore_edge_of_a_right_bound_book(arabic, english):
    with arabic.pdf() as rtl, english.pdf() as ltr:
        for number in (1, 2):
            rtl_left = float(rtl.pages[number - 1].trimbox[0])
            ltr_left = float(ltr.pages[number - 1].trimbox[0])
            # Rectos (odd): the fore-edge is on the right in English, on the left in Arabic.
            assert rtl_left == (BLEED if number % 2 else 0.0)
            assert ltr_left == (0.0 if number % 2 else BLEED)


def test_viewers_show_the_spreads_right_to_left(arabic, english):
    with arabic.pdf() as rtl, english.pdf() as ltr:
        assert str(rtl.Root.ViewerPreferences.Direction) == "/R2L"
        assert str(ltr.Root.get("/ViewerPreferences", {}).get("/Direction", "/L2R")) == "/L2R"


def _x_of(page, text: str) -> float:
    hits = page.search_for(text)
    assert hits, f"{text!r} not on the cover"
    return hits[0].x0


@pytest.mark.parametrize("which, front_left", [("arabic", True), ("english", False)])
def test_the_cover_wrap_opens_the_way_the_book_does(request, which, front_left):
    result = request.getfixturevalue(which)
    with pymupdf.open(result.cover) as doc:
        page = doc[0]
        middle = page.rect.width / 2
        front = _x_of(page, "Proclaimed Soviet")  # the front's big title
        back = _x_of(page, "short memoir")  # the description, on the back
        assert (front < middle) == front_left and (back < middle) != front_left
        assert front > 0 and back < page.rect.width  # nothing pushed off the sheet


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_spine_reads_title_then_author_in_both_directions(language):
    from bookbuild.book.reader import read_book
    from bookbuild.pdf import wrap
    from bookbuild.pdf.interior import print_settings

    book = read_book(SAMPLE)
    book.metadata.language = language
    s = print_settings(book)
    pdf, _ = wrap.cover_pdf(book, s, 300, lambda _m: None)
    page = pymupdf.open(stream=pdf, filetype="pdf")[0]
    spine = pymupdf.Rect(BLEED + s.width, 0, BLEED + s.width + s.spine(300), page.rect.height)
    title = page.search_for("Lenin", clip=spine)
    author = page.search_for("Kollontai", clip=spine) or page.search_for("KOLLONTAI", clip=spine)
    assert title and author
    assert title[0].y0 < page.rect.height / 2 < author[0].y0  # title at the head


def test_the_back_takes_its_colour_from_the_spine_side_of_the_art(tmp_path):
    from PIL import Image

    from bookbuild.pdf.wrap import _edge_colour

    art = Image.new("RGB", (200, 300), (200, 0, 0))
    art.paste((0, 0, 200), (100, 0, 200, 300))  # red on the left, blue on the right
    art.save(tmp_path / "art.png")
    assert _edge_colour(tmp_path / "art.png") == [200, 0, 0]  # left of the front: the spine
    assert _edge_colour(tmp_path / "art.png", rtl=True) == [0, 0, 200]
