"""The browser proof: epub.js in headless chromium at every device and type size.

`make test` installs the reader (tools/reader) and chromium; a missing reader fails there and
in CI, and is skipped with the reason only in a bare pytest run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bookbuild.pipeline import build
from bookbuild.proof import browser
from bookbuild.proof.devices import DEVICES
from tests.check.epub_faults import rewrite
from tests.conftest import require_tool

ROOT = Path(__file__).resolve().parents[2]
BOOKS = {"sample": ROOT, "everything": ROOT / "tests/books/everything",
         "stress": ROOT / "tests/books/stress"}


@pytest.fixture(scope="module")
def reader_ready():
    require_tool(browser.missing(), "the browser proof")


def epub_of(name: str, out: Path) -> Path:
    build(BOOKS[name], out, ["epub"])
    return next(out.glob("*.epub"))


@pytest.mark.parametrize("name", BOOKS)
def test_no_page_overflows_splits_or_is_blank_at_any_device_and_size(reader_ready, tmp_path, name):
    """Issue 14's Done-when: every device, every type size from small to the largest."""
    result = browser.read(epub_of(name, tmp_path), tmp_path / "shots", browser.views(),
                          shots=False)
    assert len(result.views) == len(DEVICES) * len(browser.SIZES)
    assert all(v["sections"] for v in result.views)
    assert [str(f) for f in result.findings] == []


# What a proofreader saw before this stylesheet: a 100vh cover with an inline picture (a blank
# page after it), a table wider than any screen, and a copyright page pushed down by 30vh.
OLD_CSS = (b"\n.cover-image { height: 100vh; max-height: none; overflow: visible; }\n"
           b".cover-image img { display: inline; height: 100%; }\n"
           b"table { width: 60em !important; max-width: none !important; }\n"
           b".imprint { margin-top: 30vh !important; font-size: 1em !important; }\n")


def test_it_sees_a_blank_page_an_overflow_and_a_split_page(reader_ready, tmp_path):
    epub = epub_of("everything", tmp_path / "b")
    broken = rewrite(epub, tmp_path / "old.epub",
                     edit={"EPUB/css/book.css": lambda css: css + OLD_CSS})
    kobo = next(d for d in DEVICES if d.id == "kobo-clara")
    result = browser.read(broken, tmp_path / "shots", browser.views((kobo,), ("largest",)))
    said = {(f.code, f.file) for f in result.findings}
    assert ("READER-002", "cover.xhtml") in said, result.findings
    assert ("READER-001", "chapter-02-tables-math.xhtml") in said, result.findings
    assert ("READER-003", "copyright.xhtml") in said, result.findings
    shots = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    assert shots and shots[0] == "kobo-clara-largest-001.png"


def test_findings_name_every_device_size_and_page_once_per_section():
    report = [{"device": d, "size": s, "sections": [
        {"href": "ch.xhtml", "pages": 3, "types": "chapter", "problems": [
            {"kind": "overflow", "page": 2, "element": json.dumps(
                {"tag": "table", "id": "t1", "text": "Year Place Event"})}]},
        {"href": "copyright.xhtml", "pages": 2 if s == "largest" else 1, "types": "copyright",
         "problems": []}]} for d in ("kobo-clara", "kindle-paperwhite") for s in ("medium", "largest")]
    found = browser.findings(report)
    assert [(f.code, f.file) for f in found] == [("READER-001", "ch.xhtml"),
                                                  ("READER-003", "copyright.xhtml")]
    assert "<table> in #t1" in found[0].message
    assert "kobo-clara medium p. 2" in found[0].message and "and" not in found[0].message[:20]
    assert "kindle-paperwhite largest p. 2" in found[1].message
    assert all(f.hint for f in found)


def test_an_entry_that_would_leave_the_folder_is_not_unpacked(tmp_path):
    import zipfile
    epub = tmp_path / "x.epub"
    with zipfile.ZipFile(epub, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("../escape.txt", "no")
        z.writestr("EPUB/a.xhtml", "<html/>")
    browser.unpack(epub, tmp_path / "book")
    assert (tmp_path / "book/EPUB/a.xhtml").exists()
    assert not (tmp_path / "escape.txt").exists()


def test_check_runs_the_reader_as_rules(reader_ready, tmp_path):
    from bookbuild.commands.check import Options, check_path

    epub = epub_of("everything", tmp_path / "b")
    broken = rewrite(epub, tmp_path / "old.epub",
                     edit={"EPUB/css/book.css": lambda css: css + OLD_CSS})
    result = check_path(broken, Options(epubcheck=False, reader=True))
    assert "reader" in result.ran
    found = {(f.code, f.file) for f in result.findings if f.code.startswith("READER-")}
    assert ("READER-002", "EPUB/cover.xhtml") in found, found
    clean = check_path(epub, Options(epubcheck=False, reader=True))
    assert [f for f in clean.findings if f.code.startswith("READER-")] == []


def test_the_reader_lists_the_print_pages_and_finds_each_where_its_section_shows_it(
        reader_ready, tmp_path):
    """Issue 17: a real reading system shows the page list; every print page's marker is on
    a screen of its section, in order."""
    import pikepdf

    epub, pdf = build(ROOT / "tests/books/handbook", tmp_path, ["epub", "pdf"])
    with pikepdf.open(pdf) as doc:
        labels = [pikepdf.Page(p).label for p in doc.pages]
    kobo = next(d for d in DEVICES if d.id == "kobo-clara")
    (view,) = browser.read(epub, tmp_path / "shots", browser.views((kobo,), ("large",)),
                           shots=False).views
    assert view["pageList"] == len(labels)
    seen = [p for s in view["sections"] for p in s["printPages"]]
    assert [p["label"] for p in seen] == labels
    assert all(p["screen"] >= 1 for p in seen)
    for section in view["sections"]:
        screens = [p["screen"] for p in section["printPages"]]
        assert screens == sorted(screens) and all(s <= section["pages"] for s in screens)
    assert max(p["screen"] for p in seen) > 1  # print pages fall on later screens too
