"""Curly quotes for book.yaml text, by the book's language.

Pandoc curls the manuscript's quotes; book.yaml text (title, authors, description…) never
passes through pandoc, so it is curled here, once, as it is read. The marks each language
uses come from the Unicode CLDR (data/quotes.json, written by tools/cldr_quotes.py).
A straight double quote is the language's quotation mark, a straight single quote its
alternate (inner) one, and an apostrophe is always ’. A straight quote whose direction
cannot be told (inside a word, or alone between spaces) is left as typed, and the lint
(MS-QUOTE-001) names it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

APOSTROPHE = "’"
NBSP = "\u00a0"
# Where the typesetting convention puts a no-break space inside guillemets (CLDR has no
# data for it). Swiss French sets them tight.
SPACED_GUILLEMETS = {"fr"}
TIGHT_GUILLEMETS = {"fr-ch"}
GUILLEMETS = set("«»‹›")
# What may stand right before an opening quote.
OPENERS = set("([{—–-/‘“„‚«‹「『")
_ELIDED_YEAR = re.compile(r"\d\d(?!\d)")  # '90s


@dataclass(frozen=True)
class Marks:
    open: str
    close: str
    inner_open: str
    inner_close: str
    spaced: bool = False  # a no-break space inside guillemets


@cache
def _table() -> dict:
    text = resources.files("bookbuild.book.data").joinpath("quotes.json").read_text("utf-8")
    return json.loads(text)


def marks_for(language: str) -> Marks:
    """The quotation marks of a BCP 47 language tag: the tag's own CLDR entry, else that of
    the tag less its last subtag, and so on, else CLDR's root (“ ” ‘ ’)."""
    table = _table()
    known = {tag.lower(): value for tag, value in table["languages"].items()}
    parts = language.lower().replace("_", "-").split("-")
    found = table["root"]
    while parts:
        if "-".join(parts) in known:
            found = known["-".join(parts)]
            break
        parts.pop()
    tag = language.lower().replace("_", "-")
    spaced = tag.split("-")[0] in SPACED_GUILLEMETS and not any(
        tag == t or tag.startswith(t + "-") for t in TIGHT_GUILLEMETS)
    return Marks(*found, spaced=spaced)


def _is_space(ch: str | None) -> bool:
    return ch is None or ch.isspace()


def _opens(prev: str | None, nxt: str | None) -> bool:
    return (prev is None or prev.isspace() or prev in OPENERS) and not _is_space(nxt)


def _closes(prev: str | None, nxt: str | None) -> bool:
    return not _is_space(prev) and (nxt is None or not nxt.isalnum())


def _closing_single_follows(text: str, start: int) -> bool:
    """Whether a straight single quote after `start` can close one (a word's last letter
    before it, no letter after it): then a leading one opens rather than elides."""
    for i in range(start, len(text)):
        if text[i] == "'":
            prev, nxt = text[i - 1], text[i + 1] if i + 1 < len(text) else None
            if not prev.isspace() and (nxt is None or not nxt.isalnum()):
                return True
    return False


def _classify(text: str) -> list[str | None]:
    """For each straight quote in `text` (by position order): "open", "close", "inner_open",
    "inner_close", "apostrophe", or None when its direction cannot be told."""
    kinds: list[str | None] = []
    inner_depth = 0
    for i, ch in enumerate(text):
        if ch not in "\"'":
            continue
        prev = text[i - 1] if i else None
        nxt = text[i + 1] if i + 1 < len(text) else None
        if ch == '"':
            kinds.append("open" if _opens(prev, nxt) else "close" if _closes(prev, nxt)
                         else None)
        elif prev is not None and prev.isalnum() and nxt is not None and nxt.isalnum():
            kinds.append("apostrophe")  # Keeper's, don't
        elif _opens(prev, nxt):
            if nxt.isalnum() and (_ELIDED_YEAR.match(text, i + 1)
                                  or not _closing_single_follows(text, i + 1)):
                kinds.append("apostrophe")  # '90s, 'tis
            else:
                kinds.append("inner_open")
                inner_depth += 1
        elif _closes(prev, nxt):
            if inner_depth:
                kinds.append("inner_close")
                inner_depth -= 1
            else:
                kinds.append("apostrophe")  # the Joneses'
        else:
            kinds.append(None)
    return kinds


def curl(text: str, language: str) -> str:
    """`text` with its straight quotes and apostrophes typeset for `language`."""
    if "'" not in text and '"' not in text:
        return text
    m = marks_for(language)
    kinds = iter(_classify(text))
    out = []
    for i, ch in enumerate(text):
        if ch not in "\"'":
            out.append(ch)
            continue
        kind = next(kinds)
        mark = ch if kind is None else APOSTROPHE if kind == "apostrophe" else getattr(m, kind)
        if m.spaced and mark in GUILLEMETS and kind in ("open", "inner_open"):
            mark += "" if _is_space(text[i + 1] if i + 1 < len(text) else None) else NBSP
        elif m.spaced and mark in GUILLEMETS and kind in ("close", "inner_close"):
            mark = ("" if _is_space(text[i - 1] if i else None) else NBSP) + mark
        out.append(mark)
    return "".join(out)


def ambiguous(text: str) -> list[int]:
    """Offsets of the straight quotes in `text` that `curl` leaves as typed."""
    offsets = [i for i, ch in enumerate(text) if ch in "\"'"]
    return [i for i, kind in zip(offsets, _classify(text)) if kind is None]
