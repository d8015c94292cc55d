"""Cross-references in the EPUB: `@id` and `[see @id]` made into links that name the page.

normalize.lua leaves each one as `<a class="bb-xref" href="#id" data-xref-form=… data-xref-cite=…>`
(pandoc adds data- to attributes HTML does not have; `form` it has, so it is xref-form);
here its words are written, as print writes them (pdf/source.py): `[@id]` gives the target's
title and its print page ("*Bearings*, page 42"), `@id` the page alone ("page 42"). The page
is the print edition's, so it is the same number the page list and the PDF show; without a
page list (`page_list: false`) the title stands alone. A key that no heading or element of
the book has (a bibliography's `[@smith2020]`) keeps the words as written, with a warning.
"""

from __future__ import annotations

from lxml import etree

from bookbuild.convert.html import Document, id_owners, line_of, page_words, q, xref_not_found
from bookbuild.support.diagnostics import Diagnostic

XREF = "bb-xref"


def fill(docs: list[Document], pages: dict[tuple[str, str], str] | None,
         words: dict[str, str]) -> list[Diagnostic]:
    """Write every cross-reference's words and link; `pages`: (section name, id) → print
    page label. Returns the warnings for keys the book does not have."""
    owner = id_owners(docs)
    warnings: list[Diagnostic] = []
    for doc in docs:
        if f'class="{XREF}"' in doc.xhtml:
            doc.rewrite(lambda el, d=doc: _fill(el, d, owner, pages, words, warnings))
    return warnings


def _fill(el, doc: Document, owner: dict, pages: dict | None, words: dict[str, str],
          warnings: list[Diagnostic]) -> bool:
    if el.tag != q("a") or el.get("class") != XREF:
        return False
    target = (el.get("href") or "")[1:]
    written = el.get("data-xref-cite") or f"@{target}"
    form = el.get("data-xref-form")  # pandoc writes the link's attributes as data-
    for name in ("data-xref-cite", "data-xref-form"):
        el.attrib.pop(name, None)
    if target not in owner:
        said = xref_not_found(target, doc.section.source, line_of(doc.section.text, written),
                              form or "title")
        warnings += [said] if said else []
        _replace_with_text(el, written)
        return True
    holder, id_ = owner[target]
    el.set("href", target_href(holder, doc, id_))
    title = next((h.text for h in holder.headings if h.id == id_), "")
    page = pages.get((holder.section.name, id_)) if pages else None
    for child in list(el):
        el.remove(child)
    el.text = None
    if form == "title" and title:
        em = etree.SubElement(el, q("em"))
        em.text = title
        if page:
            before, after = page_words(words["link"], titled=True)
            em.tail = before + page + after
    elif page:
        before, after = page_words(words["page"])
        el.text = before + page + after
    else:
        el.text = title or written
    return True


def target_href(holder: Document, doc: Document, target: str) -> str:
    return f"#{target}" if holder is doc else f"{holder.section.file_name}#{target}"


def _replace_with_text(el, text: str) -> None:
    parent = el.getparent()
    before = el.getprevious()
    joined = text + (el.tail or "")
    if before is not None:
        before.tail = (before.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(el)
