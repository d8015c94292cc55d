"""OCF: the zip container itself (EPUB 3.3 §4, Open Container Format)."""

from __future__ import annotations

import re
import zipfile

from bookbuild.check.epub_file import TEXT_SUFFIXES, EpubFile
from bookbuild.check.registry import Hit, rule
from bookbuild.support.zipped import MAX_ENTRIES, MAX_TOTAL

MIMETYPE = b"application/epub+zip"
UNSAFE_NAME = re.compile(r"(^|/)\.\.(/|$)|^/|^[A-Za-z]:|\\|\x00")


@rule("EPUB-OCF-001", "error", "rebuild the EPUB; the file is damaged or not an EPUB", "epub")
def readable_zip(epub: EpubFile):
    """The file is a zip archive that can be read."""
    if epub.broken:
        yield Hit(epub.broken)


@rule("EPUB-OCF-002", "error", "write `mimetype` as the very first zip entry", "epub")
def mimetype_first(epub: EpubFile):
    """`mimetype` is the first entry of the zip."""
    if epub.broken:
        return
    if "mimetype" not in epub.names:
        yield Hit("no `mimetype` entry", "mimetype")
    elif epub.infos[0].filename != "mimetype":
        yield Hit(f"`mimetype` is not the first zip entry (the first is "
                  f"{epub.infos[0].filename!r})", "mimetype")


@rule("EPUB-OCF-003", "error",
      "store `mimetype` uncompressed, without extra fields, holding exactly application/epub+zip",
      "epub")
def mimetype_stored(epub: EpubFile):
    """`mimetype` is stored (not compressed), has no extra field and the right content."""
    if epub.broken or "mimetype" not in epub.names:
        return
    info = epub.info["mimetype"]
    if info.compress_type != zipfile.ZIP_STORED:
        yield Hit("`mimetype` is compressed; readers find the format by reading it raw",
                  "mimetype")
    if info.extra:
        yield Hit("`mimetype` has a zip extra field, which moves its content", "mimetype")
    data = epub.read("mimetype")
    if data is not None and data != MIMETYPE:
        yield Hit(f"`mimetype` holds {data[:40]!r}, not {MIMETYPE.decode()}", "mimetype")


@rule("EPUB-OCF-004", "error",
      "add META-INF/container.xml with a <rootfile> pointing at the package document", "epub")
def container(epub: EpubFile):
    """META-INF/container.xml exists, parses and names a package document that exists."""
    if epub.broken:
        return
    name = "META-INF/container.xml"
    if name not in epub.names:
        yield Hit("no META-INF/container.xml", name)
        return
    if epub.xml(name) is None:
        return  # reported by the XML rules
    if epub.opf_path is None:
        yield Hit("container.xml names no package document (rootfile of type "
                  "application/oebps-package+xml)", name)
    elif epub.opf_path not in epub.names:
        yield Hit(f"container.xml names {epub.opf_path}, which is not in the EPUB", name)


@rule("EPUB-OCF-005", "error",
      "use relative entry names without `..`, drive letters or backslashes", "epub")
def zip_slip(epub: EpubFile):
    """No entry name escapes the container (zip slip); such entries are never followed."""
    for info in epub.infos:
        if UNSAFE_NAME.search(info.filename):
            yield Hit(f"entry name {info.filename!r} points outside the container "
                      f"(zip slip); it was not read", info.filename)


@rule("EPUB-OCF-006", "error",
      "this is not how any EPUB tool packs a book; rebuild it, or distrust the file", "epub")
def zip_bomb(epub: EpubFile):
    """The uncompressed size is bounded (zip bombs are reported, not inflated)."""
    total = sum(i.file_size for i in epub.infos)
    if len(epub.infos) > MAX_ENTRIES:
        yield Hit(f"the archive has {len(epub.infos):,} entries (limit {MAX_ENTRIES:,}); "
                  f"not unpacked")
    elif epub.oversized:
        yield Hit(f"the archive would inflate to {total:,} bytes (limit {MAX_TOTAL:,}); "
                  f"not unpacked")
    for info in epub.infos:
        if epub.bomb(info.filename):
            ratio = info.file_size / max(info.compress_size, 1)
            yield Hit(f"{info.file_size:,} bytes packed into {info.compress_size:,} "
                      f"(ratio {ratio:,.0f}:1): a zip bomb; not inflated", info.filename)


@rule("EPUB-OCF-008", "error",
      "split the document: no reading system opens a chapter this large", "epub")
def markup_readable(epub: EpubFile):
    """Every document, package and stylesheet is small enough to read (64 MB inflated, 500,000
    tags): what is larger is reported and left unread, and the checks that need it do not run."""
    if epub.oversized:
        return  # EPUB-OCF-006 says the archive is not unpacked; nothing in it is read
    for info in epub.infos:
        name = info.filename
        if not name.lower().endswith(TEXT_SUFFIXES) or epub.bomb(name):
            continue
        epub.read(name)
        problem = epub.problems.get(name)
        if problem and problem.kind == "too-large":
            yield Hit(f"too large to read: {problem.message}", name)


@rule("EPUB-OCF-007", "error", "rebuild the EPUB; an entry is corrupt or duplicated", "epub")
def entries_readable(epub: EpubFile):
    """Every entry inflates with a correct checksum, and no name appears twice."""
    seen = set()
    for info in epub.infos:
        name = info.filename
        if name in seen:
            yield Hit(f"entry {name!r} appears twice in the zip", name)
        seen.add(name)
        if UNSAFE_NAME.search(name) or epub.bomb(name) or name.endswith("/"):
            continue
        if info.flag_bits & 0x1:
            yield Hit("entry is encrypted (DRM or password); it cannot be checked", name)
            continue
        epub.read(name)
        problem = epub.problems.get(name)
        if problem and problem.kind == "unreadable":
            yield Hit(f"entry {problem.message}", name)
