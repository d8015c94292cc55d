"""Manuscript typography: quotes, brackets, doubled words, stray spaces."""

from __future__ import annotations

import re

from bookbuild import quotes
from bookbuild.check.ms_text import Block, Manuscript
from bookbuild.check.registry import Hit, rule
from bookbuild.metadata import FILE as METADATA_FILE, line_of

# A straight double quote that smart typography can only guess at: inside a word, or alone.
AMBIGUOUS_QUOTE = re.compile(r'(?<=\w)"(?=\w)|(?<=\s)"(?=\s)')
# Text between tags in raw HTML: pandoc passes it through without curling quotes.
HTML_TEXT = re.compile(r">([^<>]+)<")
OPEN_DQ = re.compile(r'“|(?:(?<=^)|(?<=[\s(\[{—–-]))"(?=\S)')
CLOSE_DQ = re.compile(r'”|(?<=\S)"')
OPEN_SQ = re.compile(r"‘|(?:(?<=^)|(?<=[\s(\[{—–\"“]))'(?=\w)")
CLOSE_SQ = re.compile(r"’(?!\w)|(?<=[\w.,!?;:])'(?!\w)")
DOUBLED = re.compile(r"(?<![\w'’-])([^\W\d_][\w'’]*)(\s+)(\1)(?![\w'’-])", re.IGNORECASE)
# Doubled words that English grammar allows.
GRAMMATICAL_DOUBLES = {"had", "that", "is", "do", "bye", "no", "very", "so", "ha", "knock",
                       "well", "there", "now", "blah", "tut", "cha", "ta", "chop", "ho", "yo"}
SPACE_BEFORE = re.compile(r"(?<=[\w”’)\]])([ \t]+)([,;:!?]|\.(?![.\w]))(?=[\s”’)\]]|$)")
# French and some others set a (thin) space before ; : ! ?
SPACED_PUNCTUATION_LANGS = {"fr"}
PAIRS = {"(": ")", "[": "]"}
BRACKET = re.compile(r"[()\[\]]")
# "a)" and "1)" enumerations inside a sentence close nothing.
ENUMERATION = re.compile(r"(?:(?<=^)|(?<=\s))[a-zA-Z0-9]{1,2}\)")


def _quote_hits(source: str, block: Block, text: str, offset: int = 0):
    for m in AMBIGUOUS_QUOTE.finditer(text):
        pos = offset + m.start()
        yield Hit("straight quote that typography cannot curl the right way; type “ or ” "
                  "(or put spaces right)", source, block.line_at(pos), block.column_at(pos))


@rule("MS-QUOTE-001", "warning",
      "type the curly quote (“ ” ‘ ’), or fix the spacing around the straight one",
      "manuscript")
def straight_quotes(ms: Manuscript):
    """No straight quote survives typography: in raw HTML, or one that smart quotes cannot
    curl the right way, in the Markdown or in book.yaml's printed text."""
    for f in ms.files:
        for b in f.blocks:
            if b.kind == "html":
                for m in HTML_TEXT.finditer(b.text):
                    for q in re.finditer(r"[\"']", m.group(1)):
                        pos = m.start(1) + q.start()
                        yield Hit("straight quote in raw HTML, which typography does not "
                                  "touch", f.source, b.line_at(pos), b.column_at(pos))
            elif b.kind in ("para", "list", "quote", "note", "definition", "heading"):
                yield from _quote_hits(f.source, b, b.prose)
    yield from _metadata_quotes(ms)


def _metadata_quotes(ms: Manuscript):
    """book.yaml text has its quotes curled as it is read (bookbuild.quotes); only a quote
    whose direction cannot be told is printed as typed."""
    path = ms.book.root / METADATA_FILE
    lines = path.read_text("utf-8", "replace").splitlines() if path.is_file() else []
    for key, value in ms.book.metadata.typed.items():
        for text in value if isinstance(value, list) else [value]:
            for offset in quotes.ambiguous(text):
                yield Hit(f"'{key}' has a straight quote that typography cannot curl the right "
                          f"way: {_around(text, offset)}; type “ or ” (or put spaces right)",
                          METADATA_FILE, line_of(lines, key))


def _around(text: str, offset: int) -> str:
    start = max(0, offset - 12)
    return "…" * (start > 0) + text[start:offset + 13] + "…" * (offset + 13 < len(text))


def _paragraphs(ms: Manuscript):
    """(file, block, next block) for every prose block."""
    for f in ms.files:
        prose = [b for b in f.blocks if b.kind in ("para", "list", "quote", "note",
                                                   "definition", "lineblock")]
        for i, b in enumerate(prose):
            yield f, b, prose[i + 1] if i + 1 < len(prose) else None


@rule("MS-QUOTE-002", "warning", "close the quotation (or open it) in the same paragraph",
      "manuscript")
def balanced_quotes(ms: Manuscript):
    """Quotation marks open and close within a paragraph (a quotation that runs on into the
    next paragraph may leave it open, as the convention is)."""
    for f, b, nxt in _paragraphs(ms):
        text = re.sub(r"(?<=\w)['’](?=\w)", "", b.prose)  # apostrophes inside words
        opens, closes = len(OPEN_DQ.findall(text)), len(CLOSE_DQ.findall(text))
        runs_on = nxt is not None and OPEN_DQ.match(nxt.prose.lstrip()) is not None
        if opens > closes and not (runs_on and opens == closes + 1):
            yield Hit(f"{opens} opening and {closes} closing double quotes", f.source, b.line)
        elif closes > opens:
            yield Hit(f"{closes} closing and {opens} opening double quotes", f.source, b.line)
        s_open, s_close = len(OPEN_SQ.findall(text)), len(CLOSE_SQ.findall(text))
        if s_open > s_close:
            yield Hit(f"{s_open} opening single quotes but {s_close} closing", f.source, b.line)


@rule("MS-BRACKET-001", "warning", "close the bracket, or remove the stray one", "manuscript")
def balanced_brackets(ms: Manuscript):
    """Parentheses and square brackets pair up within a paragraph."""
    for f, b, _nxt in _paragraphs(ms):
        text = ENUMERATION.sub(lambda m: " " * len(m.group(0)), b.prose)
        stack: list[tuple[str, int]] = []
        for m in BRACKET.finditer(text):
            i, ch = m.start(), m.group(0)
            if ch in PAIRS:
                stack.append((ch, i))
            elif ch in PAIRS.values():
                if stack and PAIRS[stack[-1][0]] == ch:
                    stack.pop()
                else:
                    yield Hit(f"unmatched “{ch}”", f.source, b.line_at(i), b.column_at(i))
                    break
        else:
            for ch, i in stack[:1]:
                yield Hit(f"“{ch}” is never closed", f.source, b.line_at(i), b.column_at(i))


def _typed_space(block: Block, span: tuple[int, int]) -> bool:
    """True if the author typed this whitespace (it is not blanked code, a link or a tag)."""
    return block.text[span[0]:span[1]].isspace()


@rule("MS-WORD-001", "warning", "delete the repeated word", "manuscript")
def doubled_words(ms: Manuscript):
    """No word is typed twice in a row (“the the”)."""
    for f, b in ms.prose_blocks():
        if b.kind == "lineblock":
            continue  # poetry repeats on purpose
        for m in DOUBLED.finditer(b.prose):
            word = m.group(1)
            if word.lower() in GRAMMATICAL_DOUBLES or not _typed_space(b, m.span(2)) \
                    or m.group(3)[0].isupper():  # Bora Bora, Walla Walla: names
                continue
            yield Hit(f"doubled word “{word} {m.group(3)}”", f.source, b.line_at(m.start(3)),
                      b.column_at(m.start(3)))


@rule("MS-SPACE-001", "warning", "delete the space before the punctuation mark", "manuscript")
def space_before_punctuation(ms: Manuscript):
    """No space before , ; : ! ? or a full stop (French spacing excepted)."""
    french = ms.language in SPACED_PUNCTUATION_LANGS
    for f, b in ms.prose_blocks():
        for m in SPACE_BEFORE.finditer(b.prose):
            mark = m.group(2)
            if (french and mark in ";:!?") or not _typed_space(b, m.span(1)):
                continue
            pos = m.start(2)
            yield Hit(f"space before “{mark}”", f.source, b.line_at(pos), b.column_at(pos))
