"""Checking an EPUB that bookbuild did not build needs nothing of the build: no pandoc, no book
folder, no switch set by another module (it once reported 20 rule crashes without pypandoc)."""

from __future__ import annotations

import os
import subprocess
import sys

BLOCK = """
import sys
sys.modules["pypandoc"] = None  # as if it were not installed: import fails, find_spec is None
"""


def test_an_epub_is_checked_without_pandoc(sample_epub, tmp_path):
    (tmp_path / "sitecustomize.py").write_text(BLOCK, "utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path),
                                                       os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run([sys.executable, "-m", "bookbuild", "check", "--fast",
                             "--format", "json", str(sample_epub)],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CHECK-900" not in result.stdout and "internal error" not in result.stderr
    assert '"error": 0' in result.stdout


def test_a_build_without_pandoc_says_so_in_one_line(tmp_path):
    from tests.conftest import SAMPLE, copy_book

    (tmp_path / "sitecustomize.py").write_text(BLOCK, "utf-8")
    book = copy_book(SAMPLE, tmp_path / "book")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path),
                                                       os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run([sys.executable, "-m", "bookbuild", "build", str(book)],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "error: pandoc not found" in result.stderr and "Traceback" not in result.stderr
    assert not (book / "build").exists() or not any((book / "build").glob("*.epub"))
