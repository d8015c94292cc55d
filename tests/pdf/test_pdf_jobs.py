"""The interior set as many Typst jobs and merged: the same book, whatever the route.

One job per body section (side by side on several cores), one for the front matter, and the
folios laid over the body afterwards. Cold, warm (jobs from the cache) and parallel builds must
give the same bytes; links, contents, bookmarks, tags and page labels must cross the seams.
"""

from __future__ import annotations

import re

import pikepdf
import pytest

from bookbuild.book.reader import read_book
from bookbuild.pdf.interior import typeset
from bookbuild.pdf.settings import INCH, gutter
from bookbuild.support.errors import BookError
from tests.conftest import optional
from tests.pdf.conftest import EVERYTHING, SAMPLE, build_print, copy_book
from tests.pdf.structure import elements, structure_problems
from tests.pdf.test_pdf_interior import outline_titles, page_labels

pymupdf = optional("pymupdf")


def set_type(book):
    """The interior, with the cache a build would use (none under BOOKBUILD_CACHE=0)."""
    from bookbuild.pipeline import book_cache

    found = read_book(book)
    return typeset(found, lambda _m: None, book_cache(found))


@pytest.fixture(scope="module")
def routes(tmp_path_factory):
    """The everything book built four ways: (serial, no cache), (parallel, cold cache),
    (parallel, every job from the cache), (serial, every job from the cache)."""
    mp = pytest.MonkeyPatch()
    book = copy_book(EVERYTHING, tmp_path_factory.mktemp("routes-book"))
    out = {}
    try:
        for name, jobs, cache in (("serial-nocache", "1", "0"), ("parallel-cold", "2", "1"),
                                  ("parallel-warm", "2", "1"), ("serial-warm", "1", "1")):
            mp.setenv("BOOKBUILD_JOBS", jobs)
            mp.setenv("BOOKBUILD_CACHE", cache)
            result = set_type(book)
            out[name] = result
    finally:
        mp.undo()
    return out


def test_cold_warm_and_parallel_builds_are_byte_identical(routes):
    first = routes["serial-nocache"].pdf
    for name, result in routes.items():
        assert result.pdf == first, f"{name} differs from a cold serial build"


def test_warm_builds_take_every_job_from_the_cache(routes):
    assert "front" in routes["parallel-cold"].compiled
    assert len(routes["parallel-cold"].compiled) >= 6  # five body sections and the front
    assert routes["parallel-warm"].compiled == []
    assert routes["serial-warm"].compiled == []


def test_parallel_builds_run_typst_in_worker_processes(routes):
    import os

    workers = routes["parallel-cold"].peaks_kb
    assert workers and os.getpid() not in workers
    assert all(0 < kb < 1024 * 1024 for kb in workers.values())
    assert list(routes["serial-nocache"].peaks_kb) == [os.getpid()]


def test_an_edit_sets_only_its_section_again(tmp_path, monkeypatch):
    """The other jobs come from the cache, and the book is the same as one set from scratch."""
    monkeypatch.setenv("BOOKBUILD_JOBS", "1")
    book = copy_book(EVERYTHING, tmp_path / "book")
    set_type(book)
    chapter = book / "manuscript" / "chapters" / "03-scripts.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    again = set_type(book)
    body = [name for name in again.compiled if name != "front" and not name.startswith("folios")]
    assert len(body) == 1 and body[0].endswith("chapter-03-scripts")
    monkeypatch.setenv("BOOKBUILD_CACHE", "0")
    assert set_type(book).pdf == again.pdf


def test_structure_tree_survives_the_merge(everything_print, bleed_print):
    for result in (everything_print, bleed_print):
        with pikepdf.open(result.interior) as pdf:
            assert structure_problems(pdf) == []
            kinds = [str(e.S) for e in elements(pdf)]
            assert kinds.count("/Document") == 1 and kinds[0] == "/Document"


def test_notes_keep_unique_ids_across_jobs(everything_print):
    with pikepdf.open(everything_print.interior) as pdf:
        notes = [e for e in elements(pdf) if e.S == "/Note"]
        ids = [str(n.ID) for n in notes]
        assert len(notes) >= 3 and len(set(ids)) == len(ids)
        tree = dict(pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree).items())
        assert set(ids) <= set(tree)


def test_contents_lines_are_tagged_as_a_table_of_contents(everything_print):
    with pikepdf.open(everything_print.interior) as pdf:
        kinds = [str(e.S) for e in elements(pdf)]
        assert kinds.count("/TOC") == 1
        assert kinds.count("/TOCI") == len(outline_titles(pdf))


def test_links_into_other_jobs_land_on_their_target(everything_print):
    """The afterword (a body job) links to the preface (the front job); the tables chapter
    links to a heading in the prose chapter (another body job)."""
    with pikepdf.open(everything_print.interior) as pdf:
        labels = page_labels(pdf)
        dests = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        outline = dict(outline_titles(pdf))
        seen = {}
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                assert "/A" not in annot or not str(annot.A.get("/URI", "")).startswith(
                    "bookbuild:"), "a link left unresolved"
                if isinstance(annot.get("/Dest"), pikepdf.String):
                    name = str(annot.Dest)
                    seen[re.sub(r"^s\d+--", "", name)] = (pages[dests[name][0].objgen],
                                                          str(annot.Contents))
        preface, contents = seen["preface"]
        assert preface == outline["Preface"]
        assert contents == f"Section, page {labels[preface]}"
        assert seen["bearings"][0] >= outline["Prose and Notes"]
        assert seen["bearings"][0] < outline["Tables and Math"]
        assert seen["scripts"][0] == outline["Many Scripts"]


def test_chapters_that_open_on_any_page(tmp_path):
    """Each job must know which side it starts on: margins and heads mirror from there."""
    book = copy_book(EVERYTHING, tmp_path / "book", {"openers": "any"})
    scripts = book / "manuscript" / "chapters" / "03-scripts.md"  # opens on a verso: lengthen
    more = " ".join(["Long enough to run over to the next page, and the one after."] * 12)
    scripts.write_text(scripts.read_text("utf-8") + ("\n" + more + "\n") * 8, "utf-8")
    result = build_print(book, tmp_path / "out")
    pdf = result.pdf()
    doc = pymupdf.open(result.interior)
    labels = page_labels(pdf)
    openers = outline_titles(pdf, top_only=True)
    assert len(pdf.pages) % 2 == 0
    assert dict(openers)["Many Scripts"] % 2, "the scripts chapter no longer opens on a verso"
    inside, width = gutter(len(doc)), doc[0].rect.width
    body, heads = labels.index("1"), 0
    for (title, index), (_next, after) in zip(openers, openers[1:] + [("", len(pdf.pages))]):
        if index < body:
            continue
        assert re.sub(r"^\d+\n", "", doc[index].get_text().strip()).startswith(title)
        for i in range(index, after):
            words = doc[i].get_text("words")
            if i % 2:  # a verso: the inside margin is on the right
                assert max(w[2] for w in words) <= width - inside + 0.5, (title, i)
            else:
                assert min(w[0] for w in words) >= inside - 0.5, (title, i)
            if i == index:
                continue
            head = " ".join(w[4] for w in sorted((w for w in words if w[3] < 0.8 * INCH),
                                                 key=lambda w: w[0]))
            if i % 2:
                assert head.startswith(labels[i]) and "Ada Example" in head, (i, head)
            else:
                assert head.endswith(labels[i]) and "Ada Example" not in head, (i, head)
            heads += 1
    assert heads >= 3
    assert structure_problems(pdf) == []


def test_a_typst_error_in_a_worker_names_the_section(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOKBUILD_JOBS", "2")
    book = copy_book(SAMPLE, tmp_path / "book")
    chapter = next((book / "manuscript" / "chapters").glob("*.md"))
    chapter.write_text(chapter.read_text("utf-8") + "\n```{=typst}\n#nosuchfunction()\n```\n",
                       "utf-8")
    with pytest.raises(BookError) as e:
        set_type(book)
    (problem,) = e.value.problems
    assert problem.file == f"manuscript/chapters/{chapter.name}"
    assert "nosuchfunction" in problem.message


def test_a_second_pass_for_another_gutter_starts_the_workers_again(tmp_path, monkeypatch):
    """The first guess at the page count picks the wrong gutter: the book is set again, on
    workers started anew (the first pass stopped them), and comes out as a right guess would."""
    from bookbuild.pdf import interior

    monkeypatch.setenv("BOOKBUILD_JOBS", "2")
    monkeypatch.setenv("BOOKBUILD_CACHE", "0")
    right = typeset(read_book(EVERYTHING), lambda _m: None)
    monkeypatch.setattr(interior, "_estimate", lambda _book: 1000)
    said: list[str] = []
    wrong_first = typeset(read_book(EVERYTHING), said.append)
    assert sum("typesetting with Typst" in m for m in said) == 2
    assert wrong_first.pdf == right.pdf


def test_many_small_sections_share_jobs():
    from bookbuild.pdf.interior import _groups

    class Part:
        def __init__(self, size):
            self.text = "x" * size

    parts = [Part(n) for n in (10, 1000, 5, 5, 5, 300, 2000, 1, 1, 1)]
    assert _groups(parts, 20) == [[p] for p in parts]
    groups = _groups(parts, 4)
    assert len(groups) <= 4 and [p for g in groups for p in g] == parts


def test_static_body_face_keeps_the_default_instance():
    """The static face Typst sets weight-400 text from has the variable font's glyphs,
    spacing and PostScript name, under a family of its own."""
    from pathlib import Path

    from fontTools.ttLib import TTFont

    from bookbuild.pdf import fonts

    static = next(Path(p) for p in fonts.static_font_paths() if "bookbuild-fonts" in p)
    for name in fonts.BODY.files:
        original = TTFont(str(fonts.folder(fonts.BODY) / name))
        made = TTFont(str(static / name))
        assert "fvar" in original and "fvar" not in made and "gvar" not in made
        for tag in ("glyf", "hmtx", "cmap", "GSUB", "GPOS"):
            assert original.reader[tag] == made.reader[tag], tag
        assert made["name"].getDebugName(1) == fonts.STATIC_FAMILY
        assert made["name"].getDebugName(6) == original["name"].getDebugName(6)
