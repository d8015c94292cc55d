"""The merge of Typst jobs into one print PDF (bookbuild/pdf/merge.py), on small PDFs Typst
sets here: pages in order, front matter first with its own numbering, links across jobs made
named destinations that say the printed page, bookmarks and tags of every job kept."""

from __future__ import annotations

import io

import pikepdf
import pytest
import typst

from bookbuild.book.labels import english
from bookbuild.pdf import merge

PAGE = "#set page(width: 200pt, height: 300pt)\n"


def typeset(tmp_path, name: str, body: str) -> bytes:
    source = tmp_path / f"{name}.typ"
    source.write_text(PAGE + body, "utf-8")
    return typst.compile(str(source))


@pytest.fixture
def jobs(tmp_path):
    return {
        "front": typeset(tmp_path, "front", "= Contents\nfront one\n#pagebreak()\nfront two"),
        "alpha": typeset(tmp_path, "alpha", '= Alpha\nSee #link("bookbuild:dest/beta")[beta].'
                                            "\n#pagebreak()\nmore\n#pagebreak()\nend"),
        "beta": typeset(tmp_path, "beta", "= Beta\nlast"),
    }


def merged(jobs, targets=None, words=None) -> pikepdf.Pdf:
    m = merge.Merger(words)
    m.add(merge.Piece(jobs["alpha"], {}))
    m.add(merge.Piece(jobs["beta"], {}))
    m.add_front(merge.Piece(jobs["front"], {}))
    out = m.finish(targets if targets is not None else [merge.Target("beta", 1, 1, 20.0, 30.0)])
    buffer = io.BytesIO()
    out.save(buffer)
    return pikepdf.open(io.BytesIO(buffer.getvalue()))


def test_pages_in_print_order_with_the_front_numbered_apart(jobs):
    pdf = merged(jobs)
    assert len(pdf.pages) == 2 + 3 + 1
    nums = list(pdf.Root.PageLabels.Nums)
    assert nums[0] == 0 and nums[1].S == "/r" and nums[2] == 2 and nums[3].S == "/D"


def test_a_link_into_another_job_names_the_printed_page(jobs):
    pdf = merged(jobs)
    links = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
    assert len(links) == 1
    assert str(links[0].Dest) == "beta" and "/A" not in links[0]
    assert str(links[0].Contents) == "Section, page 4"  # the 4th body page: Beta's first
    assert "beta" in {str(k) for k, _ in pikepdf.NameTree(pdf.Root.Names.Dests).items()}


def test_the_words_of_the_book_describe_links(jobs):
    words = dict(english(), link="{what} auf Seite {page}", link_section="Abschnitt")
    pdf = merged(jobs, words=words)
    (link,) = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
    assert str(link.Contents) == "Abschnitt auf Seite 4"


def test_a_link_to_nowhere_is_refused(jobs):
    with pytest.raises(ValueError, match="no destination for beta"):
        merged(jobs, targets=[])


def test_every_jobs_bookmarks_and_tags_are_kept(jobs):
    pdf = merged(jobs)
    with pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == ["Contents", "Alpha", "Beta"]
    root = pdf.Root.StructTreeRoot
    keys = [k for k, _ in pikepdf.NumberTree(root.ParentTree).items()]
    assert len(keys) == len(set(keys)) == int(root.ParentTreeNextKey)
    document = root.K[0]
    assert document.S == "/Document" and len(document.K) >= 3


def test_roman_numerals():
    assert [merge.roman(n) for n in (1, 4, 9, 14, 40, 90, 400, 1994)] == \
        ["i", "iv", "ix", "xiv", "xl", "xc", "cd", "mcmxciv"]
