"""Per-document facts and document-rule hits, cached by each document's bytes: a warm run reports
exactly what a cold one does, and parses only the documents that changed."""

from __future__ import annotations

import pytest
from epub_faults import CHAPTER, rewrite, sub
from test_epub_rules import CASES, make

from bookbuild.check import epub_docs, registry
from bookbuild.check.epub_file import EpubFile
from bookbuild.pipeline import build
from bookbuild.support.cache import Cache
from tests.conftest import EVERYTHING, copy_book


def findings(path, memo: Cache, **options) -> list[str]:
    with EpubFile.open(path) as epub:
        epub.options = options
        epub.memo = memo
        return [str(f) for f in registry.run("epub", epub)]


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The content documents whose facts were taken from the markup, not the cache."""
    taken: list[str] = []
    real = epub_docs._take

    def counting(epub, path, data):
        taken.append(path)
        return real(epub, path, data)
    monkeypatch.setattr(epub_docs, "_take", counting)
    return taken


@pytest.mark.parametrize("code", sorted(CASES))
def test_a_warm_run_reports_what_a_cold_one_does(sample_epub, tmp_path, code, parsed):
    path = make(sample_epub, tmp_path, code)
    memo = Cache(tmp_path / "cache")
    cold = findings(path, memo)
    with EpubFile.open(path) as epub:
        assert bool(parsed) == bool(epub.documents)  # no package document, no documents
    parsed.clear()
    warm = findings(path, memo)
    assert warm == cold
    assert any(code in f for f in warm)
    assert parsed == []


def test_options_are_part_of_the_key(sample_epub, tmp_path):
    path = make(sample_epub, tmp_path, "EPUB-SCRIPT-001")
    memo = Cache(tmp_path / "cache")
    assert any("EPUB-SCRIPT-001" in f for f in findings(path, memo))
    assert not any("EPUB-SCRIPT-001" in f for f in findings(path, memo, allow_scripts=True))
    assert any("EPUB-SCRIPT-001" in f for f in findings(path, memo))


def test_a_crashing_document_rule_is_reported_and_not_cached(sample_epub, tmp_path, monkeypatch):
    def broken(doc):
        raise ValueError(f"cannot read {doc.path}")
    monkeypatch.setitem(registry.RULES, "EPUB-TEST-999",
                        registry.Rule("EPUB-TEST-999", "error", "x", "epub", broken, "document"))
    memo = Cache(tmp_path / "cache")
    for _run in ("cold", "again"):
        crashes = [f for f in findings(sample_epub, memo) if "CHECK-900" in f]
        assert len(crashes) == 1
        assert "rule EPUB-TEST-999 failed: ValueError: cannot read EPUB/" in crashes[0]
    assert not (tmp_path / "cache").exists()  # a crash may not happen next time: not cached


def test_an_entry_of_another_layout_is_taken_again(sample_epub, tmp_path, parsed):
    memo = Cache(tmp_path / "cache")
    cold = findings(sample_epub, memo)
    entries = [p for p in (tmp_path / "cache" / epub_docs.KIND).rglob("*") if p.is_file()]
    assert entries
    for entry in entries:  # well-formed, checksummed, and nonsense
        memo.put_json(epub_docs.KIND, entry.name, {"ids": 5, "hits": {"X": [[1, 2, 3, 4, 5, 6]]}})
    parsed.clear()
    assert findings(sample_epub, memo) == cold
    assert len(parsed) == len(entries)


def test_after_a_one_chapter_edit_the_gate_parses_that_chapter_only(tmp_path, monkeypatch,
                                                                     parsed):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = copy_book(EVERYTHING, tmp_path / "book")
    build(book, tmp_path / "out", ["epub"])
    assert len(parsed) > 5
    parsed.clear()
    chapter = book / "manuscript/chapters/03-scripts.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    build(book, tmp_path / "out", ["epub"])
    assert parsed == ["EPUB/chapter-03-scripts.xhtml"]


def test_a_script_url_split_by_a_line_break_is_still_a_script(sample_epub, tmp_path):
    path = rewrite(sample_epub, tmp_path / "split.epub", edit={CHAPTER: sub(
        r"</section>", '<p><a href=" java&#10;script&#9;:alert(1)">x</a></p></section>')})
    assert any("EPUB-SCRIPT-001" in f and "javascript: URL" in f
               for f in findings(path, Cache(None)))


PAGE = ('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:svg="http://www.w3.org/2000/svg">'
        '<body>{}</body></html>')


@pytest.mark.parametrize("body, said", [
    ("<p>plain <em>prose</em> with a colon: here</p>", []),
    ('<p title="time: 5">a colon in a value is not a URL</p>', []),
    ("<script>alert(1)</script>", ["<script> in a content document"]),
    ('<script type="application/ld+json">{}</script>', []),
    ('<script type="application/json" onload="x()">{}</script>', ["event handler onload"]),
    ('<p onClick="x()">capitals</p>', ["event handler onClick"]),
    ('<a href="JAVASCRIPT:x()">shout</a>', ["javascript: URL"]),
    ('<a href="java&#9;script:x()">tab</a>', ["javascript: URL"]),
    ('<svg:svg><svg:a href="vbscript:x">v</svg:a></svg:svg>', ["vbscript: URL"]),
    ('<a href="#n1">note</a><a id="n1" href="notes.xhtml#n1" onfocus="x()">back</a>',
     ["event handler onfocus"]),
], ids=["prose", "colon", "script", "json-ld", "handler-on-data", "handler-case", "upper",
        "tab", "svg", "handler-among-links"])
def test_no_scripts_looks_only_where_a_script_can_be_and_misses_none(body, said):
    """The rule skips most elements in C (no attribute named on…, no colon): nothing is lost."""
    from lxml import etree

    from bookbuild.check.epub_content import no_scripts

    root = etree.fromstring(PAGE.format(body).encode())
    hits = [h.message for h in no_scripts(epub_docs.Doc("c.xhtml", b"", root, {}))]
    assert [m.split(" on <")[0] for m in hits] == said


def test_facts_gather_links_ids_and_resources_of_every_element():
    from lxml import etree

    root = etree.fromstring(PAGE.format(
        '<h1 id="top">Title</h1><p>see <a href="b.xhtml#x">b</a>, <a href="#top" id="back">up'
        '</a></p><img src="i.png" alt=""/><p style="background: url(bg.png)">x</p>'
        '<style>p { background: url(s.png) }</style><svg:svg/><math xmlns='
        '"http://www.w3.org/1998/Math/MathML"/>').encode())

    class One:
        options: dict = {}
        problems: dict = {}

        def xml(self, _path):
            return root

        def forget(self, _path):
            pass
    found = epub_docs._take(One(), "c.xhtml", b"")
    assert [h for h, _line in found.links] == ["b.xhtml#x", "#top"]
    assert found.ids == {"top", "back"} and found.headings == {"top": "Title"}
    assert sorted(r for r, _line in found.resources) == ["bg.png", "i.png", "s.png"]
    assert found.uses == {"svg", "mathml"}
