"""Outside programs on untrusted input are bounded: killed at their time limit, at their memory
cap (the whole process group), and with bookbuild."""

from __future__ import annotations

import sys
import threading
import time

from bookbuild.support import bounded


def test_a_program_past_its_time_is_killed():
    start = time.monotonic()
    out = bounded.run([sys.executable, "-c", "import time; time.sleep(60)"], 1, 1000)
    assert out.stopped == "time" and time.monotonic() - start < 10


def test_a_group_past_its_memory_is_killed():
    # The memory is taken by a child of the child: the whole group counts.
    grab = ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
            "'x = bytearray(400 * 1024 * 1024); import time; time.sleep(60)'])")
    start = time.monotonic()
    out = bounded.run([sys.executable, "-c", grab], 60, 200)
    assert out.stopped == "memory" and time.monotonic() - start < 20


def test_a_program_that_ends_is_read_whole():
    out = bounded.run([sys.executable, "-c", "print('x' * 100000)"], 30, 1000)
    assert out.stopped is None and out.returncode == 0 and len(out.stdout) == 100001


def test_stop_all_kills_what_is_running():
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("out", bounded.run(
        [sys.executable, "-c", "import time; time.sleep(60)"], 120, 1000)))
    worker.start()
    time.sleep(1)
    bounded.stop_all()
    worker.join(10)
    assert not worker.is_alive() and result["out"].returncode != 0
