"""Reading a built EPUB and writing a changed copy of it, reproducibly.

The editions (Kobo, Kindle) are the built EPUB with some files rewritten. The copy keeps the
entry order and each entry's timestamp, and `mimetype` stays first and stored, so a copy of a
reproducible EPUB is reproducible too.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from bookbuild.support import xml, zipped
from bookbuild.support.errors import BookError
from bookbuild.support.xml import CONTAINER_NS, DC_NS, OPF_NS, XHTML_TYPE

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
PARSER = xml.PARSER


@dataclass
class Item:
    id: str
    href: str  # path inside the zip
    media_type: str
    properties: set[str] = field(default_factory=set)


@dataclass
class Package:
    """What the OPF says: where it is, its manifest, spine and language."""
    opf: str
    items: dict[str, Item]  # by zip path
    spine: list[str]  # zip paths, reading order
    language: str | None

    def documents(self) -> list[str]:
        return [i.href for i in self.items.values() if i.media_type == XHTML_TYPE]

    def cover_image(self) -> str | None:
        return next((i.href for i in self.items.values() if "cover-image" in i.properties), None)


class Epub:
    """An EPUB read into memory: entry infos and bytes in their original order."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with zipped.Archive.open(self.path) as archive:
            if archive.broken:
                raise BookError(f"{path}: cannot read the EPUB ({archive.broken})")
            self.infos = archive.infos
            self.data = {info.filename: archive.read(info.filename) for info in self.infos}
            unread = next(iter(archive.problems.items()), None)
        if unread:
            raise BookError(f"{path}: cannot read the EPUB ({unread[0]}: {unread[1].message})")
        self.package = read_package(self.data, self.path)

    def write(self, target: Path, changed: dict[str, bytes]) -> None:
        """Write every entry, taking the bytes from `changed` where given."""
        zipped.write(target, ((info, changed.get(info.filename, self.data[info.filename]))
                              for info in self.infos))

    def rewrite(self, target: Path, change: Callable[[str, bytes], bytes | None]) -> None:
        """Copy the EPUB to `target`; `change(name, data)` returns new bytes or None to keep."""
        changed = {}
        for name, data in self.data.items():
            new = change(name, data)
            if new is not None and new != data:
                changed[name] = new
        self.write(target, changed)


def parse_xml(data: bytes, name: str) -> etree._ElementTree:
    try:
        return etree.ElementTree(etree.fromstring(data, PARSER))
    except etree.XMLSyntaxError as e:
        raise BookError(f"{name}: not well-formed XML ({e})") from None


def serialize_xhtml(tree: etree._ElementTree) -> bytes:
    """XHTML with an explicit UTF-8 declaration and the HTML5 doctype."""
    body = etree.tostring(tree.getroot(), encoding="unicode")
    return XML_DECLARATION + b"<!DOCTYPE html>\n" + body.encode("utf-8") + b"\n"


def read_package(data: dict[str, bytes], where: Path) -> Package:
    if data.get("mimetype", b"").strip() != b"application/epub+zip":
        raise BookError(f"{where}: not an EPUB (no mimetype entry)")
    if "META-INF/container.xml" not in data:
        raise BookError(f"{where}: not an EPUB (no META-INF/container.xml)")
    container = parse_xml(data["META-INF/container.xml"], "META-INF/container.xml")
    rootfile = container.find(f".//{{{CONTAINER_NS}}}rootfile")
    opf = rootfile.get("full-path") if rootfile is not None else None
    if not opf or opf not in data:
        raise BookError(f"{where}: the container names no package document that exists")
    root = parse_xml(data[opf], opf).getroot()
    base = posixpath.dirname(opf)
    items = {}
    by_id = {}
    for el in root.iter(f"{{{OPF_NS}}}item"):
        href = posixpath.normpath(posixpath.join(base, el.get("href", "")))
        item = Item(el.get("id", ""), href, el.get("media-type", ""),
                    set((el.get("properties") or "").split()))
        items[href] = item
        by_id[item.id] = item
    spine = [by_id[ref.get("idref")].href for ref in root.iter(f"{{{OPF_NS}}}itemref")
             if ref.get("idref") in by_id]
    lang = root.find(f".//{{{DC_NS}}}language")
    language = lang.text.strip() if lang is not None and lang.text else None
    return Package(opf, items, spine, language)
