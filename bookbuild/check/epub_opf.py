"""OPF: the package document's manifest, spine and metadata (EPUB 3.3 §5)."""

from __future__ import annotations

import re
from collections import Counter

from bookbuild.book.config import _LANGTAG
from bookbuild.check.epub_docs import documents
from bookbuild.check.epub_file import EpubFile
from bookbuild.check.registry import Hit, rule
from bookbuild.convert.html import REMOTE
from bookbuild.support.xml import OPF_NS, XHTML_TYPE, XML_LANG

# Entries that live outside the manifest by definition.
CONTAINER_FILES = re.compile(r"^(mimetype|META-INF/.*)$")
MODIFIED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
SPINE_TYPES = {XHTML_TYPE, "image/svg+xml"}


@rule("EPUB-OPF-001", "error", "add the file, or drop its <item> from the manifest", "epub")
def manifest_files_exist(epub: EpubFile):
    """Every manifest item is a file in the EPUB."""
    for item in epub.manifest.values():
        if item.path is None and REMOTE.match(item.href):
            continue  # a remote resource, which EPUB-RES-001 judges
        if item.path is None:
            yield Hit(f"manifest item {item.id!r} points outside the container: {item.href}",
                      epub.opf_path, item.line)
        elif item.path not in epub.names:
            yield Hit(f"manifest item {item.id!r}: {item.path} is not in the EPUB",
                      epub.opf_path, item.line, needle=item.href)


@rule("EPUB-OPF-002", "warning", "declare the file in the manifest, or leave it out of the EPUB",
      "epub")
def files_declared(epub: EpubFile):
    """Every file in the EPUB is declared in the manifest."""
    if epub.opf is None:
        return
    declared = set(epub.by_path) | {epub.opf_path}
    for info in epub.infos:
        name = info.filename
        if name.endswith("/") or CONTAINER_FILES.match(name) or name in declared:
            continue
        yield Hit(f"{name} is in the EPUB but not in the manifest", epub.opf_path)


@rule("EPUB-OPF-003", "error", "list the content documents in <spine> by their manifest ids",
      "epub")
def spine(epub: EpubFile):
    """The spine lists existing content documents, each once, at least one linear."""
    if epub.opf is None:
        return
    if not epub.spine:
        yield Hit("the spine is empty: a reader has nothing to show", epub.opf_path)
        return
    counts = Counter(idref for idref, _el in epub.spine)
    for idref, el in epub.spine:
        item = epub.manifest.get(idref)
        if item is None:
            yield Hit(f"spine itemref {idref!r} names no manifest item", epub.opf_path,
                      el.sourceline)
        elif item.media_type not in _spine_types(epub) and not _has_fallback(epub, idref):
            yield Hit(f"spine item {idref!r} is {item.media_type}, not a content document",
                      epub.opf_path, el.sourceline)
        if counts[idref] > 1:
            counts[idref] = 1  # report once
            yield Hit(f"spine lists {idref!r} more than once", epub.opf_path, el.sourceline)
    if all(el.get("linear") == "no" for _idref, el in epub.spine):
        yield Hit("every spine item is linear=\"no\"", epub.opf_path)


def _epub2(epub: EpubFile) -> bool:
    return (epub.opf.get("version") or "3").strip().startswith("2")


def _spine_types(epub: EpubFile) -> set[str]:
    """EPUB 2 also reads DTBook and OEB 1 documents in the spine (OPS 2.0.1, 2.1)."""
    if _epub2(epub):
        return {*SPINE_TYPES, "application/x-dtbook+xml", "text/x-oeb1-document"}
    return set(SPINE_TYPES)


def _has_fallback(epub: EpubFile, idref: str) -> bool:
    for el in epub.opf.iter(f"{{{OPF_NS}}}item"):
        if el.get("id") == idref and el.get("fallback"):
            return True
    return False


@rule("EPUB-OPF-004", "error", "give every element in the package document its own id", "epub")
def unique_ids(epub: EpubFile):
    """Ids in the package document are unique."""
    if epub.opf is None:
        return
    seen: dict[str, int] = {}
    for el in epub.opf.iter():
        id_ = el.get("id") if isinstance(el.tag, str) else None
        if id_ is None:
            continue
        if id_ in seen:
            yield Hit(f"id {id_!r} is used twice (first on line {seen[id_]})", epub.opf_path,
                      el.sourceline)
        else:
            seen[id_] = el.sourceline


@rule("EPUB-OPF-005", "error", "set title, author, language and identifier in book.yaml",
      "epub")
def required_metadata(epub: EpubFile):
    """dc:identifier (the unique-identifier), dc:title and dc:language are present."""
    if epub.opf is None:
        return
    for tag in ("title", "language", "identifier"):
        if not any((el.text or "").strip() for el in epub.metadata(tag)):
            yield Hit(f"no dc:{tag} in the package metadata", epub.opf_path)
    uid = epub.opf.get("unique-identifier")
    ids = {el.get("id") for el in epub.metadata("identifier")}
    if not uid:
        yield Hit("<package> has no unique-identifier attribute", epub.opf_path, 1)
    elif uid not in ids:
        yield Hit(f"unique-identifier {uid!r} names no dc:identifier", epub.opf_path, 1)


@rule("EPUB-OPF-006", "error",
      "add <meta property=\"dcterms:modified\">CCYY-MM-DDThh:mm:ssZ</meta>", "epub")
def modified(epub: EpubFile):
    """dcterms:modified is present once, in the form CCYY-MM-DDThh:mm:ssZ."""
    if epub.opf is None or epub.opf.get("version", "3.0").startswith("2"):
        return
    values = epub.meta("dcterms:modified")
    if not values:
        yield Hit("no dcterms:modified: readers and stores use it to tell editions apart",
                  epub.opf_path)
    elif len(values) > 1:
        yield Hit(f"dcterms:modified appears {len(values)} times", epub.opf_path)
    elif not MODIFIED.match(values[0]):
        yield Hit(f"dcterms:modified {values[0]!r} is not CCYY-MM-DDThh:mm:ssZ", epub.opf_path,
                  needle=values[0])


@rule("EPUB-OPF-007", "error", "write `language:` in book.yaml as a BCP 47 tag: en, en-GB, ru",
      "epub")
def language_tags(epub: EpubFile):
    """dc:language and the package xml:lang are well-formed BCP 47 tags."""
    if epub.opf is None:
        return
    for el in epub.metadata("language"):
        tag = (el.text or "").strip()
        if tag and not _LANGTAG.match(tag):
            yield Hit(f"dc:language {tag!r} is not a well-formed BCP 47 tag", epub.opf_path,
                      el.sourceline, needle=f"language: {tag}")
    package = epub.opf.get(XML_LANG)
    if package and not _LANGTAG.match(package):
        yield Hit(f"the package's xml:lang {package!r} is not a well-formed BCP 47 tag",
                  epub.opf_path, epub.opf.sourceline)


@rule("EPUB-OPF-008", "error", "add a navigation document (manifest property \"nav\")", "epub")
def has_nav(epub: EpubFile):
    """An EPUB 3 package has exactly one navigation document."""
    if epub.opf is None or epub.opf.get("version", "3.0").startswith("2"):
        return
    navs = [i for i in epub.manifest.values() if "nav" in i.properties]
    if not navs:
        yield Hit("no item has the property \"nav\"", epub.opf_path)
    elif len(navs) > 1:
        yield Hit(f"{len(navs)} items have the property \"nav\"", epub.opf_path)


MEDIA = {".xhtml": XHTML_TYPE, ".html": XHTML_TYPE, ".css": "text/css", ".jpg": "image/jpeg",
         ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
         ".svg": "image/svg+xml", ".ncx": "application/x-dtbncx+xml",
         # EPUB 3.3's core font types, and the older names EPUBCheck accepts for them.
         ".otf": ("font/otf", "application/font-sfnt", "application/vnd.ms-opentype",
                  "application/x-font-otf", "application/x-font-opentype"),
         ".ttf": ("font/ttf", "application/font-sfnt", "application/vnd.ms-opentype",
                  "application/x-font-ttf", "application/x-font-truetype"),
         ".woff": ("font/woff", "application/font-woff", "application/x-font-woff"),
         ".woff2": "font/woff2", ".js": ("application/javascript", "text/javascript",
                                         "application/ecmascript")}


@rule("EPUB-OPF-009", "error", "declare the media type that matches the file", "epub")
def media_types(epub: EpubFile):
    """Each manifest item's media type matches its file name."""
    for item in epub.manifest.values():
        if not item.path or "." not in item.path.rsplit("/", 1)[-1]:
            continue
        expected = MEDIA.get("." + item.path.rsplit(".", 1)[-1].lower())
        if expected is None:
            continue
        allowed = (expected,) if isinstance(expected, str) else expected
        if item.media_type in allowed:
            continue
        if item.media_type in MAGIC and _sniffed(epub, item.path) == item.media_type:
            # A JPEG named .gif is declared right: the name is what is wrong.
            yield Hit(f"{item.path} is a {item.media_type} file with the name of another "
                      f"type; rename it .{MAGIC[item.media_type][1]}", epub.opf_path, item.line)
        else:
            yield Hit(f"{item.path} is declared as {item.media_type or '(nothing)'}, "
                      f"expected {allowed[0]}", epub.opf_path, item.line)


# The first bytes of each raster type, and its usual file extension.
MAGIC = {"image/jpeg": (b"\xff\xd8\xff", "jpg"), "image/png": (b"\x89PNG", "png"),
         "image/gif": (b"GIF8", "gif"), "image/webp": (b"RIFF", "webp")}


def _sniffed(epub: EpubFile, path: str) -> str | None:
    data = epub.read(path) or b""
    return next((t for t, (magic, _ext) in MAGIC.items() if data.startswith(magic)), None)


@rule("EPUB-OPF-010", "warning", "set `cover:` in book.yaml, or let bookbuild generate one", "epub")
def has_cover(epub: EpubFile):
    """A cover image is declared (cover-image property); stores and readers show it."""
    if epub.opf is not None and epub.cover_item is None:
        yield Hit("no cover image is declared (manifest property cover-image)", epub.opf_path)


@rule("EPUB-OPF-011", "error", "declare the property the content document needs", "epub")
def item_properties(epub: EpubFile):
    """Content documents declare the scripted, svg and mathml properties when they use them
    (EPUB 3: EPUB 2 has no item properties)."""
    if epub.opf is None or _epub2(epub):
        return
    for item, facts in documents(epub):
        for prop in sorted(facts.uses - item.properties):
            yield Hit(f"{item.path} uses {prop} content but its manifest item lacks "
                      f"properties=\"{prop}\"", epub.opf_path, item.line)

