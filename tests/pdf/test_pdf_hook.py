"""The author's print hook, assets/styles/print.typ: its rules win over the design's, what
would break the print invariants is refused at its line, a Typst error in it is said there."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from bookbuild.pdf import hook
from bookbuild.pipeline import build
from bookbuild.support.errors import BookError
from tests.conftest import quoted_book, run_cli

BIG_HEADINGS = """\
// Chapter titles at 30 pt.
#let hook(body) = {
  show heading.where(level: 1): set text(size: 30pt)
  body
}
"""


def with_hook(tmp_path: Path, typst: str | None) -> Path:
    book = quoted_book(tmp_path / "book")
    if typst is not None:
        (book / "assets" / "styles").mkdir(parents=True)
        (book / "assets" / "styles" / "print.typ").write_text(typst, "utf-8")
    return book


def heading_size(pdf: Path, text: str = "One") -> float:
    """The size of the largest span that reads `text` (the chapter's title)."""
    sizes = [span["size"] for page in pymupdf.open(pdf)
             for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])
             for span in line["spans"] if span["text"].strip() == text]
    assert sizes, f"no {text!r} in {pdf}"
    return max(sizes)


def body_size(pdf: Path) -> float:
    doc = pymupdf.open(pdf)
    spans = [span for page in doc for block in page.get_text("dict")["blocks"]
             for line in block.get("lines", []) for span in line["spans"]
             if "keeper trimmed" in span["text"]]
    return spans[0]["size"]


def test_a_hook_that_sets_the_headings_size_changes_the_pdf_and_the_cache_sees_it(tmp_path):
    plain = build(with_hook(tmp_path / "a", None), tmp_path / "a" / "out", ["pdf"])[0]
    book = with_hook(tmp_path / "b", BIG_HEADINGS)
    (hooked,) = build(book, tmp_path / "b" / "out", ["pdf"])
    assert heading_size(plain) < 28
    assert heading_size(hooked) == pytest.approx(30 * 1.7, abs=0.2)  # book.typ: 1.7em of it
    assert body_size(hooked) == pytest.approx(body_size(plain))  # the rest as designed
    # An edit of the hook sets the book again (the jobs' cache keys hold it).
    (book / "assets" / "styles" / "print.typ").write_text(
        BIG_HEADINGS.replace("30pt", "20pt"), "utf-8")
    said: list[str] = []
    build(book, tmp_path / "b" / "out", ["pdf"], said.append)
    assert not any("up to date" in s for s in said), said
    assert heading_size(hooked) == pytest.approx(20 * 1.7, abs=0.2)


def test_its_text_rules_win_over_the_design(tmp_path):
    book = with_hook(tmp_path, "#let hook(body) = {\n  set text(size: 14pt)\n  body\n}\n")
    (pdf,) = build(book, tmp_path / "out", ["pdf"])
    assert body_size(pdf) == pytest.approx(14, abs=0.05)


def test_set_page_is_refused_at_its_line_and_nothing_is_written(tmp_path):
    book = with_hook(tmp_path, "// The page\n#let hook(body) = {\n"
                               "  set page(width: 4in, margin: 0pt)\n  body\n}\n")
    with pytest.raises(BookError) as e:
        build(book, tmp_path / "out", ["pdf"])
    assert [str(p) for p in e.value.problems] == [
        "assets/styles/print.typ:3: set page: the page (trim size, margins) is book.yaml's "
        "print:, not the hook's"]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


@pytest.mark.parametrize("line,said", [
    ("set page(width: 4in)", "set page:"),
    ("let p = page.with(height: 3in)", "page.with:"),
    ("show: page.with(height: 3in)", "page.with:"),
    ("show: it => page(width: 3in, it)", "page:"),
    ("set document(title: [Mine])", "set document:"),
    ("pdf.attach(\"x.txt\")", "pdf.:"),
    ('import "@preview/cetz:0.3.0": *', "import:"),
    ('include "/sections/0001-x.typ"', "include:"),
    ('let cfg = json("/config.json")', "json:"),
    ('let t = read("/config.json")', "read:"),
    ('let i = image("/x.png")', "image:"),
    ('let x = eval("1 + 1")', "eval:"),
    ('set text(font: "Comic Sans MS")', "font 'Comic Sans MS' is not one of"),
    ('set text(font: ("Literata", "Papyrus"))', "font 'Papyrus' is not one of"),
    ('set text(font: ((name: "Arial", covers: "latin-in-cjk"), "Literata"))',
     "font 'Arial' is not one of"),
])
def test_what_the_hook_may_not_do_is_found_at_its_line(line, said):
    text = f"// {line} (a comment is not read)\n#let hook(body) = {{\n  {line}\n  body\n}}\n"
    found = hook.refusals(text)
    assert len(found) == 1 and found[0][0] == 3 and said in found[0][1], found


@pytest.mark.parametrize("line", [
    'set text(font: "Source Sans 3", weight: "bold")',
    'set text(font: ("literata", (name: "Noto Serif JP", covers: "latin-in-cjk")))',
    'show raw: set text(font: "DejaVu Sans Mono")',
    "show heading: it => block(below: 2em, it)",
    'show link: set text(fill: blue) // https://example.com is a comment',
    'let site = "https://example.com" // a // in a string is not a comment',
])
def test_what_it_may_do_passes(line):
    assert hook.refusals(f"#let hook(body) = {{\n  {line}\n  body\n}}\n") == []


def test_a_string_is_read_too_so_that_nothing_hides_behind_a_quotation_mark():
    # In markup a " is a quotation mark, not a string: what follows it is still code.
    text = '#let hook(body) = [\n  He said "\n  #set page(width: 1in)\n  #body\n]\n'
    assert [line for line, _ in hook.refusals(text)] == [3]


def test_a_hook_file_without_a_hook_is_refused(tmp_path):
    assert hook.refusals("#let sizes = (body: 10pt)\n") == [
        (None, "defines no hook: write #let hook(body) = { set text(…); body }")]


def test_a_typst_error_in_the_hook_is_one_line_at_its_line_with_exit_code_2(tmp_path):
    book = with_hook(tmp_path, "// A parenthesis short\n#let hook(body) = {\n"
                               "  show heading: set text(size: 30pt\n  body\n}\n")
    result = run_cli("build", book, "--format", "pdf", "-q")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == ["error: assets/styles/print.typ:3: Typst cannot set the print hook: "
                      "unclosed delimiter"], result.stderr
    assert not list((book / "build").glob("*.pdf"))


def test_a_type_error_in_the_hook_is_said_at_its_line(tmp_path):
    book = with_hook(tmp_path, '#let hook(body) = {\n  set text(size: "big")\n  body\n}\n')
    with pytest.raises(BookError) as e:
        build(book, tmp_path / "out", ["pdf"])
    assert [str(p) for p in e.value.problems] == [
        "assets/styles/print.typ:2: Typst cannot set the print hook: expected length, "
        "found string"]
