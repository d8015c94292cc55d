"""`bookbuild proof` and `bookbuild watch` as a user meets them: one line per problem, exit 2."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import SAMPLE, run_cli

WITHOUT_PYMUPDF = ("import sys; sys.modules['pymupdf'] = None; "
                   "from bookbuild.cli import main; main()")


def test_without_pymupdf_proof_says_how_to_install_it(tmp_path):
    result = subprocess.run([sys.executable, "-c", WITHOUT_PYMUPDF, "proof", str(SAMPLE),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 2
    assert "make proof" in result.stderr and "bookbuild[proof]" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()  # it stopped before building anything


def test_without_pymupdf_the_device_copy_still_works(tmp_path):
    kobo = tmp_path / "kobo"
    (kobo / ".kobo").mkdir(parents=True)
    result = subprocess.run([sys.executable, "-c", WITHOUT_PYMUPDF, "proof", str(SAMPLE),
                             "--out", str(tmp_path / "out"), "--device", str(kobo), "-q"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "renderings skipped" in result.stdout
    assert (kobo / "when-lenin-proclaimed-soviet-power.kepub.epub").is_file()
    assert not (tmp_path / "out" / "proof").exists()


def test_a_wrong_device_path_fails_before_building(tmp_path):
    result = run_cli("proof", SAMPLE, "--out", tmp_path / "out", "--device", tmp_path / "nope")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'nope'}: no such folder; is the e-reader connected and mounted?"]
    assert not (tmp_path / "out").exists()


def test_a_folder_that_is_no_book_is_one_line(tmp_path):
    result = run_cli("proof", tmp_path, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_proof_and_watch_are_listed_in_help():
    result = run_cli("--help")
    assert "proof" in result.stdout and "watch" in result.stdout
    result = run_cli("proof", "--help")
    for option in ("--serve", "--device", "--port"):
        assert option in result.stdout
