"""An untrusted zip (a .docx, .odt or .epub) read within bounds, before any tool sees it.

Its entries are read through support.zipped's limits (size, ratio, count); a name that leaves
the archive, a symbolic link or an XML entity declaration refuses the whole file, since a
word processor writes none of them. Tools then read only the clean copy written here.
"""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

from bookbuild.support import zipped
from bookbuild.support.errors import BookError

ENTITY = re.compile(rb"<!ENTITY|<!DOCTYPE[^>]*\[", re.I)
XML_SUFFIXES = (".xml", ".rels", ".opf", ".ncx", ".xhtml", ".html", ".htm", ".svg")


def members(path: Path) -> dict[str, bytes]:
    """Every entry's bytes by name; BookError naming the file when it is hostile or broken."""
    with zipped.Archive.open(path) as archive:
        if archive.broken:
            raise BookError(f"{path}: {archive.broken}")
        if archive.oversized:
            raise BookError(f"{path}: more than {zipped.MAX_TOTAL:,} bytes or "
                            f"{zipped.MAX_ENTRIES:,} entries uncompressed; not read")
        out: dict[str, bytes] = {}
        for info in archive.infos:
            name = info.filename
            if info.is_dir():
                continue
            if _escapes(name):
                raise BookError(f"{path}: the entry {name!r} names a place outside the "
                                f"archive; not read")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise BookError(f"{path}: the entry {name!r} is a symbolic link; not read")
            data = archive.read(name)
            if data is None:
                problem = archive.problems.get(name)
                raise BookError(f"{path}: the entry {name!r}: "
                                f"{problem.message if problem else 'cannot be read'}")
            if name.lower().endswith(XML_SUFFIXES) and ENTITY.search(data[:4096]):
                raise BookError(f"{path}: the entry {name!r} declares XML entities, which "
                                f"can read files or the network; not read")
            out[name] = data
        return out


def _escapes(name: str) -> bool:
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in PurePosixPath(name).parts


def write_copy(entries: dict[str, bytes], target: Path) -> Path:
    """The entries as a new zip: what pandoc reads instead of the file it was given."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return target
