"""DAISY Ace: the sample and the test book have zero violations, and what Ace reports is read
back into findings at the Markdown. Under `make test` (and so in CI) Ace is installed first: a
missing Ace fails there, and is skipped with the reason only in a bare pytest run."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from epub_faults import CHAPTER, rewrite, sub

from bookbuild.book.reader import read_book
from bookbuild.check import ace
from bookbuild.check.locate import Locator
from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ace_ready():
    require_tool(ace.missing(), "DAISY Ace")


@pytest.fixture(scope="module")
def reports(ace_ready, sample_epub, everything_epub, tmp_path_factory):
    from bookbuild.pipeline import build

    broken = rewrite(sample_epub, tmp_path_factory.mktemp("ace") / "no-alt.epub",
                     edit={CHAPTER: sub(r' alt="A dim room[^"]*"', "")})
    # The handbook: cross-references, an index and the page list.
    (handbook,) = build(ROOT / "tests/books/handbook", tmp_path_factory.mktemp("hb"), ["epub"])
    epubs = {"sample": sample_epub, "everything": everything_epub, "handbook": handbook,
             "no-alt": broken}
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(epubs, pool.map(ace.run, epubs.values())))


@pytest.mark.parametrize("book", ["sample", "everything", "handbook"])
def test_zero_violations(reports, book):
    assert [str(f) for f, _needle in reports[book]] == []


def test_a_missing_alt_is_found_and_placed_in_the_markdown(reports):
    found = [(f, n) for f, n in reports["no-alt"] if f.code == "ACE-image-alt"]
    assert found and found[0][0].severity == "error" and found[0][0].file == CHAPTER
    book = read_book(ROOT)
    moved = Locator(book).finding(*found[0])
    chapter = next(s for s in book.sections if s.file_name in CHAPTER)
    assert moved.file == chapter.source
    assert "smolny-room" in chapter.text.split("\n")[moved.line - 1]


def test_report_reading_without_ace():
    report = {"assertions": [
        {"earl:testSubject": {"url": "EPUB/content.opf"}, "assertions": [
            {"earl:result": {"earl:outcome": "fail", "dct:description": "No summary"},
             "earl:test": {"earl:impact": "moderate", "dct:title": "metadata-summary",
                           "help": {"dct:description": "Add a summary"}}}]},
        {"earl:testSubject": {"url": "chapter.xhtml"}, "assertions": [
            {"earl:result": {"earl:outcome": "pass"}, "earl:test": {"dct:title": "ok"}},
            {"earl:result": {"earl:outcome": "fail", "dct:description": "Bad\nmore",
                             "earl:pointer": {"css": ['img[src$="pics/x.png"]']}},
             "earl:test": {"earl:impact": "serious", "dct:title": "image-alt"}}]}]}
    out = list(ace.findings(report, {"EPUB/content.opf", "EPUB/chapter.xhtml"}))
    assert [(f.code, f.severity, f.file, needle) for f, needle in out] == [
        ("ACE-metadata-summary", "warning", "EPUB/content.opf", None),
        ("ACE-image-alt", "error", "EPUB/chapter.xhtml", "x")]
    assert out[1][0].message.startswith("Bad [img")


def test_check_says_how_to_install_ace(monkeypatch, tmp_path):
    from bookbuild.support.errors import BookError

    monkeypatch.setattr(ace, "TOOLS", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("BOOKBUILD_ACE", raising=False)
    with pytest.raises(BookError) as e:
        ace.run(tmp_path / "x.epub")
    assert "not installed" in str(e.value)


def test_chromium_gets_time_to_start(tmp_path, monkeypatch):
    """Ace's own 5 s for Chromium to start failed runs on a busy machine."""
    seen = {}

    def fake_run(cmd, timeout, memory_mb, env=None, cwd=None):
        seen.update(env)
        return ace.bounded.Outcome(None, "", "", stopped="time")
    monkeypatch.setattr(ace, "missing", lambda: None)
    monkeypatch.setattr(ace, "command", lambda: ["ace"])
    monkeypatch.setattr(ace, "browser", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(ace.bounded, "run", fake_run)
    monkeypatch.delenv("ACE_TIMEOUT_INITIAL", raising=False)
    with pytest.raises(ace.BookError):
        ace.run(tmp_path / "x.epub")
    assert int(seen["ACE_TIMEOUT_INITIAL"]) >= 30_000
    monkeypatch.setenv("ACE_TIMEOUT_INITIAL", "9000")  # the user's own setting wins
    with pytest.raises(ace.BookError):
        ace.run(tmp_path / "x.epub")
    assert seen["ACE_TIMEOUT_INITIAL"] == "9000"


def test_a_path_relative_to_the_users_folder_reaches_ace_whole(tmp_path, monkeypatch):
    """Ace runs in a folder of its own: `bookbuild check build/x.epub --ace` said "Ace did
    not run" before the path was made absolute."""
    seen = []

    def fake_run(cmd, timeout, memory_mb, env=None, cwd=None):
        seen.append(cmd[-1])
        return ace.bounded.Outcome(None, "", "", stopped="time")
    monkeypatch.setattr(ace, "missing", lambda: None)
    monkeypatch.setattr(ace, "command", lambda: ["ace"])
    monkeypatch.setattr(ace, "browser", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(ace.bounded, "run", fake_run)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ace.BookError):
        ace.run(Path("build/x.epub"))
    assert seen == [str(tmp_path / "build/x.epub")]
