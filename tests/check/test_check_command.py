"""`bookbuild check`: what a user runs, its exit codes, its two output formats."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from check_cli import run_cli
from epub_faults import rewrite

from bookbuild.check import Finding, report
from bookbuild.commands.check import Options, check_path

ROOT = Path(__file__).resolve().parents[2]
SEED = Path(__file__).parent / "seed" / "when-lenin-proclaimed-soviet-power.txt"
CHAPTER = "manuscript/chapters/01-when-lenin-proclaimed-soviet-power.md"


def copy_sample(dest: Path, chapter: str | None = None, ignore: str = "",
                assets: bool = True) -> Path:
    """A copy of the sample; `ignore` lines are added to the check: ignore: list that the
    sample's book.yaml ends with."""
    shutil.copytree(ROOT / "manuscript", dest / "manuscript")
    if assets:
        shutil.copytree(ROOT / "assets", dest / "assets")
    if chapter is not None:
        (dest / CHAPTER).write_text(chapter)
    if ignore:
        with open(dest / "manuscript/book.yaml", "a") as f:
            f.write(ignore)
    return dest


@pytest.fixture(scope="module")
def seed_book(tmp_path_factory) -> Path:
    """The sample with its unrepaired chapter: warnings (split paragraphs), no errors."""
    return copy_sample(tmp_path_factory.mktemp("seed"), SEED.read_text("utf-8"), assets=False)


def test_the_sample_is_clean_under_everything(tmp_path):
    result = run_cli("check", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stdout
    assert "epubcheck" in result.stdout.splitlines()[-1]


def test_json_for_ci(seed_book):
    result = run_cli("check", "--fast", "-q", "--format", "json", seed_book)
    assert result.returncode == 0, result.stderr  # warnings only
    data = json.loads(result.stdout)
    assert data["summary"]["error"] == 0 and data["summary"]["warning"] == 4
    # And the note that nobody is named as the EPUB's accessibility evaluator.
    assert {f["code"] for f in data["findings"]} == {"MS-PARA-001", "EPUB-A11Y-004"}
    first = data["findings"][0]
    assert set(first) == {"code", "severity", "message", "file", "line", "column", "hint"}
    assert first["file"] == CHAPTER and first["hint"]
    assert data["checked"] == ["manuscript", "epub", "pdf", "cover"]  # --fast: no EPUBCheck


def test_strict_fails_on_warnings(seed_book):
    assert run_cli("check", "--fast", "-q", "--strict", seed_book).returncode == 1


def test_human_output_is_grouped_by_file(seed_book):
    result = run_cli("check", "--fast", "-q", seed_book)
    lines = result.stdout.splitlines()
    assert lines[0] == CHAPTER
    assert all(line.startswith("  ") for line in lines[1:9])
    assert "\x1b[" not in result.stdout  # no colour when not on a terminal
    assert lines[-1].startswith(f"{seed_book.name}: 0 errors, 4 warnings, 1 info")


def test_colour_on_a_terminal(seed_book):
    result = check_path(seed_book, Options(epubcheck=False))
    assert "\x1b[33m" in report.as_text(result, colour=True)  # warnings in yellow


def test_text_from_the_file_cannot_act_on_the_terminal():
    finding = Finding("EPUB-SVG-001", "error", "SVG refers to jav\tascript:\x1b[2J", "a\x1b]0;x.svg")
    text = report.as_text(report.Result("x.epub", [finding]))
    assert "\x1b" not in text and "\t" not in text
    assert "jav\\tascript:\\x1b[2J" in text and "a\\x1b]0;x.svg" in text


def test_an_error_exits_1(sample_epub, tmp_path):
    broken = rewrite(sample_epub, tmp_path / "b.epub", drop=("EPUB/images/sovnarkom-room.png",))
    result = run_cli("check", "--fast", "-q", broken)
    assert result.returncode == 1
    assert "EPUB-OPF-001" in result.stdout and "Traceback" not in result.stderr


def test_suppressed_in_book_yaml(tmp_path):
    book = copy_sample(tmp_path / "b", SEED.read_text("utf-8"),
                       "    - MS-PARA-001  # kept as found, for the test\n    - MS-WORD-001\n",
                       assets=False)
    result = run_cli("check", "--fast", "-q", "--strict", "--format", "json", book)
    data = json.loads(result.stdout)
    assert data["summary"]["suppressed"] == 5  # four splits, and the sample's page count
    stale = [f for f in data["findings"] if f["code"] == "CHECK-001"]
    line = len((ROOT / "manuscript/book.yaml").read_text().splitlines()) + 2
    assert [(f["file"], f["line"]) for f in stale] == [("manuscript/book.yaml", line)]
    assert "MS-WORD-001" in stale[0]["message"]
    assert result.returncode == 1  # the stale suppression is a warning, and this is --strict


@pytest.mark.parametrize("args, message", [
    (["no/such/book"], "does not exist"),
    (["--fast", "--ace", "."], "--fast"),
    (["--format", "xml", "."], "Invalid value"),
    (["tests"], "no manuscript/ folder"),
])
def test_bad_usage_exits_2(args, message):
    result = run_cli("check", *args)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_that_is_neither_epub_nor_pdf(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("x")
    result = run_cli("check", path)
    assert result.returncode == 2 and "not a book folder, an .epub or a .pdf" in result.stderr


def test_a_malformed_check_block_is_bad_input(tmp_path):
    book = copy_sample(tmp_path / "b")
    yaml = book / "manuscript/book.yaml"
    yaml.write_text(yaml.read_text().split("\ncheck:")[0] + "\ncheck: [MS-WORD-001]\n")
    result = run_cli("check", "--fast", book)
    assert result.returncode == 2
    assert "manuscript/book.yaml:" in result.stderr and "'check' must be a mapping" in result.stderr


def test_a_book_that_does_not_build_is_reported_not_crashed(tmp_path):
    book = copy_sample(tmp_path / "b")
    chapter = book / CHAPTER
    chapter.write_text(chapter.read_text() + "\n![A map.](images/gone.png){fig-alt=\"A map.\"}\n")
    result = run_cli("check", "--fast", "-q", "--format", "json", book)
    assert result.returncode == 1, result.stderr
    codes = {(f["code"], f["file"]) for f in json.loads(result.stdout)["findings"]}
    assert ("MS-ASSET-001", CHAPTER) in codes and ("BUILD-001", CHAPTER) in codes


def test_check_leaves_the_book_folder_alone(tmp_path):
    book = copy_sample(tmp_path / "b")
    before = sorted(p.relative_to(book) for p in book.rglob("*"))
    assert run_cli("check", "--fast", "-q", book).returncode == 0
    assert sorted(p.relative_to(book) for p in book.rglob("*")) == before


def test_a_cover_wrap_alone_is_checked_as_a_cover(tmp_path):
    from bookbuild.commands.check import check_path
    from bookbuild.pipeline import build

    (cover,) = build(ROOT, tmp_path / "out", ["cover"])
    result = check_path(cover)
    assert result.ran == ["cover"]
    assert not [f.code for f in result.findings if f.code.startswith(("PDF-PAGES", "PDF-OUT"))]
