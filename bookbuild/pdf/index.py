"""Print's index: Typst markup for the index pages, in two columns, each group under its
letter, sub-entries indented, each page number a link to the place a term is marked."""

from __future__ import annotations

import re
from pathlib import Path

from bookbuild.book import index as model
from bookbuild.book.collation import LETTER, SYMBOLS
from bookbuild.book.model import Book, Section
from bookbuild.pdf import source
from bookbuild.pdf.source import typst_string

INDENT = "1em"  # a sub-entry's step in, and a long entry's run-over lines'


def markup(built: model.Index, labels: dict[str, str], pages: dict[tuple[str, str], str],
           prefixes: dict[str, str]) -> str:
    """The index as Typst: `pages`, (section, anchor) → its page label; `prefixes`, section
    name → its labels' prefix ("s3--"). A mark that reached no page is left out (see
    book.index.unplaced, which says so)."""
    groups = "\n".join(_group(g, labels, pages, prefixes) for g in built.groups)
    return (f"#heading(level: 1)[{_text(labels['index'])}]\n"
            f"#columns(2, gutter: 2em)[\n{groups}\n]\n")


def _group(group, labels, pages, prefixes) -> str:
    heading = {LETTER: group.letter, SYMBOLS: labels["index_symbols"]}.get(
        group.kind, labels["index_other"])
    # A letter never ends a column alone: it sticks to its first entry.
    lines = [f"#block(sticky: true, above: 1.2em, below: 0.6em)[#strong[{_text(heading)}]]"]
    for entry in group.members:
        lines += _entry(entry, 0, labels, pages, prefixes)
    return "\n".join(lines)


def _entry(entry: model.Entry, depth: int, labels, pages, prefixes) -> list[str]:
    parts = [_text(entry.term)]
    places = ", ".join(_locator(loc, prefixes) for loc in model.locators(entry.occurrences, pages))
    if places:
        parts.append(", " + places)
    for targets, word in ((entry.see, labels["index_see"]), (entry.see_also,
                                                            labels["index_see_also"])):
        if targets:
            lead = word.capitalize() if word[:1].isalpha() else word
            parts.append(f". #emph[{_text(lead)}] " + "; ".join(_text(", ".join(t))
                                                               for t in targets))
    left = f"{depth}em" if depth else "0pt"
    line = (f"#pad(left: {left})[#par(hanging-indent: {INDENT}, first-line-indent: 0pt, "
            f"justify: false)[{''.join(parts)}]]")
    out = [line]
    for sub in entry.subentries:
        out += _entry(sub, depth + 1, labels, pages, prefixes)
    return out


def _locator(loc: model.Locator, prefixes: dict[str, str]) -> str:
    first = _link(*loc.first, prefixes)
    return first if loc.last is None else f"{first}–{_link(*loc.last, prefixes)}"


def _link(label: str, where: model.Occurrence, prefixes: dict[str, str]) -> str:
    target = typst_string(prefixes.get(where.section, "") + where.anchor)
    return f"#link(label({target}))[{_text(label)}]"


def _text(words: str) -> str:
    """Words as Typst markup reads them literally."""
    return f"#{typst_string(words)}"


# ── In the print build (interior.py) ───────────────────────────────────────────────────

def back_matter(book: Book, parts: list[source.Part]) -> source.Part:
    """The print index, set as the last back-matter section; each place a term marks becomes
    a target whose page its job reports. Its text is written for each pass (`write`)."""
    for p in parts:
        for label in labels_of([p]):
            if label not in p.targets:
                p.targets.append(label)
    title = book.metadata.labels["index"]
    section = Section("back", SECTION, SECTION, "")
    return source.Part(section, len(book.sections), "", title=title, opens_with_heading=True,
                       outline=[(1, "#" + source.typst_string(title))], targets=[START])


SECTION = "bb-index"  # no section of the book's own is named so (they are kind-NN-name)
START = "bb-index-start"  # the index's heading: where the EPUB's index page begins


def labels_of(parts: list[source.Part]):
    """The labels of the places the sections' marks index."""
    for part in parts:
        for mark in part.index_marks:
            if mark.get("id"):
                yield part.prefix + mark["id"]


def pages_of(parts: list[source.Part], refs: dict[str, str]) -> dict[tuple[str, str], str]:
    """(section, anchor) → printed page, from the labels' pages (`refs`)."""
    return {(p.section.name, m["id"]): refs[p.prefix + m["id"]] for p in parts
            for m in p.index_marks if m.get("id") and p.prefix + m["id"] in refs}


def write(file: Path, part: source.Part, built: model.Index, book: Book,
          parts: list[source.Part], refs: dict[str, str]) -> None:
    """The index with the pages the last pass found, into its section's Typst `file`; its
    links go into other jobs."""
    prefixes = {p.section.name: p.prefix for p in parts}
    text = markup(built, book.metadata.labels, pages_of(parts, refs), prefixes)
    heading, _, rest = text.partition("\n")
    text = f"{heading} <{START}>\n{rest}"
    part.text = _LABEL_LINK.sub(
        lambda m: f"#link({source.typst_string(source.DEST + source.unquoted(m.group(1)))})",
        text)
    file.write_text('#import "/bookbuild/book.typ": *\n' + part.text, "utf-8")


_LABEL_LINK = re.compile(r'#link\(label\(("(?:[^"\\]|\\.)*")\)\)')
