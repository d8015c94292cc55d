"""The Kindle edition: the built EPUB tuned for Send to Kindle and KDP.

Amazon's converter is stricter than EPUBCheck in a few known places (the KINDLE-* rules of the
check suite). The edition fixes what can be fixed without changing the book: an explicit UTF-8
declaration on every document, links to a <body> id pointed at the file, comments and
<img> elements without a src dropped. The Kindle preflight (check.gate.kindle) reports the rest.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from bookbuild.epub.container import Epub, parse_xml, serialize_xhtml
from bookbuild.support.xml import XHTML_NS

X = f"{{{XHTML_NS}}}"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def make_kindle(epub: Path, target: Path) -> Path:
    """Write `target` from the built EPUB (check.gate.kindle says what Kindle would still refuse)."""
    book = Epub(epub)
    documents = set(book.package.documents())
    body_ids = _body_ids(book, documents)
    ncx = next((i.href for i in book.package.items.values()
                if i.media_type == "application/x-dtbncx+xml"), None)

    def change(name: str, data: bytes) -> bytes | None:
        if name in documents:
            return _fix_document(data, name, body_ids)
        if name == ncx:
            return _fix_ncx(data, name, body_ids)
        return None

    book.rewrite(target, change)
    return target


def _body_ids(book: Epub, documents: set[str]) -> dict[str, str]:
    out = {}
    for name in documents:
        body = parse_xml(book.data[name], name).getroot().find(f"{X}body")
        if body is not None and body.get("id"):
            out[name] = body.get("id")
    return out


def _fix_document(data: bytes, name: str, body_ids: dict[str, str]) -> bytes:
    tree = parse_xml(data, name)
    root = tree.getroot()
    for comment in root.xpath("//comment()"):
        _drop(comment)
    for img in root.iter(f"{X}img"):
        if not (img.get("src") or "").strip():
            _drop(img)
    for a in root.iter(f"{X}a", f"{X}area"):
        href = a.get("href")
        if href:
            a.set("href", _unbody(href, name, body_ids))
    return serialize_xhtml(tree)


def _fix_ncx(data: bytes, name: str, body_ids: dict[str, str]) -> bytes:
    tree = parse_xml(data, name)
    for content in tree.getroot().iter(f"{{{NCX_NS}}}content"):
        content.set("src", _unbody(content.get("src", ""), name, body_ids))
    body = etree.tostring(tree.getroot(), encoding="unicode")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body.encode("utf-8") + b"\n"


def _unbody(href: str, from_doc: str, body_ids: dict[str, str]) -> str:
    """`ch1.xhtml#bodyid` → `ch1.xhtml`: Amazon's converter fails on links to a body id."""
    path, _, fragment = href.partition("#")
    if not fragment or SCHEME.match(path):
        return href
    target = posixpath.normpath(posixpath.join(posixpath.dirname(from_doc), unquote(path))) \
        if path else from_doc
    if body_ids.get(target) == unquote(fragment):
        return path or posixpath.basename(from_doc)
    return href


def _drop(node) -> None:
    """Remove an element or comment, keeping the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)
