"""The words bookbuild itself puts in a book: "Contents", "Translated by …", the copyright page.

They are in the book's language: a Russian memoir gets «Содержание», not "Contents". The words
for each language live in labels.json; a more specific tag (pt-BR) changes only what differs
from its language (pt). `labels:` in book.yaml sets any of them, for a language bookbuild does
not know or for a house style ("Table of Contents").
"""

from __future__ import annotations

import json
import string
from functools import cache
from importlib import resources

# Labels that are templates, and the fields each must have: {} is a name, a title, a font.
FIELDS = {"and": ["", ""], "by": [""], "cover_alt": ["author", "title"], "translator": [""],
          "editor": [""], "illustrator": [""], "introduction": [""], "foreword": [""],
          "contributor": [""], "set_in": [""]}
ALIASES = {"no": "nb"}  # Norwegian: the Bokmål words


@cache
def table() -> dict[str, dict[str, str]]:
    return json.loads(resources.files("bookbuild").joinpath("labels.json").read_text("utf-8"))


def names() -> list[str]:
    return list(table()["en"])


def built_in(language: str) -> dict[str, str]:
    """The words bookbuild knows for a BCP 47 tag; empty for a language it does not know."""
    tag = language.lower()
    primary = tag.split("-")[0]
    words = dict(table().get(ALIASES.get(primary, primary), {}))
    for key, more in table().items():  # pt-BR: what differs from pt
        if "-" in key and (tag == key.lower() or tag.startswith(key.lower() + "-")):
            words.update(more)
    return words


def english() -> dict[str, str]:
    return dict(table()["en"])


def for_book(language: str, overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(every label, the names that fell back to English)."""
    words = {**built_in(language), **overrides}
    missing = [n for n in names() if n not in words]
    return {**table()["en"], **words}, missing


def problem(name: str, value) -> str | None:
    """Why a label from book.yaml cannot be used, or None."""
    if name not in table()["en"]:
        return f"labels: unknown label '{name}' (known: {', '.join(names())})"
    if not isinstance(value, str) or not value.strip():
        return f"labels: {name} must be text"
    try:
        fields = sorted(f or "" for _t, f, _s, _c in string.Formatter().parse(value)
                        if f is not None)
    except ValueError as e:
        return f"labels: {name}: {e} (write {{{{ and }}}} for a brace)"
    wanted = sorted(FIELDS.get(name, []))
    if fields != wanted:
        need = ", ".join(f"{{{f}}}" for f in FIELDS.get(name, [])) or "no {…}"
        return f"labels: {name} {value!r} must contain {need}, as the English {table()['en'][name]!r} does"
    return None
