"""The overflow report: an over-wide table is a warning naming its section and page."""

from __future__ import annotations

from PIL import Image

from bookbuild.proof.devices import DEVICES

SOURCE = "manuscript/chapters/02-wide.md"


def test_the_wide_table_is_reported_with_its_section_and_page(wide_proof):
    findings = wide_proof["result"].findings
    tables = [f for f in findings if f.code == "PROOF-OVERFLOW" and "a table" in f.message]
    assert len(tables) == 1
    (table,) = tables
    assert table.severity == "warning"
    assert table.file == SOURCE
    assert "“Measurements”" in table.message
    for device in DEVICES:
        assert device.name in table.message
    assert "p. 6" in table.message  # cover, title, copyright, contents, Narrow, then this


def test_the_long_code_line_is_reported_too(wide_proof):
    messages = [f.message for f in wide_proof["result"].findings]
    assert any(m.startswith("a code block in “Measurements”") for m in messages)


def test_nothing_is_reported_for_the_narrow_chapter(wide_proof):
    assert all("Narrow" not in f.message for f in wide_proof["result"].findings)


def test_overflowing_pages_are_rendered_and_framed(wide_proof):
    for proof in wide_proof["result"].devices:
        flagged = [r for r in proof.renderings if r.overflows]
        assert flagged, proof.device.name
        for r in flagged:
            assert r.section.source == SOURCE
            with Image.open(r.path) as img:
                assert img.size == (proof.device.width, proof.device.height)


def test_the_proof_sheet_lists_the_warnings(wide_proof):
    html = (wide_proof["out"] / "proof" / "index.html").read_text("utf-8")
    assert "PROOF-OVERFLOW" in html and "a table in “Measurements”" in html
    assert 'class="overflow"' in html


def test_find_measures_what_runs_past_the_margin():
    import pymupdf

    from bookbuild.proof import overflow

    doc = pymupdf.open()
    page = doc.new_page(width=200, height=300)
    content = overflow.Box(20, 20, 180, 280)
    page.insert_text((20, 50), "fits", fontsize=10)
    assert overflow.find(page, content) == []
    page.insert_text((150, 80), "runs past the margin", fontsize=10)
    page.draw_rect(pymupdf.Rect(20, 100, 195, 200), fill=(0.5, 0.5, 0.5))  # a wide picture
    page.draw_line((20, 220), (199, 220))  # a rule: thin, not a picture
    found = {o.kind: o.points for o in overflow.find(page, content)}
    assert set(found) == {"text", "image"}
    assert 18 < found["text"] < 25  # to the page edge, where MuPDF clips it
    assert found["image"] == 15.0
