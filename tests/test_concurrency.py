"""Builds that overlap or are interrupted never cost the author the last good output.

- Two builds of one book into one folder at the same time both succeed, one after the other:
  each output is a whole, valid EPUB, never a mix of the two.
- A build that finds the output folder locked waits for the lock.
- Ctrl-C while the EPUB is half-written, or while pandoc converts 5,000 sections, leaves the
  previous EPUB byte-identical and no temporary file behind.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EVERYTHING, copy_book
from tests.test_bad_input import AUDITED, BASE, SLUG, snapshot

BOOKBUILD = [sys.executable, "-m", "bookbuild"]


def start(args: list[str], env: dict | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, **(env or {})), **kwargs)


def wait_for_line(proc: subprocess.Popen, needle: str) -> list[str]:
    """Read the build's stderr until a line holds `needle` (or the build ends)."""
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"build ended before {needle!r}; it said:\n{''.join(seen)}")


def leftovers(*folders: Path) -> list[Path]:
    """Temporary files a build left behind (ours are .NAME.*.tmp, the cache's .tmp-*)."""
    found = []
    for folder in folders:
        if folder.exists():
            found += [p for p in folder.rglob("*")
                      if p.name.endswith(".tmp") or p.name.startswith(".tmp-")]
    return found


def valid_epub(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        names = z.namelist()
        assert names[0] == "mimetype" and len(names) == len(set(names))
        return {n: z.read(n) for n in names}


def test_two_builds_at_once_both_succeed(tmp_path):
    book = copy_book(EVERYTHING, tmp_path / "book")
    reference = subprocess.run([*BOOKBUILD, "build", "-q", str(book), "--out",
                                str(tmp_path / "ref")], capture_output=True, text=True)
    assert reference.returncode == 0, reference.stderr
    shutil.rmtree(book / "build")  # start both from a cold cache: the most work, the most overlap
    out = tmp_path / "out"
    builds = [start([*BOOKBUILD, "build", "-q", str(book), "--out", str(out)]) for _ in range(2)]
    results = [(b.wait(timeout=300), b.stdout.read(), b.stderr.read()) for b in builds]
    for code, stdout, stderr in results:
        assert code == 0, stderr
        assert "wrote" in stdout
    assert sorted(p.name for p in out.iterdir()) == [".bookbuild.lock", "everything.epub"]
    assert valid_epub(out / "everything.epub") == valid_epub(tmp_path / "ref/everything.epub")
    assert (out / "everything.epub").read_bytes() == (tmp_path / "ref/everything.epub").read_bytes()
    assert leftovers(out, book) == []


def test_a_build_waits_while_the_output_folder_is_locked(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".bookbuild.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as another build would
        build = start([*BOOKBUILD, "build", str(BASE), "--out", str(out)],
                      env={"BOOKBUILD_CACHE": "0"})
        wait_for_line(build, "processing images and packaging")
        time.sleep(1.0)  # ample for this small book to be written, were the lock ignored
        assert build.poll() is None, "the build must wait for the lock"
        assert sorted(p.name for p in out.iterdir()) == [".bookbuild.lock"]
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert build.wait(timeout=120) == 0, build.stderr.read()
    valid_epub(out / f"{SLUG}.epub")


def _previous_output(tmp_path: Path) -> tuple[Path, Path, dict]:
    """A private copy of the base book, built once: the output the author must not lose."""
    book = tmp_path / "book"
    shutil.copytree(BASE, book, ignore=shutil.ignore_patterns("build"))
    out = tmp_path / "out"
    first = subprocess.run([*BOOKBUILD, "build", "-q", str(book), "--out", str(out)],
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    return book, out, snapshot(out)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_interrupted_while_the_epub_is_half_written(tmp_path, sig):
    # Ctrl-C and `kill` both unwind: the last good EPUB stays, no temp file is left.
    book, out, before = _previous_output(tmp_path)
    (book / "manuscript/chapters/02-two.md").write_text("# Two\n\nA new text.\n", "utf-8")
    build = start([sys.executable, str(AUDITED), "build", "-q", str(book), "--out", str(out)],
                  env={"BOOKBUILD_PAUSE_AFTER": "6", "BOOKBUILD_CACHE": "0"})
    wait_for_line(build, "paused mid-write")
    partial = [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert len(partial) == 1 and partial[0].stat().st_size > 0, "the pause is mid-write"
    build.send_signal(sig)
    code = build.wait(timeout=120)
    said = build.stdout.read() + build.stderr.read()
    assert code == (130 if sig == signal.SIGINT else 128 + sig), said
    assert "Traceback" not in said
    assert said.count("interrupted: earlier outputs are left as they were") == 1
    assert snapshot(out) == before
    assert leftovers(out, book) == []


def test_ctrl_c_while_converting_five_thousand_sections(tmp_path):
    book, out, before = _previous_output(tmp_path)
    for i in range(10, 5010):
        (book / f"manuscript/chapters/{i:05d}-part.md").write_text(
            f"# Part {i}\n\nText of part {i}.[^n]\n\n[^n]: A note.\n", "utf-8")
    # A new session, as a terminal has: Ctrl-C reaches the build and the pandoc it runs.
    build = start([*BOOKBUILD, "build", str(book), "--out", str(out)], start_new_session=True)
    wait_for_line(build, "converting")
    os.killpg(build.pid, signal.SIGINT)
    code = build.wait(timeout=300)
    said = build.stdout.read() + build.stderr.read()
    assert code == 130, said
    assert "interrupted" in said and "Traceback" not in said
    assert snapshot(out) == before
    assert leftovers(out, book) == []



def _long_print(book: Path) -> None:
    """Chapters enough that Typst works on two workers for a few seconds."""
    words = ("the keeper trimmed a lamp and watched the grey sea turn over "
             "its stones while the gulls went home ").split()
    for i in range(40):
        paragraphs = "\n\n".join(" ".join(words[(i + j + k) % len(words)] for k in range(150))
                                 for j in range(20))
        (book / f"manuscript/chapters/{i + 10:03d}-long.md").write_text(
            f"# Long {i}\n\n{paragraphs.capitalize()}.\n", "utf-8")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_interrupted_while_typesetting(tmp_path, sig):
    """Ctrl-C in a terminal reaches the build and its Typst workers: one line is said, no
    worker prints a traceback, and the last good PDF stays."""
    book = copy_book(BASE, tmp_path / "book")
    out = tmp_path / "out"
    first = subprocess.run([*BOOKBUILD, "build", "-q", str(book), "--format", "pdf", "--out",
                            str(out)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    _long_print(book)
    build = start([*BOOKBUILD, "build", str(book), "--format", "pdf", "--out", str(out)],
                  env={"BOOKBUILD_JOBS": "2", "BOOKBUILD_CACHE": "0"}, start_new_session=True)
    wait_for_line(build, "typesetting with Typst")
    time.sleep(0.5)  # the workers are setting jobs now
    os.killpg(build.pid, sig)
    code = build.wait(timeout=120)
    said = build.stdout.read() + build.stderr.read()
    assert code == 128 + sig, said
    assert "Traceback" not in said
    assert said.count("interrupted: earlier outputs are left as they were") == 1, said
    assert snapshot(out) == before
    assert leftovers(out, book) == []
