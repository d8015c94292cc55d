"""Index marks through both lua filters: the same ids in the EPUB and print, the words kept."""

from __future__ import annotations

from importlib import resources

from bookbuild.book.model import Section
from bookbuild.convert import index, pandoc
from bookbuild.convert.html import to_document
from bookbuild.pdf import source
from bookbuild.support.errors import Problems

TEXT = ('# One\n\nThe [steam engines]{.index} had [boilers]{index="Steam engines!boilers"}.\n\n'
        '::: print-only\nOnly [in print]{.index}.\n:::\n\n'
        'See []{index="Locomotives" see="Steam engines"} and [last]{.index lang=fr}.\n')
SECTION = Section("chapter", "c1", "manuscript/chapters/c1.md", TEXT, "chapter")


def epub_spans():
    doc = to_document(SECTION, pandoc.convert([TEXT], [SECTION.source])[0], Problems())
    return doc, index.of_document(doc)


def print_part():
    with resources.as_file(source.FILTER) as lua:
        out = pandoc.convert([TEXT], [SECTION.source], writer="typst", lua_filter=str(lua))[0]
    return source._part(SECTION, 3, out)


def test_both_editions_give_a_mark_the_same_id():
    _, spans = epub_spans()
    part = print_part()
    epub_ids = [s["id"] for s in spans if s["id"]]
    print_ids = [s["id"] for s in part.index_marks if s["id"]]
    assert epub_ids == [i for i in print_ids if i != "ix-3"]  # ix-3 is print's alone
    assert "ix-3" in print_ids and len(set(print_ids)) == len(print_ids)
    for id_ in print_ids:
        assert f"#metadata(none)<{source.ID}{id_}>" in part.text


def test_the_words_stay_as_written():
    doc, _ = epub_spans()
    assert "The steam engines had boilers." in "".join(doc.tree().itertext())
    assert "steam engines had" in print_part().text


def test_marks_are_read_at_their_markdown_lines():
    _, spans = epub_spans()
    marks, said = index.marks(SECTION, spans)
    assert said == []
    lines = {m.path: m.line for m in marks}
    assert lines[("Steam engines", "boilers")] == 3 and lines[("Locomotives",)] == 9
    assert next(m for m in marks if m.path == ("Locomotives",)).occurrence is None


def test_a_short_term_is_found_where_it_is_marked_not_in_any_word():
    text = "# Six\n\nA line with x in it, and xylophones.\n\nAt last []{index=\"x\"} here.\n"
    section = Section("chapter", "c2", "manuscript/chapters/c2.md", text, "chapter")
    doc = to_document(section, pandoc.convert([text], [section.source])[0], Problems())
    (mark,), said = index.marks(section, index.of_document(doc))
    assert said == [] and (mark.path, mark.line) == (("x",), 5)
