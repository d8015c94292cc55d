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
# The other labels are plain text, braces included.
FIELDS = {"and": ["", ""], "by": [""], "subtitle": ["", ""], "cover_alt": ["author", "title"],
          "translator": [""], "editor": [""], "illustrator": [""], "introduction": [""],
          "foreword": [""], "contributor": [""], "identifier": [""], "source": [""],
          "set_in": [""], "link": ["page", "what"], "chapter": [""]}
ALIASES = {"no": "nb"}  # Norwegian: the Bokmål words
# Regions that write Chinese in traditional characters.
SCRIPT_OF_REGION = {("zh", "tw"): "hant", ("zh", "hk"): "hant", ("zh", "mo"): "hant"}


@cache
def table() -> dict[str, dict[str, str]]:
    return json.loads(resources.files("bookbuild.book").joinpath("labels.json").read_text("utf-8"))


def names() -> list[str]:
    return list(table()["en"])


def built_in(language: str) -> dict[str, str]:
    """The words bookbuild knows for a BCP 47 tag; empty for a language it does not know.

    A script (zh-Hant) or a region (pt-BR) changes what differs from the language's words,
    wherever it stands in the tag (pt-Latn-BR)."""
    subtags = [s.lower() for s in language.split("-")]
    primary = ALIASES.get(subtags[0], subtags[0])
    script = next((s for s in subtags[1:] if len(s) == 4 and s.isalpha()), None)
    region = next((s for s in subtags[1:] if len(s) == 2 and s.isalpha()), None)
    script = script or SCRIPT_OF_REGION.get((primary, region or ""))
    by_tag = {tag.lower(): words for tag, words in table().items()}
    words = dict(by_tag.get(primary, {}))
    for more in (script, region):
        words.update(by_tag.get(f"{primary}-{more}", {}) if more else {})
    return words


def english() -> dict[str, str]:
    return dict(table()["en"])


def for_book(language: str, overrides: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(every label, the names that fell back to English)."""
    words = {**built_in(language), **overrides}
    missing = [n for n in names() if n not in words]
    return {**table()["en"], **words}, missing


def untranslated(language: str, names: list[str]) -> str:
    """What the build and `check` say when some of the words stay English."""
    which = "any" if set(names) == set(table()["en"]) else f"some ({', '.join(names)})"
    return (f"bookbuild has no '{language}' words for {which} of the pages it makes; they "
            f"stay English until you set them under labels:")


def problem(name: str, value) -> str | None:
    """Why a label from book.yaml cannot be used, or None."""
    if name not in table()["en"]:
        return f"labels: unknown label '{name}' (known: {', '.join(names())})"
    if not isinstance(value, str) or not value.strip():
        return f"labels: {name} must be text"
    if name not in FIELDS:
        return None  # plain text
    english_value = table()["en"][name]
    try:
        parsed = [(f, spec, conv) for _t, f, spec, conv in string.Formatter().parse(value)
                  if f is not None]
    except ValueError as e:
        return f"labels: {name}: {e} (write {{{{ and }}}} for a brace)"
    if any(spec or conv for _f, spec, conv in parsed):
        return f"labels: {name} {value!r}: write the fields bare, as in {english_value!r}"
    if sorted(f for f, _s, _c in parsed) != sorted(FIELDS[name]):
        need = ", ".join(f"{{{f}}}" for f in FIELDS[name])
        return (f"labels: {name} {value!r} must contain {need}, as the English "
                f"{english_value!r} does")
    return None
