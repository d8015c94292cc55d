"""The cover wrap: its width follows the real page count, the spine, the back, the boxes."""

from __future__ import annotations

import pikepdf
import pytest

from bookbuild.book.reader import read_book
from bookbuild.pdf import wrap
from bookbuild.pdf.interior import print_settings
from bookbuild.pdf.settings import BLEED, INCH, PAPER
from tests.conftest import optional
from tests.pdf.conftest import SAMPLE

pymupdf = optional("pymupdf")


def width_formula(trim_width_in: float, pages: int, paper: str) -> float:
    return (0.125 + trim_width_in + pages * PAPER[paper] + trim_width_in + 0.125) * INCH


@pytest.mark.parametrize("which, trim, paper", [("sample_print", (5.5, 8.5), "white"),
                                                 ("everything_print", (5.5, 8.5), "white"),
                                                 ("bleed_print", (6.0, 9.0), "cream")])
def test_cover_width_follows_the_real_page_count(request, which, trim, paper):
    result = request.getfixturevalue(which)
    pages = len(pikepdf.open(result.interior).pages)
    cover = pikepdf.open(result.cover)
    assert len(cover.pages) == 1
    box = [float(v) for v in cover.pages[0].MediaBox]
    assert box[2] == pytest.approx(width_formula(trim[0], pages, paper), abs=0.01)
    assert box[3] == pytest.approx((trim[1] + 0.25) * INCH, abs=0.01)
    trim_box = [float(v) for v in cover.pages[0].TrimBox]
    assert trim_box == pytest.approx([BLEED, BLEED, box[2] - BLEED, box[3] - BLEED], abs=0.01)


def test_cover_fonts_are_embedded(sample_print):
    cover = pikepdf.open(sample_print.cover)
    fonts = list(cover.pages[0].Resources.Font.values())
    assert fonts
    for font in fonts:
        for f in [font, *font.get("/DescendantFonts", [])]:
            if "/FontDescriptor" in f:
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(f.FontDescriptor.keys())


def test_back_carries_the_description_and_a_clear_barcode_area(sample_print):
    book = read_book(SAMPLE)
    page = pymupdf.open(sample_print.cover)[0]
    back = pymupdf.Rect(BLEED, BLEED, BLEED + 5.5 * INCH, page.rect.height - BLEED)
    back_text = " ".join(page.get_text("text", clip=back).split())
    assert " ".join(book.metadata.description.split())[:60] in back_text
    barcode = pymupdf.Rect(BLEED + 5.5 * INCH - 0.25 * INCH - 2 * INCH,
                           page.rect.height - BLEED - 0.25 * INCH - 1.2 * INCH,
                           BLEED + 5.5 * INCH - 0.25 * INCH, page.rect.height - BLEED - 0.25 * INCH)
    assert page.get_text("text", clip=barcode).strip() == ""
    pix = page.get_pixmap(dpi=36, clip=barcode + (4, 4, -4, -4))
    assert set(pix.samples) == {255}, "the barcode area is not clear white"


@pytest.mark.parametrize("pages, has_text", [(78, False), (79, True), (300, True)])
def test_spine_text_only_from_79_pages(pages, has_text):
    book = read_book(SAMPLE)
    s = print_settings(book)
    pdf, _ = wrap.cover_pdf(book, s, pages, lambda _m: None)
    page = pymupdf.open(stream=pdf, filetype="pdf")[0]
    spine = pymupdf.Rect(BLEED + s.width, 0, BLEED + s.width + s.spine(pages), page.rect.height)
    text = page.get_text("text", clip=spine).strip()
    assert bool(text) == has_text, text
    if has_text:
        assert "Lenin" in text or "LENIN" in text.upper()


def test_front_from_supplied_art_warns_when_its_resolution_is_low(everything_print):
    cover = [w for w in everything_print.warnings if "cover images/cover.jpg" in w]
    assert cover and "DPI" in cover[0], everything_print.warnings
    cover = pikepdf.open(everything_print.cover)
    images = [x for x in cover.pages[0].Resources.XObject.values() if x.Subtype == "/Image"]
    assert any(int(im.Width) == 1600 and int(im.Height) == 2560 for im in images)


def test_the_spine_has_the_curled_title_and_author(tmp_path):
    from tests.conftest import quoted_book

    book = read_book(quoted_book(tmp_path / "book", "de"))
    s = print_settings(book)
    pdf, _ = wrap.cover_pdf(book, s, 300, lambda _m: None)
    page = pymupdf.open(stream=pdf, filetype="pdf")[0]
    spine = pymupdf.Rect(BLEED + s.width, 0, BLEED + s.width + s.spine(300), page.rect.height)
    text = " ".join(page.get_text("text", clip=spine).split())
    assert "The Keeper’s „Lamp“" in text and "O’HARA" in text.upper(), text
    front = " ".join(page.get_text("text", clip=pymupdf.Rect(page.rect.width / 2 + 20, 0,
                                                               page.rect.width, page.rect.height)).split())
    assert "„Night“ and ‚Day‘" in front, front
