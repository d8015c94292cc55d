"""The one diagnostic type: every problem and warning, from the reader, the converters, the
writers and the rules, is a Diagnostic with a stable code, a severity and a place."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: str  # one of SEVERITIES
    message: str
    file: str | None = None  # relative to the book folder where possible
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    @property
    def location(self) -> str:
        where = self.file or ""
        if where and self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.severity} {self.code}: {self.message}"
