"""Zip archives, read as untrusted input and written reproducibly: the one zip reader/writer
of EPUBs (the checker's, the Kobo and Kindle editions', DAISY Ace's entry list).

Nothing is extracted to disk, so a zip-slip name cannot write anywhere; every entry is read with
a size bound and a compression-ratio bound, so a zip bomb cannot exhaust memory. What could not be
read is remembered in `problems`, for the caller to report.
"""

from __future__ import annotations

import os
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

MAX_ENTRY = 64 * 1024 * 1024  # bytes read from one entry; a 10 MB chapter is fine
MAX_TOTAL = 1024 * 1024 * 1024  # declared uncompressed size of the whole archive
MAX_RATIO = 200  # deflate peaks near 1000:1 on pathological input; real books stay below 20:1
RATIO_FLOOR = 1024 * 1024  # below this, any ratio; prose and markup pack 3–20:1, never 200
MAX_FILE = 2 * 1024 * 1024 * 1024  # the archive itself: stores take a few hundred MB at most
MAX_ENTRIES = 10_000  # a book of 5,000 sections has about as many entries
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
                OSError, ValueError)


@dataclass
class Problem:
    """Something that stopped an entry from being read or parsed."""
    kind: str  # "unsafe-xml", "too-large", "unreadable", "not-well-formed"
    message: str
    line: int | None = None


@dataclass
class Archive:
    path: Path
    zip: zipfile.ZipFile | None = None
    infos: list[zipfile.ZipInfo] = field(default_factory=list)
    broken: str | None = None  # why the file is not a readable zip at all
    problems: dict[str, Problem] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path) -> Archive:
        archive = cls(Path(path))
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block, a device never end
                archive.broken = "not a regular file (a pipe, a device or a folder); not read"
                return archive
            if os.stat(path).st_size > MAX_FILE:
                archive.broken = f"larger than {MAX_FILE:,} bytes; not read"
                return archive
            archive.zip = zipfile.ZipFile(path)
            archive.infos = [_utf8_name(i) for i in archive.zip.infolist()]
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            archive.broken = f"not a readable zip archive ({e})"
        return archive

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @cached_property
    def names(self) -> set[str]:
        return {i.filename for i in self.infos}

    @cached_property
    def info(self) -> dict[str, zipfile.ZipInfo]:
        return {i.filename: i for i in self.infos}

    @cached_property
    def oversized(self) -> bool:
        """The archive declares more than MAX_TOTAL, or more than MAX_ENTRIES entries: nothing
        in it is inflated at all."""
        return sum(i.file_size for i in self.infos) > MAX_TOTAL or len(self.infos) > MAX_ENTRIES

    def bomb(self, name: str) -> bool:
        info = self.info[name]
        return (info.file_size > RATIO_FLOOR
                and info.file_size > MAX_RATIO * max(info.compress_size, 1))

    def read(self, name: str, limit: int = MAX_ENTRY) -> bytes | None:
        """The entry's bytes, or None (missing, too large, a bomb, or corrupt; see problems)."""
        if self.zip is None or name not in self.names:
            return None
        if name in self.problems and self.problems[name].kind in ("too-large", "unreadable"):
            return None
        info = self.info[name]
        if info.file_size > limit or self.bomb(name) or self.oversized:
            self.problems[name] = Problem("too-large", f"{info.file_size:,} bytes uncompressed "
                                          f"from {info.compress_size:,}; not read")
            return None
        try:
            with self.zip.open(info) as f:
                data = f.read(limit + 1)  # the header may lie about the size
        except _READ_ERRORS as e:
            self.problems[name] = Problem("unreadable", f"cannot be read ({e})")
            return None
        if len(data) > limit:
            self.problems[name] = Problem("too-large", f"more than {limit:,} bytes; not read")
            return None
        return data


def _utf8_name(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """Info-ZIP's `zip` writes UTF-8 names without the flag that says so, and zipfile then
    reads them as CP437 ("Ã©" for "é"): read such a name as the UTF-8 it is. Entries are
    opened by their info, whose header name stays as it was."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    # Composed (NFC), as OCF compares names: an archive from macOS writes them decomposed.
    info.filename = unicodedata.normalize("NFC", name)
    return info


def write(target: Path, entries: Iterable[tuple[zipfile.ZipInfo, bytes]],
          stored: tuple[str, ...] = ("mimetype",)) -> None:
    """A zip of `entries` (each keeps its name, time and attributes), deflated at the highest
    level but for the `stored` names (an EPUB's mimetype must be stored)."""
    with zipfile.ZipFile(target, "w") as out:
        for info, data in entries:
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            copy.external_attr = info.external_attr
            if info.filename in stored:
                copy.compress_type = zipfile.ZIP_STORED
                out.writestr(copy, data)
            else:
                copy.compress_type = zipfile.ZIP_DEFLATED
                out.writestr(copy, data, compresslevel=9)
