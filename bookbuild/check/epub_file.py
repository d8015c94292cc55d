"""An EPUB opened for checking: untrusted input, read without ever being unpacked.

Nothing is extracted to disk, so a zip-slip name cannot write anywhere; every entry is read with a
size bound, so a zip bomb cannot exhaust memory; XML is parsed with entities unresolved and the
network off, and a DOCTYPE that declares entities is refused before lxml sees it (XXE, billion
laughs). What could not be read is remembered, for the OCF rules to report.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from bookbuild.support import xml
from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.support.xml import (
    CONTAINER_NS,
    DC_NS,
    OPF_NS,
    XHTML_TYPE,
)
from bookbuild.support.zipped import MAX_ENTRY, Archive, Problem

PARSER = xml.PARSER
# The DTDs EPUB 2 documents name, which every reading system and EPUBCheck know by heart;
# any other a checker would fetch from wherever it points (SSRF).
KNOWN_DTDS = {
    "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd",
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd",
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd",
    "http://www.daisy.org/z3986/2005/ncx-2005-1.dtd",
    "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd",
    "http://openebook.org/dtds/oeb-1.2/oebpkg12.dtd",
    "http://www.w3.org/Math/DTD/mathml2/mathml2.dtd",
    "http://www.w3.org/Math/DTD/mathml3/mathml3.dtd",
    "http://www.daisy.org/z3986/2005/dtbook-2005-1.dtd",
    "http://www.daisy.org/z3986/2005/dtbook-2005-2.dtd",
    "http://www.daisy.org/z3986/2005/dtbook-2005-3.dtd",
}


def unsafe_doctype(root: etree._Element) -> str | None:
    """Why the DOCTYPE of a parsed document is unsafe to give another tool, or None: entity
    declarations (XXE, billion laughs), or a DTD at an address nobody knows. Read from the
    parsed document type, whatever its encoding or place, not from patterns on the bytes."""
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        return ("its DOCTYPE declares entities (external entities or entity expansion); "
                "not expanded")
    if info.system_url and info.system_url not in KNOWN_DTDS:
        return f"its DOCTYPE names the outside DTD {info.system_url[:80]}; not fetched"
    return None


MAX_ELEMENTS = 500_000  # in one document: a long real chapter has tens of thousands
TEXT_SUFFIXES = (".xhtml", ".html", ".htm", ".opf", ".ncx", ".xml", ".css")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
URL_NOISE = re.compile(r"[\t\r\n]")


@dataclass
class Item:
    id: str
    href: str  # as written in the manifest
    path: str | None  # resolved zip entry name; None when it leaves the container
    media_type: str
    properties: set[str]
    line: int | None


@dataclass
class EpubFile:
    path: Path
    archive: Archive
    _xml: dict[str, etree._Element | None] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)  # for rules that share derived facts
    options: dict = field(default_factory=dict)  # from book.yaml: allow_scripts
    memo: Cache = NO_CACHE  # per-document facts across builds (check.epub_docs)
    _bytes: dict[str, bytes] = field(default_factory=dict)
    _resolved: dict[tuple[str, str], tuple[str, str] | None] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path) -> EpubFile:
        return cls(Path(path), Archive.open(path))

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> EpubFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- zip entries (support.zipped bounds every read) -----------------------------------

    @property
    def infos(self) -> list[zipfile.ZipInfo]:
        return self.archive.infos

    @property
    def broken(self) -> str | None:
        return self.archive.broken

    @property
    def problems(self) -> dict[str, Problem]:
        return self.archive.problems

    @property
    def names(self) -> set[str]:
        return self.archive.names

    @property
    def info(self) -> dict[str, zipfile.ZipInfo]:
        return self.archive.info

    @property
    def oversized(self) -> bool:
        return self.archive.oversized

    def bomb(self, name: str) -> bool:
        return self.archive.bomb(name)

    def read(self, name: str, limit: int = MAX_ENTRY) -> bytes | None:
        """The entry's bytes, or None (missing, too large, a bomb, or corrupt; see problems)."""
        if name in self._bytes and limit >= MAX_ENTRY:
            return self._bytes[name]
        data = self.archive.read(name, limit)
        if data is None or not name.lower().endswith(TEXT_SUFFIXES):
            return data
        if data.count(b"<") > MAX_ELEMENTS:  # a tree costs ~100 bytes an element, whatever the text
            self.problems[name] = Problem("too-large", f"more than {MAX_ELEMENTS:,} elements "
                                          f"or tags; not read")
            return None
        self._bytes[name] = data  # several rules read the markup; images are read once
        return data

    # ---- XML ------------------------------------------------------------------------------

    def xml(self, name: str) -> etree._Element | None:
        """The parsed root of an XML entry, or None (see problems)."""
        if name not in self._xml:
            self._xml[name] = self._parse(name)
        return self._xml[name]

    def forget(self, name: str) -> None:
        """Drop an entry's parsed tree once everything needed from it is taken."""
        self._xml.pop(name, None)

    def _parse(self, name: str) -> etree._Element | None:
        data = self.read(name)
        if data is None:
            return None
        try:
            root = etree.fromstring(data, PARSER)  # entities are never expanded nor fetched
        except etree.XMLSyntaxError as e:
            self.problems[name] = _refusal(e)
            return None
        why = unsafe_doctype(root)
        if why:
            self.problems[name] = Problem("unsafe-xml", why, 1)
            return None
        return root

    # ---- container and package -------------------------------------------------------------

    @cached_property
    def opf_path(self) -> str | None:
        root = self.xml("META-INF/container.xml")
        if root is None:
            return None
        for rootfile in root.iter(f"{{{CONTAINER_NS}}}rootfile"):
            if rootfile.get("media-type") == "application/oebps-package+xml":
                path = _normalise(rootfile.get("full-path") or "")
                return path or None
        return None

    @cached_property
    def opf(self) -> etree._Element | None:
        return self.xml(self.opf_path) if self.opf_path else None

    @cached_property
    def manifest(self) -> dict[str, Item]:
        items: dict[str, Item] = {}
        if self.opf is None:
            return items
        for el in self.opf.iter(f"{{{OPF_NS}}}item"):
            href = el.get("href") or ""
            target = self.resolve(self.opf_path, href)
            # An XML id is a name: the spaces around one written id=" x " are not part of it.
            items.setdefault((el.get("id") or "").strip(), Item(
                id=(el.get("id") or "").strip(), href=href, path=target[0] if target else None,
                media_type=el.get("media-type") or "",
                properties=set((el.get("properties") or "").split()), line=el.sourceline))
        return items

    @cached_property
    def by_path(self) -> dict[str, Item]:
        return {i.path: i for i in self.manifest.values() if i.path}

    @cached_property
    def spine(self) -> list[tuple[str, etree._Element]]:
        """(idref, itemref element) in reading order."""
        if self.opf is None:
            return []
        return [((el.get("idref") or "").strip(), el)
                for el in self.opf.iter(f"{{{OPF_NS}}}itemref")]

    def metadata(self, tag: str) -> list[etree._Element]:
        """dc:TAG elements of the package metadata."""
        if self.opf is None:
            return []
        return list(self.opf.iter(f"{{{DC_NS}}}{tag}"))

    def meta(self, prop: str) -> list[str]:
        """Values of <meta property=PROP> that refine nothing (package-level)."""
        if self.opf is None:
            return []
        return [(el.text or "").strip() for el in self.opf.iter(f"{{{OPF_NS}}}meta")
                if el.get("property") == prop and not el.get("refines")]

    def items_of(self, *media_types: str) -> list[Item]:
        return [i for i in self.manifest.values() if i.media_type in media_types and i.path]

    @property
    def documents(self) -> list[Item]:
        """XHTML content documents (the nav included), in manifest order."""
        return self.items_of(XHTML_TYPE)

    @cached_property
    def nav_path(self) -> str | None:
        return next((i.path for i in self.manifest.values() if "nav" in i.properties), None)

    @cached_property
    def ncx_path(self) -> str | None:
        return next((i.path for i in self.manifest.values()
                     if i.media_type == "application/x-dtbncx+xml"), None)

    @cached_property
    def cover_item(self) -> Item | None:
        item = next((i for i in self.manifest.values() if "cover-image" in i.properties), None)
        if item is None and self.opf is not None:  # EPUB 2 style <meta name="cover">
            for el in self.opf.iter(f"{{{OPF_NS}}}meta"):
                if el.get("name") == "cover":
                    item = self.manifest.get(el.get("content") or "")
        return item

    # ---- references ------------------------------------------------------------------------

    def resolve(self, base: str, href: str) -> tuple[str, str] | None:
        """(zip entry name, fragment) that `href` in entry `base` points at; None for a URL
        with a scheme (http:, mailto:) or a path that leaves the container."""
        key = (base, href)
        if key not in self._resolved:  # a book links to the same places over and over
            self._resolved[key] = self._resolve(base, href)
        return self._resolved[key]

    def _resolve(self, base: str, href: str) -> tuple[str, str] | None:
        href = href.strip()
        if not href or SCHEME.match(href) or href.startswith("//"):
            return None
        if URL_NOISE.search(href):
            return self._resolve_slowly(base, href)
        # urlsplit's answer for a relative reference, without its cost (a big book has
        # tens of thousands of links): the path ends at the first ? or #.
        before, _hash, fragment = href.partition("#")
        path = before.split("?", 1)[0]
        if not path:
            return base, unquote(fragment)
        joined = _normalise(posixpath.join(posixpath.dirname(base), unquote(path)))
        return (joined, unquote(fragment)) if joined else None

    def _resolve_slowly(self, base: str, href: str) -> tuple[str, str] | None:
        """For an href with tabs or line breaks, which URL parsers drop: "java&#10;script:" is
        a script to a browser, and "/&#9;/host" leaves the book."""
        try:
            parts = urlsplit(href)
        except ValueError:
            return None
        if parts.scheme or parts.netloc or parts.path.startswith("//"):
            return None
        if not parts.path:
            return base, unquote(parts.fragment)
        path = _normalise(posixpath.join(posixpath.dirname(base), unquote(parts.path)))
        return (path, unquote(parts.fragment)) if path else None

    def ids(self, name: str) -> set[str]:
        root = self.xml(name)
        if root is None:
            return set()
        return {el.get("id") for el in root.iter(etree.Element) if el.get("id")}


def _refusal(e: etree.XMLSyntaxError) -> Problem:
    """What libxml2 refused, said in the book's terms, not the parser's options."""
    msg = e.msg or "unreadable"
    if "amplification" in msg:
        return Problem("unsafe-xml", "its entities expand to many times their size "
                       "(a \"billion laughs\"); never expanded", e.lineno or None)
    depth = re.search(r"Excessive depth in document: (\d+)", msg)
    if depth:  # well-formed, perhaps, but deeper than any book needs or any parser reads
        return Problem("too-deep", f"elements nested more than {depth.group(1)} deep, deeper "
                       f"than bookbuild reads; not parsed", e.lineno or None)
    return Problem("not-well-formed", msg, e.lineno or None)


def _normalise(path: str) -> str | None:
    # Names are compared composed (NFC), as OCF asks: "ü" written as u + ◌̈ is the same file.
    path = unicodedata.normalize("NFC", posixpath.normpath(path.replace("\\", "/")))
    if path.startswith(("../", "/")) or path in ("..", "."):
        return None
    return path


def local(el: etree._Element) -> str:
    tag = el.tag  # "{namespace}name" or "name"; comments and PIs have a function for a tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def text_of(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())
