"""XML and XHTML: well-formed, safe, unique ids, consistent languages."""

from __future__ import annotations

from lxml import etree

from bookbuild.book.config import _LANGTAG
from bookbuild.check.epub_docs import Doc, documents
from bookbuild.check.epub_file import EpubFile, local
from bookbuild.check.epub_ocf import UNSAFE_NAME
from bookbuild.check.registry import Hit, rule
from bookbuild.support.xml import XML_LANG

XML_SUFFIXES = (".xhtml", ".html", ".htm", ".opf", ".ncx", ".xml", ".svg", ".smil")


def xml_entries(epub: EpubFile) -> list[str]:
    return [i.filename for i in epub.infos
            if i.filename.lower().endswith(XML_SUFFIXES) and not UNSAFE_NAME.search(i.filename)
            and not epub.bomb(i.filename)]


@rule("EPUB-XML-001", "error", "fix the markup (often raw HTML in the Markdown)", "epub")
def well_formed(epub: EpubFile):
    """Every XML file (XHTML, SVG, OPF, NCX, container) is well-formed, and not nested past
    what the parser reads."""
    for name, (kind, message, line) in _problems(epub):
        if kind == "not-well-formed":
            yield Hit(f"not well-formed XML: {message}", name, line)
        elif kind == "too-deep":
            yield Hit(message, name, line)


@rule("EPUB-XML-002", "error",
      "remove the DOCTYPE's entity declarations and any DTD EPUB does not name", "epub")
def no_entity_declarations(epub: EpubFile):
    """No XML file declares entities (external entities, entity expansion); never resolved."""
    for name, (kind, message, line) in _problems(epub):
        if kind == "unsafe-xml":
            yield Hit(message, name, line)


def _problems(epub: EpubFile) -> list[tuple[str, tuple[str, str, int | None]]]:
    """(entry, (kind, message, line)) of every XML entry that could not be parsed; content
    documents from their cached facts, the rest parsed here."""
    if "xml-problems" not in epub.cache:
        content = {item.path: f.problem for item, f in documents(epub)}
        found = []
        for name in xml_entries(epub):
            if name in content:
                problem = content[name]
            else:
                epub.xml(name)
                p = epub.problems.get(name)
                problem = (p.kind, p.message, p.line) if p else None
            if problem:
                found.append((name, problem))
        epub.cache["xml-problems"] = found
    return epub.cache["xml-problems"]


WITH_ID = etree.XPath("//*[@id]")
WITH_LANG = etree.XPath("//@lang/.. | //@xml:lang/..")  # in document order, each once


@rule("EPUB-XHTML-001", "error", "give each element its own id; ids must be unique in a file",
      "epub", scope="document")
def unique_ids(doc: Doc):
    """Ids are unique within each content document."""
    seen: dict[str, int] = {}
    for el in WITH_ID(doc.root):
        id_ = el.get("id")
        if id_ in seen:
            yield Hit(f"id {id_!r} is used twice (first on line {seen[id_]})", doc.path,
                      el.sourceline, needle=f"#{id_}")
        else:
            seen[id_] = el.sourceline


@rule("EPUB-XHTML-002", "error", "use one well-formed language tag; lang and xml:lang agree",
      "epub", scope="document")
def lang_attributes(doc: Doc):
    """lang and xml:lang are well-formed and agree wherever both are given."""
    for el in WITH_LANG(doc.root):
        lang, xml_lang = el.get("lang"), el.get(XML_LANG)
        for tag in sorted({t for t in (lang, xml_lang) if t}):
            if not _LANGTAG.match(tag):
                yield Hit(f"lang {tag!r} is not a well-formed BCP 47 tag", doc.path,
                          el.sourceline, needle=tag)
        if lang and xml_lang and lang.lower() != xml_lang.lower():
            yield Hit(f"<{local(el)}> has lang={lang!r} but xml:lang={xml_lang!r}",
                      doc.path, el.sourceline)


@rule("EPUB-XHTML-003", "warning", "set `language:` in book.yaml; every page takes it from there",
      "epub")
def document_language(epub: EpubFile):
    """Each content document declares its language, the same as the book's dc:language."""
    book = next((el.text.strip() for el in epub.metadata("language") if el.text), None)
    if book and not _LANGTAG.match(book):
        book = None  # malformed: EPUB-OPF-007 says so, once
    unlabelled, other = [], {}
    for item, facts in documents(epub):
        if not facts.parsed:
            continue
        lang = facts.lang
        if not lang:
            unlabelled.append(item.path)
        elif book and lang.split("-")[0].lower() != book.split("-")[0].lower():
            other.setdefault(lang, []).append(item.path)
    if unlabelled:
        yield Hit(f"{_pages(unlabelled)} no lang/xml:lang on <html>; screen readers guess the "
                  f"language", unlabelled[0])
    for lang, paths in other.items():
        yield Hit(f"{_pages(paths)} the language {lang!r}, the book {book!r}", paths[0])


def _pages(paths: list[str]) -> str:
    return f"{paths[0]} has" if len(paths) == 1 else f"{len(paths)} pages ({paths[0]}, …) have"


@rule("EPUB-XHTML-004", "warning", "give each page a <title> (the section's heading)", "epub",
      scope="document")
def has_title(doc: Doc):
    """Each content document has a non-empty <title>."""
    title = next(doc.root.iter("{*}title"), None)
    if title is None or not "".join(title.itertext()).strip():
        yield Hit("the page has no <title>, or an empty one", doc.path, doc.root.sourceline)
