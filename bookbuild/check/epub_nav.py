"""Navigation: the nav document and the NCX agree with each other and with the headings."""

from __future__ import annotations

from bookbuild.check.epub_docs import Facts, facts
from bookbuild.check.epub_file import EpubFile, text_of
from bookbuild.check.registry import Hit, rule
from bookbuild.support.xml import EPUB_NS, NCX_NS

EPUB_TYPE = f"{{{EPUB_NS}}}type"
# Generated pages whose heading is the book's title, not the label the contents give them.
UNNAMED_PAGES = {"titlepage", "halftitlepage", "copyright-page", "cover", "toc"}


def toc_links(epub: EpubFile) -> list[tuple[str, str, str, int]]:
    """(label, zip path, fragment, line) of every link in the nav's toc."""
    if "toc-links" not in epub.cache:
        epub.cache["toc-links"] = _toc_links(epub)
    return epub.cache["toc-links"]


def _toc_links(epub: EpubFile) -> list[tuple[str, str, str, int]]:
    if not epub.nav_path:
        return []
    root = epub.xml(epub.nav_path)
    if root is None:
        return []
    out = []
    for nav in root.iter("{*}nav"):
        if "toc" not in (nav.get(EPUB_TYPE) or "").split():
            continue
        for a in nav.iter("{*}a"):
            target = epub.resolve(epub.nav_path, a.get("href") or "")
            if target:
                out.append((text_of(a), target[0], target[1], a.sourceline))
    return out


@rule("EPUB-NAV-001", "error", "put an <ol> of links in <nav epub:type=\"toc\">", "epub")
def toc_present(epub: EpubFile):
    """The nav document has a table of contents with at least one link."""
    if not epub.nav_path or epub.nav_path not in epub.names or epub.xml(epub.nav_path) is None:
        return  # reported by the OPF and XML rules
    root = epub.xml(epub.nav_path)
    tocs = [n for n in root.iter("{*}nav") if "toc" in (n.get(EPUB_TYPE) or "").split()]
    if not tocs:
        yield Hit("the navigation document has no <nav epub:type=\"toc\">", epub.nav_path)
    elif not toc_links(epub):
        yield Hit("the table of contents has no entries", epub.nav_path, tocs[0].sourceline)


def _page(epub: EpubFile, path: str) -> Facts | None:
    """The facts of an entry that parsed, or None."""
    if path not in epub.names:
        return None
    found = facts(epub, path)
    return found if found.parsed else None


@rule("EPUB-NAV-002", "warning",
      "give the section a heading, or check that it is listed in the contents", "epub")
def headings_in_toc(epub: EpubFile):
    """Every linear spine document that opens with a heading is in the table of contents."""
    if not epub.nav_path or epub.xml(epub.nav_path) is None:
        return
    listed = {path for _label, path, _frag, _line in toc_links(epub)}
    for idref, el in epub.spine:
        item = epub.manifest.get(idref)
        if not item or item.path == epub.nav_path or el.get("linear") == "no":
            continue
        page = _page(epub, item.path)
        if page is None or item.path in listed or page.page_types & UNNAMED_PAGES:
            continue
        if page.first_heading is not None:
            text, line = page.first_heading
            yield Hit(f"{item.path} opens with the heading “{text}” but is not in the table "
                      f"of contents", item.path, line, needle=text)


@rule("EPUB-NAV-003", "warning", "let the contents use the heading's own words", "epub")
def labels_match_headings(epub: EpubFile):
    """A contents entry reads the same as the heading it points at, or as its title after
    a number or label ("Chapter One" over the title): contents lists often leave those out."""
    for label, path, fragment, line in toc_links(epub):
        page = _page(epub, path)
        if page is None:
            continue
        if fragment:
            heading = page.headings.get(fragment)
        elif page.page_types & UNNAMED_PAGES or page.first_heading is None:
            continue
        else:
            heading = page.first_heading[0]
        if heading and not heading.casefold().endswith(label.casefold()):
            yield Hit(f"the contents entry “{label}” points at the heading “{heading}”",
                      epub.nav_path, line, needle=heading)


@rule("EPUB-NAV-004", "warning", "generate the NCX from the same entries as the nav document",
      "epub")
def ncx_matches_nav(epub: EpubFile):
    """The NCX (for EPUB 2 readers) lists the same targets as the nav, in the same order."""
    if not epub.ncx_path or not epub.nav_path:
        return
    root = epub.xml(epub.ncx_path)
    if root is None or epub.xml(epub.nav_path) is None:
        return
    ncx = []
    nav_map = root.find(f"{{{NCX_NS}}}navMap")  # its pageList is the nav's page-list's
    for content in (nav_map if nav_map is not None else root).iter(f"{{{NCX_NS}}}content"):
        target = epub.resolve(epub.ncx_path, content.get("src") or "")
        if target:
            ncx.append(target[0] + ("#" + target[1] if target[1] else ""))
    nav = [p + ("#" + f if f else "") for _l, p, f, _line in toc_links(epub)]
    if ncx != nav:
        missing = [t for t in nav if t not in ncx]
        extra = [t for t in ncx if t not in nav]
        detail = (f"missing from the NCX: {', '.join(missing[:3])}" if missing
                  else f"only in the NCX: {', '.join(extra[:3])}" if extra
                  else "same entries in another order")
        yield Hit(f"the NCX and the nav document disagree ({detail})", epub.ncx_path)


@rule("EPUB-NAV-005", "error", "set the NCX's dtb:uid to the package's unique identifier", "epub")
def ncx_uid(epub: EpubFile):
    """The NCX's dtb:uid matches the package identifier."""
    if not epub.ncx_path or epub.opf is None:
        return
    root = epub.xml(epub.ncx_path)
    if root is None:
        return
    uid = next((m.get("content") for m in root.iter(f"{{{NCX_NS}}}meta")
                if m.get("name") == "dtb:uid"), None)
    ident = next((el.text or "" for el in epub.metadata("identifier")
                  if el.get("id") == epub.opf.get("unique-identifier")), None)
    if uid is not None and ident is not None and uid.strip() != ident.strip():
        yield Hit(f"dtb:uid {uid!r} differs from the package identifier {ident.strip()!r}",
                  epub.ncx_path)


@rule("EPUB-NAV-006", "warning", "order the contents as the spine is ordered", "epub")
def toc_in_spine_order(epub: EpubFile):
    """The contents list documents in reading (spine) order."""
    order = {}
    for idref, _el in epub.spine:
        item = epub.manifest.get(idref)
        if item and item.path:
            order.setdefault(item.path, len(order))
    last, last_label = -1, ""
    for label, path, _frag, line in toc_links(epub):
        pos = order.get(path)
        if pos is None:
            continue
        if pos < last:
            yield Hit(f"“{label}” comes after “{last_label}” in the contents but before it "
                      f"in the reading order", epub.nav_path, line)
            return
        last, last_label = pos, label
