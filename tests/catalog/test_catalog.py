"""`bookbuild catalog`: every book built, the broken one reported, re-runs skip what is up to
date, shared defaults under each book's own, and a Dask cluster gives the same bytes."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from catalog_books import catalogue
from lxml import etree

from tests.conftest import run_cli

OUT = Path("build/catalog")


def opf(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as z:
        name = next(n for n in z.namelist() if n.endswith(".opf"))
        return etree.fromstring(z.read(name))


def publisher(epub: Path) -> str:
    return opf(epub).findtext(".//{http://purl.org/dc/elements/1.1/}publisher")


def outputs(folder: Path) -> dict[str, bytes]:
    """Every file a catalogue wrote, but the report (it holds times and paths)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "catalog-report.json" and not p.name.startswith(".")}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("catalogue")
    catalogue(root)
    return root, run_cli("catalog", cwd=root)


def test_every_book_is_built_and_the_broken_one_is_reported(built):
    root, result = built
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    out = root / OUT
    for n in (1, 2, 3):
        assert (out / f"light-{n}" / f"harbour-light-{n}.epub").is_file()
    assert not (out / "broken").exists()
    # The problem at its file and line, said under the book's name.
    assert "broken: manuscript/book.yaml:3: language 'English'" in result.stdout
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:5]}
    assert rows["broken"][-1] == "FAILED" and rows["light-1"][-1] == "built"
    assert "4 books, 3 built, 0 up to date, 1 failed" in result.stdout
    # One line per finished book as it ends, with the time left until the last.
    finished = [line for line in result.stderr.splitlines() if "/4] " in line]
    assert len(finished) == 4 and "left" in finished[0] and "left" not in finished[-1]


def test_the_report_says_each_book_in_json(built):
    root, _ = built
    report = json.loads((root / OUT / "catalog-report.json").read_text("utf-8"))
    assert (report["built"], report["up_to_date"], report["failed"]) == (3, 0, 1)
    by_book = {b["book"]: b for b in report["books"]}
    assert by_book["broken"]["status"] == "failed"
    assert by_book["broken"]["errors"][0].startswith("manuscript/book.yaml:3:")
    assert by_book["light-1"]["files"]["epub"]["name"] == "harbour-light-1.epub"
    assert by_book["light-1"]["seconds"] > 0


def test_shared_defaults_sit_under_each_books_own(built):
    root, _ = built
    out = root / OUT
    assert publisher(out / "light-1" / "harbour-light-1.epub") == "Harbour Press"
    assert publisher(out / "light-2" / "harbour-light-2.epub") == "Own Press"


def test_a_rerun_skips_what_is_up_to_date_and_rebuilds_what_changed(tmp_path):
    catalogue(tmp_path, books=2, broken=False)
    assert run_cli("catalog", "--workers", "1", cwd=tmp_path).returncode == 0
    epub = tmp_path / OUT / "light-1" / "harbour-light-1.epub"
    first = epub.stat().st_mtime_ns
    again = run_cli("catalog", "--workers", "1", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "2 books, 0 built, 2 up to date, 0 failed" in again.stdout
    assert epub.stat().st_mtime_ns == first
    chapter = tmp_path / "books" / "light-2" / "manuscript" / "chapters" / "01-night.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    edited = run_cli("catalog", "--workers", "1", cwd=tmp_path)
    assert "2 books, 1 built, 1 up to date, 0 failed" in edited.stdout, edited.stdout
    assert epub.stat().st_mtime_ns == first


def test_a_changed_default_rebuilds_every_book(tmp_path):
    yaml_file = catalogue(tmp_path, books=1, broken=False)
    assert run_cli("catalog", "--workers", "1", cwd=tmp_path).returncode == 0
    yaml_file.write_text(yaml_file.read_text("utf-8").replace("Harbour Press\n  rights",
                                                              "Lantern Books\n  rights"))
    again = run_cli("catalog", "--workers", "1", cwd=tmp_path)
    assert "1 built" in again.stdout, again.stdout
    assert publisher(tmp_path / OUT / "light-1" / "harbour-light-1.epub") == "Lantern Books"


def test_a_dask_cluster_builds_the_same_bytes_as_the_local_cores(tmp_path, built):
    """Two workers on 127.0.0.1, started here, reached with --scheduler: the outputs match the
    local run's byte for byte (books copied, with their times, so nothing is cached)."""
    from distributed import LocalCluster

    root, _ = built
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy2(root / "catalog.yaml", copy / "catalog.yaml")
    shutil.copytree(root / "books", copy / "books",
                    ignore=shutil.ignore_patterns("build"))  # no cache, no outputs
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        result = run_cli("catalog", "--scheduler", cluster.scheduler_address, cwd=copy)
        workers = len(cluster.scheduler_info["workers"])
    assert workers == 2
    assert result.returncode == 1, result.stderr  # the broken book, again
    assert f"on {cluster.scheduler_address}" in result.stderr
    local, remote = outputs(root / OUT), outputs(copy / OUT)
    assert sorted(local) == sorted(remote)
    assert any(name.endswith(".epub") for name in local)
    assert [name for name in local if local[name] != remote[name]] == []


def test_no_scheduler_there_is_one_clear_line(tmp_path):
    catalogue(tmp_path, books=1, broken=False)
    result = run_cli("catalog", "--scheduler", "tcp://127.0.0.1:9", cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / OUT).exists()


@pytest.mark.parametrize("text, line, says", [
    ("title: T\nbooks: [books/light-1]\ncolour: red\n", 3, "unknown key 'colour'"),
    ("defaults:\n  title: Same Title\nbooks: [books/light-1]\n", 2,
     "defaults: 'title' belongs to each book's own book.yaml"),
    ("books:\n  - books/light-1\n  - books/missing\n", 3, "books: books/missing is not a book folder"),
    ("books:\n  - books/nothing-*\n", 2, "books: books/nothing-* matches no book folder"),
    ("formats: [epub, mobi]\nbooks: [books/light-1]\n", 1, "formats: unknown mobi"),
])
def test_a_bad_catalog_yaml_is_one_line_at_its_place(tmp_path, text, line, says):
    catalogue(tmp_path, books=1, broken=False)
    (tmp_path / "catalog.yaml").write_text(text, "utf-8")
    result = run_cli("catalog", cwd=tmp_path)
    assert result.returncode == 2
    assert f"error: catalog.yaml:{line}: {says}" in result.stderr, result.stderr
    assert not (tmp_path / OUT).exists()


def test_book_folders_on_the_command_line(tmp_path):
    catalogue(tmp_path, books=2, broken=False)
    result = run_cli("catalog", "books/light-1", "books/light-2", "--out", "shelf",
                     "--title", "Two Lights", "--workers", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "shelf" / "light-2" / "harbour-light-2.epub").is_file()
    assert "<title>Two Lights</title>" in (tmp_path / "shelf" / "opds.xml").read_text("utf-8")
    # No catalogue defaults here: each book as its own book.yaml says.
    assert publisher(tmp_path / "shelf" / "light-1" / "harbour-light-1.epub") is None


def test_two_books_with_one_folder_name_are_refused(tmp_path):
    catalogue(tmp_path, books=1, broken=False)
    shutil.copytree(tmp_path / "books" / "light-1", tmp_path / "more" / "light-1")
    result = run_cli("catalog", "books/light-1", "more/light-1", cwd=tmp_path)
    assert result.returncode == 2
    assert "two books are named light-1" in result.stderr


def test_the_local_workers_run_without_dasks_profiler_and_trim_threshold(monkeypatch):
    """Both cost each book time on a worker (bookbuild/catalog/runner.py says how much)."""
    import os

    import dask

    # Dask's nanny writes its spawn environment into its own process's os.environ, so a
    # cluster started earlier in this test process left the variable here: the workers
    # would inherit it from us. What is tested is that the catalogue does not add it.
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)

    from bookbuild.catalog.runner import _client

    def settings():
        return (dask.config.get("distributed.worker.profile.enabled"),
                os.environ.get("MALLOC_TRIM_THRESHOLD_"))

    with _client(None, 2) as client:
        seen = client.run(settings)
    assert len(seen) == 2
    assert all(tuple(v) == (False, None) for v in seen.values()), seen
    assert dask.config.get("distributed.worker.profile.enabled")  # this process keeps its own
