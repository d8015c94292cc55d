"""Links and references: every href, src and url() inside the EPUB resolves."""

from __future__ import annotations

import re

from bookbuild.check.epub_docs import documents, facts
from bookbuild.check.epub_file import EpubFile
from bookbuild.check.registry import Hit, rule
from bookbuild.support import safety
from bookbuild.support.xml import NCX_NS

NOT_AN_ID = re.compile(r"(epubcfi\(|(xywh|t|track|id)=)")


def hyperlinks(epub: EpubFile) -> list[tuple[str, str, int | None, tuple[str, str]]]:
    """(source entry, href, line, resolved (path, fragment)) of every document link."""
    if "hyperlinks" not in epub.cache:
        epub.cache["hyperlinks"] = list(_hyperlinks(epub))
    return epub.cache["hyperlinks"]


def _hyperlinks(epub: EpubFile):
    for item, page in documents(epub):
        for href, line in page.links:
            target = epub.resolve(item.path, href)
            if target:
                yield item.path, href, line, target
    if epub.ncx_path and epub.xml(epub.ncx_path) is not None:
        for el in epub.xml(epub.ncx_path).iter(f"{{{NCX_NS}}}content"):
            href = el.get("src") or ""
            target = epub.resolve(epub.ncx_path, href)
            if target:
                yield epub.ncx_path, href, el.sourceline, target


def resources(epub: EpubFile):
    """(source entry, reference, line) of every embedded resource: images, stylesheets,
    media, and url() in CSS."""
    for item, page in documents(epub):
        for ref, line in page.resources:
            yield item.path, ref, line
    for item in epub.items_of("text/css"):
        data = epub.read(item.path)
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        for ref in safety.css_urls(text):
            if safety.scheme(ref) != "data":
                yield item.path, ref, _line(text, ref)


def _line(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


@rule("EPUB-LINK-001", "error", "link to a section that exists; check the file name", "epub")
def link_targets_exist(epub: EpubFile):
    """Every hyperlink inside the book points at a file in the EPUB."""
    for source, href, line, (path, _frag) in hyperlinks(epub):
        if path not in epub.names:
            yield Hit(f"link to {href}, but {path} is not in the EPUB", source, line,
                      needle=href.split("#")[0] or None)


@rule("EPUB-LINK-002", "error",
      "give the target an id ({#id} after a heading) or fix the link", "epub")
def fragments_exist(epub: EpubFile):
    """Every #fragment names an id in its target document."""
    for source, href, line, (path, frag) in hyperlinks(epub):
        if NOT_AN_ID.match(frag or ""):
            continue  # a media fragment (#xywh=…, #t=…) or an EPUB CFI names no element
        ids = _ids(epub, path) if frag and path in epub.names else None
        if ids is not None and frag not in ids:
            yield Hit(f"link to {href}: {path} has no element with id {frag!r}", source, line,
                      needle=f"#{frag}")


def _ids(epub: EpubFile, path: str) -> set[str] | None:
    """The ids in an entry; None when it does not parse (EPUB-XML-001 says so)."""
    found = facts(epub, path)
    return found.ids if found.parsed else None


@rule("EPUB-LINK-003", "error", "add the file under assets/, or fix the path", "epub")
def resources_exist(epub: EpubFile):
    """Every image, stylesheet and media file a document uses is in the EPUB."""
    for source, ref, line in resources(epub):
        target = epub.resolve(source, ref)
        if target is None:
            continue  # remote resources are EPUB-RES-001
        if target[0] not in epub.names:
            yield Hit(f"{ref} is used but {target[0]} is not in the EPUB", source, line,
                      needle=ref.rsplit("/", 1)[-1])


@rule("EPUB-LINK-004", "error",
      "link only to sections of the book; the target is not in the reading order", "epub")
def links_into_spine(epub: EpubFile):
    """Hyperlinks point at documents in the spine (readers cannot open anything else)."""
    spine_paths = {epub.manifest[i].path for i, _el in epub.spine if i in epub.manifest}
    for source, href, line, (path, _frag) in hyperlinks(epub):
        item = epub.by_path.get(path)
        if path in epub.names and item is not None and path not in spine_paths \
                and item.media_type == "application/xhtml+xml":
            yield Hit(f"link to {href}, a document that is not in the spine", source, line)
