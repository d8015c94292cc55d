"""References across the sections of a book, as they work when the book is one document.

Link reference definitions (`[Haskell]: https://www.haskell.org`) for the whole book, and the
ids pandoc gives repeated headings in one document (`#reader-options-1`).

In one Markdown document a definition serves every link that names it. A book split into one
file per chapter keeps that meaning: each section is converted with the definitions of the
other sections appended, after its own text, so its line numbers do not move. Its own
definitions win, as pandoc takes the first of two.
"""

from __future__ import annotations

import re

# A definition line: up to three spaces, [label]:, a destination (CommonMark §4.7).
_DEFINITION = re.compile(r"^ {0,3}\[((?:[^\]\\]|\\.){1,999})\]:[ \t]*(?:<[^>\n]*>|\S+).*$",
                         re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def label(text: str) -> str:
    """A label as Markdown matches it: case folded, inner white space collapsed."""
    return " ".join(text.split()).casefold()


def definitions(markdown: str) -> dict[str, str]:
    """label → its whole definition line, outside fenced code; the first one of a label."""
    found: dict[str, str] = {}
    for line in outside_fences(markdown):
        m = _DEFINITION.match(line)
        if m and not line.startswith(("    ", "\t")) and label(m.group(1)) not in found:
            found[label(m.group(1))] = line.strip()
    return found


def outside_fences(markdown: str, state: dict | None = None):
    """The lines outside fenced code; `state["open"]` says whether a fence is left open."""
    fence = None
    for line in markdown.splitlines():
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)[0] * len(m.group(1))
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is None:
            yield line
    if state is not None:
        state["open"] = fence is not None


def book_wide(texts: list[str]) -> list[str]:
    """Each text with the definitions only other texts hold appended (first one wins)."""
    own = [definitions(t) for t in texts]
    everyone: dict[str, str] = {}
    for defs in own:
        for key, line in defs.items():
            everyone.setdefault(key, line)
    out = []
    for text, defs in zip(texts, own):
        missing = [line for key, line in everyone.items() if key not in defs]
        state: dict = {}
        for _ in outside_fences(text, state):
            pass
        if missing and not state["open"]:  # after an unclosed fence they would be code
            text = text + "\n\n" + "\n".join(missing) + "\n"
        out.append(text)
    return out


def one_document_ids(ids: list[list[str]]) -> dict[str, tuple[int, str]]:
    """`x-1`, `x-2`… → (section index, `x`): in one document pandoc numbers the second and
    later headings of the same text; split into sections, each of them is `x` in its own
    file. Only names no section has itself are given."""
    taken = {i for section in ids for i in section}
    holders: dict[str, list[int]] = {}
    for n, section in enumerate(ids):
        for id_ in dict.fromkeys(section):
            holders.setdefault(id_, []).append(n)
    out: dict[str, tuple[int, str]] = {}
    for id_, found in holders.items():
        for k, n in enumerate(found[1:], start=1):
            alias = f"{id_}-{k}"
            if alias not in taken:
                out[alias] = (n, id_)
    return out


def _hyphens(id_: str) -> str:
    return re.sub(r"-{2,}", "-", id_).strip("-")


def same_id(wanted: str, ids) -> str | None:
    """`wanted` among `ids`, or the one id it means as GitHub and mdBook spell heading ids
    (they keep the hyphens around a dropped `+`: `with--or-format`; pandoc does not)."""
    if wanted in ids:
        return wanted
    found = [i for i in ids if _hyphens(i) == _hyphens(wanted)]
    return found[0] if len(found) == 1 else None
