"""Print never overflows silently: what is wider than the text block fits, or is a warning.

The fixture book (tests/books/overflow) holds a 223-character code line and one without
spaces, a 150-character URL, a run of 208 characters without a break, a twelve-column table
of long words, a five-column one that fits turned, a table a little too wide, and a 3000-px
picture, also inside a quotation. tests/books/overflow/make_chapter.py writes the chapter.
Every glyph and picture is measured against the text block of its page with PyMuPDF.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bookbuild.book.reader import read_book
from bookbuild.pdf.interior import print_settings
from bookbuild.pdf.layout import Geometry
from tests.conftest import optional
from tests.pdf.conftest import ROOT, build_print

pymupdf = optional("pymupdf")

OVERFLOW = ROOT / "tests" / "books" / "overflow"
CHAPTER = "manuscript/chapters/01-too-wide.md"
TOLERANCE = 1.0  # points: an italic's overhang is not overflow
# Typst lets these hang into the margin at a line's end (optical margin alignment).
HANGING = set(".,:;-\u00ad\u2010\u2013\u2014'\u2019\"\u201d")


@pytest.fixture(scope="module")
def overflow_print(tmp_path_factory):
    return build_print(OVERFLOW, tmp_path_factory.mktemp("overflow-print"))


def text_blocks(book: Path, doc: pymupdf.Document) -> list[tuple[float, float]]:
    """Each page's text block, left and right edge, from the book's own page geometry."""
    g = Geometry(print_settings(read_book(book)), len(doc))
    m = g.margins
    out = []
    for i in range(len(doc)):
        left = m["inside"] if i % 2 == 0 else m["outside"]  # page 1 is a recto
        out.append((left, left + g.text_width))
    return out


def past_the_block(book: Path, pdf: Path) -> list[tuple[int, str, float, float]]:
    """(page, what, x0, x1) of every glyph and raster picture outside its text block."""
    doc = pymupdf.open(pdf)
    found = []
    for n, (page, (left, right)) in enumerate(zip(doc, text_blocks(book, doc)), 1):
        boxes = [(c["c"], c["bbox"]) for b in page.get_text("rawdict")["blocks"]
                 for line in b.get("lines", []) for s in line["spans"] for c in s["chars"]
                 if c["c"].strip() and c["c"] not in HANGING]
        boxes += [("picture", info["bbox"]) for info in page.get_image_info()]
        # Not vector drawings: an SVG's paths run past the clip its picture box sets.
        for what, (x0, _y0, x1, _y1) in boxes:
            if x0 < left - TOLERANCE or x1 > right + TOLERANCE:
                found.append((n, what[:40], round(x0, 1), round(x1, 1)))
    return found


def fit_warnings(messages: list[str]) -> list[str]:
    return [m for m in messages if "PDF-FIT-001" in m]


def test_nothing_runs_past_the_text_block(overflow_print):
    assert past_the_block(OVERFLOW, overflow_print.interior) == []


def test_the_check_can_fail(tmp_path, monkeypatch):
    """The measure sees a code line that runs into the margin, once the fold is undone."""
    import bookbuild.pdf.interior as interior

    templates = tmp_path / "templates"
    shutil.copytree(Path(str(interior.TEMPLATES)), templates)
    text = (templates / "book.typ").read_text("utf-8")
    undone = text.replace("set par(justify: false); code-block(it)", "set par(justify: false); it")
    assert undone != text
    (templates / "book.typ").write_text(undone, "utf-8")
    monkeypatch.setattr(interior, "TEMPLATES", templates)
    monkeypatch.setenv("BOOKBUILD_CACHE", "0")  # the cache knows the installed template only
    book = tmp_path / "book"
    shutil.copytree(OVERFLOW, book, ignore=shutil.ignore_patterns("build"))
    result = build_print(book, tmp_path / "out")
    assert any(what in "0123456789abcdef" for _, what, _, _ in
               past_the_block(book, result.interior))


def test_code_lines_fold_with_a_mark_and_keep_every_character(overflow_print):
    doc = pymupdf.open(overflow_print.interior)
    text = "".join(page.get_text() for page in doc)
    assert "↪" in text
    unfolded = re.sub(r"\n↪", "", text)
    assert "0123456789abcdef" * 13 in unfolded
    assert "argument_12, argument_13)" in re.sub(r"\s+", " ", unfolded)


def test_the_table_that_cannot_fit_is_a_warning_with_its_line_and_page(overflow_print):
    warnings = fit_warnings(overflow_print.warnings)
    assert len(warnings) == 1, overflow_print.warnings  # the other table fits, set smaller
    lines = (OVERFLOW / CHAPTER).read_text("utf-8").splitlines()
    table = [n for n, line in enumerate(lines, 1) if line.startswith("| Antidis") or
             line.startswith("| Column 1 ")]
    match = re.search(re.escape(CHAPTER) + r":(\d+): PDF-FIT-001: a table on page (\w+) ",
                      warnings[0])
    assert match, warnings
    assert min(table) <= int(match[1]) <= min(table) + 4
    doc = pymupdf.open(overflow_print.interior)
    # Its words are broken to fit: read the page's text without the breaks.
    pages = [p.get_label() for p in doc
             if "Column12" in re.sub(r"[\s\u00ad-]", "", p.get_text())]
    assert pages == [match[2]]


def test_a_long_url_breaks_at_its_slashes(overflow_print):
    doc = pymupdf.open(overflow_print.interior)
    text = "".join(page.get_text() for page in doc)
    assert re.search(r"volume-0\d/\n", text)  # broken after a slash
    assert "\u200b" not in text.split("A long word")[0]  # not broken anywhere else


def test_a_table_that_fits_turned_is_set_on_a_page_of_its_own(overflow_print):
    doc = pymupdf.open(overflow_print.interior)
    turned = [(n, line["dir"]) for n, page in enumerate(doc, 1)
              for b in page.get_text("dict")["blocks"] for line in b.get("lines", [])
              if "Heading 1" in "".join(s["text"] for s in line["spans"])]
    assert len(turned) == 1, turned
    n, (dx, dy) = turned[0]
    assert abs(dx) < 0.01 and dy < -0.99  # read bottom to top: turned a quarter to the left
    assert "Antidisestablishmentarianism" in doc[n - 1].get_text()  # words whole


def test_a_table_a_little_too_wide_is_set_smaller(overflow_print):
    doc = pymupdf.open(overflow_print.interior)
    sizes = {}
    for page in doc:
        for b in page.get_text("dict")["blocks"]:
            for line in b.get("lines", []):
                for s in line["spans"]:
                    sizes.setdefault(s["text"].strip(), s["size"])
    body = sizes["A table a little too wide, which is set smaller:"]
    assert sizes["Lamp"] < 0.88 * body - 0.1  # a table's usual size is 0.88 of the body's


def test_the_check_reports_it_too(tmp_path):
    from bookbuild.commands.check import Options, check_path

    result = check_path(OVERFLOW, Options(epubcheck=False))
    fits = [f for f in result.findings if f.code == "PDF-FIT-001"]
    assert len(fits) == 1 and fits[0].file == CHAPTER and fits[0].line, result.findings


def test_the_sample_book_has_no_overflow(sample_print):
    assert fit_warnings(sample_print.messages) == []
    assert past_the_block(sample_print.book, sample_print.interior) == []


def test_a_suppressed_overflow_is_not_said(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(OVERFLOW, book, ignore=shutil.ignore_patterns("build"))
    meta = book / "manuscript" / "book.yaml"
    meta.write_text(meta.read_text("utf-8") + "check:\n  ignore:\n    - code: PDF-FIT-001\n"
                    f"      file: {CHAPTER}\n", "utf-8")
    result = build_print(book, tmp_path / "out")
    assert fit_warnings(result.messages) == []
    again = build_print(book, tmp_path / "out")  # up to date: the stored warnings said again
    assert "print interior is up to date" in again.messages and fit_warnings(again.messages) == []


def test_an_overflow_is_said_again_when_the_pdf_is_up_to_date(overflow_print):
    again = build_print(overflow_print.book, overflow_print.interior.parent)
    assert "print interior is up to date" in again.messages
    assert fit_warnings(again.messages) == fit_warnings(overflow_print.messages)


# Chinese from Pro Git (progit/progit zh/, CC BY-NC-SA 3.0): lines break between any two
# characters, so a paragraph of it is no "run without spaces" that needs soft hyphens.
CHINESE = ("由于这些分支中还包含着尚未合并进来的工作成果，所以简单地用删除该分支会提示错误，"
           "因为那样做会丢失数据。不过，如果你确实想要删除该分支上的改动，可以用大写的删除选项"
           "强制执行，就像上面提示信息中给出的那样。")


def test_a_chinese_paragraph_is_no_long_run():
    from bookbuild.pdf import fit

    assert fit.long_run([CHINESE * 3], 288.0, 11.0) is None
    url = "https://example.org/" + "a" * 80
    assert fit.long_run([CHINESE + url + CHINESE], 288.0, 11.0) is not None
    assert re.search(fit.UNSPACED_PY + "{60,}", CHINESE + url).group(0) == url


def test_chinese_print_has_no_hyphens(tmp_path):
    """Seen on Pro Git in Chinese: a soft hyphen between every two characters, and a hyphen
    printed at the end of 566 lines."""
    book = tmp_path / "zh"
    (book / "manuscript/chapters").mkdir(parents=True)
    (book / "manuscript/book.yaml").write_text(
        "title: 分支\nauthor: Scott Chacon\nlanguage: zh-Hans\n", "utf-8")
    url = "https://git-scm.com/book/zh/v2/" + "Git-分支-分支的新建与合并" * 3
    (book / "manuscript/chapters/01.md").write_text(
        f"# 分支\n\n{CHINESE * 4}\n\n{CHINESE}{url}{CHINESE}\n", "utf-8")
    printed = build_print(book, tmp_path / "out")
    with pymupdf.open(printed.interior) as doc:
        text = "".join(page.get_text() for page in doc)
    assert "\u00ad" not in text
    assert not re.search(r"[\u4e00-\u9fff]-\n", text), text
