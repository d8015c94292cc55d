"""Manuscript structure: split paragraphs, skipped heading levels, size, notes to self."""

from __future__ import annotations

import re

from bookbuild.check.ms_text import Manuscript
from bookbuild.check.registry import Hit, rule

# Characters after which a paragraph may end; closing quotes and brackets may follow them.
CLOSING = ".!?…:;—–"
TRAILING = "”’\"')]*_»›"
# Words a sentence does not end on: a paragraph ending with one was cut in the middle.
FUNCTION_WORDS = {
    "en": {"a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "into",
           "onto", "and", "or", "but", "nor", "as", "than", "that", "which", "who", "whose",
           "his", "her", "its", "their", "our", "my", "your", "this", "these", "those", "is",
           "are", "was", "were", "be", "been", "had", "has", "have", "not", "very", "such",
           "whom", "when", "where", "while", "if", "because", "although", "though", "upon"},
}
LONG_PARAGRAPH = 500  # words: more than two e-reader screens at a medium font size
WORD = re.compile(r"[^\W\d_][\w’'-]*", re.UNICODE)
# Not XXX: history books have a XXX Corps.
MARKER = re.compile(r"\b(TODO|FIXME|TBD)\b")


def _ending(text: str) -> str:
    return text.rstrip().rstrip(TRAILING).rstrip()


def _splits(ms: Manuscript):
    words = FUNCTION_WORDS.get(ms.language, set())
    for f in ms.files:
        for before, after in zip(f.blocks, f.blocks[1:]):
            if before.kind != "para" or after.kind != "para":
                continue
            end = _ending(before.prose)
            start = after.prose.lstrip().lstrip("“‘\"'(*_[")
            if not end or not start or end[-1] in CLOSING:
                continue
            last = WORD.findall(end[-40:])
            last_word = last[-1].lower() if last else ""
            goes_on = start[0].islower()
            cut = goes_on or last_word in words
            if (end[-1] == "," and goes_on) or (end[-1].isalnum() and cut):
                yield f, before, after


@rule("MS-PARA-001", "warning",
      "join the two paragraphs (delete the blank line between them)", "manuscript")
def split_paragraph(ms: Manuscript):
    """A paragraph ends mid-sentence and the next one goes on with it."""
    for f, before, after in _splits(ms):
        tail = " ".join(before.text.split()[-4:])
        head = " ".join(after.text.split()[:4])
        yield Hit(f"paragraph split mid-sentence: “…{tail}” / “{head}…”", f.source,
                  before.last_line)


@rule("MS-HEAD-001", "warning",
      "use the next heading level down: # for the section title, ## inside it, then ###",
      "manuscript")
def heading_levels(ms: Manuscript):
    """Heading levels do not skip (# then ###), and a section starts at level 1."""
    for f in ms.files:
        previous = 0
        for b in f.blocks:
            if b.kind != "heading":
                continue
            if b.level > previous + 1:
                was = f"level {previous}" if previous else "the start of the section"
                yield Hit(f"heading level {b.level} follows {was}: "
                          f"“{b.text.strip('# =-').strip()}”", f.source, b.line)
            previous = b.level


@rule("MS-LONG-001", "warning",
      "break the paragraph where the thought turns; readers lose their place", "manuscript")
def long_paragraph(ms: Manuscript):
    """No paragraph runs past 500 words."""
    for f in ms.files:
        for b in f.blocks:
            if b.kind == "para":
                count = len(WORD.findall(b.prose))
                if count > LONG_PARAGRAPH:
                    yield Hit(f"paragraph of {count:,} words", f.source, b.line)


@rule("MS-TODO-001", "warning", "finish the passage and remove the marker", "manuscript")
def todo_markers(ms: Manuscript):
    """No TODO, FIXME or TBD is left in the text or its comments."""
    for f in ms.files:
        for b in f.blocks:
            if b.kind == "code":
                continue
            text = b.text if b.kind == "html" else _unblank_comments(b)
            for m in MARKER.finditer(text):
                yield Hit(f"{m.group(1)} left in the manuscript", f.source, b.line_at(m.start()),
                          b.column_at(m.start()))


def _unblank_comments(block) -> str:
    """The prose, with HTML comments put back: notes to self hide there."""
    prose = block.prose
    for m in re.finditer(r"<!--.*?-->", block.text, re.DOTALL):
        prose = prose[:m.start()] + m.group(0) + prose[m.end():]
    return prose
