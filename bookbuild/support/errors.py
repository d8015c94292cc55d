"""Bad input: the build stops, nothing is written, each problem is one line with file and line."""

from __future__ import annotations

from pathlib import Path

from bookbuild.support.diagnostics import Diagnostic


class Problem(Diagnostic):
    """An error Diagnostic that stops the build; said as "file:line: message"."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 column: int | None = None, code: str = "BUILD-001", hint: str | None = None):
        super().__init__(code, "error", message, file, line, column, hint)

    def __str__(self) -> str:
        where = self.location
        return f"{where}: {self.message}" if where else self.message


class BookError(Exception):
    """Bad input: the build stops, nothing is written, each problem is one line."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems:
    """Collects problems so the author sees all of them at once, not one per run."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, message: str, file: str | Path | None = None, line: int | None = None,
            column: int | None = None) -> None:
        problem = Problem(message, str(file) if file is not None else None, line, column)
        if problem not in self.items:  # two links on one line to one place: said once
            self.items.append(problem)

    def raise_if_any(self) -> None:
        if self.items:
            raise BookError(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
