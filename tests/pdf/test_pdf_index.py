"""Print's index markup: Typst sets it, and each page number links to its mark's label."""

from __future__ import annotations

import typst

from bookbuild.book import index
from bookbuild.book.labels import english
from bookbuild.pdf import index as pdf_index

O = index.Occurrence
MARKS = [index.Mark(("Steam engines",), "a.md", 1, O("c1", "ix-1", "a.md", 1)),
         index.Mark(("Steam engines",), "a.md", 2, O("c1", "ix-2", "a.md", 2)),
         index.Mark(("Steam engines", "boilers"), "a.md", 3, O("c1", "ix-3", "a.md", 3)),
         index.Mark(("Locomotives",), "a.md", 4, None, see=(("Steam engines",),))]
PAGES = {("c1", "ix-1"): "12", ("c1", "ix-2"): "13", ("c1", "ix-3"): "iv"}


def test_the_index_is_set_with_links_to_the_labels(tmp_path):
    text = pdf_index.markup(index.build(MARKS, "en"), english(), PAGES, {"c1": "s3--"})
    assert '#link(label("s3--ix-1"))[#"12"]–#link(label("s3--ix-2"))[#"13"]' in text
    assert '#emph[#"See"]' in text
    marks = " ".join(f"#metadata(none)<s3--ix-{n}>" for n in (1, 2, 3))
    (tmp_path / "i.typ").write_text(f"{marks}\n{text}", encoding="utf-8")
    typst.compile(str(tmp_path / "i.typ"), output=str(tmp_path / "i.pdf"))  # a missing label fails
    assert (tmp_path / "i.pdf").stat().st_size > 1000
