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


def test_one_heading_per_file(sample_epub, tmp_path):
    """Findings about the whole EPUB (ours and EPUBCheck's) come under one heading."""
    import zipfile

    broken = tmp_path / "no-mimetype.epub"
    with zipfile.ZipFile(sample_epub) as z, zipfile.ZipFile(broken, "w") as out:
        for info in z.infolist():
            if info.filename != "mimetype":
                out.writestr(info, z.read(info))
    report = json.loads(run_cli("check", "--format", "json", broken).stdout)
    assert {f["file"] for f in report["findings"]} >= {"no-mimetype.epub"}
    assert str(broken) not in {f["file"] for f in report["findings"]}
    done = run_cli("check", broken)
    headings = [line for line in done.stdout.splitlines()
                if line and not line.startswith(" ") and ": " not in line]
    assert len(headings) == len(set(headings)), done.stdout
    assert len([h for h in headings if h.endswith("no-mimetype.epub")]) == 1, done.stdout
