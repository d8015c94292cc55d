"""Running `bookbuild` as a user would, in a subprocess."""

from __future__ import annotations

import subprocess
import sys


def run_cli(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bookbuild", *map(str, args)],
                          capture_output=True, text=True, env=env)
