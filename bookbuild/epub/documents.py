"""The XHTML documents of the EPUB: sections from pandoc, and the pages we generate."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources
from string import Template

from bookbuild.book.language import right_to_left
from bookbuild.book.model import Metadata
from bookbuild.convert.html import Document

MATTER = {"front": "frontmatter", "chapter": "bodymatter", "back": "backmatter"}
# DPUB-ARIA roles for the semantic types that have one.
ARIA = {t: f"doc-{t}" for t in (
    "chapter", "dedication", "epigraph", "foreword", "preface", "introduction", "prologue",
    "acknowledgments", "afterword", "epilogue", "appendix", "glossary", "bibliography",
    "colophon", "conclusion")}
ARIA["acknowledgements"] = "doc-acknowledgments"
ROLE_TYPE = {"acknowledgements": "acknowledgments", "notes": "rearnotes"}
# The stylesheets every page links, in order: bookbuild's own first, the author's
# (assets/styles/ebook.css) last, so that its rules win.
BUILT_IN = ("css/book.css",)


@cache
def template(name: str) -> Template:
    return Template(resources.files("bookbuild.epub").joinpath("templates", name).read_text("utf-8"))


def text_dir(lang: str) -> str:
    return ' dir="rtl"' if right_to_left(lang) else ""


def links(sheets: tuple[str, ...]) -> str:
    return "\n".join(f'<link rel="stylesheet" type="text/css" href="{escape(href)}"/>'
                     for href in sheets)


def page(meta: Metadata, title: str, content: str, matter: str, body_class: str,
         section_type: str | None = None, role: str | None = None,
         label: str | None = None, sheets: tuple[str, ...] = BUILT_IN) -> bytes:
    attrs = ""
    if section_type:
        attrs += f' epub:type="{section_type}"'
    if role:
        attrs += f' role="{role}"'
    if label:
        attrs += f' aria-label="{escape(label)}"'
    xhtml = template("page.xhtml").substitute(
        lang=meta.language, dir=text_dir(meta.language), title=escape(title), content=content,
        matter=matter, body_class=body_class, section_attrs=attrs, stylesheets=links(sheets))
    return xhtml.encode("utf-8")


def section_page(meta: Metadata, doc: Document, sheets: tuple[str, ...] = BUILT_IN) -> bytes:
    s = doc.section
    kind = ROLE_TYPE.get(s.role, s.role) if s.role else None
    heading = doc.headings[0] if doc.headings else None
    return page(meta, doc.title, doc.xhtml, MATTER[s.kind], s.kind, kind,
                ARIA.get(s.role or ""), label=None if heading else doc.title, sheets=sheets)


def cover_page(meta: Metadata, src: str, sheets: tuple[str, ...] = BUILT_IN) -> bytes:
    alt = meta.labels["cover_alt"].format(title=meta.title, author=meta.author_line)
    content = template("cover.xhtml").substitute(src=escape(src), alt=escape(alt))
    label = meta.labels["cover"]
    return page(meta, label, content, "cover", "cover", "cover", label=label, sheets=sheets)


def title_page(meta: Metadata, sheets: tuple[str, ...] = BUILT_IN, markers: str = "") -> bytes:
    """`markers`: the print edition's page breaks of the pages before the book's own text
    (half-title, title page, copyright page, contents)."""
    lines = []
    authors = [c.name for c in meta.authors]
    lines.append(f'<p class="author">{escape(meta.author_line)}</p>' if authors else "")
    for c in meta.contributors:
        if c.role != "author":
            lines.append(f"<p>{escape(meta.credit(c))}</p>")
    content = template("titlepage.xhtml").substitute(
        title=escape(meta.title),
        subtitle=f'<p class="subtitle">{escape(meta.subtitle)}</p>' if meta.subtitle else "",
        contributors="\n".join(line for line in lines if line),
        publisher=f'<p class="publisher">{escape(meta.publisher)}</p>' if meta.publisher else "")
    return page(meta, meta.title, markers + content, "frontmatter", "titlepage", "titlepage",
                label=meta.labels["titlepage"], sheets=sheets)


def copyright_page(meta: Metadata, sheets: tuple[str, ...] = BUILT_IN) -> bytes:
    words = meta.labels
    title = f"<i>{escape(meta.title)}</i>"
    if meta.subtitle:
        title = escape(words["subtitle"]).format(title, escape(meta.subtitle))
    lines = [f"<p>{title}<br/>{escape(words['by'].format(meta.author_line))}</p>"]
    for c in meta.contributors:
        if c.role != "author":
            lines.append(f"<p>{escape(meta.credit(c))}</p>")
    if meta.rights:
        lines.append(f"<p>{escape(meta.rights)}</p>")
    if meta.publisher or meta.date:
        imprint = words["list_sep"].join(x for x in (meta.publisher, meta.reader_date) if x)
        lines.append(f"<p>{escape(imprint)}</p>")
    if meta.printed_identifier:
        lines.append(f"<p>{escape(meta.printed_identifier)}</p>")
    if meta.source:
        # Only a web address is a link; a citation ("Project Gutenberg EBook #12345") is text.
        where = escape(meta.source)
        if meta.source_url:
            where = f'<a href="{where}">{where}</a>'
        lines.append(f"<p>{escape(words['source']).format(where)}</p>")
    lines.append(f"<p>{escape(words['made_with'])}</p>")
    content = template("copyright.xhtml").substitute(lines="\n".join(lines))
    label = meta.labels["copyright"]
    return page(meta, label, content, "frontmatter", "copyright", "copyright-page", label=label,
                sheets=sheets)


def nav_page(meta: Metadata, entries: list, landmarks: list[tuple[str, str, str]],
             sheets: tuple[str, ...] = BUILT_IN, pages: list[tuple[str, str]] = ()) -> bytes:
    """entries: (title, href, children) trees; landmarks: (epub:type, href, label);
    pages: (print page label, href) of the page list, when the book has one."""
    items = "\n".join(
        f'<li><a epub:type="{t}" href="{escape(h)}">{escape(label)}</a></li>'
        for t, h, label in landmarks)
    return template("nav.xhtml").substitute(
        lang=meta.language, dir=text_dir(meta.language), contents=escape(meta.labels["contents"]),
        landmarks=escape(meta.labels["landmarks"]), toc=_toc_list(entries), landmark_items=items,
        stylesheets=links(sheets), page_list=_page_list(meta, pages)).encode("utf-8")


def _page_list(meta: Metadata, pages: list[tuple[str, str]]) -> str:
    if not pages:
        return ""
    items = "\n".join(f'<li><a href="{escape(h)}">{escape(label)}</a></li>' for label, h in pages)
    title = escape(meta.labels["page_list"])
    return (f'<nav epub:type="page-list" id="page-list" role="doc-pagelist" hidden="hidden" '
            f'aria-label="{title}">\n<h2>{title}</h2>\n<ol>\n{items}\n</ol>\n</nav>\n')


def _toc_list(entries: list) -> str:
    out = ["<ol>"]
    for title, href, children in entries:
        sub = _toc_list(children) if children else ""
        out.append(f'<li><a href="{escape(href)}">{escape(title)}</a>{sub}</li>')
    out.append("</ol>")
    return "\n".join(out)
