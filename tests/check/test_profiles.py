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
