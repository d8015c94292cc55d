"""EPUB 3 writer: Book + converted documents → a packaged, reproducible .epub."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from ebooklib import epub

from bookbuild.book import overrides
from bookbuild.book.model import Book, Metadata
from bookbuild.convert import index as marked
from bookbuild.convert.html import ORNAMENT, REMOTE, Document, line_of
from bookbuild.epub import accessibility, design, documents, fonts, package, pagebreaks, xrefs
from bookbuild.epub import index as index_page
from bookbuild.epub.pagebreaks import PrintPages
from bookbuild.media import cover as generated_cover
from bookbuild.media import images, ornaments
from bookbuild.support import cache
from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.support.errors import BookError, Problems
from bookbuild.support.paths import UnsafePath, inside
from bookbuild.support.xml import XHTML_NS, XML_LANG

XHTML_TYPE = "application/xhtml+xml"
IMG = f"{{{XHTML_NS}}}img"


def write_epub(book: Book, docs: list[Document], target, store: Cache = NO_CACHE,
               problems: Problems | None = None, edition: str | None = None,
               print_pages: PrintPages | Callable[[], PrintPages | None] | None = None) -> dict:
    """Package the book into `target` (a path or file object). Returns a short summary.

    `problems` may already hold what earlier steps found; all are reported together.
    `edition`: the store ("kindle", "kobo") whose edition this EPUB is made into, with the
    text for that store alone; without one, the store-neutral EPUB, with none.
    `print_pages`: where the print edition's pages begin, for the page-break markers and the
    page list, or what gets them (it typesets the interior: only once the EPUB's own checks
    have passed); the summary's "page_warnings" says which could not be placed.
    """
    docs = [d.for_edition(edition) for d in docs]
    problems = problems if problems is not None else Problems()
    renditions = _images(book, docs, problems, store)
    cover = _cover(book, renditions, problems, store)
    ornament = ornaments.chosen(book, problems)  # the author's SVG is checked even if unused
    own = overrides.stylesheet(book, problems)
    problems.raise_if_any()
    if callable(print_pages):
        print_pages = print_pages()
    if not any(f'src="{ORNAMENT}"' in d.xhtml for d in docs):
        ornament = None  # packed only when a scene break uses it: unused, EPUBCheck notes it

    meta = book.metadata
    eb = epub.EpubBook()
    design.number_headings(book, docs)
    design.lead_words(book, docs)
    placed = pagebreaks.place(docs, print_pages.starts, print_pages.index_start, store) \
        if print_pages else pagebreaks.Placed()
    placed.warnings += xrefs.fill(docs, print_pages.anchors if print_pages else None,
                                  meta.labels)
    book_index, said = marked.collect([(d.section, marked.of_document(d)) for d in docs],
                                      meta.language)
    placed.warnings += said
    _metadata(eb, book, docs, print_pages.source if print_pages and placed.entries else None,
              has_index=book_index is not None)
    css = _static(eb, book, ornament)
    sheets = documents.BUILT_IN
    if own is not None:
        _own_stylesheet(eb, own)
        sheets += (own.href,)
    for r in renditions.values():
        eb.add_item(epub.EpubImage(uid=_uid("img", r.name), file_name=r.name,
                                   media_type=r.media_type, content=r.data))
    cover_item = epub.EpubImage(uid="cover-image", file_name=cover.name,
                                media_type=cover.media_type, content=cover.data)
    cover_item.properties = ["cover-image"]
    eb.add_item(cover_item)

    pages = [("cover", "cover.xhtml", documents.cover_page(meta, cover.name, sheets), []),
             ("titlepage", "titlepage.xhtml",
              documents.title_page(meta, sheets, pagebreaks.front_markup(placed.front)), []),
             ("copyright", "copyright.xhtml", documents.copyright_page(meta, sheets), [])]
    spine = [_document(eb, uid, name, data, props) for uid, name, data, props in pages]
    nav = _document(eb, "nav", "nav.xhtml", b"", ["nav"])
    spine.append(nav)
    for doc in docs:
        props = [p for p, used in (("mathml", doc.has_math), ("svg", doc.has_svg),
                                   ("scripted", doc.scripted)) if used]
        spine.append(_document(eb, doc.section.name, doc.section.file_name,
                               documents.section_page(meta, doc, sheets), props))
    entries = _front_pages(meta) + _toc(docs, book.config.get("toc_depth", 2))
    if book_index is not None:
        content, title = index_page.page(book_index, meta.labels,
                                         print_pages.anchors if print_pages else None)
        content = pagebreaks.front_markup(placed.index) + content
        spine.append(_document(eb, "index", index_page.FILE, documents.page(
            meta, title, content, "backmatter", "index", "index", "doc-index", sheets=sheets),
            []))
        entries.append((title, index_page.FILE, []))
    eb.spine = spine
    marks = _landmarks(meta, docs) + ([("index", index_page.FILE, meta.labels["index"])]
                                      if book_index is not None else [])
    nav.content = documents.nav_page(meta, entries, marks, sheets, placed.entries)
    eb.toc = _ncx_toc(entries)
    _fonts(eb, book, css, store)  # last: the nav and every page are written
    eb.add_item(epub.EpubNcx())
    direction = "rtl" if documents.text_dir(meta.language) else None
    package.write(eb, target, book.modified, meta.language, direction, store, placed.entries,
                  meta.labels["page_list"])
    return {"sections": len(docs), "images": len(renditions), "cover": cover.name,
            "pages": len(placed.entries), "page_warnings": placed.warnings}


def _uid(prefix: str, name: str) -> str:
    return prefix + "-" + "".join(c if c.isalnum() else "-" for c in name)


def _document(eb, uid: str, name: str, data: bytes, props: list[str]) -> epub.EpubItem:
    item = epub.EpubItem(uid=uid, file_name=name, media_type=XHTML_TYPE, content=data)
    item.properties = props
    eb.add_item(item)
    return item


def _static(eb: epub.EpubBook, book: Book, ornament: ornaments.Ornament | None) -> epub.EpubItem:
    """The stylesheet (returned: the fonts' rules go in later) and the ornament."""
    css = epub.EpubItem(uid="css", file_name="css/book.css", media_type="text/css",
                        content=design.stylesheet(book))
    eb.add_item(css)
    if ornament is not None:  # the book's choice, of the set or the author's own SVG
        eb.add_item(epub.EpubImage(uid="ornament", file_name=ORNAMENT, media_type="image/svg+xml",
                                   content=ornament.data))
    return css


def _fonts(eb: epub.EpubBook, book: Book, css: epub.EpubItem, store: Cache) -> None:
    """The design's fonts, subset to what the pages show, and their @font-face rules at the
    head of the stylesheet every page links (so no page needs a second <link>)."""
    if not book.style.embed_fonts:
        return  # before reading every page for its characters
    pages = [item.content for item in eb.get_items() if item.media_type == XHTML_TYPE]
    embedded = fonts.embedded(book, fonts.shown_text(pages), store)
    for f in embedded.files:
        eb.add_item(epub.EpubItem(uid=_uid("font", f.name), file_name=f.name,
                                  media_type=fonts.MEDIA_TYPE, content=f.data))
    if embedded.css:  # after @namespace, which CSS wants before any other rule
        head, sep, rest = css.content.partition(b"@namespace")
        if sep:
            line, _, rest = rest.partition(b"\n")
            head += sep + line + b"\n"
        css.content = head + embedded.css.encode("utf-8") + b"\n" + rest


def _own_stylesheet(eb: epub.EpubBook, own: overrides.Stylesheet) -> None:
    """The author's stylesheet and the fonts it loads, under assets/ as in the book folder,
    so that its relative URLs hold in the EPUB as they are."""
    eb.add_item(epub.EpubItem(uid="own-css", file_name=own.href, media_type="text/css",
                              content=own.data))
    for name, (path, media_type) in sorted(own.fonts.items()):
        eb.add_item(epub.EpubItem(uid=_uid("own-font", name), file_name=overrides.label(name),
                                  media_type=media_type, content=path.read_bytes()))


def _images(book: Book, docs: list[Document], problems: Problems, store: Cache) -> dict:
    """One rendition per source image, however often it is used; img src rewritten to it."""
    out: dict[str, images.Rendition] = {}
    taken: dict[str, str] = {}  # name in the EPUB → the author's path that has it
    for doc in docs:
        for src in doc.images:
            if src in out or REMOTE.match(src):
                continue  # remote ones are reported by the converter
            rendition = _rendition(book, doc, src, problems, store)
            if rendition is None:
                continue
            if taken.setdefault(rendition.name, src) != src:
                problems.add(f"image {unquote(src)} would get the same name in the EPUB "
                             f"({rendition.name}) as {unquote(taken[rendition.name])}; rename one",
                             doc.section.source, _line(doc, src))
                continue
            out[src] = rendition
        if doc.images:
            doc.rewrite(lambda el: _src(el, out))
    return out


def _line(doc: Document, src: str) -> int | None:
    """Pandoc percent-encodes image paths (a space is %20); the author wrote them plainly."""
    return line_of(doc.section.text, src) or line_of(doc.section.text, unquote(src))


def _src(el, renditions: dict) -> bool:
    """An <img> pointed at its rendition in the EPUB."""
    rendition = renditions.get(el.get("src")) if el.tag == IMG else None
    if rendition is None:
        return False
    el.set("src", rendition.name)
    return True


def _rendition(book: Book, doc: Document, written: str, problems: Problems, store: Cache):
    where = doc.section.source
    line = _line(doc, written)
    src = unquote(written)
    try:
        path = images.locate(book.root, src)
    except ValueError as e:
        problems.add(str(e), where, line)
        return None
    try:
        name = images.epub_name(src)
        return _cached(store, ("image", name, path.read_bytes()),
                       lambda: images.rendition(path, name, f"assets/{src}"))
    except BookError as e:
        for p in e.problems:
            problems.add(p.message, where, line)
        return None
    except OSError as e:
        problems.add(f"image {src}: cannot read it ({e.strerror})", where, line)
        return None


def _cover(book: Book, renditions: dict, problems: Problems, store: Cache) -> images.Rendition:
    meta = book.metadata
    if meta.cover:
        try:
            path = inside(book.root, meta.cover, "assets")
        except UnsafePath as e:
            problems.add(f"cover: {e}", "manuscript/book.yaml")
            return None
        if not path.is_file():
            problems.add(f"cover: assets/{meta.cover} not found", "manuscript/book.yaml")
            return None
        try:
            name = images.epub_name(meta.cover)
            return _cached(store, ("cover", name, path.read_bytes()),
                           lambda: images.cover_rendition(path, name, f"assets/{meta.cover}"))
        except BookError as e:
            problems.items.extend(e.problems)
            return None
    taken = {r.name for r in renditions.values()}
    name = "images/cover.jpg" if "images/cover.jpg" not in taken else "images/cover-generated.jpg"
    parts = ("generated-cover", name, generated_cover.fingerprint(meta))
    return _cached(store, parts, lambda: images.Rendition(
        name, generated_cover.cover_jpeg(meta), "image/jpeg", *generated_cover.SIZE))


def _cached(store: Cache, parts: tuple, make) -> images.Rendition:
    """Pillow work is done once per image content, not once per build."""
    key = cache.key(*parts)
    meta, data = store.get_json("image-meta", key), store.get_bytes("image-data", key)
    if meta is not None and data is not None:
        return images.Rendition(data=data, **meta)
    rendition = make()
    store.put_bytes("image-data", key, rendition.data)
    store.put_json("image-meta", key, {"name": rendition.name, "media_type": rendition.media_type,
                                       "width": rendition.width, "height": rendition.height})
    return rendition


def _metadata(eb: epub.EpubBook, book: Book, docs: list[Document],
              page_source: str | None = None, has_index: bool = False) -> None:
    meta = book.metadata
    eb.set_identifier(meta.identifier)
    eb.set_language(meta.language)
    eb.title = meta.title
    eb.add_metadata("DC", "title", meta.title, {"id": "title"})
    eb.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if meta.subtitle:
        eb.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        eb.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle",
                                                   "property": "title-type"})
    for i, c in enumerate(meta.contributors, 1):
        element = "creator" if c.role == "author" else "contributor"
        eb.add_metadata("DC", element, c.name, {"id": f"contributor{i}"})
        eb.add_metadata(None, "meta", c.marc, {"refines": f"#contributor{i}", "property": "role",
                                               "scheme": "marc:relators"})
    for key in ("publisher", "date", "rights", "description", "source"):
        if getattr(meta, key):
            eb.add_metadata("DC", key, getattr(meta, key))
    for subject in meta.subjects:
        eb.add_metadata("DC", "subject", subject)
    if meta.series:
        eb.add_metadata(None, "meta", meta.series, {"property": "belongs-to-collection",
                                                    "id": "series"})
        eb.add_metadata(None, "meta", "series", {"refines": "#series",
                                                 "property": "collection-type"})
        if meta.series_index is not None:
            eb.add_metadata(None, "meta", f"{meta.series_index:g}",
                            {"refines": "#series", "property": "group-position"})
        # calibre, and Kobo through it, read the series from these (EPUB 2 style, but valid).
        eb.add_metadata(None, "meta", "", {"name": "calibre:series", "content": meta.series})
        if meta.series_index is not None:
            eb.add_metadata(None, "meta", "", {"name": "calibre:series_index",
                                               "content": f"{meta.series_index:g}"})
    # Kindle and EPUB 2 readers find the cover through this.
    eb.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    content = accessibility.Content(
        images=sum(d.image_count for d in docs),
        math=any(d.has_math for d in docs),
        tables=any(d.has_tables for d in docs),
        page_breaks=page_source is not None, index=has_index)
    for prop, value in accessibility.properties(content, meta.accessibility_evaluator):
        attrs = {"property": prop}
        if prop == "schema:accessibilitySummary" and not meta.language.lower().startswith("en"):
            attrs[XML_LANG] = "en"  # written in English whatever the book's language
        eb.add_metadata(None, "meta", value, attrs)
    if page_source is not None:  # the edition the page list follows (EPUB Accessibility 1.1)
        eb.add_metadata(None, "meta", page_source, {"property": "pageBreakSource"})


def _toc(docs: list[Document], depth: int = 2) -> list:
    """(title, href, children) trees: each section, and its headings down to `depth`.

    A second top-level heading in a file is listed beside the section, not under it."""
    entries: list = []
    for doc in docs:
        href = doc.section.file_name
        headings = [h for h in doc.headings if not h.quoted]
        top = headings[0].level if headings else 1
        entry = (doc.title, href, [])
        entries.append(entry)
        stack = [(top, entry)]
        for h in headings[1:]:
            level = h.level - top + 1
            if level > depth or not (h.id and h.text):
                continue
            while stack and stack[-1][0] >= h.level:
                stack.pop()
            node = (h.text, f"{href}#{h.id}", [])
            (stack[-1][1][2] if stack else entries).append(node)
            stack.append((h.level, node))
    return entries


def _front_pages(meta: Metadata) -> list:
    """The generated pages the contents list before the book's own sections."""
    return [(meta.labels["titlepage"], "titlepage.xhtml", []),
            (meta.labels["copyright"], "copyright.xhtml", [])]


def _ncx_toc(entries: list) -> list:
    def node(title, href, children, uid):
        link = epub.Link(href, title, uid)
        if not children:
            return link
        return (link, [node(t, h, c, f"{uid}-{i}") for i, (t, h, c) in enumerate(children, 1)])
    return [node(t, h, c, f"nav-{i}") for i, (t, h, c) in enumerate(entries, 1)]


def _landmarks(meta: Metadata, docs: list[Document]) -> list[tuple[str, str, str]]:
    labels = meta.labels
    marks = [("cover", "cover.xhtml", labels["cover"]),
             ("titlepage", "titlepage.xhtml", labels["titlepage"]),
             ("copyright-page", "copyright.xhtml", labels["copyright"]),
             ("toc", "nav.xhtml#toc", labels["contents"])]
    body = next((d for d in docs if d.section.kind == "chapter"), docs[0] if docs else None)
    if body is not None:
        marks.append(("bodymatter", body.section.file_name, labels["start"]))
    return marks
