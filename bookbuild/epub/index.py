"""The EPUB's index page, in the EPUB Indexes vocabulary: letter groups of entries, each
locator a link to the place a term is marked, each see and see also a link to its entry.

A locator's text is the print page it is on when the print build has told (`pages`), so the
two editions cite each other; else the entry's running number of places.
"""

from __future__ import annotations

from html import escape

from bookbuild.book import index as model
from bookbuild.book.collation import LETTER, SYMBOLS

FILE = "index.xhtml"


def page(built: model.Index, labels: dict[str, str],
         pages: dict[tuple[str, str], str] | None = None) -> tuple[str, str]:
    """(the content of the index page's <section epub:type="index" role="doc-index">, its
    title). The writer sets it as back matter in FILE."""
    ids = _entry_ids(built)
    groups = "\n".join(_group(g, labels, pages or {}, ids) for g in built.groups)
    title = labels["index"]
    return f"<h1>{escape(title)}</h1>\n{groups}", title


def _entry_ids(built: model.Index) -> dict[model.Path, str]:
    """An id for every entry, so that a see or see also can link to it."""
    ids: dict[model.Path, str] = {}

    def walk(entry: model.Entry, path: model.Path) -> None:
        ids[path] = f"index-entry-{len(ids) + 1}"
        for sub in entry.subentries:
            walk(sub, (*path, sub.term))

    for group in built.groups:
        for entry in group.members:
            walk(entry, (entry.term,))
    return ids


def _group(group, labels: dict[str, str], pages, ids) -> str:
    heading = {LETTER: group.letter, SYMBOLS: labels["index_symbols"]}.get(
        group.kind, labels["index_other"])
    items = _list(group.members, (), labels, pages, ids)
    return (f'<section epub:type="index-group">\n<h2>{escape(heading)}</h2>\n{items}\n'
            f'</section>')


def _list(entries: list[model.Entry], above: model.Path, labels, pages, ids) -> str:
    items = "\n".join(_entry(e, (*above, e.term), labels, pages, ids) for e in entries)
    return f'<ul epub:type="index-entry-list">\n{items}\n</ul>'


def _entry(entry: model.Entry, path: model.Path, labels, pages, ids) -> str:
    out = [f'<li epub:type="index-entry" id="{ids[path]}">'
           f'<span epub:type="index-term">{escape(entry.term)}</span>']
    places = _locators(entry.occurrences, pages)
    if places:
        out.append(f', <span epub:type="index-locator-list">{places}</span>')
    out += _xrefs(entry.see, "index-xref-preferred", labels["index_see"], ids)
    out += _xrefs(entry.see_also, "index-xref-related", labels["index_see_also"], ids)
    if entry.subentries:
        out.append("\n" + _list(entry.subentries, path, labels, pages, ids))
    out.append("</li>")
    return "".join(out)


def _locators(occurrences: list[model.Occurrence], pages) -> str:
    """Each place once per page: a reader who has the print page numbers gets them."""
    links, said = [], set()
    for n, o in enumerate(occurrences, 1):
        text = pages.get((o.section, o.anchor), str(n))
        if text in said:
            continue
        said.add(text)
        links.append(f'<a epub:type="index-locator" href="{escape(o.section)}.xhtml#'
                     f'{escape(o.anchor)}">{escape(text)}</a>')
    return ", ".join(links)


def _xrefs(targets: list[model.Path], kind: str, word: str, ids) -> list[str]:
    """". see Steam engines": a link where the term is indexed, its words alone where not
    (book.index has warned of it)."""
    if not targets:
        return []
    names = []
    found = {tuple(model.folded(t) for t in p): id_ for p, id_ in ids.items()}
    for path in targets:
        name = escape(", ".join(path))
        id_ = found.get(tuple(model.folded(t) for t in path))
        names.append(f'<a epub:type="{kind}" href="#{id_}">{name}</a>' if id_
                     else f'<span epub:type="{kind}">{name}</span>')
    return [f". <i>{escape(word.capitalize() if word[:1].isalpha() else word)}</i> "
            + "; ".join(names)]
