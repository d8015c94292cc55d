"""How long `bookbuild watch` takes from a save to the refreshed rendering, through the real
command line (the watcher's own delay included)."""

from __future__ import annotations

import statistics
import subprocess
import threading
import time
from pathlib import Path

CHAPTER = "manuscript/chapters/01-when-lenin-proclaimed-soviet-power.md"
DONE = "Kobo Clara:"  # the line watch prints when the rendering is written
WAIT = 60.0  # seconds for any one step before the measurement gives up
RETRY = 5.0  # seconds after a save with no answer: it was missed, save again


def save_to_rendering(bookbuild: str, book: Path, saves: int = 3) -> float | None:
    """The median seconds from a save to the rendering, or None if watch never got there."""
    proc = subprocess.Popen([bookbuild, "watch", str(book)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines: list[tuple[float, str]] = []

    def read() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append((time.monotonic(), line))
    threading.Thread(target=read, daemon=True).start()
    try:
        if _seen(lines, 0, "watching") is None:
            return None
        times = []
        for n in range(saves):
            done = None
            # "watching" is said just before the watcher starts: a save in between is not
            # seen, so a save with no answer is made again, and timed from then.
            for _attempt in range(int(WAIT / RETRY)):
                start, seen = time.monotonic(), len(lines)
                with open(book / CHAPTER, "a", encoding="utf-8") as f:
                    f.write(f"\nSaved {n + 1} times while watching.\n")
                done = _seen(lines, seen, DONE, RETRY)
                if done is not None:
                    break
            if done is None:
                return None
            times.append(done - start)
            time.sleep(0.5)  # the next save is a new one, not part of this batch
        return statistics.median(times)
    finally:
        proc.terminate()
        proc.wait(10)


def _seen(lines: list[tuple[float, str]], since: int, start: str,
          wait: float = WAIT) -> float | None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for when, line in lines[since:]:
            if line.startswith(start):
                return when
        time.sleep(0.01)
    return None


if __name__ == "__main__":
    import sys

    print(save_to_rendering(sys.argv[1], Path(sys.argv[2])))
