"""Links and references: every href, src and url() inside the EPUB resolves."""

from __future__ import annotations

import re

from bookbuild.check.epub_file import NCX_NS, XLINK_HREF, EpubFile, local
from bookbuild.check.registry import Hit, rule

# Elements whose attribute embeds a resource (as opposed to linking to a document).
RESOURCE_ATTRS = {("img", "src"), ("source", "src"), ("audio", "src"), ("video", "src"),
                  ("video", "poster"), ("track", "src"), ("script", "src"), ("embed", "src"),
                  ("object", "data"), ("iframe", "src"), ("input", "src")}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def hyperlinks(epub: EpubFile):
    """(source entry, href, line, resolved (path, fragment)) of every document link."""
    for item, root in epub.parsed_documents():
        for el in root.iter("{*}a", "{*}area"):
            href = el.get("href")
            if href is None:
                continue
            target = epub.resolve(item.path, href)
            if target:
                yield item.path, href, el.sourceline, target
    if epub.ncx_path and epub.xml(epub.ncx_path) is not None:
        for el in epub.xml(epub.ncx_path).iter(f"{{{NCX_NS}}}content"):
            href = el.get("src") or ""
            target = epub.resolve(epub.ncx_path, href)
            if target:
                yield epub.ncx_path, href, el.sourceline, target


def resources(epub: EpubFile):
    """(source entry, reference, line) of every embedded resource: images, stylesheets,
    media, and url() in CSS."""
    for item, root in epub.parsed_documents():
        for el in root.iter():
            name = local(el)
            for attr in ("src", "data", "poster"):
                if (name, attr) in RESOURCE_ATTRS and el.get(attr):
                    yield item.path, el.get(attr), el.sourceline
            if name == "link" and "stylesheet" in (el.get("rel") or "").split() and el.get("href"):
                yield item.path, el.get("href"), el.sourceline
            if name == "image" and (el.get(XLINK_HREF) or el.get("href")):
                yield item.path, el.get(XLINK_HREF) or el.get("href"), el.sourceline
    for item in epub.items_of("text/css"):
        data = epub.read(item.path)
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        for m in CSS_URL.finditer(text):
            ref = m.group(1) or m.group(2)
            if not ref.startswith("data:"):
                yield item.path, ref, text.count("\n", 0, m.start()) + 1


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
        if not frag or path not in epub.names or epub.xml(path) is None:
            continue
        if frag not in epub.ids(path):
            yield Hit(f"link to {href}: {path} has no element with id {frag!r}", source, line,
                      needle=f"#{frag}")


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
