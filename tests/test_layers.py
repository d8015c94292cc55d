"""The shape of the tree, checked as CI checks it: the import layers (import-linter), the linter
(ruff) and the types of the model, the config and the pipeline (mypy); and every code a writer
warns with is one book.yaml can suppress."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bookbuild.check import registry

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    path = BIN / tool
    if not path.exists():
        pytest.fail(f"{tool} is not installed: `make test` installs the test extra")
    return subprocess.run([str(path), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def test_no_layer_imports_a_layer_above_it():
    result = run("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_ruff_is_clean():
    result = run("ruff", "check", "--no-cache", "bookbuild", "tests", "bench")
    assert result.returncode == 0, result.stdout[-3000:]


def test_mypy_is_clean():
    result = run("mypy")
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_layer_contract_can_fail(tmp_path):
    """The contract is real: a module of the book layer importing the pipeline breaks it."""
    config = (ROOT / "pyproject.toml").read_text("utf-8")
    assert '"bookbuild.book",\n  "bookbuild.support",' in config
    bad = ROOT / "bookbuild" / "book" / "_layer_probe.py"
    bad.write_text("import bookbuild.pipeline  # noqa: F401\n", "utf-8")
    try:
        result = run("lint-imports", "--no-cache")
    finally:
        bad.unlink()
    assert result.returncode != 0 and "bookbuild.book._layer_probe" in result.stdout


WARNED = re.compile(r"""["'](CONVERT-[A-Z]+-\d{3}|PDF-[A-Z]+-\d{3}|MS-[A-Z]+-\d{3})["']""")


def test_every_code_a_writer_warns_with_is_known():
    """A suppression of a writer's warning must not be called a code bookbuild does not know."""
    registry.load()
    sources = [p for folder in ("convert", "pdf", "epub", "media", "book")
               for p in (ROOT / "bookbuild" / folder).rglob("*") if p.suffix in (".py", ".lua")]
    sources.append(ROOT / "bookbuild" / "pipeline.py")
    used = {code for p in sources for code in WARNED.findall(p.read_text("utf-8"))}
    assert {"CONVERT-HTML-001", "PDF-GLYPH-001", "PDF-IMG-001"} <= used
    unknown = used - set(registry.RULES) - set(registry.WRITER_CODES)
    assert not unknown
