"""Every design builds the sample, the test book and a book in Cyrillic into an EPUB that
EPUBCheck and DAISY Ace pass without a message and a PDF that passes the preflight (the
build's gate), and each design shows what it promises in both editions."""

from __future__ import annotations

import re
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bookbuild.book.style import DESIGNS
from bookbuild.check import ace, epubcheck
from tests.conftest import EVERYTHING, SAMPLE, copy_book, read_zip, require_tool

CYRILLIC = Path(__file__).parent / "books" / "cyrillic"
BOOKS = {"sample": SAMPLE, "everything": EVERYTHING, "cyrillic": CYRILLIC}


def styled(src: Path, dest: Path, design: str) -> Path:
    book = copy_book(src, dest)
    yaml = book / "manuscript" / "book.yaml"
    text = "\n".join(line for line in yaml.read_text("utf-8").splitlines()
                     if not line.startswith("style:"))
    yaml.write_text(f"{text}\nstyle: {design}\n", "utf-8")
    return book


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], dict[str, Path]]:
    from bookbuild.pipeline import build

    out = {}
    for design in DESIGNS:
        for name, src in BOOKS.items():
            base = tmp_path_factory.mktemp(f"{design}-{name}")
            book = styled(src, base / "book", design)
            epub, pdf = build(book, base / "out", ["epub", "pdf"])  # gated: preflight passes
            out[design, name] = {"epub": epub, "pdf": pdf}
    return out


def test_every_design_passes_epubcheck_without_a_message(built):
    paths = {k: v["epub"] for k, v in built.items()}
    with ThreadPoolExecutor(2) as pool:
        found = dict(zip(paths, pool.map(epubcheck.run, paths.values())))
    assert {k: [str(f) for f in v] for k, v in found.items() if v} == {}


def test_every_design_has_zero_ace_violations(built):
    require_tool(ace.missing(), "DAISY Ace")
    paths = {k: v["epub"] for k, v in built.items()}
    with ThreadPoolExecutor(2) as pool:
        found = dict(zip(paths, pool.map(ace.run, paths.values())))
    assert {k: [str(f) for f, _ in v] for k, v in found.items() if v} == {}


def pdf_spans(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pymupdf
    doc = pymupdf.open(path)
    return [[s for b in page.get_text("dict")["blocks"] for line in b.get("lines", [])
             for s in line["spans"]] for page in doc]


def body_size(pages) -> float:
    sizes = Counter(round(s["size"], 1) for page in pages for s in page for _ in s["text"])
    return sizes.most_common(1)[0][0]


def css(built, design: str) -> str:
    return read_zip(built[design, "sample"]["epub"])["EPUB/css/book.css"].decode()


def chapter_xhtml(built, design: str, book: str = "cyrillic") -> str:
    files = read_zip(built[design, book]["epub"])
    return "".join(v.decode() for k, v in sorted(files.items()) if "chapter-" in k)


@pytest.mark.parametrize("design", list(DESIGNS))
def test_each_design_brings_its_own_stylesheet(built, design):
    first_rule = {"classic": "h1 { margin: 3em 0 1.8em; }", "modern": "line-height: 1.5",
                  "literary": "font-style: italic", "nonfiction": "div.sidebar",
                  "large-print": "font-size: 1.25em"}[design]
    sheet = css(built, design)
    assert f"style: {design};" in sheet and first_rule in sheet
    assert sheet.index("@namespace") < sheet.index(first_rule), "the base comes first"


def test_the_classic_design_numbers_chapters_and_sets_small_caps(built):
    xhtml = chapter_xhtml(built, "classic")
    assert '<span class="bb-number">1</span> Приезд' in xhtml
    assert '<p><span class="bb-lead">Осенью, когда над заливом</span> уже висели' in xhtml
    assert ".bb-lead { font-variant: small-caps" in css(built, "classic")
    pages = pdf_spans(built["classic", "cyrillic"]["pdf"])
    opener = next(p for p in pages if any(s["text"].strip() == "Приезд" for s in p)
                  and not any(s["text"] == "Содержание" for s in p))
    assert [s["text"] for s in opener][:2] == ["1", "Приезд"]


def test_the_literary_design_sets_a_drop_cap_and_the_number_in_words(built):
    assert "h1 + p::first-letter { float: left" in css(built, "literary")
    assert '<span class="bb-number">One</span>' in chapter_xhtml(built, "literary", "sample")
    pages = pdf_spans(built["literary", "sample"]["pdf"])
    body = body_size(pages)
    caps = [s for p in pages for s in p if s["text"].strip() == "I" and s["size"] > 3 * body]
    assert caps, "no drop cap three lines deep on the opener"
    assert body == 12.0  # Crimson Pro is drawn small: the design sets it a point larger


def test_the_nonfiction_design_numbers_sections_in_both_editions(built):
    xhtml = chapter_xhtml(built, "nonfiction")
    assert re.findall(r'<span class="bb-number">([^<]+)</span>', xhtml) == [
        "Глава 1", "1.1", "1.2", "Глава 2", "2.1"]
    text = " ".join(s["text"] for p in pdf_spans(built["nonfiction", "cyrillic"]["pdf"])
                    for s in p)
    assert re.findall(r"\b(\d\.\d) +[А-Я]", text) == ["1.1", "1.2", "2.1"]


def test_large_print_is_16_points_ragged_and_larger_in_the_ebook(built):
    assert body_size(pdf_spans(built["large-print", "sample"]["pdf"])) >= 16
    assert "body { font-size: 1.25em" in css(built, "large-print")
    assert "hyphens: none" in css(built, "large-print").split("large print")[1]


def test_sans_designs_set_their_headings_in_the_sans(built):
    for design in ("modern", "nonfiction"):
        pages = pdf_spans(built[design, "sample"]["pdf"])
        opener = next(p for p in pages if any("If I were asked" in s["text"] for s in p))
        heading = next(s for s in opener if "When Lenin" in s["text"])
        assert "SourceSans" in heading["font"].replace(" ", ""), (design, heading["font"])
