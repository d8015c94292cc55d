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
# Languages that capitalise every noun: a capital letter does not make a name there.
NOUNS_CAPITALISED = {"de", "lb"}
# German case and plural endings (with the umlaut a plural takes: Garten, Gärten), and the
# feminine -in: Kapitels / Kapiteln, Fürsten / Fürstin are one word, not two spellings.
GERMAN_ENDINGS = ("", "e", "en", "n", "s", "es", "er", "ern", "em", "ens", "ns", "in", "innen")
UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
# Words after which a German capitalised word is a noun, not a name.
GERMAN_DETERMINERS = set("""der die das des dem den ein eine einer eines einem einen kein keine
    keiner keines keinem keinen mein meine meiner meines meinem meinen dein deine deiner deines
    deinem deinen sein seine seiner seines seinem seinen ihr ihre ihrer ihres ihrem ihren unser
    unsere unserer unseres unserem unseren euer eure eurer eures eurem euren dieser diese dieses
    diesem diesen jener jene jenes jenem jenen jeder jede jedes jedem jeden welcher welche
    welches welchem welchen im am zum zur vom beim ins ans aufs fürs durchs übers ums""".split())
OLD_SPELLINGS = {frozenset("ck"), frozenset("cz")}
LONG_WORD = 8  # long words one letter apart are seldom two words: a typo


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


def _inflection(a: str, b: str, language: str = "en") -> bool:
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short):
        return True
    if language == "de" and _german_forms(a, b):
        return True
    stem = 0
    while stem < len(short) and short[stem] == long_[stem]:
        stem += 1
    return frozenset((a[stem:], b[stem:])) in SUFFIX_PAIRS


def _german_forms(a: str, b: str) -> bool:
    """True if a and b are one German word in two cases or numbers (Inhalts, Inhalte)."""
    a, b = a.lower().translate(UMLAUTS), b.lower().translate(UMLAUTS)
    for end_a in GERMAN_ENDINGS:
        if not a.endswith(end_a) or len(a) - len(end_a) < 3:
            continue
        stem = a[:len(a) - len(end_a)]
        if any(b == stem + end_b for end_b in GERMAN_ENDINGS):
            return True
    return False


def _same_letters(a: str, b: str) -> bool:
    """True if a and b differ only in hyphens, apostrophes or case (Web-Server, Webserver)."""
    def plain(w: str) -> str:
        return re.sub(r"['’-]", "", w).lower()
    return plain(a) == plain(b)


def _edit(a: str, b: str) -> str:
    """What one edit makes b of a: "swap" (two letters), "change" (one letter), or "add"."""
    if len(a) != len(b):
        return "add"
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]:
        return "swap"
    return "change"


def _not_a_spelling(a: str, b: str) -> bool:
    """Pairs that differ where spellings do not: in a digit (SHA1, SHA), in an acronym
    (SVN-Server, SSH-Server), or by a word in capitals (GUTENBERG-tm, Gutenberg-tm)."""
    if any(c.isdigit() for c in a + b) and re.sub(r"\d", "", a) != re.sub(r"\d", "", b):
        return True
    parts_a, parts_b = a.split("-"), b.split("-")
    if len(parts_a) == len(parts_b) > 1:
        differ = [(x, y) for x, y in zip(parts_a, parts_b) if x != y]
        if all(x.isupper() or y.isupper() for x, y in differ):
            return True
    return False


def _words(ms: Manuscript):
    """(word, mid-sentence?, after a German article?, file, block, offset) for every word
    of the prose."""
    for f, b in ms.prose_blocks():
        if b.kind == "heading":
            continue  # headings capitalise every word
        text = b.prose
        previous = None
        for m in WORD.finditer(text):
            word = m.group(0)
            if word[-1] in "'’s":
                word = POSSESSIVE.sub("", word)
            after = previous is not None and not text[previous.end():m.start()].strip() \
                and previous.group(0).lower() in GERMAN_DETERMINERS
            yield word, _mid_sentence(text, m.start()), after, f, b, m.start()
            previous = m


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
    as_noun: Counter[str] = Counter()  # times after a German article: a noun
    first: dict[str, tuple] = {}
    for word, mid, after_article, f, b, offset in _words(ms):
        if word[0].isupper() and not word.isupper():
            counts[word] += 1
            as_noun[word] += after_article
            first.setdefault(word, (f, b, offset))
            if mid:
                proper.add(word)
        else:
            lower.add(word.lower())
    names = [w for w in counts if len(w) >= MIN_LENGTH and w.lower() not in lower]
    by_initial: dict[str, list[str]] = defaultdict(list)
    for w in names:
        by_initial[w[0]].append(w)
    words = Words(counts, proper, first, as_noun, ms.language)
    for group in by_initial.values():
        yield from _variants(sorted(group), words)


class Words:
    """What the rule knows of the book's capitalised words."""

    def __init__(self, counts: Counter, proper: set, first: dict, as_noun: Counter,
                 language: str):
        self.counts, self.proper, self.first = counts, proper, first
        self.as_noun, self.language = as_noun, language

    def name(self, word: str) -> bool:
        """In a language that capitalises nouns: a word seldom after an article."""
        return self.as_noun[word] * 5 <= self.counts[word]


def _close(a: str, b: str, words: Words) -> bool:
    """True if b could be a misspelling of a (or a of b)."""
    nouns_capitalised = words.language in NOUNS_CAPITALISED
    limit = 2 if min(len(a), len(b)) >= 9 and not nouns_capitalised else 1
    if distance(a.lower(), b.lower(), limit) > limit:
        return False
    if _same_letters(a, b):
        return not _not_a_spelling(a, b)  # Web-Server / Webserver, BitKeeper / Bitkeeper
    if _inflection(a, b, words.language) or _not_a_spelling(a, b):
        return False
    if not nouns_capitalised:
        return True
    # German: every noun is capitalised, and most one-letter neighbours are two nouns
    # (Feier, Feder; Bitte, Bette; Vorgänge, Vorhänge). Report two letters swapped (Snytax),
    # or a letter added or dropped in a long word (Installtion) or in two names (Instetten,
    # Innstetten); a letter changed is too often another word.
    edit = _edit(a.lower(), b.lower())
    return edit == "swap" or _old_spelling(a.lower(), b.lower()) or \
        (edit == "add" and (min(len(a), len(b)) >= LONG_WORD or
                            (words.name(a) and words.name(b))))


def _old_spelling(a: str, b: str) -> bool:
    """True if one letter changed is c for k or z, the spelling of before 1901 and of loan
    words: Scene / Szene, Excellenz / Exzellenz, Scripts / Skripts."""
    if len(a) != len(b):
        return False
    changed = {frozenset((x, y)) for x, y in zip(a, b) if x != y}
    return len(changed) == 1 and changed <= OLD_SPELLINGS


def _variants(group: list[str], words: Words):
    counts = words.counts
    reported = set()
    for i, a in enumerate(group):
        for b in group[i + 1:]:
            if not _close(a, b, words):
                continue
            main, variant = (a, b) if counts[a] >= counts[b] else (b, a)
            if counts[variant] >= counts[main] or counts[variant] > 3 \
                    or main not in words.proper or variant in reported:
                continue
            reported.add(variant)
            f, block, offset = words.first[variant]
            yield Hit(f"“{variant}” ({counts[variant]}×) looks like a variant spelling of "
                      f"“{main}” ({counts[main]}×)", f.source, block.line_at(offset),
                      block.column_at(offset))
