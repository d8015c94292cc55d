"""A new user's first hour: messages that read as true sentences, outputs that are up to date
when nothing changed, slugs for titles in any script, the next command printed exactly."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bookbuild.check import Finding
from bookbuild.check.report import Result, as_text
from bookbuild.epub.accessibility import Content, summary
from bookbuild.support.words import counted
from tests.conftest import ROOT, SAMPLE, copy_book, run_cli

BIN = Path(sys.executable).parent / "bookbuild"


@pytest.mark.parametrize("n,noun,plural,said", [
    (0, "warning", None, "0 warnings"), (1, "warning", None, "1 warning"),
    (2, "error", None, "2 errors"), (1, "body job", None, "1 body job"),
    (1_234, "page", None, "1,234 pages"), (2, "info", "info", "2 info")])
def test_counted_words_agree_with_their_number(n, noun, plural, said):
    assert counted(n, noun, plural) == said


def test_the_check_summary_is_singular_where_it_counts_one():
    findings = [Finding("MS-X-001", "error", "e", "a.md", 1), Finding("MS-X-002", "warning",
                "w", "a.md", 2), Finding("MS-X-003", "info", "i", "a.md", 3)]
    text = as_text(Result("my-book", findings, [], ["manuscript"]))
    assert "my-book: 1 error, 1 warning, 1 info; checked: manuscript" in text


def test_the_accessibility_summary_counts_its_images():
    one, two = (summary(Content(images=n, math=False, tables=False)) for n in (1, 2))
    assert "Its image has a text alternative." in one
    assert "All 2 of its images have text alternatives." in two
    assert "conforms" not in one  # no claim unless an evaluator is named


def test_a_second_build_writes_nothing_and_says_so(tmp_path):
    book = copy_book(SAMPLE, tmp_path / "book")
    first = run_cli("build", book, "--format", "all")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("wrote ") == 3
    built = {p: p.stat().st_mtime_ns for p in (book / "build").iterdir() if p.is_file()}
    again = run_cli("build", book, "--format", "all")
    assert again.returncode == 0, again.stderr
    lines = again.stdout.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("up to date: ") for line in lines), lines
    for what in ("EPUB is up to date", "print interior is up to date", "cover wrap is up to date"):
        assert what in again.stderr, again.stderr
    assert {p: p.stat().st_mtime_ns for p in built} == built
    # The sample's identifier is pinned in book.yaml: no hint to pin it.
    assert "identifier" not in first.stderr + again.stderr


def test_the_identifier_hint_is_said_once(tmp_path):
    book = copy_book(SAMPLE, tmp_path / "book")
    yaml_path = book / "manuscript/book.yaml"
    yaml_path.write_text(re.sub(r"(?m)^identifier:.*\n", "", yaml_path.read_text("utf-8")))
    first = run_cli("build", book)
    assert "identifier urn:uuid:" in first.stderr and "pin it in book.yaml" in first.stderr
    second = run_cli("build", book)
    assert second.returncode == 0 and "identifier" not in second.stderr


def _titled(tmp_path: Path, name: str, title: str, language: str, slug: str | None = None):
    book = copy_book(SAMPLE, tmp_path / name)
    yaml_path = book / "manuscript/book.yaml"
    text = re.sub(r"(?m)^title:.*$", f"title: {title}", yaml_path.read_text("utf-8"))
    text = re.sub(r"(?m)^language:.*$", f"language: {language}", text)
    text = re.sub(r"(?m)^identifier:.*\n", "", text)
    text = re.sub(r"(?m)^slug:.*$", f"slug: {slug}" if slug else "", text)
    yaml_path.write_text(text, "utf-8")
    return book


def test_titles_in_other_scripts_get_distinct_readable_slugs(tmp_path):
    out = tmp_path / "shelf"
    for name, title, language in [("ar", "كتاب الأيام", "ar"), ("ru", "Война и мир", "ru"),
                                  ("ja", "吾輩は猫である", "ja")]:
        result = run_cli("build", _titled(tmp_path, name, title, language), "--out", out, "-q")
        assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.glob("*.epub"))
    assert len(names) == 3 and "book.epub" not in names, names
    assert "voyna-i-mir.epub" in names
    assert all(re.fullmatch(r"[a-z0-9-]+\.epub", n) for n in names)


def test_two_books_of_one_slug_never_overwrite_each_other(tmp_path):
    out = tmp_path / "shelf"
    first = _titled(tmp_path, "a", "The First Book", "en", slug="same")
    second = _titled(tmp_path, "b", "The Second Book", "en", slug="same")
    assert run_cli("build", first, "--out", out, "-q").returncode == 0
    before = (out / "same.epub").read_bytes()
    result = run_cli("build", second, "--out", out, "-q")
    assert result.returncode == 2
    assert re.search(r"manuscript/book\.yaml:\d+: .*same\.epub is another book's "
                     r"\(The First Book\); two books share the slug 'same'", result.stderr)
    assert (out / "same.epub").read_bytes() == before
    # The same book with a new title is still that book: rebuilt, not refused.
    assert run_cli("build", first, "--out", out, "-q").returncode == 0


def test_new_prints_the_exact_next_command(tmp_path):
    # Run as a user does after `make epub`: .venv/bin/bookbuild, from the folder above.
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["PATH"] = "/usr/bin:/bin"
    made = subprocess.run([str(BIN), "new", "my book"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    command = made.stdout.split("build it with: ", 1)[1].strip()
    assert (tmp_path / shlex.split(command)[-1]).resolve() == (tmp_path / "my book").resolve()
    yaml_text = (tmp_path / "my book/manuscript/book.yaml").read_text("utf-8")
    assert re.search(r"(?m)^identifier: urn:uuid:[0-9a-f-]{36}\b", yaml_text)
    built = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True,
                           text=True)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "my book/build/untitled-book.epub").is_file()
    assert "identifier" not in built.stderr  # pinned by new: nothing to pin


def test_the_check_summary_names_the_book_folder_not_dot(tmp_path):
    book = copy_book(SAMPLE, tmp_path / "kollontai")
    result = run_cli("check", "--fast", ".", cwd=book)
    summary_line = result.stdout.strip().splitlines()[-1]
    assert summary_line.startswith("kollontai: "), summary_line


def test_the_sample_copyright_page_reads_as_printed(sample_epub):
    with zipfile.ZipFile(sample_epub) as z:
        page = z.read("EPUB/copyright.xhtml").decode()
    assert "December 2026" in page and "urn:uuid" not in page


def _check_with(tmp_path: Path, name: str, chapter: str, yaml_block: str = "") -> dict:
    """`check --fast` of the sample with one more chapter and, in place of the sample's own
    suppressions, `yaml_block`."""
    import json

    book = copy_book(SAMPLE, tmp_path / name)
    yaml_path = book / "manuscript/book.yaml"
    text = yaml_path.read_text("utf-8")
    yaml_path.write_text(text[:text.index("check:")] + yaml_block, "utf-8")
    (book / "manuscript/chapters/03-letters.md").write_text(chapter, "utf-8")
    return json.loads(run_cli("check", "--fast", "--format", "json", book).stdout)


README = (ROOT / "README.md").read_text("utf-8")
LETTERS = ("# Letters\n\nMarie wrote first. Then Marie wrote again, and Maria answered her. "
           "She sent the the photographs.\n\n"
           + " ".join(["The letters came every week from the south, and each was read aloud."]
                      * 45) + "\n")


def test_readme_book_yaml_suppressions_work_as_copied(tmp_path):
    """Pasted into a book where their rules fire, they silence them and none is reported as
    stale (CHECK-001)."""
    block = re.search(r"```yaml\n(check:\n  ignore:\n.*?)```", README, re.S).group(1)
    bare = _check_with(tmp_path, "bare", LETTERS)
    assert {"MS-LONG-001", "MS-NAME-001", "MS-WORD-001"} <= {f["code"] for f in bare["findings"]}
    report = _check_with(tmp_path, "book", LETTERS, block)
    codes = {f["code"] for f in report["findings"]}
    assert not codes & {"CHECK-001", "MS-LONG-001", "MS-NAME-001", "MS-WORD-001"}, codes
    assert {"MS-LONG-001", "MS-NAME-001", "MS-WORD-001"} <= {
        f["code"] for f in report["suppressed"]}


def test_readme_inline_suppression_works_as_copied(tmp_path):
    block = re.search(r"```markdown\n(<!-- bookbuild: ignore .*?)```", README, re.S).group(1)
    bare = _check_with(tmp_path, "bare", "# Letters\n\n" + block.split("\n", 1)[1])
    assert "MS-WORD-001" in {f["code"] for f in bare["findings"]}
    report = _check_with(tmp_path, "book", "# Letters\n\n" + block)
    codes = {f["code"] for f in report["findings"]}
    assert not codes & {"CHECK-001", "MS-WORD-001"}, codes
    assert "MS-WORD-001" in {f["code"] for f in report["suppressed"]}


def _sh_blocks() -> list[list[str]]:
    return [[line for line in block.splitlines() if line.strip()]
            for block in re.findall(r"```sh\n(.*?)```", README, re.S)]


def test_readme_own_book_commands_work_as_printed(tmp_path):
    """The "Your own book" lines, run from a folder as printed (`.venv/bin/` being this
    venv), make the file their comment names."""
    block = next(b for b in _sh_blocks() if any("bookbuild new" in line for line in b))
    for line in block:
        command, _, comment = line.partition("#")
        words = shlex.split(command)
        assert words[0] == ".venv/bin/bookbuild", line
        done = subprocess.run([str(BIN), *words[1:]], cwd=tmp_path, capture_output=True,
                              text=True)
        assert done.returncode == 0, (line, done.stderr)
        named = re.search(r"\S+\.epub", comment)
        if named:
            assert (tmp_path / named.group(0)).is_file(), line


def test_every_make_target_the_readme_names_exists():
    targets = {line.split()[1] for block in _sh_blocks() for line in block
               if line.startswith("make ")}
    assert {"epub", "test", "pdf", "proof", "check", "bench"} <= targets
    dry = subprocess.run(["make", "-n", "-q", *sorted(targets - {"test", "check"})], cwd=ROOT,
                         capture_output=True, text=True)
    assert "No rule to make target" not in dry.stderr, dry.stderr


def test_an_untouched_file_is_up_to_date_and_a_rewritten_one_was_written(tmp_path):
    from bookbuild.support import output

    kept, rewritten = tmp_path / "a.epub", tmp_path / "b.epub"
    kept.write_bytes(b"x" * 2048)
    rewritten.write_bytes(b"y")
    before = output.snapshot(tmp_path)
    fresh = tmp_path / ".tmp-b"
    fresh.write_bytes(b"z")
    fresh.replace(rewritten)  # as output.atomic writes: a new file renamed into place
    assert output.told(kept, before) == f"up to date: {kept} (2 KB)"
    assert output.told(rewritten, before).startswith(f"wrote {rewritten}")


def test_one_message_at_many_places_is_said_once():
    from bookbuild.support.words import grouped

    said = grouped([("a.md:3", "<Listing> is unknown"), ("b.md:9", "<Listing> is unknown"),
                    ("b.md:12", "<Listing> is unknown"), ("a.md:5", "other")])
    assert said == ["a.md:3: <Listing> is unknown (and 2 more places in 1 file)", "a.md:5: other"]
    assert grouped([("a.md:1", "x"), ("b.md:1", "x")]) == ["a.md:1: x (and in 1 more file)"]
