"""The EPUB's index page: the EPUB Indexes vocabulary, links to each place, EPUBCheck-clean."""

from __future__ import annotations

import zipfile

from lxml import etree

from bookbuild.book import index
from bookbuild.book.labels import english
from bookbuild.book.model import Metadata
from bookbuild.check import epubcheck
from bookbuild.epub import documents
from bookbuild.epub import index as epub_index

O = index.Occurrence
MARKS = [index.Mark(("Steam engines",), "a.md", 1, O("c1", "ix-1", "a.md", 1)),
         index.Mark(("Steam engines", "boilers"), "a.md", 2, O("c1", "ix-2", "a.md", 2)),
         index.Mark(("Locomotives",), "a.md", 3, None, see=(("Steam engines",),)),
         index.Mark(("Äpfel",), "a.md", 4, O("c1", "ix-3", "a.md", 4),
                    see_also=(("Steam engines", "boilers"),))]
CHAPTER = ('<h1>One</h1><p><span id="ix-1">Steam engines</span> and <span id="ix-2">boilers'
           '</span> and <span id="ix-3">Äpfel</span>.</p>')


def built():
    return index.build(MARKS, "en")


def tree(content: str) -> etree._Element:
    return etree.fromstring(f'<section xmlns="http://www.w3.org/1999/xhtml" '
                            f'xmlns:epub="http://www.idpf.org/2007/ops">{content}</section>')


def types(el, kind):
    return el.xpath(f"//*[contains(concat(' ', @epub:type, ' '), ' {kind} ')]",
                    namespaces={"epub": "http://www.idpf.org/2007/ops"})


def test_locators_link_each_place_with_its_print_page():
    content, title = epub_index.page(built(), english(), {("c1", "ix-1"): "42"})
    assert title == "Index"
    links = [(a.text, a.get("href")) for a in types(tree(content), "index-locator")]
    assert ("42", "c1.xhtml#ix-1") in links
    assert sorted(href for _, href in links) == ["c1.xhtml#ix-1", "c1.xhtml#ix-2",
                                                 "c1.xhtml#ix-3"]


def test_see_and_see_also_link_to_their_entries():
    root = tree(epub_index.page(built(), english())[0])
    [see] = types(root, "index-xref-preferred")
    [also] = types(root, "index-xref-related")
    target = root.xpath(f"//*[@id='{see.get('href')[1:]}']")[0]
    assert types(target, "index-term")[0].text == "Steam engines" or \
        target.xpath("string(*[1])") == "Steam engines"
    assert also.text == "Steam engines, boilers"
    assert len(types(root, "index-group")) == 3  # A, L, S


def write(path, index_page: bytes, chapter: bytes, nav: bytes) -> None:
    opf = f'''<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id" xml:lang="en">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:8d3b1f4c-2a6e-4c1b-9f0e-1a2b3c4d5e6f</dc:identifier>
<dc:title>Index test</dc:title><dc:language>en</dc:language>
<meta property="dcterms:modified">2025-01-01T00:00:00Z</meta></metadata>
<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>
<item id="index" href="{epub_index.FILE}" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="nav"/><itemref idref="c1"/><itemref idref="index"/></spine></package>'''
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" '
                   'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
                   '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-'
                   'package+xml"/></rootfiles></container>')
        z.writestr("OEBPS/content.opf", opf)
        z.writestr("OEBPS/nav.xhtml", nav)
        z.writestr("OEBPS/c1.xhtml", chapter)
        z.writestr(f"OEBPS/{epub_index.FILE}", index_page)


def test_the_index_page_passes_epubcheck(tmp_path):
    meta = Metadata(title="Index test", language="en", contributors=[],
                    identifier="urn:uuid:8d3b1f4c-2a6e-4c1b-9f0e-1a2b3c4d5e6f")
    content, title = epub_index.page(built(), english(), {("c1", "ix-1"): "42"})
    page = documents.page(meta, title, content, "backmatter", "index", "index", "doc-index",
                          sheets=())
    chapter = documents.page(meta, "One", CHAPTER, "bodymatter", "chapter", sheets=())
    nav = documents.nav_page(meta, [("One", "c1.xhtml", []), (title, epub_index.FILE, [])],
                             [("bodymatter", "c1.xhtml", "Start")], sheets=())
    write(tmp_path / "book.epub", page, chapter, nav)
    assert [str(f) for f in epubcheck.run(tmp_path / "book.epub")] == []
