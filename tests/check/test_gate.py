"""The build's preflight: an error-level finding stops `bookbuild build` with exit code 2 and
keeps the previous good output; warnings are printed; book.yaml suppressions apply."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

import bookbuild.epub as epub_writer
import bookbuild.pipeline as build_module
from bookbuild.book.reader import read_book
from bookbuild.check import Finding, gate
from bookbuild.cli import main
from bookbuild.support.errors import BookError

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "EPUB/images/sovnarkom-room.png"


@pytest.fixture
def book(tmp_path) -> Path:
    shutil.copytree(ROOT / "manuscript", tmp_path / "book/manuscript")
    shutil.copytree(ROOT / "assets", tmp_path / "book/assets")
    return tmp_path / "book"


def break_writer(monkeypatch) -> None:
    """Give the EPUB writer a bug: it leaves a declared image out of the zip."""
    real = epub_writer.write_epub

    def write(book, docs, target, *args, **kwargs):
        real(book, docs, target, *args, **kwargs)
        with zipfile.ZipFile(target) as z:
            entries = [(i, z.read(i)) for i in z.infolist() if i.filename != IMAGE]
        with zipfile.ZipFile(target, "w") as z:
            for info, data in entries:
                z.writestr(info, data)
    monkeypatch.setenv("BOOKBUILD_CACHE", "0")
    monkeypatch.setattr(epub_writer, "write_epub", write)


@pytest.fixture
def faulty_writer(monkeypatch):
    break_writer(monkeypatch)


def test_an_error_keeps_the_previous_epub(book, tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setenv("BOOKBUILD_CACHE", "0")
    (good,) = build_module.build(book, out, ["epub"])
    before = good.read_bytes()
    break_writer(monkeypatch)
    with pytest.raises(BookError) as e:
        build_module.build(book, out, ["epub"])
    assert any("EPUB-OPF-001" in p.message for p in e.value.problems)
    assert good.read_bytes() == before
    assert [p.name for p in out.iterdir() if not p.name.startswith(".bookbuild")] == [good.name]


def test_the_command_exits_2_naming_the_problem(book, tmp_path, faulty_writer):
    result = CliRunner().invoke(main, ["build", str(book), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "EPUB-OPF-001" in result.output and "failed preflight" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o" / "when-lenin-proclaimed-soviet-power.epub").exists()


def test_a_suppression_lets_the_build_through(book, tmp_path, faulty_writer):
    with open(book / "manuscript/book.yaml", "a") as f:
        f.write("    - code: EPUB-OPF-001\n      reason: testing the gate\n"
                "    - EPUB-LINK-003\n")
    (path,) = build_module.build(book, tmp_path / "o", ["epub"])
    assert path.is_file()


def test_warnings_are_printed_and_do_not_stop(book, tmp_path, monkeypatch):
    real = epub_writer.write_epub

    def write(b, docs, target, *args, **kwargs):
        real(b, docs, target, *args, **kwargs)
        with zipfile.ZipFile(target) as z:
            entries = [(i, z.read(i)) for i in z.infolist()]
        with zipfile.ZipFile(target, "w") as z:
            for info, data in entries:
                if info.filename == "EPUB/content.opf":
                    data = data.replace(b'property="schema:accessibilitySummary"',
                                        b'property="x:summary"')
                z.writestr(info, data)
    monkeypatch.setenv("BOOKBUILD_CACHE", "0")
    monkeypatch.setattr(epub_writer, "write_epub", write)
    said = []
    (path,) = build_module.build(book, tmp_path / "o", ["epub"], said.append)
    assert path.is_file()
    assert any("EPUB-A11Y-001" in line for line in said)


def test_the_pdf_gate_stops_on_an_error(book, tmp_path):
    pdf = tmp_path / "x.pdf"
    with pikepdf.new() as doc:
        doc.add_blank_page(page_size=(396, 612))
        doc.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                 JS=pikepdf.String("app.alert(1)"))
        doc.save(pdf)
    run = build_module.Run(read_book(book), tmp_path)
    with pytest.raises(BookError) as e:
        run.verdict(gate.pdf(pdf, (396, 612)), "print interior")
    assert any("PDF-JS-001" in p.message for p in e.value.problems)


def test_the_cover_wrap_is_gated_too(book, tmp_path, monkeypatch):
    """A cover wrap that printers would refuse keeps the previous one (exit 2)."""
    import bookbuild.pdf.wrap as wrap

    out = tmp_path / "o"
    (good,) = build_module.build(book, out, ["cover"])
    before = good.read_bytes()
    real = wrap.cover_pdf

    def two_sheets(*args, **kwargs):
        pdf, warnings = real(*args, **kwargs)
        doc = pikepdf.open(io.BytesIO(pdf))
        doc.pages.append(doc.pages[0])
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue(), warnings
    monkeypatch.setattr(wrap, "cover_pdf", two_sheets)
    yaml = book / "manuscript/book.yaml"  # a changed input: the wrap is set again, not up to date
    yaml.write_text(yaml.read_text("utf-8").replace("bookbuild sample edition", "a press"))
    with pytest.raises(BookError) as e:
        build_module.build(book, out, ["cover"])
    assert any("PDF-COVER-001" in p.message for p in e.value.problems)
    assert good.read_bytes() == before


def test_check_builds_without_the_gate(book, tmp_path, faulty_writer):
    """`bookbuild check` reports what the gate would stop on, instead of stopping."""
    run = build_module.Run(read_book(book), tmp_path / "o", gate=False)
    path = build_module.make(run, "epub")
    assert "EPUB-OPF-001" in {f.code for f in gate.epub(path, run.book)}


def test_a_suppression_reaches_the_kindle_edition(book, tmp_path, monkeypatch):
    """The Kindle preflight goes through the same gate as the EPUB's: book.yaml's
    suppressions apply to it."""
    real = build_module.FORMATS["kindle"]

    def failing(run):
        draft = real.prepare(run)
        draft.gate = lambda tmp: [Finding("KINDLE-003", "error", "a test's finding")]
        return draft
    monkeypatch.setitem(build_module.FORMATS, "kindle",
                        build_module.Format("kindle", ".kindle.epub", "Kindle edition", failing))
    with pytest.raises(BookError, match="KINDLE-003"):
        build_module.build(book, tmp_path / "o", ["kindle"])
    with open(book / "manuscript/book.yaml", "a") as f:
        f.write("    - code: KINDLE-003\n      reason: testing the gate\n")
    (path,) = build_module.build(book, tmp_path / "o", ["kindle"])
    assert path.name.endswith(".kindle.epub") and path.is_file()


def test_a_suppressed_build_warning_is_not_said(book, tmp_path):
    """The sample suppresses PDF-PAGES-002 (it is shorter than printers bind): `build` must
    not say it, and says it once the suppression is gone."""
    said: list[str] = []
    build_module.build(book, tmp_path / "o", ["pdf"], said.append)
    assert not [line for line in said if "PDF-PAGES-002" in line]
    yaml = book / "manuscript/book.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("- code: PDF-PAGES-002", "- code: PDF-META-001"))
    said.clear()
    build_module.build(book, tmp_path / "o", ["pdf"], said.append)
    assert [line for line in said if line.startswith("warning:") and "PDF-PAGES-002" in line]
