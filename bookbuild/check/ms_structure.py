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
# Not XXX: history books have a XXX Corps. Not part of a path (subdir/TODO) either.
MARKER = re.compile(r"(?<![\w/.-])(TODO|FIXME|TBD)\b(?![/.-]\w)")
# A marker is a note to self where it starts a note (at the start of a line or comment,
# after a bracket or a full stop) or is followed by a colon or the end; in the middle of a
# sentence it is a name: "the TODO file", "die TODO und index.html Dateien".
NOTE_BEFORE = re.compile(r"(?:^|<!--|[\[(.!?:;]|\n)[\s#*_>-]*$")
NOTE_AFTER = re.compile(r"\s*(?:[:!?)\]\-–—.]|-->|$)")


def _ending(text: str) -> str:
    return text.rstrip().rstrip(TRAILING).rstrip()


def _ends_outside_prose(block) -> bool:
    """True if the paragraph ends on a URL, a link target or code: no sentence to go on."""
    return len(block.prose.rstrip()) < len(block.text.rstrip())


def _inset(block) -> bool:
    """True if the paragraph is set in the sentence around it: indented lines (a verse
    quoted mid-sentence) or a placeholder for a picture or music in brackets."""
    text = block.text.strip()
    return block.text[:1] in " \t" or (text.startswith("[") and text.endswith("]")
                                        and "\n" not in text)


def _splits(ms: Manuscript):
    words = FUNCTION_WORDS.get(ms.language, set())
    for f in ms.files:
        for before, after in zip(f.blocks, f.blocks[1:]):
            if before.kind != "para" or after.kind != "para":
                continue
            end = _ending(before.prose)
            start = after.prose.lstrip().lstrip("“‘\"'(*_[")
            if not end or not start or end[-1] in CLOSING or _ends_outside_prose(before) \
                    or _inset(after):
                continue
            # the last word as typed: "M.A. 2007" does not end on the article "a"
            last_word = end.split()[-1].strip("“‘\"'(*_[,")
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
      "use the next heading level down: ## inside a # section, then ###",
      "manuscript")
def heading_levels(ms: Manuscript):
    """Heading levels do not skip (# then ###). A section may open at any level: one that
    opens with ## (a sub-chapter, as mdBook writes them) takes that heading as its title."""
    for f in ms.files:
        previous = 0
        for b in f.blocks:
            if b.kind != "heading":
                continue
            if previous and b.level > previous + 1:
                yield Hit(f"heading level {b.level} follows level {previous}: "
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
                if not (NOTE_BEFORE.search(text, 0, m.start()) or NOTE_AFTER.match(text, m.end())):
                    continue
                yield Hit(f"{m.group(1)} left in the manuscript", f.source, b.line_at(m.start()),
                          b.column_at(m.start()))


def _unblank_comments(block) -> str:
    """The prose, with HTML comments put back: notes to self hide there."""
    prose = block.prose
    for m in re.finditer(r"<!--.*?-->", block.text, re.DOTALL):
        prose = prose[:m.start()] + m.group(0) + prose[m.end():]
    return prose
