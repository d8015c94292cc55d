"""Hostile .docx, .odt and .epub files are refused before any tool reads them, with one line
naming the file; nothing is written (issue 18: as safe as `check`)."""

from __future__ import annotations

import stat
import subprocess
import sys
import zipfile

import pytest

from bookbuild.importer.book import import_book
from bookbuild.support.errors import BookError


@pytest.fixture(scope="module")
def docx(tmp_path_factory):
    from bookbuild.convert.pandoc import pandoc_path

    work = tmp_path_factory.mktemp("docx")
    (work / "a.md").write_text("# One\n\nText.\n", "utf-8")
    subprocess.run([pandoc_path(), "a.md", "-o", "a.docx"], cwd=work, check=True)
    return work / "a.docx"


def variant(docx, tmp_path, name: str, add=None, replace=None):
    out = tmp_path / name
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if replace and info.filename in replace:
                data = replace[info.filename]
            z.writestr(info.filename, data)
        for info, data in add or []:
            z.writestr(info, data)
    return out


def refused(path, tmp_path, words: str) -> None:
    with pytest.raises(BookError, match=words):
        import_book(path, tmp_path / "book")
    assert not (tmp_path / "book").exists()


def test_an_entry_naming_a_place_outside_the_archive(docx, tmp_path):
    refused(variant(docx, tmp_path, "up.docx", add=[("../../evil.txt", b"x")]), tmp_path,
            "outside the archive")


def test_a_symbolic_link_inside(docx, tmp_path):
    link = zipfile.ZipInfo("word/media/passwd.png")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    refused(variant(docx, tmp_path, "link.docx", add=[(link, b"/etc/passwd")]), tmp_path,
            "symbolic link")


def test_an_xml_entity_that_would_read_a_file(docx, tmp_path):
    xxe = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           b'<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    refused(variant(docx, tmp_path, "xxe.docx", replace={"word/document.xml": xxe}), tmp_path,
            "declares XML entities")


def test_a_zip_bomb(docx, tmp_path):
    refused(variant(docx, tmp_path, "bomb.docx", add=[("word/media/big.png", b"\0" * 80_000_000)]),
            tmp_path, "not read")


def test_not_a_zip_at_all(tmp_path):
    (tmp_path / "fake.docx").write_text("not a zip", "utf-8")
    refused(tmp_path / "fake.docx", tmp_path, "not a readable zip")


def test_a_folder_that_is_not_empty_is_never_written_into(docx, tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book/notes.txt").write_text("mine", "utf-8")
    with pytest.raises(BookError, match="not an empty folder"):
        import_book(docx, tmp_path / "book")
    assert [p.name for p in (tmp_path / "book").iterdir()] == ["notes.txt"]


def test_the_command_says_one_line_and_exits_2_without_a_traceback(docx, tmp_path):
    bad = variant(docx, tmp_path, "up.docx", add=[("../evil.txt", b"x")])
    proc = subprocess.run([sys.executable, "-m", "bookbuild", "import", str(bad),
                           str(tmp_path / "book")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr
    assert "up.docx" in proc.stderr


def test_the_command_imports_and_says_how_to_build(docx, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bookbuild", "import", str(docx),
                           str(tmp_path / "book")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "chapters/01-one.md" in proc.stdout and "build it with" in proc.stdout
