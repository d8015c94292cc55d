"""The command line as a user meets it: exit codes, one line per problem, no traceback."""

import os
import re
import zipfile

from tests.conftest import SAMPLE, copy_book, run_cli


def test_build_writes_to_book_build_by_default(tmp_path):
    book = copy_book(SAMPLE, tmp_path / "book")
    result = run_cli("build", book)
    assert result.returncode == 0, result.stderr
    assert (book / "build/when-lenin-proclaimed-soviet-power.epub").is_file()
    assert "wrote" in result.stdout


def test_build_with_out(tmp_path):
    result = run_cli("build", SAMPLE, "--out", tmp_path / "o", "-q")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o/when-lenin-proclaimed-soviet-power.epub").is_file()
    assert result.stderr == ""


def test_bad_input_is_one_line_per_problem_and_exit_2(tmp_path):
    book = copy_book(SAMPLE, tmp_path / "book")
    (book / "manuscript/book.yaml").write_text("title: T\nlanguage: english\n")
    result = run_cli("build", book)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert lines[0] == "error: manuscript/book.yaml: 'author' is required"
    assert lines[1].startswith("error: manuscript/book.yaml:2: language 'english' is not a BCP 47 tag")
    assert "Traceback" not in result.stdout + result.stderr
    assert not (book / "build").exists()


def test_not_a_book_folder(tmp_path):
    result = run_cli("build", tmp_path)
    assert result.returncode == 2 and "no manuscript/ folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_new_scaffolds_a_book_that_builds(tmp_path):
    result = run_cli("new", tmp_path / "fresh")
    assert result.returncode == 0, result.stderr
    built = run_cli("build", tmp_path / "fresh", "-q")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "fresh/build/untitled-book.epub").is_file()


def test_new_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x/keep.txt").write_text("mine")
    result = run_cli("new", tmp_path / "x")
    assert result.returncode == 2 and "not empty" in result.stderr


def test_check_prints_epubcheck_result(sample_epub):
    result = run_cli("check", sample_epub)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 messages" in result.stdout or "0 error" in result.stdout


def test_unknown_format_is_usage_error():
    result = run_cli("build", SAMPLE, "--format", "mobi")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_python_m_and_version():
    result = run_cli("--version")
    assert result.returncode == 0 and re.match(r"bookbuild [\d.]+ \(pandoc 3\.[\d.]+\)$",
                                               result.stdout.strip())


def test_a_missing_pandoc_is_one_line_not_a_bug(tmp_path):
    env = dict(os.environ, PYPANDOC_PANDOC=str(tmp_path / "no-pandoc"))
    result = run_cli("build", SAMPLE, "--out", tmp_path / "out", "-q", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: pandoc not found at {tmp_path / 'no-pandoc'}: reinstall bookbuild (it brings "
        f"pypandoc_binary), or set PYPANDOC_PANDOC to a pandoc 3"]
    assert not (tmp_path / "out").exists()
    version = run_cli("--version", env=env)
    assert version.returncode == 0 and "pandoc not found" in version.stdout


def test_kobo_and_kindle_formats(tmp_path):
    for fmt, suffix in (("kepub", ".kepub.epub"), ("kindle", ".kindle.epub")):
        result = run_cli("build", SAMPLE, "--format", fmt, "--out", tmp_path, "-q")
        assert result.returncode == 0, result.stderr
        assert (tmp_path / f"when-lenin-proclaimed-soviet-power{suffix}").is_file()
    with zipfile.ZipFile(tmp_path / "when-lenin-proclaimed-soviet-power.kepub.epub") as z:
        chapter = z.read("EPUB/chapter-01-when-lenin-proclaimed-soviet-power.xhtml").decode()
    assert 'class="koboSpan" id="kobo.1.1"' in chapter


def test_a_bad_link_and_a_bad_image_are_reported_together(tmp_path):
    book = copy_book(SAMPLE, tmp_path / "book")
    chapter = next((book / "manuscript/chapters").glob("*.md"))
    chapter.write_text(chapter.read_text() + "\nSee [here](#nowhere).\n\n![A picture.](images/gone.png)\n")
    result = run_cli("build", book, "-q")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "link to #nowhere" in lines[0] and "images/gone.png not found" in lines[1]
