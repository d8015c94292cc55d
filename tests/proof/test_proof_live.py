"""`bookbuild watch`'s quick look: the EPUB and one device's rendering of the saved section."""

from __future__ import annotations

import re
import shutil

from PIL import Image

from bookbuild.proof import live
from tests.conftest import SAMPLE, optional

pymupdf = optional("pymupdf")

CHAPTER = "manuscript/chapters/01-when-lenin-proclaimed-soviet-power.md"
NOTE = "manuscript/back/01-a-note-on-this-edition.md"


def sample_copy(tmp_path):
    book = tmp_path / "book"
    for part in ("manuscript", "assets"):
        shutil.copytree(SAMPLE / part, book / part)
    return book


def test_the_saved_section_is_rendered_on_the_device(tmp_path):
    book = sample_copy(tmp_path)
    device = live.device_named("kobo-clara")
    shown = live.refresh(book, None, [NOTE], device, pymupdf=pymupdf)
    assert shown.epub.is_file() and shown.section == "A Note on This Edition"
    assert 1 <= len(shown.pages) <= live.PAGES and shown.total >= len(shown.pages)
    for page in shown.pages:
        assert page.is_file() and page.parent.parent == book / "build" / "watch"
        with Image.open(page) as img:
            assert img.size == (device.width, device.height)
    html = shown.index.read_text("utf-8")
    assert 'http-equiv="refresh"' in html and "<script" not in html
    for src in re.findall(r'src="([^"]+)"', html):
        assert (shown.index.parent / src).is_file()


def test_a_new_save_shows_the_new_text(tmp_path):
    book = sample_copy(tmp_path)
    device = live.device_named("kindle-paperwhite")
    before = live.refresh(book, None, [CHAPTER], device, pymupdf=pymupdf)
    first = before.pages[0].read_bytes()
    chapter = book / CHAPTER
    text = chapter.read_text("utf-8")
    heading, rest = text.split("\n", 1)
    chapter.write_text(heading + "\n\n" + "A new first paragraph, added while watching. " * 12
                       + "\n" + rest, "utf-8")
    after = live.refresh(book, None, [CHAPTER], device, pymupdf=pymupdf)
    assert after.section == before.section
    assert after.pages[0].read_bytes() != first
    with pymupdf.open(after.epub) as doc:
        assert any("added while watching" in page.get_text() for page in doc)


def test_book_yaml_shows_the_first_section_and_no_renderer_the_epub_only(tmp_path):
    book = sample_copy(tmp_path)
    device = live.device_named("kobo-clara")
    shown = live.refresh(book, None, ["manuscript/book.yaml"], device, pymupdf=pymupdf)
    assert shown.section == "About the Author"
    plain = live.refresh(book, tmp_path / "out", [CHAPTER], device, pymupdf=None)
    assert plain.epub.is_file() and plain.pages == [] and plain.index is None
    assert not (tmp_path / "out" / "watch").exists()
