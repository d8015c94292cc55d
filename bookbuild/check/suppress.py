"""Per-book suppressions: `check: {ignore: [...]}` in book.yaml.

    check:
      ignore:
        - PDF-PAGES-002                 # a code: every finding of that rule
        - MS-NAME-*                     # a family
        - code: MS-NAME-001             # or narrowed to a file and/or a message fragment
          file: manuscript/chapters/03-letters.md
          match: Marie
          reason: Marie and Maria are two sisters

A suppression that matches nothing, although its rule ran, is reported (CHECK-001): the problem
it hid is gone, and the line should go too.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from bookbuild.check import Finding
from bookbuild.errors import Problems
from bookbuild.metadata import FILE as METADATA_FILE

CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Za-z0-9*_.-]+)*\*?$")
KEYS = {"code", "file", "match", "reason"}
TOOLS = ("EPUBCHECK-", "ACE-")


@dataclass
class Suppression:
    code: str
    file: str | None = None
    match: str | None = None
    reason: str | None = None
    line: int | None = None
    used: int = 0

    def matches(self, f: Finding) -> bool:
        return (fnmatch.fnmatchcase(f.code, self.code)
                and (self.file is None or f.file == self.file)
                and (self.match is None or self.match in f.message))

    def describe(self) -> str:
        extra = "".join(f", {k} {v!r}" for k, v in (("file", self.file), ("match", self.match))
                        if v)
        return f"{self.code}{extra}"


def parse(config: dict, yaml_text: str = "") -> list[Suppression]:
    """The suppressions of a book; a malformed `check:` block is bad input (BookError)."""
    block = config.get("check")
    if block is None:
        return []
    lines = yaml_text.splitlines()
    problems = Problems()
    if not isinstance(block, dict):
        problems.add("'check' must be a mapping such as {ignore: [MS-NAME-001]}", METADATA_FILE,
                     _line(lines, "check:"))
        problems.raise_if_any()
    for key in block:
        if key != "ignore":
            problems.add(f"check: unknown key '{key}' (known: ignore)", METADATA_FILE,
                         _line(lines, f"{key}:"))
    entries = block.get("ignore") or []
    if not isinstance(entries, list):
        problems.add("check: 'ignore' must be a list of rule codes", METADATA_FILE,
                     _line(lines, "ignore"))
        entries = []
    out = [s for s in (_entry(e, lines, problems) for e in entries) if s]
    problems.raise_if_any()
    return out


def _entry(entry, lines: list[str], problems: Problems) -> Suppression | None:
    if isinstance(entry, str):
        entry = {"code": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
        problems.add("check: each ignore entry is a rule code, or a mapping with 'code' "
                     "(and optional file, match, reason)", METADATA_FILE, _line(lines, "ignore"))
        return None
    code = entry["code"].strip()
    line = _line(lines, code)
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


def _line(lines: list[str], needle: str) -> int | None:
    for i, line in enumerate(lines, 1):
        if needle in line.split("#", 1)[0]:
            return i
    return None


def apply(findings: list[Finding], suppressions: list[Suppression],
          ran: set[str]) -> tuple[list[Finding], list[Finding]]:
    """(kept, suppressed). Stale and unknown suppressions are added to `kept` as findings.

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
    for s in suppressions:
        if s.used:
            continue
        known = [c for c in ran if fnmatch.fnmatchcase(c, s.code)]
        tool = next((t for t in TOOLS if s.code.startswith(t)), None)
        if (tool and tool in ran) or known:
            kept.append(Finding("CHECK-001", "warning",
                                f"the suppression {s.describe()} matches nothing; remove it",
                                METADATA_FILE, s.line, hint="delete the line from check.ignore"))
        elif not tool and not _registered(s.code):
            kept.append(Finding("CHECK-002", "warning",
                                f"the suppression {s.code} names no rule bookbuild knows",
                                METADATA_FILE, s.line, hint="check the code's spelling"))
    return kept, hidden


def _registered(pattern: str) -> bool:
    from bookbuild.check import registry

    registry.load()
    return any(fnmatch.fnmatchcase(c, pattern) for c in registry.RULES)

