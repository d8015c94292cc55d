"""Manuscript names: one person or place, one spelling (Gorbunov, not once Gorbunow)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from bookbuild.check.ms_text import Manuscript
from bookbuild.check.registry import Hit, rule

WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’-][^\W\d_]+)*", re.UNICODE)
POSSESSIVE = re.compile(r"['’]s?$")
SENTENCE_END = ".!?…:\n"
MIN_LENGTH = 5  # shorter words are too often different words one letter apart
# Endings that make a different word of the same stem, not a misspelling.
SUFFIX_PAIRS = {frozenset(p) for p in (("ist", "ism"), ("ists", "isms"), ("ian", "ia"),
                                        ("an", "a"), ("ic", "y"), ("ese", "a"), ("er", "or"))}


def distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), cut off above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _inflection(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short):
        return True
    stem = 0
    while stem < len(short) and short[stem] == long_[stem]:
        stem += 1
    return frozenset((a[stem:], b[stem:])) in SUFFIX_PAIRS


def _words(ms: Manuscript):
    """(word, mid-sentence?, file, block, offset) for every word of the prose."""
    for f, b in ms.prose_blocks():
        if b.kind == "heading":
            continue  # headings capitalise every word
        text = b.prose
        for m in WORD.finditer(text):
            word = m.group(0)
            if word[-1] in "'’s":
                word = POSSESSIVE.sub("", word)
            yield word, _mid_sentence(text, m.start()), f, b, m.start()


def _mid_sentence(text: str, start: int) -> bool:
    """True if the word at `start` follows other words of its sentence."""
    i = start - 1
    while i >= 0 and start - i < 64 and text[i] in " \t“‘\"'([*_—–-":
        i -= 1  # look back past spaces, quotes and brackets, but not far
    return i >= 0 and text[i] not in SENTENCE_END


@rule("MS-NAME-001", "warning",
      "use one spelling throughout (or suppress it in book.yaml if these are two names)",
      "manuscript")
def name_spellings(ms: Manuscript):
    """A capitalised name is not spelled two close ways (Ilyich / Ilyitch)."""
    counts: Counter[str] = Counter()
    proper: set[str] = set()
    lower: set[str] = set()
    first: dict[str, tuple] = {}
    for word, mid, f, b, offset in _words(ms):
        if word[0].isupper() and not word.isupper():
            counts[word] += 1
            first.setdefault(word, (f, b, offset))
            if mid:
                proper.add(word)
        else:
            lower.add(word.lower())
    names = [w for w in counts if len(w) >= MIN_LENGTH and w.lower() not in lower]
    by_initial: dict[str, list[str]] = defaultdict(list)
    for w in names:
        by_initial[w[0]].append(w)
    for group in by_initial.values():
        yield from _variants(sorted(group), counts, proper, first)


def _variants(group: list[str], counts: Counter, proper: set[str], first: dict):
    reported = set()
    for i, a in enumerate(group):
        for b in group[i + 1:]:
            limit = 2 if min(len(a), len(b)) >= 9 else 1
            if distance(a.lower(), b.lower(), limit) > limit or _inflection(a, b):
                continue
            main, variant = (a, b) if counts[a] >= counts[b] else (b, a)
            if counts[variant] >= counts[main] or counts[variant] > 3 or main not in proper \
                    or variant in reported:
                continue
            reported.add(variant)
            f, block, offset = first[variant]
            yield Hit(f"“{variant}” ({counts[variant]}×) looks like a variant spelling of "
                      f"“{main}” ({counts[main]}×)", f.source, block.line_at(offset),
                      block.column_at(offset))
