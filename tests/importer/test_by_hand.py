"""A manuscript formatted by hand, as LibreOffice saves it: chapters found at centred lines
after page breaks, scene breaks at runs of empty lines, tracked changes never mixed in."""

from __future__ import annotations

import pytest
import yaml

from bookbuild.importer.book import import_book
from bookbuild.support.errors import BookError
from tests.importer.conftest import save_as, soffice_ready
from tests.importer.manuscript import flat_odt


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    soffice_ready()
    work = tmp_path_factory.mktemp("by-hand")
    out = {}
    for changes in (False, True):
        name = "changed" if changes else "plain"
        (work / f"{name}.fodt").write_text(flat_odt(changes), "utf-8")
        for fmt in ("docx", "odt"):
            out[(name, fmt)] = save_as(work / f"{name}.fodt", fmt, work)
    return out


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_centred_lines_after_page_breaks_open_chapters(saved, fmt, tmp_path):
    report = import_book(saved[("plain", fmt)], tmp_path / "book")
    manuscript = tmp_path / "book/manuscript"
    names = sorted(str(p.relative_to(manuscript)) for p in manuscript.rglob("*.md"))
    assert names == ["back/01-acknowledgements.md", "chapters/01-der-hafen.md",
                     "chapters/02-das-meer.md", "front/01-opening.md"]
    assert "centred line after a page break" in report.text()
    hafen = (manuscript / "chapters/01-der-hafen.md").read_text("utf-8")
    assert hafen.startswith("# Der Hafen\n")
    # Three empty lines between two paragraphs: a scene break.
    assert "Reise.\n\n* * *\n\nAm Morgen" in hafen
    # The centred dedication before the first chapter is kept, for the author to name.
    assert "Für meine Schwester" in (manuscript / "front/01-opening.md").read_text("utf-8")
    data = yaml.safe_load((manuscript / "book.yaml").read_text("utf-8"))
    assert (data["title"], data["language"]) == ("Salt and Iron", "de-DE")


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_tracked_changes_and_comments_are_refused_with_a_clear_message(saved, fmt, tmp_path):
    with pytest.raises(BookError) as e:
        import_book(saved[("changed", fmt)], tmp_path / "book")
    message = str(e.value)
    assert "tracked changes" in message and "--accept-changes" in message
    assert not (tmp_path / "book").exists()


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_accepting_changes_keeps_insertions_drops_deletions_and_comments(saved, fmt, tmp_path):
    report = import_book(saved[("changed", fmt)], tmp_path / "book", accept_changes=True)
    meer = (tmp_path / "book/manuscript/chapters/02-das-meer.md").read_text("utf-8")
    assert "Das Meer war grau und weit." in meer
    assert "Es war kalt." in meer and "very" not in meer and "Kälter" not in meer
    assert "every change accepted" in report.text()
