"""Outside programs run on untrusted input, bounded in time and memory and stopped with us.

Each runs in a process group of its own, so that the whole tree (a JVM, Node and the Chromium
it starts) can be killed at once: when it runs past its time, when the group's resident memory
passes its cap (read from /proc, as no rlimit fits a JVM's reservations), and when bookbuild is
interrupted (Ctrl-C, SIGTERM), which the caller passes on with `stop_all`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

POLL = 0.25  # seconds between looks at the group's memory

_running: set[subprocess.Popen] = set()
_lock = threading.Lock()


@dataclass
class Outcome:
    returncode: int | None
    stdout: str
    stderr: str
    stopped: str | None = None  # why it was killed: "time", "memory"; None when it ended


def run(args: list[str], timeout: float, memory_mb: int, env: dict | None = None,
        cwd: str | Path | None = None) -> Outcome:
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=cwd, start_new_session=True)
    with _lock:
        _running.add(proc)
    output: dict[str, str] = {}
    readers = [threading.Thread(target=lambda n=n, s=s: output.__setitem__(n, s.read()),
                                daemon=True)
               for n, s in (("stdout", proc.stdout), ("stderr", proc.stderr))]
    for reader in readers:
        reader.start()
    stopped = None
    try:
        deadline = time.monotonic() + timeout
        while proc.poll() is None:
            if time.monotonic() > deadline:
                stopped = "time"
            elif group_rss_mb(proc.pid) > memory_mb:
                stopped = "memory"
            if stopped:
                _kill(proc)
                break
            time.sleep(POLL)
        proc.wait()
    finally:
        _kill(proc)  # whatever is left of its group, also on Ctrl-C
        with _lock:
            _running.discard(proc)
    for reader in readers:
        reader.join(5)
    return Outcome(proc.returncode, output.get("stdout", ""), output.get("stderr", ""), stopped)


def stop_all() -> None:
    """Kill every program still running (from threads the interrupt did not reach)."""
    with _lock:
        running = list(_running)
    for proc in running:
        _kill(proc)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def group_rss_mb(pgid: int) -> float:
    """Resident memory of every process in the group, in MB."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            with open(f"/proc/{entry.name}/statm") as f:
                total += int(f.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return total * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
