"""Every PDF rule: a good 6×9 in interior made with Typst, and one fault at a time in it."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import typst
from PIL import Image

from bookbuild.check import registry
from bookbuild.check.pdf_file import PdfFile

TRIM = (6 * 72.0, 9 * 72.0)
SOURCE = """#set document(title: "A Test Interior", author: "Ann Author")
#set text(lang: "en")
#set page(width: 6in, height: 9in, margin: 0.75in)
#for n in range(1, 13) [
  = Chapter #n
  #lorem(60)
  #if n == 1 { image("{image}", width: 2in, alt: "A red square.") }
  #pagebreak()
  Page two of chapter #n.
  #if n < 12 { pagebreak() }
]
"""


def compile_pdf(folder: Path, name: str, pixels: int, **kw) -> Path:
    Image.new("RGB", (pixels, pixels), (180, 30, 30)).save(folder / f"{name}.png")
    (folder / f"{name}.typ").write_text(SOURCE.replace("{image}", f"{name}.png"))
    out = folder / f"{name}.pdf"
    typst.compile(str(folder / f"{name}.typ"), output=str(out), root=str(folder), **kw)
    return out


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    # 2 in wide at 650 px: 325 DPI; PDF/UA-1 claimed (Typst tags it).
    return compile_pdf(tmp_path_factory.mktemp("pdf"), "good", 650, pdf_standards=["ua-1"])


def run(path: Path, trim=TRIM, bleed: float = 0.0, cover: bool = False) -> list[str]:
    with PdfFile.open(path, trim=trim, bleed=bleed, cover=cover) as doc:
        return [f.code for f in registry.run("pdf", doc)]


def edit(good: Path, tmp_path: Path, change) -> Path:
    out = tmp_path / "changed.pdf"
    with pikepdf.open(good) as pdf:
        change(pdf)
        pdf.save(out)
    return out


def _unembedded_font(pdf):
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pdf.pages[1]
    if "/Font" not in page.obj.Resources:
        page.obj.Resources.Font = pikepdf.Dictionary()
    page.obj.Resources.Font[pikepdf.Name("/Fhelv")] = font
    page.contents_add(pdf.make_stream(b"BT /Fhelv 12 Tf 72 72 Td (x) Tj ET"))


def _media(pdf, box):
    for page in pdf.pages:
        page.obj.MediaBox = pikepdf.Array(box)
        for name in ("/TrimBox", "/CropBox", "/BleedBox", "/ArtBox"):
            if name in page.obj:
                del page.obj[name]


def _trimbox_outside(pdf):
    pdf.pages[3].obj.TrimBox = pikepdf.Array([0, 0, 500, 700])


def _annotation(pdf):
    note = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot,
                                                Subtype=pikepdf.Name.Text,
                                                Rect=[10, 10, 30, 30],
                                                Contents=pikepdf.String("fix this")))
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([note]))


def _javascript(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                             JS=pikepdf.String("app.alert(1)"))


def _no_metadata(pdf):
    for key in ("/Title", "/Author"):
        if key in pdf.docinfo:
            del pdf.docinfo[key]
    for key in ("/Metadata", "/Lang"):
        if key in pdf.Root:
            del pdf.Root[key]


def _untagged(pdf):
    del pdf.Root["/StructTreeRoot"]


CASES = {
    "PDF-FONT-001": _unembedded_font,
    "PDF-BOX-001": lambda pdf: _media(pdf, [0, 0, 7 * 72, 10 * 72]),
    "PDF-BOX-002": _trimbox_outside,
    "PDF-PAGES-001": lambda pdf: pdf.pages.append(pdf.pages[0]),  # 25 pages
    "PDF-PAGES-002": lambda pdf: [pdf.pages.remove(pdf.pages[-1]) for _ in range(4)],
    "PDF-ANNOT-001": _annotation,
    "PDF-JS-001": _javascript,
    "PDF-OUTLINE-001": lambda pdf: pdf.Root.__delitem__("/Outlines"),
    "PDF-META-001": _no_metadata,
    "PDF-UA-001": _untagged,
}


def test_the_good_interior_is_clean(good):
    assert run(good) == []
    with pikepdf.open(good) as pdf:
        assert len(pdf.pages) == 24


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_its_fixture(good, tmp_path, code):
    assert code in run(edit(good, tmp_path, CASES[code]))


def test_low_resolution_image(tmp_path):
    low = compile_pdf(tmp_path, "low", 200)  # 2 in wide: 100 DPI
    found = [f for f in _findings(low) if f.code == "PDF-IMG-001"]
    assert len(found) == 1 and "100 DPI" in found[0].message and "page 1" in found[0].message


def test_encrypted(good, tmp_path):
    out = tmp_path / "locked.pdf"
    with pikepdf.open(good) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user=""))
    assert "PDF-SEC-001" in run(out)
    with pikepdf.open(good) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user="reader"))
    assert run(out) == ["PDF-FILE-001"]


def test_not_a_pdf(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7 nothing else")
    assert run(path) == ["PDF-FILE-001"]


def test_wrong_trim_for_the_book(good):
    assert "PDF-BOX-001" in run(good, trim=(5.5 * 72, 8.5 * 72))
    assert "PDF-BOX-001" not in run(good, trim=None)  # a lone PDF: no trim to compare with


def test_bleed_is_expected_when_on(good, tmp_path):
    assert "PDF-BOX-001" in run(good, trim=TRIM, bleed=9.0)  # no room for the bleed

    def trim_inside(pdf):
        for page in pdf.pages:
            page.obj.TrimBox = pikepdf.Array([0, 9, 6 * 72 - 9, 9 * 72 - 9])
    with_bleed = edit(good, tmp_path, trim_inside)
    assert "PDF-BOX-001" not in run(with_bleed, trim=(6 * 72 - 9, 9 * 72 - 18), bleed=9.0)


def test_every_pdf_rule_has_a_fixture():
    registered = {r.code for r in registry.rules_for("pdf")}
    # PDF-FIT-001 reads what the typesetting found (tests/pdf/test_pdf_fit.py, and below).
    assert registered - set(CASES) == {"PDF-FILE-001", "PDF-SEC-001", "PDF-IMG-001",
                                       "PDF-COVER-001", "PDF-FIT-001"}


def test_overflow_found_while_typesetting_is_a_finding_at_its_line(good):
    from bookbuild.pdf.fit import Overflow

    with PdfFile.open(good, trim=TRIM) as doc:
        assert "PDF-FIT-001" not in [f.code for f in registry.run("pdf", doc)]
        doc.overflows = [Overflow("manuscript/chapters/01.md", 7, "12", "table", 80.5)]
        found = [f for f in registry.run("pdf", doc) if f.code == "PDF-FIT-001"]
    assert [(f.file, f.line, f.severity) for f in found] == \
        [("manuscript/chapters/01.md", 7, "warning")]
    assert "page 12" in found[0].message and found[0].hint


WRAP = (2 * 6 * 72.0 + 36, 9 * 72.0)  # two 6×9 in covers and a half-inch spine
COVER = """#set document(title: "A Test Interior (cover)", author: "Ann Author")
#set text(lang: "en")
#set page(width: 12.75in, height: 9.25in, margin: 0pt)
#rect(width: 100%, height: 100%, fill: rgb("#5a1414"))
"""


@pytest.fixture(scope="module")
def wrap(tmp_path_factory) -> Path:
    """A one-sheet cover wrap with 9 pt of bleed on every side, TrimBox inside it."""
    folder = tmp_path_factory.mktemp("cover")
    (folder / "cover.typ").write_text(COVER)
    out = folder / "cover.pdf"
    typst.compile(str(folder / "cover.typ"), output=str(out), root=str(folder))
    with pikepdf.open(out, allow_overwriting_input=True) as pdf:
        pdf.pages[0].trimbox = [9, 9, 9 + WRAP[0], 9 + WRAP[1]]
        pdf.pages[0].bleedbox = [0, 0, WRAP[0] + 18, WRAP[1] + 18]
        pdf.save(out)
    return out


def test_a_cover_wrap_is_one_sheet_with_bleed_all_round(wrap, tmp_path):
    assert run(wrap, trim=WRAP, bleed=9.0, cover=True) == []
    # As an interior it would break the page rules; as a cover those do not apply.
    assert {"PDF-PAGES-001", "PDF-PAGES-002", "PDF-OUTLINE-001"} <= set(
        run(wrap, trim=None, cover=False))
    two = edit(wrap, tmp_path, lambda pdf: pdf.pages.append(pdf.pages[0]))
    assert run(two, trim=WRAP, bleed=9.0, cover=True) == ["PDF-COVER-001"]
    assert run(wrap, trim=(WRAP[0] - 36, WRAP[1]), bleed=9.0, cover=True) == ["PDF-BOX-001"]


def _findings(path: Path):
    with PdfFile.open(path, trim=TRIM) as doc:
        return registry.run("pdf", doc)
