"""book.yaml's print block, and what bad print input does on the command line."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from bookbuild.book.config import Positions
from bookbuild.pdf import settings
from bookbuild.pdf.settings import INCH, MM, gutter, parse, trim_size
from bookbuild.support.errors import BookError
from tests.pdf.conftest import EVERYTHING, SAMPLE, copy_book


@pytest.mark.parametrize("raw, inches", [
    ("5x8", (5, 8)), ("5.25x8", (5.25, 8)), ("5.5x8.5", (5.5, 8.5)), ("6x9", (6, 9)),
    ("6.14x9.21", (6.14, 9.21)), ("7x10", (7, 10)), ("8.5x11", (8.5, 11)),
    ("6 x 9 in", (6, 9)), ("5.5×8.5", (5.5, 8.5)), ("7.5x9.25", (7.5, 9.25)),
])
def test_trim_sizes_in_inches(raw, inches):
    assert trim_size(raw) == pytest.approx((inches[0] * INCH, inches[1] * INCH))


def test_a5_and_millimetres():
    assert trim_size("A5") == pytest.approx((148 * MM, 210 * MM))
    assert trim_size("170x240mm") == pytest.approx((170 * MM, 240 * MM))


@pytest.mark.parametrize("raw", ["6by9", "148x210", "2x3", "6x9x2", ""])
def test_impossible_trims_say_why(raw):
    assert isinstance(trim_size(raw), str)


@pytest.mark.parametrize("pages, inches", [(10, 0.375), (24, 0.375), (150, 0.375),
                                           (151, 0.5), (300, 0.5), (301, 0.625),
                                           (500, 0.625), (501, 0.75), (700, 0.75),
                                           (701, 0.875), (828, 0.875)])
def test_gutter_follows_the_page_count(pages, inches):
    assert gutter(pages) == pytest.approx(inches * INCH)
    margins = settings.PrintSettings().page_margins(pages)
    assert margins["inside"] >= inches * INCH
    assert min(margins["outside"], margins["top"], margins["bottom"]) >= 0.5 * INCH


def test_defaults_and_a_full_block():
    assert parse({}).trim_name == "5.5x8.5"
    s = parse({"print": {"trim": "6x9", "bleed": True, "paper": "cream", "font_size": 10.5,
                         "openers": "any", "running_head": "title", "pdf_a": False,
                         "margins": {"outside": "0.75in", "top": "20mm"}}})
    assert (s.width, s.height, s.bleed, s.paper) == (6 * INCH, 9 * INCH, True, "cream")
    assert s.spine(100) == pytest.approx(100 * 0.0025 * INCH)
    assert s.page_margins(100)["outside"] == pytest.approx(0.75 * INCH)
    assert s.page_margins(100)["top"] == pytest.approx(20 * MM)


def test_every_bad_key_is_reported_with_its_line():
    text = "\n".join(["title: x", "print:", "  trim: 6by9", "  paper: glossy", "  colour: red",
                      "  margins: {outside: 0.2in}"])
    with pytest.raises(BookError) as e:
        parse(yaml.safe_load(text), Positions.of(yaml.compose(text)))
    text = [str(p) for p in e.value.problems]
    assert any(t.startswith("manuscript/book.yaml:3: print: trim:") for t in text), text
    assert any(t.startswith("manuscript/book.yaml:4: print: paper:") for t in text), text
    assert any(t.startswith("manuscript/book.yaml:5: print: unknown key 'colour'") for t in text)
    assert any("manuscript/book.yaml:6:" in t and "0.5in" in t for t in text), text


def run(*args):
    return subprocess.run([sys.executable, "-m", "bookbuild", *map(str, args)],
                          capture_output=True, text=True)


def test_bad_print_block_is_exit_2_with_one_line_and_nothing_written(tmp_path):
    book = copy_book(SAMPLE, tmp_path / "book", {"trim": "12x40"})
    out = tmp_path / "out"
    proc = run("build", book, "--format", "pdf", "--out", out, "-q")
    assert proc.returncode == 2, proc.stderr
    errors = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
    assert len(errors) == 1 and "manuscript/book.yaml:" in errors[0] and "trim" in errors[0]
    assert "Traceback" not in proc.stderr
    assert not list(out.glob("*.pdf")) if out.exists() else True


def test_missing_alt_text_and_dead_links_stop_the_print_build(tmp_path):
    book = copy_book(EVERYTHING, tmp_path / "book")
    chapter = book / "manuscript" / "chapters" / "04-images.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n![](images/icon.png)\n\n"
                       "[gone](#nowhere)\n", "utf-8")
    from bookbuild.book.reader import read_book
    from bookbuild.pdf.interior import typeset

    with pytest.raises(BookError) as e:
        typeset(read_book(book), lambda _m: None)
    text = [str(p) for p in e.value.problems]
    assert any("04-images.md:" in t and "no alt text" in t for t in text), text
    assert any("04-images.md:" in t and "#nowhere" in t for t in text), text

