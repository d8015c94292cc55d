"""The pipeline: one table of formats, one way to make each (up to date? → writer → temp
file → gate → rename → record), warnings said once a run and again when found up to date."""

from __future__ import annotations

import shutil

import pytest

from bookbuild import pipeline
from bookbuild.book.reader import read_book
from tests.conftest import EVERYTHING, copy_book


@pytest.fixture
def book(tmp_path):
    return copy_book(EVERYTHING, tmp_path / "book")


def test_every_format_is_named_by_the_one_table(book, tmp_path):
    found = read_book(book)
    names = {fmt: pipeline.output_path(found, tmp_path, fmt).name for fmt in pipeline.FORMATS}
    assert names == {"epub": "everything.epub", "pdf": "everything.pdf",
                     "cover": "everything-cover.pdf", "kepub": "everything.kepub.epub",
                     "kindle": "everything.kindle.epub"}
    made = pipeline.build(book, tmp_path / "out", list(pipeline.FORMATS))
    assert [p.name for p in made] == list(names.values())


def test_a_format_made_from_another_makes_it_once(book, tmp_path, monkeypatch):
    prepared = []
    real = pipeline.FORMATS["epub"]
    monkeypatch.setitem(pipeline.FORMATS, "epub", pipeline.Format(
        "epub", ".epub", "EPUB", lambda run: prepared.append(1) or real.prepare(run)))
    pipeline.build(book, tmp_path / "out", ["epub", "kepub", "kindle"])
    assert prepared == [1]


def test_warnings_are_said_once_and_again_when_up_to_date(book, tmp_path):
    said: list[str] = []
    pipeline.build(book, tmp_path / "out", ["pdf"], said.append)
    first = [line for line in said if line.startswith("warning: ")]
    assert any("PDF-IMG-001" in line for line in first) and len(first) == len(set(first))
    said.clear()
    pipeline.build(book, tmp_path / "out", ["pdf"], said.append)
    assert "print interior is up to date" in said
    assert [line for line in said if line.startswith("warning: ")] == first


def test_a_check_run_collects_warnings_without_saying_them(book, tmp_path):
    said: list[str] = []
    run = pipeline.Run(read_book(book), tmp_path / "out", said.append, gate=False,
                       say_warnings=False)
    pipeline.make(run, "pdf")
    assert not [line for line in said if line.startswith("warning: ")]
    assert {"PDF-IMG-001", "PDF-PDFA-001"} <= {d.code for d in run.warnings}


def test_a_run_making_the_epub_and_the_pdf_reads_each_section_once(book, tmp_path, monkeypatch):
    """The EPUB's pandoc run writes the sections' Typst too; the PDF converts nothing more,
    and makes the same PDF as a run of its own."""
    from bookbuild.convert import pandoc

    runs: list[tuple[str, bool]] = []
    real = pandoc.convert_all

    def counted(texts, sources, writer="html5", lua_filter=None, also=None):
        runs.append((writer, also is not None))
        return real(texts, sources, writer, lua_filter, also)
    monkeypatch.setattr(pandoc, "convert_all", counted)
    both = pipeline.build(book, tmp_path / "both", ["epub", "pdf"])
    assert runs == [("html5", True)]
    monkeypatch.setattr(pandoc, "convert_all", real)
    shutil.rmtree(book / "build")  # the cache, so the PDF is made from scratch on its own
    alone = pipeline.build(book, tmp_path / "alone", ["pdf"])
    assert both[1].read_bytes() == alone[0].read_bytes()


def test_the_pdf_gate_leaves_the_pictures_resolution_to_the_writer(book, tmp_path, monkeypatch):
    """The writer says a picture's resolution at its Markdown line; the rule that reads every
    page's drawing for it is not run again on a build (it is on `check` of a bare PDF)."""
    import dataclasses

    from bookbuild.check import registry

    registry.load("pdf")

    def read_every_page(_doc):
        raise AssertionError("the build's gate ran the picture rule")

    rule = registry.RULES["PDF-IMG-001"]
    monkeypatch.setitem(registry.RULES, rule.code, dataclasses.replace(rule, func=read_every_page))
    said: list[str] = []
    pipeline.build(book, tmp_path / "out", ["pdf"], said.append)
    assert any("PDF-IMG-001" in line for line in said)  # the writer's, at its line
    assert not any("CHECK-900" in line for line in said)
