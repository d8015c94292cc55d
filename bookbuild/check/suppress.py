"""Per-book suppressions: `check: {ignore: [...]}` in book.yaml.

    check:
      ignore:
        - PDF-PAGES-002                 # a code: every finding of that rule
        - MS-NAME-*                     # a family
        - code: MS-NAME-001             # or narrowed to a file and/or a message fragment
          file: manuscript/chapters/03-letters.md
          match: Marie
          reason: Marie and Maria are two sisters

Or in the Markdown, for one paragraph (the one the comment is in, or the next one when the
comment stands alone):

    <!-- bookbuild: ignore MS-WORD-001 -->
    He had had enough of the the cats.

A suppression that matches nothing, although its rule ran, is reported (CHECK-001): the problem
it hid is gone, and the line should go too.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.book.config import Positions
from bookbuild.book.model import Book
from bookbuild.check import Finding
from bookbuild.support.errors import Problems

CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Za-z0-9*_.-]+)*\*?$")
# A comment ends before a blank line: an unclosed one must not swallow the paragraphs after it.
INLINE = re.compile(r"<!--\s*bookbuild:\s*ignore\b((?:(?!\n[ \t]*\n).)*?)-->", re.DOTALL)
OPENING = re.compile(r"<!--\s*bookbuild:")
KEYS = {"code", "file", "match", "reason"}
TOOLS = ("EPUBCHECK-", "ACE-")


@dataclass
class Suppression:
    code: str
    file: str | None = None
    match: str | None = None
    reason: str | None = None
    line: int | None = None  # where the suppression is written
    used: int = 0
    lines: tuple[int, int] | None = None  # an inline one: the lines of `file` it covers
    where: str = METADATA_FILE  # the file it is written in
    broken: str | None = None  # why an inline comment cannot be read; it suppresses nothing

    def matches(self, f: Finding) -> bool:
        return (self.broken is None and fnmatch.fnmatchcase(f.code, self.code)
                and (self.file is None or f.file == self.file)
                and (self.match is None or self.match in f.message)
                and (self.lines is None or (f.line is not None
                                            and self.lines[0] <= f.line <= self.lines[1])))

    def describe(self) -> str:
        extra = "".join(f", {k} {v!r}" for k, v in (("file", self.file), ("match", self.match))
                        if v)
        return f"{self.code}{extra}"


def of_book(book: Book) -> list[Suppression]:
    """Every suppression of a book: book.yaml's check: block and the Markdown's comments."""
    return parse(book.config, book.positions) + inline([(s.source, s.text) for s in book.sections])


def parse(config: dict, at: Positions | None = None) -> list[Suppression]:
    """The suppressions of a book; a malformed `check:` block is bad input (BookError).
    `at`: where book.yaml's keys are (Book.positions)."""
    block = config.get("check")
    if block is None:
        return []
    at = at or Positions()
    problems = Problems()
    if not isinstance(block, dict):
        problems.add("'check' must be a mapping such as {ignore: [MS-NAME-001]}", METADATA_FILE,
                     at.line("check"))
        problems.raise_if_any()
    for key in block:
        if key != "ignore":
            problems.add(f"check: unknown key '{key}' (known: ignore)", METADATA_FILE,
                         at.line("check", key))
    entries = block.get("ignore") or []
    if not isinstance(entries, list):
        problems.add("check: 'ignore' must be a list of rule codes", METADATA_FILE,
                     at.line("check", "ignore"))
        entries = []
    out = [s for s in (_entry(e, at.line("check", "ignore", n), problems)
                       for n, e in enumerate(entries)) if s]
    problems.raise_if_any()
    return out


def _entry(entry, line: int | None, problems: Problems) -> Suppression | None:
    """One entry of check: ignore:, written at `line`."""
    if isinstance(entry, str):
        entry = {"code": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
        problems.add("check: each ignore entry is a rule code, or a mapping with 'code' "
                     "(and optional file, match, reason)", METADATA_FILE, line)
        return None
    code = entry["code"].strip()
    unknown = set(entry) - KEYS
    if unknown:
        problems.add(f"check: unknown key '{sorted(unknown)[0]}' in the entry for {code} "
                     f"(known: {', '.join(sorted(KEYS))})", METADATA_FILE, line)
    if not CODE.match(code):
        problems.add(f"check: {code!r} is not a rule code such as MS-NAME-001", METADATA_FILE,
                     line)
    texts = {k: entry.get(k) for k in ("file", "match", "reason")}
    for key, value in texts.items():
        if value is not None and not isinstance(value, str):
            problems.add(f"check: '{key}' of {code} must be text", METADATA_FILE, line)
            texts[key] = None
    return Suppression(code, texts["file"], texts["match"], texts["reason"], line)


def inline(sources: list[tuple[str, str]]) -> list[Suppression]:
    """The `<!-- bookbuild: ignore CODE … -->` comments in the Markdown: (file, text) pairs.

    Codes come first; the words after them are the reason. Comments inside code (fenced
    blocks, code spans) are examples, not suppressions."""
    out = []
    for source, text in sources:
        if "bookbuild:" not in text:
            continue  # most sections: no need to split them into blocks (every build does this)
        from bookbuild.check.ms_text import blank_code  # the lint's splitter: only when needed

        lines = text.split("\n")
        prose = blank_code(text)
        seen = set()
        for m in INLINE.finditer(prose):
            seen.add(m.start())
            first = prose.count("\n", 0, m.start()) + 1
            scope = _paragraph(lines, first, first + m.group(0).count("\n"))
            codes = _codes(m.group(1))
            if not codes:
                out.append(Suppression("", source, line=first, where=source, broken=(
                    f"the comment names no rule code: {m.group(0)[:60]!r}")))
            out += [Suppression(code, source, line=first, lines=scope, where=source)
                    for code in codes]
        for m in OPENING.finditer(prose):
            if m.start() not in seen and not INLINE.match(prose, m.start()):
                line = prose.count("\n", 0, m.start()) + 1
                out.append(Suppression("", source, line=line, where=source, broken=(
                    "a <!-- bookbuild: comment with no --> before the paragraph ends; "
                    "pandoc prints it in the book")))
    return out


def _codes(words: str) -> list[str]:
    """The rule codes at the start of a comment's text (MS-WORD-001, MS-NAME-*)."""
    codes = []
    for word in re.split(r"[\s,]+", words.strip()):
        if not word or "-" not in word or not CODE.match(word):  # "OK", "I" begin a reason
            break
        codes.append(word)
    return codes


def _paragraph(lines: list[str], first: int, last: int) -> tuple[int, int]:
    """The lines (1-based) of the paragraph a comment on lines first…last is in; when the
    comment stands alone, also the next paragraph that is more than comments."""
    start, end = _around(lines, first, last)
    if _only_comments(lines, start, end):
        nxt = end
        while True:
            nxt += 1
            while nxt <= len(lines) and not lines[nxt - 1].strip():
                nxt += 1
            if nxt > len(lines):
                break
            _s, nxt_end = _around(lines, nxt, nxt)
            end = nxt_end
            if not _only_comments(lines, nxt, nxt_end):
                break
            nxt = nxt_end
    return start, end


def _around(lines: list[str], first: int, last: int) -> tuple[int, int]:
    start, end = first, last
    while start > 1 and lines[start - 2].strip():
        start -= 1
    while end < len(lines) and lines[end].strip():
        end += 1
    return start, end


def _only_comments(lines: list[str], start: int, end: int) -> bool:
    return not re.sub(r"<!--.*?-->", "", "\n".join(lines[start - 1:end]), flags=re.DOTALL).strip()


def apply(findings: list[Finding], suppressions: list[Suppression],
          ran: set[str], stale: bool = True) -> tuple[list[Finding], list[Finding]]:
    """(kept, suppressed). Stale and unknown suppressions are added to `kept` as findings,
    unless not `stale` (a build: `check` says those, and knowing every rule's code costs
    importing every rule, most of a no-op rebuild).

    `ran` holds the codes of every rule that ran, and the prefixes of the tools that ran
    (EPUBCHECK-, ACE-); a suppression is only stale if its rule had the chance to match.
    """
    kept, hidden = [], []
    for f in findings:
        rule = next((s for s in suppressions if s.matches(f)), None)
        if rule is None:
            kept.append(f)
        else:
            rule.used += 1
            hidden.append(f)
    for s in suppressions if stale else []:
        if s.broken:
            kept.append(Finding("CHECK-003", "warning", s.broken, s.where, s.line,
                                hint="write <!-- bookbuild: ignore CODE reason -->"))
            continue
        if s.used:
            continue
        known = [c for c in ran if fnmatch.fnmatchcase(c, s.code)]
        tool = next((t for t in TOOLS if s.code.startswith(t)), None)
        if (tool and tool in ran) or known:
            hint = "delete the comment" if s.lines else "delete the line from check.ignore"
            what = s.code if s.lines else s.describe()
            kept.append(Finding("CHECK-001", "warning",
                                f"the suppression {what} matches nothing; remove it",
                                s.where, s.line, hint=hint))
        elif not tool and not _registered(s.code):
            kept.append(Finding("CHECK-002", "warning",
                                f"the suppression {s.code} names no rule bookbuild knows",
                                s.where, s.line, hint="check the code's spelling"))
    return kept, hidden


def _registered(pattern: str) -> bool:
    from bookbuild.check import registry

    registry.load()
    return any(fnmatch.fnmatchcase(c, pattern) for c in [*registry.RULES, *registry.WRITER_CODES])

