"""Problems found in a book, reported one line each with file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    message: str
    file: str | None = None  # relative to the book folder where possible
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file or ""
        if where and self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
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
