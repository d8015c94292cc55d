"""The Kobo edition: koboSpans around all body text, the wrappers, the cover, EPUBCheck-clean."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from bookbuild.check import epubcheck
from bookbuild.epub.kobo import kepubify, make_kepub, segments
from tests.conftest import read_zip

X = "{http://www.w3.org/1999/xhtml}"
KOBO_ID = re.compile(r"^kobo\.\d+\.\d+$")
SKIPPED = {f"{X}pre", f"{X}script", f"{X}style", "{http://www.w3.org/2000/svg}svg",
           "{http://www.w3.org/1998/Math/MathML}math"}


def documents(files: dict[str, bytes]) -> dict[str, etree._Element]:
    opf = files["EPUB/content.opf"].decode()
    names = re.findall(r'href="([^"]+\.xhtml)"', opf)
    return {n: etree.fromstring(files["EPUB/" + n]) for n in names}


def uncovered_text(p: etree._Element) -> list[str]:
    """Non-blank text in `p` that is not inside a koboSpan (skipping pre, svg, math)."""
    out = []

    def inside_span(el):
        return any(a.get("class") == "koboSpan" for a in el.iterancestors()) or \
            el.get("class") == "koboSpan"

    def walk(el):
        if el.tag in SKIPPED:
            return
        if el.text and el.text.strip() and not inside_span(el):
            out.append(el.text)
        for child in el:
            walk(child)
            if child.tail and child.tail.strip() and not inside_span(el):
                out.append(child.tail)
    walk(p)
    return out


@pytest.fixture(scope="module")
def kepub_files(sample_proof) -> dict[str, bytes]:
    return read_zip(sample_proof["kepub"])


def test_kepub_is_written_beside_the_epub(sample_proof):
    assert sample_proof["kepub"].name.endswith(".kepub.epub")
    assert sample_proof["kepub"].stat().st_size > 0


def test_kepub_passes_epubcheck_without_a_message(sample_proof):
    assert epubcheck.run(sample_proof["kepub"]) == []


def test_every_body_paragraph_has_kobo_spans_around_all_its_text(kepub_files):
    paragraphs = 0
    for name, root in documents(kepub_files).items():
        for p in root.iter(f"{X}p"):
            if not "".join(p.itertext()).strip():
                continue
            paragraphs += 1
            spans = p.xpath(".//*[@class='koboSpan']")
            assert spans, f"{name}: paragraph without koboSpan: {etree.tostring(p)[:80]}"
            assert uncovered_text(p) == [], name
    assert paragraphs > 40  # the sample's memoir, not just a title page


def test_kobo_span_ids_are_unique_and_numbered(kepub_files):
    for name, root in documents(kepub_files).items():
        ids = [s.get("id") for s in root.iter(f"{X}span") if s.get("class") == "koboSpan"]
        assert all(KOBO_ID.match(i) for i in ids), name
        assert len(ids) == len(set(ids)), name


def test_each_body_is_wrapped_in_book_columns_and_book_inner(kepub_files):
    for name, root in documents(kepub_files).items():
        body = root.find(f"{X}body")
        (outer,) = list(body)
        assert outer.get("class") == "book-columns" and outer.get("id") == "book-columns"
        (inner,) = list(outer)
        assert inner.get("class") == "book-inner" and inner.get("id") == "book-inner", name


def test_the_text_is_unchanged(sample_proof, kepub_files):
    plain = documents(read_zip(sample_proof["epub"]))
    for name, root in documents(kepub_files).items():
        before = "".join(plain[name].find(f"{X}body").itertext())
        after = "".join(root.find(f"{X}body").itertext())
        assert re.sub(r"\s+", " ", after).strip() == re.sub(r"\s+", " ", before).strip(), name


def test_the_cover_keeps_cover_image(kepub_files):
    opf = kepub_files["EPUB/content.opf"].decode()
    assert re.search(r'<item[^>]*properties="cover-image"', opf)


def test_kepub_is_reproducible(sample_proof, tmp_path):
    a, b = tmp_path / "a.kepub.epub", tmp_path / "b.kepub.epub"
    make_kepub(sample_proof["epub"], a)
    make_kepub(sample_proof["epub"], b)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() == sample_proof["kepub"].read_bytes()


def test_the_everything_book_kepub_passes_epubcheck(everything_epub, tmp_path):
    # Footnotes, tables, poetry, MathML, inline SVG and scripts in other languages.
    target = make_kepub(everything_epub, tmp_path / "everything.kepub.epub")
    assert epubcheck.run(target) == []


def test_preformatted_code_and_math_are_left_alone():
    page = (b'<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
            b"<head><title>t</title></head><body><pre><code>a = 1.  b = 2.</code></pre>"
            b'<p>See <math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>. '
            b"Then go.</p></body></html>")
    root = etree.fromstring(kepubify(page, "t.xhtml"))
    assert root.find(f".//{X}pre/{X}code").text == "a = 1.  b = 2."
    math = root.find(".//{http://www.w3.org/1998/Math/MathML}math")
    assert math.getparent().tag == f"{X}p" and math.find(f".//{X}span") is None
    spans = [s.text for s in root.iter(f"{X}span")]
    assert spans == ["See ", ". ", "Then go."]


@pytest.mark.parametrize("text, expected", [
    ("One. Two? Three!", ["One. ", "Two? ", "Three!"]),
    ("“Go,” she said. “Now.” Off.", ["“Go,” she said. ", "“Now.” ", "Off."]),
    ("no stop at all", ["no stop at all"]),
    ("春眠不觉晓。处处闻啼鸟。", ["春眠不觉晓。", "处处闻啼鸟。"]),
    ("Wait… what?", ["Wait… ", "what?"]),
])
def test_segments_split_after_sentences(text, expected):
    assert segments(text) == expected
    assert "".join(segments(text)) == text
