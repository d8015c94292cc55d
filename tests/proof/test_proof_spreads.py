"""Print proof: facing-page spreads of a PDF, with the trim line when the PDF has bleed."""

from __future__ import annotations

import pytest
from PIL import Image

from bookbuild.proof.spreads import DESK, TRIM, pairs, render_spreads
from bookbuild.support.errors import BookError
from tests.conftest import optional

pymupdf = optional("pymupdf")

# 6×9 in trim; with 0.125 in bleed the media box grows by 9 pt on each side.
TRIM_W, TRIM_H, BLEED = 432, 648, 9


def make_pdf(path, pages: int, bleed: bool):
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        w, h = (TRIM_W + 2 * BLEED, TRIM_H + 2 * BLEED) if bleed else (TRIM_W, TRIM_H)
        page = doc.new_page(width=w, height=h)
        if bleed:
            page.set_trimbox(pymupdf.Rect(BLEED, BLEED, w - BLEED, h - BLEED))
        page.insert_text((72, 100), f"Page {n}", fontsize=24)
    doc.save(str(path))
    return path


@pytest.mark.parametrize("count, expected", [
    (0, []), (1, [(0, 1)]), (2, [(0, 1), (2, 0)]), (5, [(0, 1), (2, 3), (4, 5)]),
    (6, [(0, 1), (2, 3), (4, 5), (6, 0)])])
def test_page_one_is_a_recto_then_pages_face_each_other(count, expected):
    assert pairs(count) == expected


def test_spreads_without_bleed(tmp_path):
    spreads = render_spreads(pymupdf, make_pdf(tmp_path / "a.pdf", 4, False), tmp_path / "s")
    assert [s.pages for s in spreads] == [(0, 1), (2, 3), (4, 0)]
    assert [s.label for s in spreads] == ["p. 1", "pp. 2–3", "p. 4"]
    assert not any(s.bleed for s in spreads)
    with Image.open(spreads[1].path) as img:
        page_w = round(TRIM_W * 100 / 72)
        assert img.width == 2 * page_w
        assert TRIM not in {img.getpixel((x, 300)) for x in range(img.width)}
    with Image.open(spreads[0].path) as img:  # the left side of page 1 is empty desk
        assert img.getpixel((10, 10)) == DESK and img.getpixel((page_w + 10, 10)) != DESK


def test_spreads_with_bleed_show_the_trim_line(tmp_path):
    spreads = render_spreads(pymupdf, make_pdf(tmp_path / "b.pdf", 3, True), tmp_path / "s")
    assert all(s.bleed for s in spreads)
    with Image.open(spreads[1].path) as img:
        trim_x = round(BLEED * 100 / 72)
        column = {img.getpixel((trim_x, y)) for y in range(200, 400)}
        assert TRIM in column
        assert img.getpixel((trim_x + 40, 300)) != TRIM


def test_not_a_pdf_is_one_clear_error(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_text("hello")
    with pytest.raises(BookError, match="x.pdf"):
        render_spreads(pymupdf, bad, tmp_path / "s")
