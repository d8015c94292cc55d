"""How a catalogue's run is told: a line per finished book as it ends, with the time left,
then one table of every book."""

from __future__ import annotations

from bookbuild.support.words import counted

STATUS = {"built": "built", "up to date": "up to date", "failed": "FAILED"}


def finished_line(result: dict, done: int, total: int, elapsed: float) -> str:
    """"[ 3/200] built when-lenin (epub, pdf) in 1.2 s, 2 warnings; about 4 min left"."""
    width = len(str(total))
    what = f"[{done:>{width}}/{total}] {STATUS[result['status']]} {result['book']}"
    if result["status"] == "failed":
        first = result["errors"][0] if result["errors"] else "failed"
        what += f": {first}"
        if len(result["errors"]) > 1:
            what += f" (and {counted(len(result['errors']) - 1, 'more problem')})"
    else:
        what += f" ({', '.join(result['formats'])}) in {result['seconds']:.1f} s"
        if result["warnings"]:
            what += f", {counted(len(result['warnings']), 'warning')}"
    if done < total:
        what += f"; about {duration(elapsed / done * (total - done))} left"
    return what


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def table(results: list[dict]) -> str:
    """Every book: its formats, warnings, errors, time and what happened to it."""
    head = ("book", "formats", "warnings", "errors", "time", "")
    rows = [head] + [(r["book"], ", ".join(r["formats"]), str(len(r["warnings"])),
                      str(len(r["errors"])), f"{r['seconds']:.1f} s", STATUS[r["status"]])
                     for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    right = {2, 3, 4}  # numbers line up on the right
    lines = ["  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                       for i, cell in enumerate(row)).rstrip() for row in rows]
    return "\n".join(lines)


def summary(results: list[dict], seconds: float) -> str:
    counts = {s: sum(r["status"] == s for r in results) for s in STATUS}
    parts = [counted(len(results), "book"), f"{counts['built']} built",
             f"{counts['up to date']} up to date", f"{counts['failed']} failed"]
    return f"{', '.join(parts)} in {duration(seconds)}"
