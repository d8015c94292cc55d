"""ebooklib as the packager, made reproducible: fixed zip times, mimetype first and stored;
and the print edition's page list in the NCX too, which ebooklib does not write."""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib

from ebooklib import epub
from lxml import etree

from bookbuild.support import cache
from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.support.xml import NCX_NS, XML_LANG


class _FixedTimeZip(zipfile.ZipFile):
    """Every entry gets the same timestamp, so two builds are byte-identical.

    Deflating a long book at level 9 is most of a rebuild's packaging time, so compressed
    entries are kept in the cache by content hash and written raw when seen again.
    """

    def __init__(self, *args, date_time: tuple, store: Cache = NO_CACHE, **kwargs):
        self.fixed_date_time = date_time
        self.store = store
        super().__init__(*args, **kwargs)

    def writestr(self, name, data, compress_type=None, compresslevel=None):
        if isinstance(name, str):
            info = zipfile.ZipInfo(name, self.fixed_date_time)
            info.compress_type = self.compression if compress_type is None else compress_type
            info.external_attr = 0o644 << 16
            name = info
        if isinstance(data, str):
            data = data.encode("utf-8")
        if name.compress_type == zipfile.ZIP_DEFLATED and len(data) > 4096:
            self._write_deflated(name, data)
        else:
            super().writestr(name, data, compress_type, compresslevel)

    def _write_deflated(self, info: zipfile.ZipInfo, data: bytes) -> None:
        key = cache.key("deflate", str(self.compresslevel), data)
        raw = self.store.get_bytes("deflate", key)
        if raw is None:
            # The same raw deflate stream zipfile itself would write.
            packer = zlib.compressobj(self.compresslevel, zlib.DEFLATED, -15)
            raw = packer.compress(data) + packer.flush()
            self.store.put_bytes("deflate", key, raw)
        info.file_size, info.compress_size = len(data), len(raw)
        info.CRC = zlib.crc32(data)
        info.flag_bits = 0
        self.fp.seek(self.start_dir)
        info.header_offset = self.fp.tell()
        self._writecheck(info)
        self._didModify = True
        self.fp.write(info.FileHeader(False))
        self.fp.write(raw)
        self.start_dir = self.fp.tell()
        self.filelist.append(info)
        self.NameToInfo[info.filename] = info


class Writer(epub.EpubWriter):
    def __init__(self, name, book: epub.EpubBook, modified: dt.datetime, language: str,
                 direction: str | None, store: Cache = NO_CACHE,
                 pages: list[tuple[str, str]] = (), pages_label: str = "Pages"):
        super().__init__(name, book, {"mtime": modified, "epub2_guide": False,
                                      "epub3_landmark": False, "epub3_pages": False,
                                      "compresslevel": 9})
        self.modified = modified
        self.language = language
        self.direction = direction
        self.store = store
        self.pages, self.pages_label = list(pages), pages_label

    def _get_ncx(self):
        """ebooklib's NCX, with a pageList of the print pages: EPUB 2 reading systems (Adobe's
        engine in Kobo's and many other readers) find page numbers there, not in the nav."""
        ncx = super()._get_ncx()
        return page_list(ncx, self.pages, self.pages_label) if self.pages else ncx

    def _write_opf_file(self, root):
        # DAISY Ace and some readers want the package language; ebooklib does not set it.
        root.set(XML_LANG, self.language)
        if self.direction:
            root.set("dir", self.direction)
        super()._write_opf_file(root)

    def write(self):
        # Zip times cannot predate 1980; clamp rather than fail on odd clocks.
        stamp = max(self.modified, dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
        self.out = _FixedTimeZip(self.file_name, "w", zipfile.ZIP_DEFLATED, compresslevel=9,
                                 date_time=stamp.timetuple()[:6], store=self.store)
        self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()


def page_list(ncx: bytes, pages: list[tuple[str, str]], label: str) -> bytes:
    """`ncx` with a pageList of (page label, href), and its page-count metadata."""
    root = etree.fromstring(ncx)
    q = f"{{{NCX_NS}}}"
    arabic = [int(p) for p, _ in pages if p.isdigit()]
    for meta in root.iter(f"{q}meta"):
        if meta.get("name") == "dtb:totalPageCount":
            meta.set("content", str(len(pages)))
        elif meta.get("name") == "dtb:maxPageNumber":
            meta.set("content", str(max(arabic, default=0)))
    plist = etree.SubElement(root, f"{q}pageList")
    etree.SubElement(etree.SubElement(plist, f"{q}navLabel"), f"{q}text").text = label
    for n, (page, href) in enumerate(pages, 1):
        target = etree.SubElement(plist, f"{q}pageTarget", {
            "id": f"page-target-{n}", "type": "normal" if page.isdigit() else "front",
            "value": page if page.isdigit() else str(n)})
        etree.SubElement(etree.SubElement(target, f"{q}navLabel"), f"{q}text").text = page
        etree.SubElement(target, f"{q}content", {"src": href})
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def write(book: epub.EpubBook, target, modified: int, language: str, direction: str | None,
          store: Cache = NO_CACHE, pages: list[tuple[str, str]] = (),
          pages_label: str = "Pages") -> None:
    when = dt.datetime.fromtimestamp(modified, dt.UTC)
    writer = Writer(target, book, when, language, direction, store, pages, pages_label)
    writer.process()
    writer.write()
