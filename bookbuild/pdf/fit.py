"""What is wider than the text block, in print.

The template (book.typ) makes things fit where it can: code lines fold with a ↪ mark, wide
tables are set smaller and wrap, long runs of text (URLs, hashes) get break opportunities,
figures shrink to the room there is. What still does not fit it records in the job's
facts; here each record is pointed back at the Markdown line and given the page it is on,
for the PDF-FIT-001 warning (bookbuild.check.pdf).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bookbuild.convert.html import line_of

# What the template reports, and why it could not make it fit.
WHAT = {"table": ("a table", "even at its smallest type; its words are broken to fit"),
        "code": ("a code block", "even with its lines folded; there is too little room")}
LINK_TARGET = re.compile(r"\]\([^)]*\)|\{[^}]*\}")  # not printed: `](url)`, `{#id}`


@dataclass(frozen=True)
class Overflow:
    file: str | None
    line: int | None
    page: str  # the folio the reader sees
    kind: str  # a key of WHAT
    points: float  # how much wider than the room it has

    @property
    def message(self) -> str:
        what, why = WHAT.get(self.kind, (self.kind, ""))
        return f"{what} on page {self.page} is {self.points:g} pt wider than its room {why}"


def long_run(texts: list[str], text_width: float, font_size: float) -> str | None:
    """A Typst regex for runs without spaces that may be too long for a line, or None when
    the book has no such run (the template's rule for them then costs nothing).

    No glyph is wider than an em, and the template acts on runs wider than the text block
    less 3 em (a quotation's indents): shorter runs can never need it.
    """
    shortest = max(8, int(text_width / font_size) - 3)
    pattern = re.compile(f"{UNSPACED_PY}{{{shortest},}}")
    for text in texts:
        shown = LINK_TARGET.sub("]", text)
        # Such a run lies within a word that spaces delimit: most texts have none that long,
        # and splitting is quicker than the regex.
        if max(map(len, shown.split()), default=0) >= shortest and pattern.search(shown):
            return f"{UNSPACED_TYPST}{{{shortest},}}"
    return None


# A character of a run that only spaces may break: not a space, and not of a script whose lines
# break between characters anyway (Chinese, Japanese, Korean syllables, Thai): a paragraph of
# those is no long run, and a soft hyphen in it would print a hyphen in Chinese. The same
# class for Python's re and for Typst's (Rust) regex.
_BREAK_ANYWHERE = ("\u2E80-\u2FFF\u3000-\u30FF\u3100-\u31FF\u3400-\u4DBF\u4E00-\u9FFF"
                   "\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF\u0E00-\u0E7F\u0E80-\u0EFF"
                   "\u1000-\u109F\u1780-\u17FF")
UNSPACED_PY = f"[^\\s{_BREAK_ANYWHERE}]"
UNSPACED_TYPST = ("[^\\s\\p{Han}\\p{Hiragana}\\p{Katakana}\\p{Hangul}\\p{Thai}"
                  "\\p{Lao}\\p{Myanmar}\\p{Khmer}\\p{Bopomofo}\\u{3000}-\\u{303F}"
                  "\\u{FF00}-\\u{FFEF}]")


def locate(record: dict, sources: list[tuple[str, str]], page: str) -> Overflow:
    """A template record, told against the first of the job's (file, Markdown) that holds
    its text; the job's first file when none does. The needle is a code line, or a table's
    first cells: the first line holding all of them is the table's."""
    needle = record.get("needle") or ""
    words = [str(w).strip() for w in (needle if isinstance(needle, list) else [needle])]
    words = [w for w in words if w]
    kind, points = record.get("kind", ""), record.get("points", 0)
    for file, text in sources:
        line = _line_with(text, words)
        if line:
            return Overflow(file, line, page, kind, points)
    return Overflow(sources[0][0] if sources else None, None, page, kind, points)


def _line_with(text: str, words: list[str]) -> int | None:
    if not words:
        return None
    for n, line in enumerate(text.splitlines(), 1):
        if all(w in line for w in words):
            return n
    return line_of(text, words[0])


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out
