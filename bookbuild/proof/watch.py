"""`bookbuild watch`: rebuild and refresh the proofs whenever a manuscript file is saved."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from bookbuild.support.errors import BookError

WATCHED = ("manuscript", "assets")
# Editors' swap, backup and lock files: saving a chapter should rebuild once, not three times.
IGNORED_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".part", "~", ".kate-swp")
IGNORED_NAMES = {"4913", ".DS_Store"}  # vim's write probe; macOS folder metadata


def relevant(changes: Iterable[tuple[object, str]], root: Path) -> list[str]:
    """The book files among watchfiles' (change, path) pairs, relative to the book folder."""
    root = root.resolve()
    out = set()
    for _change, path in changes:
        p = Path(path)
        try:
            rel = p.resolve().relative_to(root)
        except ValueError:
            continue
        if not rel.parts or rel.parts[0] not in WATCHED:
            continue
        if p.name in IGNORED_NAMES or p.name.endswith(IGNORED_SUFFIXES) or \
                p.name.startswith((".#", "#")) or any(x.startswith(".") for x in rel.parts):
            continue
        out.add(rel.as_posix())
    return sorted(out)


Rebuild = Callable[[list[str]], None]  # given the saved files, relative to the book folder


def on_change(changes, root: Path, rebuild: Rebuild, say: Callable[[str], None]) -> bool:
    """Handle one batch of file events: rebuild if a book file changed. True if it did.

    Bad input is reported and the watch goes on; the author fixes the file and saves again.
    """
    files = relevant(changes, root)
    if not files:
        return False
    more = f" and {len(files) - 3} more" if len(files) > 3 else ""
    say(f"changed: {', '.join(files[:3])}{more}")
    rebuild_reporting(rebuild, files, say)
    return True


def rebuild_reporting(rebuild: Rebuild, files: list[str], say: Callable[[str], None]) -> None:
    try:
        rebuild(files)
    except BookError as e:
        for problem in e.problems:
            say(f"error: {problem}")
        say("fix it and save again; still watching")


def watch(folder: str | Path, rebuild: Rebuild, say: Callable[[str], None],
          stop: threading.Event | None = None) -> None:
    """Rebuild once, then on every save until Ctrl-C (or until `stop` is set)."""
    import watchfiles

    root = Path(folder).resolve()
    paths = [root / name for name in WATCHED if (root / name).is_dir()]
    if not paths:
        raise BookError(f"{root}: no manuscript/ folder to watch")
    # watchfiles logs its own "KeyboardInterrupt caught" on Ctrl-C; "stopped watching" says it.
    logging.getLogger("watchfiles").setLevel(logging.ERROR)
    before = _mtimes(paths)
    rebuild_reporting(rebuild, [], say)
    ready = False
    try:
        # yield_on_timeout: the first (empty) batch says the watcher runs. A save made during
        # the first build, before it ran, is found by its time and rebuilt then, not lost.
        for changes in watchfiles.watch(*paths, stop_event=stop, raise_interrupt=False,
                                        yield_on_timeout=True, rust_timeout=RUST_TIMEOUT_MS):
            if not ready:
                ready = True
                say(f"watching {', '.join(p.name + '/' for p in paths)} in {root}; "
                    f"Ctrl-C stops")
                missed = _changed(before, _mtimes(paths))
                changes = set(changes) | {(MODIFIED, path) for path in missed}
            if changes:
                on_change(changes, root, rebuild, say)
    except KeyboardInterrupt:
        pass
    say("stopped watching")


RUST_TIMEOUT_MS = 300
MODIFIED = 2  # watchfiles.Change.modified


def _mtimes(paths: list[Path]) -> dict[str, int]:
    found = {}
    for top in paths:
        for path in top.rglob("*"):
            try:
                found[str(path)] = path.stat().st_mtime_ns
            except OSError:
                continue  # removed while we looked
    return found


def _changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
