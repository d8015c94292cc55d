"""Suppressions in book.yaml: by code, family, file or message; stale ones are reported."""

from __future__ import annotations

import pytest

from bookbuild.check import Finding
from bookbuild.check.suppress import apply, parse
from bookbuild.errors import BookError

YAML = """title: T
check:
  ignore:
    - MS-WORD-001
    - MS-NAME-*   # a family
    - code: MS-QUOTE-002
      file: manuscript/chapters/02.md
      match: opening
      reason: a letter quoted in pieces
"""


def F(code: str, file: str = "manuscript/chapters/01.md", message: str = "x") -> Finding:
    return Finding(code, "warning", message, file, 3)


@pytest.fixture
def rules():
    import yaml

    return parse(yaml.safe_load(YAML), YAML)


def test_parse_reads_codes_families_and_narrowed_entries(rules):
    assert [(s.code, s.file, s.match, s.line) for s in rules] == [
        ("MS-WORD-001", None, None, 4), ("MS-NAME-*", None, None, 5),
        ("MS-QUOTE-002", "manuscript/chapters/02.md", "opening", 6)]
    assert rules[2].reason == "a letter quoted in pieces"


def test_apply_hides_what_matches(rules):
    findings = [F("MS-WORD-001"), F("MS-NAME-001"), F("MS-SPACE-001"),
                F("MS-QUOTE-002", "manuscript/chapters/02.md", "2 opening and 1 closing"),
                F("MS-QUOTE-002", "manuscript/chapters/03.md", "2 opening and 1 closing")]
    kept, hidden = apply(findings, rules, {"MS-WORD-001", "MS-NAME-001", "MS-QUOTE-002"})
    assert [f.code for f in hidden] == ["MS-WORD-001", "MS-NAME-001", "MS-QUOTE-002"]
    assert [(f.code, f.file) for f in kept] == [("MS-SPACE-001", "manuscript/chapters/01.md"),
                                               ("MS-QUOTE-002", "manuscript/chapters/03.md")]


def test_a_suppression_that_matches_nothing_is_reported(rules):
    kept, _hidden = apply([F("MS-NAME-001")], rules, {"MS-WORD-001", "MS-NAME-001",
                                                      "MS-QUOTE-002"})
    stale = [f for f in kept if f.code == "CHECK-001"]
    assert [(f.file, f.line) for f in stale] == [("manuscript/book.yaml", 4),
                                                 ("manuscript/book.yaml", 6)]
    assert "MS-WORD-001" in stale[0].message


def test_not_stale_when_its_rule_did_not_run():
    rules = parse({"check": {"ignore": ["PDF-PAGES-002", "EPUBCHECK-RSC-012"]}})
    kept, _ = apply([], rules, {"MS-WORD-001"})  # no PDF was built, EPUBCheck did not run
    assert kept == []
    kept, _ = apply([], rules, {"PDF-PAGES-002", "EPUBCHECK-"})
    assert [f.code for f in kept] == ["CHECK-001", "CHECK-001"]


def test_an_unknown_code_is_reported():
    kept, _ = apply([], parse({"check": {"ignore": ["MS-TYPO-999"]}}), set())
    assert [f.code for f in kept] == ["CHECK-002"]


@pytest.mark.parametrize("block, message", [
    ("check: [MS-WORD-001]", "'check' must be a mapping"),
    ("check: {skip: [X]}", "unknown key 'skip'"),
    ("check: {ignore: MS-WORD-001}", "'ignore' must be a list"),
    ("check: {ignore: [{file: a.md}]}", "each ignore entry"),
    ("check: {ignore: [not a code]}", "is not a rule code"),
    ("check: {ignore: [{code: MS-WORD-001, why: x}]}", "unknown key 'why'"),
])
def test_a_malformed_block_is_bad_input(block, message):
    import yaml

    text = f"title: T\n{block}\n"
    with pytest.raises(BookError) as e:
        parse(yaml.safe_load(text), text)
    problem = e.value.problems[0]
    assert message in problem.message and problem.file == "manuscript/book.yaml"
    assert problem.line == 2
