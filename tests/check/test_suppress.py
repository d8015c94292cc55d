"""Suppressions in book.yaml: by code, family, file or message; stale ones are reported."""

from __future__ import annotations

import pytest

from bookbuild.book.config import Positions
from bookbuild.check import Finding
from bookbuild.check.suppress import apply, inline, parse
from bookbuild.support.errors import BookError

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

    return parse(yaml.safe_load(YAML), Positions.of(yaml.compose(YAML)))


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
        parse(yaml.safe_load(text), Positions.of(yaml.compose(text)))
    problem = e.value.problems[0]
    assert message in problem.message and problem.file == "manuscript/book.yaml"
    assert problem.line == 2


CHAPTER = "manuscript/chapters/01.md"
TEXT = """# A

He said the the word. <!-- bookbuild: ignore MS-WORD-001 -->
It went on.

<!-- bookbuild: ignore MS-QUOTE-002, MS-NAME-* -->

"An open quotation
that runs on.

Another the the paragraph.
<!-- bookbuild: ignore MS-LONG-001 -->
"""


def at(code: str, line: int) -> Finding:
    return Finding(code, "warning", "x", CHAPTER, line)


def test_an_inline_comment_covers_its_own_paragraph_or_the_next():
    rules = inline([(CHAPTER, TEXT)])
    assert [(s.code, s.line, s.lines) for s in rules] == [
        ("MS-WORD-001", 3, (3, 4)), ("MS-QUOTE-002", 6, (6, 9)), ("MS-NAME-*", 6, (6, 9)),
        ("MS-LONG-001", 12, (11, 12))]
    kept, hidden = apply([at("MS-WORD-001", 3), at("MS-WORD-001", 11), at("MS-QUOTE-002", 8),
                          Finding("MS-WORD-001", "warning", "x", "manuscript/chapters/02.md",
                                  3)], rules, set())
    assert hidden == [at("MS-WORD-001", 3), at("MS-QUOTE-002", 8)]
    assert at("MS-WORD-001", 11) in kept  # the same fault in another paragraph


def test_a_stale_inline_comment_is_reported_where_it_is():
    rules = inline([(CHAPTER, TEXT)])
    kept, _hidden = apply([], rules, {"MS-WORD-001", "MS-LONG-001"})
    stale = [(f.code, f.file, f.line, f.hint) for f in kept if f.code == "CHECK-001"]
    assert stale == [("CHECK-001", CHAPTER, 3, "delete the comment"),
                     ("CHECK-001", CHAPTER, 12, "delete the comment")]
    kept, _hidden = apply([], inline([(CHAPTER, "<!-- bookbuild: ignore MS-NOPE-001 -->\n")]),
                          set())
    assert [(f.code, f.file, f.line) for f in kept] == [("CHECK-002", CHAPTER, 1)]


def test_the_gate_and_check_honour_inline_comments(tmp_path):
    from bookbuild.commands.check import Options, check_path
    from tests.conftest import SAMPLE, copy_book

    book = copy_book(SAMPLE, tmp_path / "book")
    chapter = book / "manuscript/chapters/01-when-lenin-proclaimed-soviet-power.md"
    text = chapter.read_text("utf-8")
    chapter.write_text(text + "\nWe saw the the crowd.\n", "utf-8")
    codes = [f.code for f in check_path(book, Options(epubcheck=False, pdf=False)).findings]
    assert "MS-WORD-001" in codes
    chapter.write_text(text + "\n<!-- bookbuild: ignore MS-WORD-001 -->\nWe saw the the crowd.\n",
                       "utf-8")
    result = check_path(book, Options(epubcheck=False, pdf=False))
    assert "MS-WORD-001" not in [f.code for f in result.findings]
    assert "MS-WORD-001" in [f.code for f in result.suppressed]


def test_inline_codes_come_first_then_the_reason():
    text = ("# A\n\n<!-- bookbuild: ignore MS-WORD-001, MS-NAME-001 OK, I know: a joke -->\n"
            "The the cats.\n")
    rules = inline([(CHAPTER, text)])
    assert [(s.code, s.lines) for s in rules] == [("MS-WORD-001", (3, 4)), ("MS-NAME-001", (3, 4))]


@pytest.mark.parametrize("text, message", [
    ("<!-- bookbuild: ignore * -->\nText.\n", "names no rule code"),
    ("<!-- bookbuild: ignore MS-WORD-001\nThe the cats.\n\nMore. -->\n", "no -->"),
])
def test_an_inline_comment_that_cannot_be_read_is_reported_and_hides_nothing(text, message):
    rules = inline([(CHAPTER, text)])
    kept, hidden = apply([at("MS-WORD-001", 2)], rules, {"MS-WORD-001"})
    assert hidden == [] and at("MS-WORD-001", 2) in kept
    broken = [f for f in kept if f.code == "CHECK-003"]
    assert len(broken) == 1 and message in broken[0].message and broken[0].line == 1


def test_comments_in_code_are_examples():
    text = ("# A\n\n```markdown\n<!-- bookbuild: ignore MS-WORD-001 -->\n```\n\n"
            "Write `<!-- bookbuild: ignore MS-LONG-001 -->` before it.\n")
    assert inline([(CHAPTER, text)]) == []


def test_a_lone_comment_skips_other_comments_to_reach_its_paragraph():
    text = "<!-- bookbuild: ignore MS-WORD-001 -->\n\n<!-- a note -->\n\nThe the cats.\n"
    (rule,) = inline([(CHAPTER, text)])
    assert rule.lines == (1, 5)
