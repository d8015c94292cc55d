"""Sorting and grouping words as readers of the book's language expect: ICU's collation.

Swedish puts å, ä and ö after z, German files ä with a, Russian sorts ё with е: rules no
one list of letters holds. ICU (through pyicu-wheels, which installs from wheels with ICU
inside, where PyICU would need a compiler and libicu-dev) knows them for every language of
CLDR, and the letters an index groups its entries under as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

# What kind of group a word falls in, from ICU's label types.
LETTER, SYMBOLS, OTHER = "letter", "symbols", "other"
_KINDS = {0: LETTER, 1: SYMBOLS}  # 2 (inflow) and 3 (overflow): another script


@dataclass
class Group:
    """Words under one heading: a letter (kind LETTER), numbers and symbols (SYMBOLS, first),
    or a script the language has no letters for (OTHER)."""

    letter: str
    kind: str
    members: list = field(default_factory=list)


def _icu():
    # Imported when an index is made: ICU's data is large, and most builds need none.
    import icu
    return icu


@cache
def _locale(language: str):
    return _icu().Locale.forLanguageTag(language or "und")


@cache
def sort_key(language: str) -> Callable[[str], bytes]:
    """A key for sorted(): words in the order of `language` (a BCP 47 tag)."""
    collator = _icu().Collator.createInstance(_locale(language))
    return collator.getSortKey


@cache
def _letters(language: str):
    icu = _icu()
    index = icu.AlphabeticIndex(_locale(language))
    # Latin words in a Russian or Greek book get their letters too, not one heap at the end.
    index.addLabels(icu.Locale.getEnglish())
    return index.buildImmutableIndex()


def grouped(items: list, language: str, key: Callable[[object], str] = str) -> list[Group]:
    """`items` sorted by `key(item)` in the language's order, in groups under its letters.
    A group without items is left out."""
    letters = _letters(language)
    order = sort_key(language)
    groups: dict[int, Group] = {}
    for item in sorted(items, key=lambda x: order(key(x))):
        n = letters.getBucketIndex(key(item))
        if n not in groups:
            label, kind = letters.getBucket(n)
            groups[n] = Group(label, _KINDS.get(kind, OTHER))
        groups[n].members.append(item)
    return [groups[n] for n in sorted(groups)]
