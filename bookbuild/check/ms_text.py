"""The author's Markdown as blocks with line numbers, for the manuscript lint.

Not a Markdown parser: a block splitter that knows the Pandoc constructs bookbuild supports well
enough to tell prose paragraphs from code, tables, poetry, lists, raw HTML and math, and to blank
out what is not prose (code spans, URLs, attributes, inline math, tags) without moving a
character, so that an offset in the prose is an offset in the file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

from bookbuild.book.model import Book, Section
from bookbuild.convert.comments import blank_matches

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+|$)(.*?)\s*#*\s*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
LIST = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)]|#[.)]|\(\d+\))\s+")
QUOTE = re.compile(r"^ {0,3}>")
RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$|^\s*\+[-=:+]+\+\s*$"
                       r"|^\s*-{3,}(\s+-{3,})+\s*$")
FOOTNOTE = re.compile(r"^\[\^[^\]]+\]:\s*")
REFDEF = re.compile(r"^ {0,3}\[[^\]^][^\]]*\]:\s*\S")
FIGURE = re.compile(r"^!\[.*\]\([^)]*\)(\{[^}]*\})?\s*$", re.DOTALL)
DIV = re.compile(r"^ {0,3}:{3,}")
DEFINITION = re.compile(r"^ {0,3}[:~](\s|$)")
COMMENT_START = re.compile(r"^ {0,3}<!--")
COMMENT = re.compile(r"[ \t]*<!--.*?-->[ \t]*", re.DOTALL)
COMMENT_THEN_TEXT = re.compile(r"^ {0,3}(?:<!--.*?-->[ \t]*)+\S")

# Blocks whose text is running prose, where typography rules apply.
PROSE = {"para", "heading", "list", "quote", "note", "definition", "lineblock"}

# Inline things that are not prose; blanked with spaces so offsets stay put.
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_NOT_PROSE = [
    CODE_SPAN,
    re.compile(r"<!--.*?-->", re.DOTALL),  # comments
    # link targets: (url), (url "title"), (url 'title'), (url (title))
    re.compile(r"(?<=\])\([^)\s]*(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\)"),
    re.compile(r"<(?:https?|mailto|ftp):[^>]*>"),  # autolinks
    re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"),  # inline tags
    re.compile(r"\{[#.=:a-zA-Z][^{}]*\}"),  # attributes {#id .class key="v"}
    re.compile(r"\[\^[^\]\s]+\]"),  # footnote references
    re.compile(r"(?<![\\$\w])\$(?=\S)(?:[^$\n]|\n(?!\s*\n))*?(?<=\S)\$(?!\d)"),  # $math$
    # bare URLs, without the punctuation after them: (see http://x.org/license).
    re.compile(r"https?://[^\s<>]*[^\s<>.,;:!?)\]'\"’”]"),
]


def blank_code(text: str) -> str:
    """`text` with fenced code blocks and code spans replaced by spaces (newlines kept)."""
    lines = text.split("\n")
    for b in split(text):
        if b.kind == "code":
            for i in range(b.line - 1, b.line - 1 + b.text.count("\n") + 1):
                lines[i] = " " * len(lines[i])
    return blank_matches(_NOT_PROSE[0], "\n".join(lines))


def blank(text: str) -> str:
    """`text` with everything that is not prose replaced by spaces (newlines kept)."""
    for pattern in _NOT_PROSE:
        text = blank_matches(pattern, text)
    return text


@dataclass
class Block:
    kind: str
    line: int  # first line, 1-based
    text: str  # the block's lines joined with \n, as written
    level: int = 0  # for headings

    @cached_property
    def prose(self) -> str:
        """The text with non-prose blanked out (same length), for typography rules."""
        body = self.text
        if self.kind == "heading":
            body = re.sub(r"^ {0,3}#{1,6}", lambda m: " " * len(m.group(0)), body)
            body = re.sub(r"\n[=-]+\s*$", lambda m: "\n" + " " * (len(m.group(0)) - 1), body)
        if self.kind in ("list", "quote", "lineblock", "definition", "note"):
            body = re.sub(r"(?m)^(\s*(?:>\s?)*(?:[-*+]|\d+[.)]|#[.)]|\|)?\s*(?::\s)?)",
                          lambda m: " " * len(m.group(0)), body)
            body = FOOTNOTE.sub(lambda m: " " * len(m.group(0)), body)
        return blank(body)

    @cached_property
    def _newlines(self) -> list[int]:
        return [m.start() for m in re.finditer("\n", self.text)]

    def line_at(self, offset: int) -> int:
        return self.line + bisect.bisect_left(self._newlines, offset)

    def column_at(self, offset: int) -> int:
        i = bisect.bisect_left(self._newlines, offset)
        return offset - (self._newlines[i - 1] + 1 if i else 0) + 1

    @property
    def last_line(self) -> int:
        return self.line + self.text.count("\n")


@dataclass
class SourceFile:
    source: str  # path relative to the book folder
    text: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Manuscript:
    book: Book
    files: list[SourceFile]

    @classmethod
    def of(cls, book: Book) -> Manuscript:
        return cls(book, [SourceFile(s.source, s.text, split(s.text)) for s in book.sections])

    @property
    def language(self) -> str:
        return self.book.metadata.language.split("-")[0].lower()

    def prose_blocks(self):
        for f in self.files:
            for b in f.blocks:
                if b.kind in PROSE:
                    yield f, b


def of_section(section: Section) -> SourceFile:
    return SourceFile(section.source, section.text, split(section.text))


def split(text: str) -> list[Block]:
    lines = text.split("\n")
    blocks: list[Block] = []
    i = 0
    if lines and lines[0].strip() == "---":  # a YAML metadata block
        end = next((j for j in range(1, len(lines)) if lines[j].strip() in ("---", "...")), None)
        if end is not None:
            blocks.append(Block("meta", 1, "\n".join(lines[:end + 1])))
            i = end + 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        fence = FENCE.match(lines[i])
        if fence:
            i = _fenced(lines, i, fence.group(1), blocks)
            continue
        start = i
        while i < len(lines) and lines[i].strip() and not (i > start and FENCE.match(lines[i])):
            i += 1
        _chunk(lines[start:i], start + 1, blocks)
    return blocks


def _fenced(lines: list[str], i: int, marker: str, blocks: list[Block]) -> int:
    start = i
    i += 1
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m and m.group(1)[0] == marker[0] and len(m.group(1)) >= len(marker) \
                and not lines[i].strip()[len(m.group(1)):].strip():
            i += 1
            break
        i += 1
    blocks.append(Block("code", start + 1, "\n".join(lines[start:i])))
    return i


def _chunk(chunk: list[str], line: int, blocks: list[Block]) -> None:
    """Classify a run of non-blank lines; a heading line splits it, and so does the end of a
    comment that opens it (pandoc reads the lines after `-->` as a paragraph of their own)."""
    first = chunk[0]
    comments = _comment_lines(chunk) if COMMENT_START.match(first) else 0
    if comments:
        blocks.append(Block("html", line, "\n".join(chunk[:comments])))
        if comments < len(chunk):
            _chunk(chunk[comments:], line + comments, blocks)
        return
    atx = ATX.match(first)
    if atx:
        blocks.append(Block("heading", line, first, level=len(atx.group(1))))
        if len(chunk) > 1:
            _chunk(chunk[1:], line + 1, blocks)
        return
    if len(chunk) >= 2 and SETEXT.match(chunk[1]) and not LIST.match(first) \
            and not TABLE_SEP.match(chunk[1]) and not first.startswith((" " * 4, "\t")):
        level = 1 if chunk[1].strip().startswith("=") else 2
        blocks.append(Block("heading", line, "\n".join(chunk[:2]), level=level))
        if len(chunk) > 2:
            _chunk(chunk[2:], line + 2, blocks)
        return
    blocks.append(Block(_kind(chunk, blocks), line, "\n".join(chunk)))


def _comment_lines(chunk: list[str]) -> int:
    """How many lines open the chunk with comments and nothing else. A comment with text after
    it on its line is inline (0): that text is the paragraph's."""
    text = "\n".join(chunk)
    pos = lines = 0
    while m := COMMENT.match(text, pos):
        pos = m.end()
        if pos == len(text):
            return len(chunk)
        if text[pos] == "\n":
            pos += 1
            lines = text.count("\n", 0, pos)
        elif not text.startswith("<!--", pos):
            break  # text after the comment
    return lines


def _deep(line: str) -> bool:
    return line.expandtabs(4).startswith(" " * 8)


def _item_above(blocks: list[Block]) -> Block | None:
    """The block above, looking past code blocks nested in a list item or definition."""
    for b in reversed(blocks):
        if not (b.kind == "code" and _deep(b.text)):
            return b
    return None


def _kind(chunk: list[str], blocks: list[Block]) -> str:
    first = chunk[0]
    previous = _item_above(blocks)
    indented = first.startswith((" " * 4, "\t"))
    if indented and previous is not None and previous.kind in ("list", "note", "definition"):
        if _deep(first):
            return "code"  # code inside the item: indented 4 more than its text
        return previous.kind  # a continuation paragraph of the item above
    if indented:
        return "code"
    if first.lstrip().startswith("<") and not COMMENT_THEN_TEXT.match(first):
        return "html"
    if first.lstrip().startswith("$$"):
        return "math"
    if DIV.match(first):
        return "div"
    if RULE.match(first) and len(chunk) == 1:
        return "rule"
    if any(TABLE_SEP.match(c) for c in chunk[:3]) or first.lstrip().startswith("+-"):
        return "table"
    if first.startswith("|"):
        return "lineblock"
    if QUOTE.match(first):
        return "quote"
    if LIST.match(first):
        return "list"
    if FOOTNOTE.match(first):
        return "note"
    if REFDEF.match(first):
        return "refdef"
    if DEFINITION.match(first) or (len(chunk) > 1 and DEFINITION.match(chunk[1])):
        return "definition"
    if FIGURE.match("\n".join(chunk).strip()):
        return "figure"
    return "para"
