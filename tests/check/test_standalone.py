"""Checking an EPUB that bookbuild did not build needs nothing of the build: no pandoc, no book
folder, no switch set by another module (it once reported 20 rule crashes without pypandoc)."""

from __future__ import annotations

import os
import subprocess
import sys

BLOCK = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "pypandoc":
            raise ImportError("pypandoc is not installed here")
sys.meta_path.insert(0, Block())
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
