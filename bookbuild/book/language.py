"""Facts about the book's language from maintained data, not from tables kept here:
its script from langcodes (CLDR likely subtags), that script's direction from Babel (CLDR)."""

from __future__ import annotations

from functools import lru_cache

# langcodes and Babel are imported where they are asked: loading their data is a quarter of
# a no-op build, which asks them nothing.


@lru_cache(maxsize=64)
def script(tag: str) -> str | None:
    """The ISO 15924 script a language tag is written in: "ckb" → "Arab", "ku" → "Latn"."""
    import langcodes

    try:
        return langcodes.Language.get(tag).maximize().script
    except (langcodes.tag_parser.LanguageTagError, ValueError):
        return None


@lru_cache(maxsize=64)
def right_to_left(tag: str) -> bool:
    """Whether text in this language runs right to left (ckb, pa-Arab, ar; not ku or pa).

    The direction is the script's, read from the CLDR locale of the language that script is
    most likely to be used for (und-Arab → ar)."""
    import langcodes
    from babel import Locale, UnknownLocaleError

    written = script(tag)
    if not written:
        return False
    speaker = langcodes.Language.get(f"und-{written}").maximize().language
    try:
        return Locale.parse(speaker).text_direction == "rtl"
    except (UnknownLocaleError, ValueError, TypeError):
        return False
