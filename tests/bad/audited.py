"""Run the bookbuild command line as a user would, with every file it opens written to a log.

Python's audit hooks see each `open()` (ours, Pillow's, the standard library's) and each folder
listing, so a test can prove that a build never touched a file outside the book folder.

Environment:
  BOOKBUILD_AUDIT_LOG   where to append "open\t/abs/path" and "list\t/abs/path" lines
  BOOKBUILD_PAUSE_AFTER pause (sleep) after the EPUB zip writer has written this many entries,
                        printing "paused mid-write" to stderr first: lets a test send Ctrl-C
                        at the one moment a half-written file exists
"""

from __future__ import annotations

import os
import sys
import time


def _install_audit(log_path: str) -> None:
    log = open(log_path, "a", buffering=1, encoding="utf-8", errors="surrogateescape")

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            kind, target = "open", args[0]
        elif event in ("os.listdir", "os.scandir"):
            kind, target = "list", args[0] if args and args[0] is not None else "."
        else:
            return
        if isinstance(target, int):
            return  # an already open descriptor
        log.write(f"{kind}\t{os.path.abspath(os.fsdecode(target))}\n")

    sys.addaudithook(hook)


def _install_pause(after: int) -> None:
    from bookbuild.epub import package

    original = package._FixedTimeZip.writestr
    written = 0

    def writestr(self, *args, **kwargs):
        nonlocal written
        original(self, *args, **kwargs)
        written += 1
        if written == after:
            self.fp.flush()
            print("paused mid-write", file=sys.stderr, flush=True)
            time.sleep(600)

    package._FixedTimeZip.writestr = writestr


def main() -> None:
    if os.environ.get("BOOKBUILD_AUDIT_LOG"):
        _install_audit(os.environ["BOOKBUILD_AUDIT_LOG"])
    if os.environ.get("BOOKBUILD_PAUSE_AFTER"):
        _install_pause(int(os.environ["BOOKBUILD_PAUSE_AFTER"]))
    from bookbuild.cli import main as cli

    sys.argv[0] = "bookbuild"
    cli()


if __name__ == "__main__":
    main()
