"""ebooklib as the packager, made reproducible: fixed zip times, mimetype first and stored."""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib

from ebooklib import epub

from bookbuild.support import cache
from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.support.xml import XML_LANG


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
                 direction: str | None, store: Cache = NO_CACHE):
        super().__init__(name, book, {"mtime": modified, "epub2_guide": False,
                                      "epub3_landmark": False, "epub3_pages": False,
                                      "compresslevel": 9})
        self.modified = modified
        self.language = language
        self.direction = direction
        self.store = store

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


def write(book: epub.EpubBook, target, modified: int, language: str, direction: str | None,
          store: Cache = NO_CACHE) -> None:
    when = dt.datetime.fromtimestamp(modified, dt.UTC)
    writer = Writer(target, book, when, language, direction, store)
    writer.process()
    writer.write()
