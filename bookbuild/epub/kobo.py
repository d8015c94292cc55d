"""The Kobo edition: the built EPUB with the markup Kobo's own renderer expects.

A kepub differs from the EPUB in three ways: every run of text sits in numbered
`<span class="koboSpan" id="kobo.P.S">` spans (Kobo hangs highlights, bookmarks and reading
statistics on them), each body is wrapped in `book-columns`/`book-inner` divs (its pagination
targets them), and the file is named `.kepub.epub` so the device picks the Kobo renderer.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from bookbuild.epub.container import Epub, parse_xml, serialize_xhtml
from bookbuild.support.errors import BookError
from bookbuild.support.xml import MATHML_NS, SVG_NS, XHTML_NS

X = f"{{{XHTML_NS}}}"
# Text in these is never split: whitespace matters (pre), or it is not HTML text at all.
SKIPPED = {f"{X}pre", f"{X}script", f"{X}style", f"{{{SVG_NS}}}svg",
           f"{{{MATHML_NS}}}math", f"{X}textarea"}
# The nearest of these around a text run is its "paragraph" for the kobo.P.S numbering.
BLOCKS = {f"{X}{t}" for t in (
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "caption",
    "figcaption", "blockquote", "div", "section", "aside", "figure", "header", "footer",
    "nav", "body", "article", "main", "address", "table", "ul", "ol", "dl")}
# The wrappers sit between <body> and the cover's section: they pass its page-high box down.
KOBO_CSS = ("div#book-inner { margin-top: 0; margin-bottom: 0; } "
            "body.cover div#book-columns, body.cover div#book-inner { height: 100%; }")
# A sentence ends at . ! ? … (and any closing quotes or brackets) before a space, or at CJK
# full stops. Abbreviations make a few extra segments, which Kobo does not mind.
SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+|[。！？]+[」』”’)]*\s*")


def segments(text: str) -> list[str]:
    """`text` cut after each sentence; the trailing space stays with its sentence."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.end() > start:
            out.append(text[start:m.end()])
            start = m.end()
    if start < len(text):
        out.append(text[start:])
    return out


def kepubify(data: bytes, name: str) -> bytes:
    """One XHTML document with koboSpans, the wrappers and Kobo's style hack."""
    tree = parse_xml(data, name)
    root = tree.getroot()
    body = root.find(f"{X}body")
    if body is None:
        return data
    _style(root)
    inner = _wrap_body(body)
    _add_spans(inner)
    return serialize_xhtml(tree)


def _style(root: etree._Element) -> None:
    head = root.find(f"{X}head")
    if head is None:
        return
    style = etree.SubElement(head, f"{X}style", {"type": "text/css", "id": "kobostylehacks"})
    style.text = KOBO_CSS
    style.tail = "\n"


def _wrap_body(body: etree._Element) -> etree._Element:
    taken = set(body.xpath("//@id"))
    outer = etree.Element(f"{X}div", {"class": "book-columns"})
    inner = etree.SubElement(outer, f"{X}div", {"class": "book-inner"})
    # Kobo's stylesheet hooks on the ids; keep them unless the book already uses them.
    if "book-columns" not in taken and "book-inner" not in taken:
        outer.set("id", "book-columns")
        inner.set("id", "book-inner")
    inner.text, body.text = body.text, None
    for child in list(body):
        inner.append(child)
    body.append(outer)
    return inner


def _text_slots(node: etree._Element):
    """(element, 'text'|'tail', block) for every non-blank text run, in document order."""
    def walk(el, block):
        if el.tag in SKIPPED or not isinstance(el.tag, str):
            return
        if el.tag in BLOCKS:
            block = el
        if el.text and el.text.strip():
            yield el, "text", block
        for child in el:
            yield from walk(child, block)
            if child.tail and child.tail.strip():
                yield child, "tail", block
    yield from walk(node, node)


def _add_spans(inner: etree._Element) -> None:
    para, seg, last_block = 0, 0, None
    # Collect first: the tree changes as spans go in.
    for el, slot, block in list(_text_slots(inner)):
        if block is not last_block:
            para, seg, last_block = para + 1, 0, block
        text = el.text if slot == "text" else el.tail
        spans = []
        for piece in segments(text):
            seg += 1
            span = etree.Element(f"{X}span", {"class": "koboSpan", "id": f"kobo.{para}.{seg}"})
            span.text = piece
            spans.append(span)
        if slot == "text":
            el.text = None
            for i, span in enumerate(spans):
                el.insert(i, span)
        else:
            el.tail = None
            parent, at = el.getparent(), el.getparent().index(el)
            for i, span in enumerate(spans, 1):
                parent.insert(at + i, span)


def make_kepub(epub: Path, target: Path) -> Path:
    """Write `target` (…kepub.epub) from the built EPUB at `epub`."""
    book = Epub(epub)
    if book.package.cover_image() is None:
        raise BookError(f"{epub}: no manifest item has properties=\"cover-image\"; "
                        f"Kobo would show no cover")
    documents = set(book.package.documents())

    def change(name: str, data: bytes) -> bytes | None:
        return kepubify(data, name) if name in documents else None

    book.rewrite(target, change)
    return target
