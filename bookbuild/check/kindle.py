"""Kindle preflight: what makes Send to Kindle reject an EPUB with its opaque E999 error."""

from __future__ import annotations

import re

from bookbuild.book.config import language_problem
from bookbuild.check.epub_docs import documents
from bookbuild.check.epub_file import EpubFile
from bookbuild.check.epub_links import hyperlinks
from bookbuild.check.registry import Hit, rule

MAX_BYTES = 50 * 1024 * 1024  # Send to Kindle's limit per document
XML_DECL = re.compile(rb"^(\xef\xbb\xbf)?<\?xml[^>]*encoding\s*=\s*[\"'][A-Za-z0-9._-]+[\"']")


@rule("KINDLE-001", "error",
      "start the file with <?xml version=\"1.0\" encoding=\"utf-8\"?>", "epub")
def xml_declaration(epub: EpubFile):
    """Every content document starts with an XML declaration naming its encoding."""
    for item in epub.documents:
        data = epub.read(item.path)
        if data is not None and not XML_DECL.match(data):
            yield Hit("no XML declaration with an encoding at the top of the file", item.path, 1)


@rule("KINDLE-002", "error", "link to a heading's id, not to the <body>", "epub")
def no_body_links(epub: EpubFile):
    """No link points at the id of a <body> element."""
    bodies = {item.path: f.body_id for item, f in documents(epub) if f.body_id}
    for source, href, line, (path, frag) in hyperlinks(epub):
        if frag and bodies.get(path) == frag:
            yield Hit(f"link to {href} targets the <body> of {path}", source, line,
                      needle=f"#{frag}")


@rule("KINDLE-003", "error", "write `language:` in book.yaml as an ISO 639-1 code: en, de, ru",
      "epub")
def valid_language(epub: EpubFile):
    """dc:language is present and a language Kindle knows (ISO 639-1 based BCP 47 tag)."""
    if epub.opf is None:
        return
    tags = [(el.text or "").strip() for el in epub.metadata("language")]
    if not any(tags):
        yield Hit("no dc:language; Kindle rejects the book", epub.opf_path)
        return
    why = language_problem(tags[0])
    if why:
        yield Hit(why, epub.opf_path, needle=f"language: {tags[0]}")


@rule("KINDLE-004", "error", "give every image a src, or remove it", "epub")
def img_src(epub: EpubFile):
    """No <img> without a src."""
    for item, facts in documents(epub):
        for img in facts.images:
            if img.tag == "img" and not (img.src or "").strip():
                yield Hit("<img> without a src", item.path, img.line)


@rule("KINDLE-005", "error", "remove `--` from the comment (or the comment itself)", "epub")
def comment_dashes(epub: EpubFile):
    """No comment in XHTML, OPF or NCX contains `--`."""
    # XML forbids `--` in a comment, so a document that parsed has none: only the bytes of
    # those that did not are scanned (a big book's hundreds of MB of markup are not).
    parsed = {item.path for item, f in documents(epub) if f.parsed}
    names = [i.path for i in epub.documents] + [p for p in (epub.opf_path, epub.ncx_path) if p]
    for name in names:
        if name in parsed or (name in (epub.opf_path, epub.ncx_path) and epub.xml(name) is not None):
            continue
        data = epub.read(name)
        if data is None:
            continue
        for start, body in _comments(data):
            if b"--" in body or body.endswith(b"-"):
                yield Hit("a comment contains `--`", name, data.count(b"\n", 0, start) + 1)
                break  # one a file: the author finds the others at once


def _comments(data: bytes):
    """(offset, body) of each comment, in one pass: an unclosed `<!--` runs to the end, as a
    parser reads it (a pattern that looks for the end from every start is quadratic)."""
    pos = 0
    while (start := data.find(b"<!--", pos)) >= 0:
        end = data.find(b"-->", start + 4)
        if end < 0:
            yield start, data[start + 4:]
            return
        yield start, data[start + 4:end]
        pos = end + 3


@rule("KINDLE-006", "error", "shrink the images (bookbuild keeps them under 4 MP)", "epub")
def size_limit(epub: EpubFile):
    """The EPUB is under 50 MB, Send to Kindle's limit."""
    size = epub.path.stat().st_size if epub.path.exists() else 0
    if size > MAX_BYTES:
        yield Hit(f"the EPUB is {size / 1024 / 1024:.1f} MB; Send to Kindle takes at most 50 MB")
