"""ebooklib as the packager, made reproducible: fixed zip times, mimetype first and stored."""

from __future__ import annotations

import datetime as dt
import zipfile

from ebooklib import epub

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class _FixedTimeZip(zipfile.ZipFile):
    """Every entry gets the same timestamp, so two builds are byte-identical."""

    def __init__(self, *args, date_time: tuple, **kwargs):
        self.fixed_date_time = date_time
        super().__init__(*args, **kwargs)

    def writestr(self, name, data, compress_type=None, compresslevel=None):
        if isinstance(name, str):
            info = zipfile.ZipInfo(name, self.fixed_date_time)
            info.compress_type = self.compression if compress_type is None else compress_type
            info.external_attr = 0o644 << 16
            name = info
        super().writestr(name, data, compress_type, compresslevel)


class Writer(epub.EpubWriter):
    def __init__(self, name, book: epub.EpubBook, modified: dt.datetime, language: str,
                 direction: str | None):
        super().__init__(name, book, {"mtime": modified, "epub2_guide": False,
                                      "epub3_landmark": False, "epub3_pages": False,
                                      "compresslevel": 9})
        self.modified = modified
        self.language = language
        self.direction = direction

    def _write_opf_file(self, root):
        # DAISY Ace and some readers want the package language; ebooklib does not set it.
        root.set(XML_LANG, self.language)
        if self.direction:
            root.set("dir", self.direction)
        super()._write_opf_file(root)

    def write(self):
        # Zip times cannot predate 1980; clamp rather than fail on odd clocks.
        stamp = max(self.modified, dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc))
        self.out = _FixedTimeZip(self.file_name, "w", zipfile.ZIP_DEFLATED, compresslevel=9,
                                 date_time=stamp.timetuple()[:6])
        self.out.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()


def write(book: epub.EpubBook, target, modified: int, language: str, direction: str | None) -> None:
    when = dt.datetime.fromtimestamp(modified, dt.timezone.utc)
    writer = Writer(target, book, when, language, direction)
    writer.process()
    writer.write()
