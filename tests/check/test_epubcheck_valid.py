"""On EPUBs that EPUBCheck passes (its own valid test publications, kept in
tests/check/epubcheck-valid/), the generic profile raises an error on fewer than 3%, and only
where a documented rule says why EPUBCheck is too lenient. Measured before the fixes: 27 of 134."""

from __future__ import annotations

from pathlib import Path

from bookbuild.commands.check import Options, check_path

VALID = sorted((Path(__file__).parent / "epubcheck-valid").glob("*.epub"))
# Where bookbuild is stricter than EPUBCheck on purpose, and why.
STRICTER = {
    # An SVG is also shown as an <img>, where a reference out of it (here a remote font) is
    # fetched by some readers and not others: bookbuild refuses any (EPUB-SVG-001's rule).
    ("resources-remote-font-in-svg-valid.epub", "EPUB-SVG-001"),
}


def test_the_generic_profile_passes_what_epubcheck_passes():
    assert len(VALID) >= 100
    errors = {}
    for path in VALID:
        found = check_path(path, Options(epubcheck=False)).findings
        codes = {f.code for f in found if f.severity == "error"}
        if codes:
            errors[path.name] = codes
    unexplained = {name: codes for name, codes in errors.items()
                   if any((name, code) not in STRICTER for code in codes)}
    assert not unexplained
    assert len(errors) < 0.03 * len(VALID), errors
