"""Printing a check Result: for people (grouped by file, coloured on a terminal) or as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from itertools import groupby

import click

from bookbuild.check import SEVERITIES, Finding
from bookbuild.support.words import counted, visible


@dataclass
class Result:
    subject: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)  # what was checked: manuscript, epub, …

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        if self.count("error") or (strict and self.count("warning")):
            return 1
        return 0

    def summary(self) -> dict:
        return {**{s: self.count(s) for s in SEVERITIES}, "suppressed": len(self.suppressed)}


COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}


def as_json(result: Result) -> str:
    return json.dumps({
        "subject": result.subject,
        "checked": result.ran,
        "summary": result.summary(),
        "findings": [asdict(f) for f in result.findings],
        "suppressed": [asdict(f) for f in result.suppressed],
    }, ensure_ascii=False, indent=2)


def as_text(result: Result, colour: bool = False) -> str:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if colour else text

    out = []
    for file, group in groupby(result.findings, key=lambda f: f.file or ""):
        # Messages and names quote the file checked, which may be anyone's: shown, never obeyed.
        out.append(style(visible(file or result.subject), bold=True))
        for f in group:
            where = f"{f.line}" + (f":{f.column}" if f.column else "") if f.line else "-"
            severity = style(f"{f.severity:<7}", fg=COLOURS[f.severity])
            out.append(f"  {where:>7}  {severity}  {style(f.code, dim=True)}  {visible(f.message)}")
            if f.hint:
                out.append(f"{'':>20}{style('fix: ' + f.hint, dim=True)}")
        out.append("")
    counts = result.summary()
    line = (f"{result.subject}: {counted(counts['error'], 'error')}, "
            f"{counted(counts['warning'], 'warning')}, {counted(counts['info'], 'info', 'info')}")
    if counts["suppressed"]:
        line += f" ({counts['suppressed']} suppressed)"
    line += f"; checked: {', '.join(result.ran) or 'nothing'}"
    tone = "red" if counts["error"] else "yellow" if counts["warning"] else "green"
    out.append(style(line, fg=tone, bold=True))
    return "\n".join(out)
