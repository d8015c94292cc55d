"""Manuscript typography: quotes, brackets, doubled words, stray spaces."""

from __future__ import annotations

import re

from bookbuild.book import quotes
from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.check.ms_text import CODE_SPAN, Block, Manuscript, blank_matches
from bookbuild.check.registry import Hit, rule

# A straight double quote that smart typography can only guess at: inside a word, or alone.
AMBIGUOUS_QUOTE = re.compile(r'(?<=\w)"(?=\w)|(?<=\s)"(?=\s)')
# Text between tags in raw HTML: pandoc passes it through without curling quotes.
HTML_TEXT = re.compile(r">([^<>]+)<")
SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
# Curly quotation marks by language: (opening, closing) for double and for single quotes.
# German opens low and closes with the mark English opens with („…“, ‚…‘, or »…«).
CURLY = {
    # “ closes „, or opens where nothing is open (English quotes in a German text)
    "de": (("„»“", "“”«"), ("‚›", "‘‹")),
    "fr": (("«“„", "»”"), ("‹‘‚", "›’")),  # „ and ‚ only ever open
}
CURLY_DEFAULT = (("“«„", "”»"), ("‘‹‚", "’›"))
# A straight quote opens after these (or at the start) and closes after anything else.
OPENS_AFTER = " \t\n([{—–-/"
PARAGRAPH_KINDS = ("para", "list", "quote", "note", "definition", "lineblock")
# A paragraph of dialogue that goes on a quotation opened above (French «…, then — lines).
DASH_START = re.compile(r"\s*(—|–|--)")
# A word typed twice. Not one glued to a full stop before it: ".o o .a" are file endings.
DOUBLED = re.compile(r"(?<![\w'’.-])([^\W\d_][\w'’]*)(\s+)(\1)(?![\w'’-])", re.IGNORECASE)
# Doubled words that English grammar allows.
GRAMMATICAL_DOUBLES = {"had", "that", "is", "do", "bye", "no", "very", "so", "ha", "knock",
                       "well", "there", "now", "blah", "tut", "cha", "ta", "chop", "ho", "yo"}
# Doubles other languages' grammar makes: German articles and relative pronouns (der der,
# die die: "the one who"), "Sie sie" (you … them); French reflexives (vous vous trompez),
# "en en" (en + gerund), "la la" and knocking (toc toc).
GRAMMATICAL_DOUBLES_BY_LANGUAGE = {
    "de": {"der", "die", "das", "den", "dem", "des", "sie"},
    "fr": {"vous", "nous", "en", "la", "toc"},
}
SPACE_BEFORE = re.compile(r"(?<=[\w”’)\]])([ \t]+)([,;:!?]|\.(?![.\w]))(?=[\s”’)\]]|$)")
# French and some others set a (thin) space before ; : ! ?
SPACED_PUNCTUATION_LANGS = {"fr"}
PAIRS = {"(": ")", "[": "]"}
BRACKET = re.compile(r"[()\[\]]")
# "a)" and "1)" enumerations inside a sentence, when no bracket is open for them to close.
ENUMERATION = re.compile(r"(?:(?<=^)|(?<=\s))[a-zA-Z0-9]{1,2}\)")


def _html_prose(text: str) -> str:
    """Raw HTML with scripts, styles and Markdown code spans blanked (same length): their
    quotes are code, not typography."""
    return blank_matches(CODE_SPAN, blank_matches(SCRIPT, text))


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
                for m in HTML_TEXT.finditer(_html_prose(b.text)):
                    for q in re.finditer(r"[\"']", m.group(1)):
                        pos = m.start(1) + q.start()
                        yield Hit("straight quote in raw HTML, which typography does not "
                                  "touch", f.source, b.line_at(pos), b.column_at(pos))
            elif b.kind in ("para", "list", "quote", "note", "definition", "heading"):
                yield from _quote_hits(f.source, b, b.prose)
    yield from _metadata_quotes(ms)


def _metadata_quotes(ms: Manuscript):
    """book.yaml text has its quotes curled as it is read (bookbuild.book.quotes); only a quote
    whose direction cannot be told is printed as typed."""
    for key, value in ms.book.metadata.typed.items():
        for text in value if isinstance(value, list) else [value]:
            for offset in quotes.ambiguous(text):
                yield Hit(f"'{key}' has a straight quote that typography cannot curl the right "
                          f"way: {_around(text, offset)}; type “ or ” (or put spaces right)",
                          METADATA_FILE, ms.book.line(key))


def _around(text: str, offset: int) -> str:
    start = max(0, offset - 12)
    return "…" * (start > 0) + text[start:offset + 13] + "…" * (offset + 13 < len(text))


def _paragraphs(ms: Manuscript):
    """(file, block, next block) for every prose block."""
    for f in ms.files:
        prose = [b for b in f.blocks if b.kind in PARAGRAPH_KINDS]
        for i, b in enumerate(prose):
            yield f, b, prose[i + 1] if i + 1 < len(prose) else None


def _curly(ms: Manuscript) -> tuple:
    """The book's (double, single) curly quote pairs; Swiss German quotes like French."""
    tag = ms.book.metadata.language.lower()
    if tag.startswith(("de-ch", "de-li")):
        return CURLY["fr"]
    return CURLY.get(ms.language, CURLY_DEFAULT)


def _count_quotes(text: str, pair: tuple[str, str], straight: str, all_opening: str):
    """(opening, closing) quotation marks of one kind in a paragraph, each mark counted once.
    A straight single that opens a word but is never closed in the paragraph is an elision
    ('em, 'tis, 'was), not a quotation."""
    opening, closing = pair
    opens = closes = depth = 0
    straight_opens = []
    for i, ch in enumerate(text):
        role = ""
        if ch in opening and ch in closing:  # German “: closes „, or opens English-style
            close = depth or _straight_role(text, i, 1, all_opening) == "close"
            role = "close" if close else "open"
        elif ch in opening:
            role = "open"
        elif ch in closing:
            role = "close"
        elif ch == straight:
            role = _straight_role(text, i, depth, all_opening)
            if role == "open":
                straight_opens.append(i)
            elif role == "close" and straight_opens:
                straight_opens.pop()
        if role == "open":
            opens, depth = opens + 1, depth + 1
        elif role == "close":
            closes, depth = closes + 1, max(0, depth - 1)
    if straight == "'":
        opens -= len(straight_opens)  # never closed: elisions
    return opens, closes


def _straight_role(text: str, i: int, depth: int, all_opening: str) -> str:
    """Whether the straight quote at i opens, closes or is no quotation mark (""). It opens
    after a space, bracket, dash or opening quote and before a letter; it closes before a
    space or punctuation ("or--" ends a speech) and after a letter. One after a digit with
    nothing open is an inch or second mark (a 10" screen, 10" of arc); one between spaces is
    MS-QUOTE-001's."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isdigit() and depth == 0:
        return ""
    if after.isspace() or after in ",.;:!?)]}":
        return "" if before.isspace() else "close"
    if before in OPENS_AFTER or before in all_opening or before in "\"'":
        return "open"
    return "close"


def _opens_with_quote(text: str, opening: str, straight: str) -> bool:
    text = text.lstrip()
    return bool(text) and (text[0] in opening or
                           (text[0] == straight and text[1:2].strip() != ""))


@rule("MS-QUOTE-002", "warning", "close the quotation (or open it) in the same paragraph",
      "manuscript")
def balanced_quotes(ms: Manuscript):
    """Quotation marks open and close within a paragraph (a quotation that runs on into the
    next paragraph may leave it open, as the convention is), by the book's language's marks."""
    double, single = _curly(ms)
    all_opening = double[0] + single[0]
    for f, b, nxt in _paragraphs(ms):
        text = re.sub(r"(?<=\w)['’](?=\w)", "", b.prose)  # apostrophes inside words
        opens, closes = _count_quotes(text, double, '"', all_opening)
        runs_on = nxt is not None and _opens_with_quote(nxt.prose, double[0], '"')
        if opens > closes and not (runs_on and opens == closes + 1) \
                and not _dialogue_follows(f, b):
            yield Hit(f"{opens} opening and {closes} closing double quotes", f.source, b.line)
        elif closes > opens and not DASH_START.match(b.prose):
            yield Hit(f"{closes} closing and {opens} opening double quotes", f.source, b.line)
        s_open, s_close = _count_quotes(text, single, "'", all_opening)
        if s_open > s_close:
            yield Hit(f"{s_open} opening single quotes but {s_close} closing", f.source, b.line)


def _dialogue_follows(f, block, within: int = 12) -> bool:
    """True if a paragraph soon after starts with a dash: a dialogue in the French way
    («…, then a paragraph per turn opened with a dash, the last one closed by »), which may
    be broken by narration or an illustration."""
    after = [b for b in f.blocks if b.kind in PARAGRAPH_KINDS and b.line > block.line]
    return any(DASH_START.match(b.prose) for b in after[:within])


@rule("MS-BRACKET-001", "warning", "close the bracket, or remove the stray one", "manuscript")
def balanced_brackets(ms: Manuscript):
    """Parentheses and square brackets pair up within a paragraph."""
    for f, b, _nxt in _paragraphs(ms):
        text = b.prose
        enumerations = {m.end() - 1 for m in ENUMERATION.finditer(text)}
        stack: list[tuple[str, int]] = []
        for m in BRACKET.finditer(text):
            i, ch = m.start(), m.group(0)
            if i and text[i - 1] == "\\":
                continue  # \( and \[ are the characters themselves, not brackets
            if ch in PAIRS:
                stack.append((ch, i))
            elif ch in PAIRS.values():
                if stack and PAIRS[stack[-1][0]] == ch:
                    stack.pop()  # closes even after "Book 1" or "linked to": (Book 1)
                elif i in enumerations:
                    continue  # "a)" and "1)" in a sentence close nothing
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
    allowed = GRAMMATICAL_DOUBLES | GRAMMATICAL_DOUBLES_BY_LANGUAGE.get(ms.language, set())
    for f, b in ms.prose_blocks():
        if b.kind == "lineblock":
            continue  # poetry repeats on purpose
        for m in DOUBLED.finditer(b.prose):
            word = m.group(1)
            if word.lower() in allowed or not _typed_space(b, m.span(2)) \
                    or m.group(3)[0].isupper() \
                    or b.prose[m.end():m.end() + 1] == "!":  # Bora Bora: names; he he!
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
