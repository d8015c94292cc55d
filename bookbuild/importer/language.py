"""The language of a text that names none, guessed from its commonest words (or its script),
and said as a guess in the report: a French manuscript is not assumed English."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# The commonest short words of each language: the one whose words the text uses most.
COMMON = {
    "en": "the and of to is that it for with as was on are this be by",
    "fr": "le la les et des est une dans pour que qui pas sur au du",
    "de": "der die und das ist nicht ein mit sich auf dem den zu von",
    "es": "el los las y del que en por una con para es se su al",
    "it": "il di che è non per una sono della con gli nel alla le",
    "pt": "o os as e do da que não em um uma para com é dos",
    "nl": "de het een en van is dat op te niet zijn voor met",
}
SCRIPTS = {"CYRILLIC": "ru", "GREEK": "el", "HEBREW": "he", "ARABIC": "ar", "HIRAGANA": "ja",
           "KATAKANA": "ja", "HANGUL": "ko", "CJK": "zh", "DEVANAGARI": "hi", "THAI": "th"}


def guess(text: str) -> str | None:
    sample = text[:200_000]
    letters = Counter()
    for ch in sample:
        if ch.isalpha():
            name = unicodedata.name(ch, "").split(" ")[0]
            letters[name] += 1
    total = sum(letters.values())
    if not total:
        return None
    script, count = letters.most_common(1)[0]
    if script == "CJK" and (letters["HIRAGANA"] + letters["KATAKANA"]) > 0.05 * total:
        return "ja"
    if script in SCRIPTS and count > 0.5 * total:
        return SCRIPTS[script]
    words = Counter(re.findall(r"\w+", sample.lower()))
    scores = {lang: sum(words[w] for w in common.split()) for lang, common in COMMON.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] >= 20 else None
