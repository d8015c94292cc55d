"""Store rules belong to their store: KINDLE-* are errors under --profile kindle and for a
bookbuild book (made for every store), only notes for an EPUB checked under another profile."""

from __future__ import annotations

import json

from check_cli import run_cli
from epub_faults import CHAPTER, rewrite, sub


def no_declaration(sample_epub, tmp_path):
    return rewrite(sample_epub, tmp_path / "x.epub",
                   edit={CHAPTER: sub(r'<\?xml version="1.0" encoding="UTF-8"\?>\n', "")})


def codes(done, severity):
    report = json.loads(done.stdout)
    return {f["code"] for f in report["findings"] if f["severity"] == severity}


def test_kindle_rules_are_notes_for_an_epub_from_elsewhere(sample_epub, tmp_path):
    path = no_declaration(sample_epub, tmp_path)
    generic = run_cli("check", "--fast", "--format", "json", path)
    assert generic.returncode == 0, generic.stdout
    assert "KINDLE-001" in codes(generic, "info")
    for profile in ("generic", "kobo", "apple"):
        done = run_cli("check", "--fast", "--profile", profile, "--format", "json", path)
        assert "KINDLE-001" not in codes(done, "error")


def test_and_errors_for_kindle(sample_epub, tmp_path):
    done = run_cli("check", "--fast", "--profile", "kindle", "--format", "json",
                   no_declaration(sample_epub, tmp_path))
    assert done.returncode == 1 and "KINDLE-001" in codes(done, "error")


def test_hints_fit_an_epub_from_elsewhere(sample_epub, tmp_path):
    """No book.yaml or Markdown advice for an EPUB bookbuild did not build."""
    from bookbuild.check import hints, registry

    registry.load()
    assert set(hints.OUTSIDE) <= set(registry.RULES)
    for code, hint in hints.OUTSIDE.items():
        assert "book.yaml" not in hint and "{#" not in hint and "assets/" not in hint, code
    done = run_cli("check", "--fast", "--format", "json", sample_epub)
    report = json.loads(done.stdout)
    said = [f["hint"] or "" for f in report["findings"]]
    assert said and not [h for h in said if "book.yaml" in h], said
