"""Every EPUB rule: a minimal failing fixture (one fault made in the good sample EPUB) and the
passing ones (the sample and the test book, clean under every rule)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from epub_faults import CHAPTER, OPF, rewrite, sub
from PIL import Image

from bookbuild.check import registry
from bookbuild.check.epub_file import MAX_ELEMENTS, EpubFile

NAV = "EPUB/nav.xhtml"
NCX = "EPUB/toc.ncx"
PNG = "EPUB/images/sovnarkom-room.png"
SVG = "EPUB/images/smolny-room.svg"
XHTML = ('<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
         'lang="en" xml:lang="en"><head><title>x</title></head><body><p>x</p></body></html>')


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")
    return out.getvalue()


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 20, 20)).save(out, "JPEG")
    return out.getvalue()


def _in_chapter(markup: str):
    return {CHAPTER: sub(r"</section>", markup + "</section>")}


def _corrupt(path: Path) -> None:
    """Change stored bytes of the chapter so that its checksum no longer matches."""
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"Soviet power was proclaimed", b"Soviet power was PROCLAIMED"))


# code → (keyword arguments of rewrite(), optional post-processing of the written file)
CASES = {
    "EPUB-OCF-002": dict(order=lambda names: names[1:] + names[:1]),
    "EPUB-OCF-003": dict(compress_mimetype=True),
    "EPUB-OCF-004": dict(drop=("META-INF/container.xml",)),
    "EPUB-OCF-005": dict(add={"../../evil.txt": b"x", "/etc/evil": b"x"}),
    "EPUB-OCF-006": dict(add={"EPUB/bomb.bin": b"\0" * (24 * 1024 * 1024)}),
    "EPUB-OCF-007": dict(stored={CHAPTER}, post=_corrupt),
    "EPUB-OCF-008": dict(stored={CHAPTER}, edit=_in_chapter("<i/>" * (MAX_ELEMENTS + 1))),
    "EPUB-OPF-001": dict(drop=(PNG,)),
    "EPUB-OPF-002": dict(add={"EPUB/stray.xhtml": XHTML.encode()}),
    "EPUB-OPF-003": dict(edit={OPF: sub(r'idref="nav"', 'idref="nowhere"')}),
    "EPUB-OPF-004": dict(edit={OPF: sub(r'<dc:creator id="contributor1"',
                                        '<dc:creator id="title"')}),
    "EPUB-OPF-005": dict(edit={OPF: sub(r'<dc:title id="title">[^<]*</dc:title>', "")}),
    "EPUB-OPF-006": dict(edit={OPF: sub(r'<meta property="dcterms:modified">[^<]*</meta>', "")}),
    "EPUB-OPF-007": dict(edit={OPF: sub(r"<dc:language>en</dc:language>",
                                        "<dc:language>en_GB</dc:language>")}),
    "EPUB-OPF-008": dict(edit={OPF: sub(r' properties="nav"', "")}),
    "EPUB-OPF-009": dict(edit={OPF: sub(r'media-type="text/css"', 'media-type="text/plain"')}),
    "EPUB-OPF-010": dict(edit={OPF: lambda b: sub(r' properties="cover-image"', "")(
        sub(r'<meta name="cover" content="cover-image"></meta>', "")(b))}),
    "EPUB-OPF-011": dict(edit=_in_chapter('<svg xmlns="http://www.w3.org/2000/svg" '
                                          'width="1" height="1"/>')),
    "EPUB-NAV-001": dict(edit={NAV: sub(r'<nav epub:type="toc"', '<nav epub:type="lot"')}),
    "EPUB-NAV-002": dict(edit={NAV: sub(r'<li><a href="chapter-[^<]*</a></li>', "")}),
    "EPUB-NAV-003": dict(edit={NAV: sub(r'>When Lenin Proclaimed Soviet Power</a>',
                                        ">When Lenin Proclaimed It</a>")}),
    "EPUB-NAV-004": dict(edit={NCX: sub(r'src="chapter-[^"]*"',
                                        'src="front-01-about-the-author.xhtml"')}),
    "EPUB-NAV-005": dict(edit={NCX: sub(r'name="dtb:uid" content="[^"]*"|'
                                        r'content="[^"]*" name="dtb:uid"',
                                        'content="urn:uuid:other" name="dtb:uid"')}),
    "EPUB-NAV-006": dict(edit={NAV: sub(r'(<li><a href="front-01[^<]*</a></li>)\n'
                                        r'(<li><a href="chapter-01[^<]*</a></li>)', r"\2\n\1")}),
    "EPUB-LINK-001": dict(edit=_in_chapter('<p><a href="nowhere.xhtml">x</a></p>')),
    "EPUB-LINK-002": dict(edit=_in_chapter('<p><a href="#no-such-id">x</a></p>')),
    "EPUB-LINK-003": dict(edit=_in_chapter('<p><img src="images/gone.png" alt="x"/></p>')),
    "EPUB-LINK-004": dict(
        add={"EPUB/extra.xhtml": XHTML.encode()},
        edit={OPF: sub(r"</manifest>", '<item href="extra.xhtml" id="extra" '
                                       'media-type="application/xhtml+xml"/></manifest>'),
              **_in_chapter('<p><a href="extra.xhtml">x</a></p>')}),
    "EPUB-XML-001": dict(edit={CHAPTER: sub(r"</p>", "")}),
    "EPUB-XML-002": dict(edit={CHAPTER: sub(r"<!DOCTYPE html>",
                                            '<!DOCTYPE html [<!ENTITY x "y">]>')}),
    "EPUB-XHTML-001": dict(edit=_in_chapter('<p id="fig-smolny">x</p>')),
    "EPUB-XHTML-002": dict(edit={CHAPTER: sub(r'lang="en" xml:lang="en"',
                                              'lang="en" xml:lang="fr"')}),
    "EPUB-XHTML-003": dict(edit={CHAPTER: sub(r' lang="en" xml:lang="en"', "")}),
    "EPUB-XHTML-004": dict(edit={CHAPTER: sub(r"<title>[^<]*</title>", "<title></title>")}),
    "EPUB-IMG-001": dict(edit={CHAPTER: sub(r' alt="A dim room[^"]*"', "")}),
    "EPUB-IMG-002": dict(edit={CHAPTER: sub(r' alt="A dim room[^"]*"', ' alt=""')}),
    "EPUB-IMG-003": dict(drop=(PNG,), add={PNG: _png((2100, 2000))}),
    "EPUB-IMG-004": dict(drop=("EPUB/images/cover.jpg",),
                         add={"EPUB/images/cover.jpg": _jpeg((800, 1280))}),
    "EPUB-IMG-005": dict(drop=(PNG,), add={PNG: b"\x89PNG but not really"}),
    "EPUB-A11Y-001": dict(edit={OPF: sub(r'<meta property="schema:accessibilitySummary">'
                                         r'[^<]*</meta>', "")}),
    "EPUB-A11Y-002": dict(edit={OPF: sub(r'<meta property="schema:accessMode">visual</meta>',
                                         "")}),
    "EPUB-A11Y-003": dict(edit={OPF: sub(r"</metadata>", '<meta property="schema:access'
                                         'ibilityFeature">tableHeaders</meta></metadata>')}),
    "EPUB-RES-001": dict(edit=_in_chapter('<p><img src="https://example.org/x.png" '
                                          'alt="x"/></p>')),
    "EPUB-SCRIPT-001": dict(edit=_in_chapter("<script>alert(1)</script>")),
    "EPUB-SVG-001": dict(drop=(SVG,), add={SVG: b'<svg xmlns="http://www.w3.org/2000/svg">'
                                               b'<script>alert(1)</script></svg>'}),
    "EPUB-NAME-001": dict(add={"EPUB/what?.txt": b"x"}),
    "EPUB-NAME-002": dict(add={"EPUB/my notes.txt": b"x"}),
    "KINDLE-001": dict(edit={CHAPTER: sub(r'<\?xml version="1.0" encoding="UTF-8"\?>\n', "")}),
    "KINDLE-002": dict(edit={CHAPTER: sub(r'<body class="chapter"', '<body id="top" '
                                          'class="chapter"'),
                             NAV: sub(r'(href="chapter-[^"#]*)"', r'\1#top"')}),
    "KINDLE-003": dict(edit={OPF: sub(r"<dc:language>en</dc:language>",
                                      "<dc:language>xx</dc:language>")}),
    "KINDLE-004": dict(edit=_in_chapter('<p><img alt="x"/></p>')),
    "KINDLE-005": dict(edit=_in_chapter("<!-- a -- b -->")),
}


def make(sample_epub: Path, tmp_path: Path, code: str) -> Path:
    spec = dict(CASES[code])
    post = spec.pop("post", None)
    path = rewrite(sample_epub, tmp_path / f"{code}.epub", **spec)
    if post:
        post(path)
    return path


def codes(path: Path, **options) -> list[str]:
    with EpubFile.open(path) as epub:
        epub.options = options
        return [f.code for f in registry.run("epub", epub)]


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_its_fixture(sample_epub, tmp_path, code):
    assert code in codes(make(sample_epub, tmp_path, code))


def test_every_epub_rule_has_a_fixture():
    registered = {r.code for r in registry.rules_for("epub")}
    # tested below: not a zip; a 50 MB file; a book with no named evaluator
    special = {"EPUB-OCF-001", "KINDLE-006", "EPUB-A11Y-004"}
    assert registered - special == set(CASES)


@pytest.mark.parametrize("book", ["sample_epub", "everything_epub"])
def test_both_books_are_clean_under_every_rule(request, book):
    path = request.getfixturevalue(book)
    with EpubFile.open(path) as epub:
        found = [f for f in registry.run("epub", epub) if f.code != "EPUB-A11Y-004"]
    assert [str(f) for f in found] == []


def test_a_conformance_claim_needs_a_named_evaluator(sample_epub, everything_epub):
    # The sample names nobody: it carries its features and makes no claim; the test book's
    # editor is named as its evaluator.
    assert "EPUB-A11Y-004" in codes(sample_epub)
    assert "EPUB-A11Y-004" not in codes(everything_epub)


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.epub"
    path.write_bytes(b"PK\x03\x04 this is not a zip")
    assert codes(path) == ["EPUB-OCF-001"]


def test_over_fifty_megabytes(sample_epub, tmp_path):
    import os

    big = rewrite(sample_epub, tmp_path / "big.epub", stored={"EPUB/images/noise.bin"},
                  add={"EPUB/images/noise.bin": os.urandom(51 * 1024 * 1024)})
    assert "KINDLE-006" in codes(big)
    assert "KINDLE-006" not in codes(sample_epub)


def test_scripts_pass_when_the_book_opts_in(sample_epub, tmp_path):
    path = make(sample_epub, tmp_path, "EPUB-SCRIPT-001")
    assert "EPUB-SCRIPT-001" not in codes(path, allow_scripts=True)


def test_a_stored_image_is_not_mistaken_for_a_bomb(sample_epub, tmp_path):
    # 24 MB of zeros packs to ~24 KB: a bomb. The same size of real pixels is no bomb.
    import os

    path = rewrite(sample_epub, tmp_path / "ok.epub",
                   add={"EPUB/big.bin": os.urandom(4 * 1024 * 1024)})
    assert "EPUB-OCF-006" not in codes(path)


def test_fast_rules_read_the_zip_only(sample_epub, tmp_path, monkeypatch):
    """Checking never extracts anything to disk (so a zip-slip name cannot write)."""
    monkeypatch.chdir(tmp_path)
    path = make(sample_epub, tmp_path, "EPUB-OCF-005")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    codes(path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert not (tmp_path.parent.parent / "evil.txt").exists()


def test_zip_entry_names_in_findings_are_the_epub_paths(sample_epub, tmp_path):
    path = make(sample_epub, tmp_path, "EPUB-LINK-002")
    with EpubFile.open(path) as epub:
        found = [f for f in registry.run("epub", epub) if f.code == "EPUB-LINK-002"]
    assert found[0].file == CHAPTER and found[0].line > 1


def test_a_rule_that_crashes_is_reported_not_raised(sample_epub, monkeypatch):
    def broken(_epub):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    rule = registry.RULES["EPUB-NAV-006"]
    monkeypatch.setitem(registry.RULES, "EPUB-NAV-006", rule.__class__(
        rule.code, rule.severity, rule.hint, rule.target, broken))
    with EpubFile.open(sample_epub) as epub:
        found = registry.run("epub", epub)
    found = [f for f in found if f.code != "EPUB-A11Y-004"]
    assert [f.code for f in found] == ["CHECK-900"] and "EPUB-NAV-006" in found[0].message

