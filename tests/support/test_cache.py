"""The build cache: byte-identical outputs cold or warm, only edited sections reconverted."""

import os
import time

import pytest

from bookbuild.convert import pandoc
from bookbuild.pipeline import build
from bookbuild.support import cache
from bookbuild.support.cache import Cache
from tests.conftest import EVERYTHING, copy_book


@pytest.fixture
def book(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return copy_book(EVERYTHING, tmp_path / "book")


@pytest.fixture
def converted(monkeypatch):
    """Records how many sections each build sends through pandoc."""
    calls: list[int] = []
    real = pandoc.convert_all

    def counting(texts, sources, *args, **kwargs):
        calls.append(len(texts))
        return real(texts, sources, *args, **kwargs)
    monkeypatch.setattr(pandoc, "convert_all", counting)
    return calls


def test_cold_warm_and_uncached_builds_are_identical(book, tmp_path, monkeypatch, converted):
    (cold,) = build(book, tmp_path / "cold", ["epub"])
    (warm,) = build(book, tmp_path / "warm", ["epub"])
    monkeypatch.setenv("BOOKBUILD_CACHE", "0")
    (plain,) = build(book, tmp_path / "plain", ["epub"])
    assert cold.read_bytes() == warm.read_bytes() == plain.read_bytes()
    # Cold converted everything (the EPUB's XHTML and, in the same pandoc run, print's Typst
    # for the page list), warm nothing; uncached has no cache to share them in: twice.
    assert converted == [8, 8, 8]


def test_one_edit_reconverts_one_section(book, tmp_path, converted, monkeypatch):
    build(book, tmp_path / "out", ["epub"])
    chapter = book / "manuscript/chapters/03-scripts.md"
    chapter.write_text(chapter.read_text() + "\nOne more line.\n")
    (edited,) = build(book, tmp_path / "out", ["epub"])
    assert converted == [8, 1]
    monkeypatch.setenv("BOOKBUILD_CACHE", "0")
    (uncached,) = build(book, tmp_path / "fresh", ["epub"])
    assert edited.read_bytes() == uncached.read_bytes()


def test_nothing_changed_writes_nothing(book, tmp_path, converted):
    (first,) = build(book, tmp_path / "out", ["epub"])
    stamp = first.stat().st_mtime_ns
    messages = []
    build(book, tmp_path / "out", ["epub"], messages.append)
    assert first.stat().st_mtime_ns == stamp
    assert "EPUB is up to date" in messages and converted == [8]


def test_a_changed_output_is_rebuilt(book, tmp_path):
    (first,) = build(book, tmp_path / "out", ["epub"])
    good = first.read_bytes()
    first.write_bytes(b"damaged")
    build(book, tmp_path / "out", ["epub"])
    assert first.read_bytes() == good


def test_corrupt_entries_are_ignored(book, tmp_path):
    (first,) = build(book, tmp_path / "a", ["epub"])
    entries = [p for p in (book / "build/.cache").rglob("*")
               if p.is_file() and not p.name.startswith(".")]  # not the lock or the ledger
    assert len(entries) > 10
    for path in entries:
        data = bytearray(path.read_bytes())
        data[-1] ^= 0xFF
        path.write_bytes(bytes(data))
    (again,) = build(book, tmp_path / "b", ["epub"])
    assert again.read_bytes() == first.read_bytes()


def test_checksummed_entries(tmp_path):
    store = Cache(tmp_path)
    store.put_json("x", "ab12", {"a": 1})
    assert store.get_json("x", "ab12") == {"a": 1}
    path = tmp_path / "x/ab/ab12"
    path.write_bytes(path.read_bytes()[:-1])
    assert store.get_json("x", "ab12") is None


def test_unwritable_cache_still_builds(book, tmp_path):
    (book / "build").mkdir()
    (book / "build/.cache").write_text("not a folder")
    (path,) = build(book, tmp_path / "out", ["epub"])
    assert path.is_file()


def test_keys_depend_on_every_part():
    assert cache.key("a", "b") != cache.key("ab")
    assert cache.key("a", b"b") == cache.key("a", "b")
    assert cache.key("section", "x") != cache.key("section", "y")


def _aged(store: Cache, kind: str, name: str, seconds_ago: int) -> None:
    store.put_bytes(kind, name, b"x" * 1000)
    when = time.time() - seconds_ago
    os.utime(store._path(kind, name), (when, when))


def test_pruning_drops_the_least_recently_used_entries(tmp_path):
    store = Cache(tmp_path)
    for n in range(10):
        _aged(store, "k", f"e{n}", 1000 - n * 10)  # e0 is the oldest
    assert store.get_bytes("k", "e0") is not None  # reading e0 makes it the newest
    (tmp_path / "k/.tmp-old").write_bytes(b"half")
    os.utime(tmp_path / "k/.tmp-old", (1, 1))
    cache.prune(tmp_path, 5 * 1032)  # room for five entries (32 bytes of checksum each)
    kept = sorted(p.name for p in tmp_path.rglob("e*") if p.is_file())
    assert kept == ["e0", "e7", "e8", "e9"]  # down to 80%: the newest four
    assert not (tmp_path / "k/.tmp-old").exists()


def test_a_cache_under_its_limit_is_left_alone(tmp_path):
    store = Cache(tmp_path)
    for n in range(3):
        _aged(store, "k", f"e{n}", 100)
    cache.prune(tmp_path, 10 * 1032)
    assert len([p for p in tmp_path.rglob("e*") if p.is_file()]) == 3


def test_a_build_keeps_its_cache_within_the_limit(book, tmp_path, monkeypatch):
    (first,) = build(book, tmp_path / "a", ["epub"])
    entries = [p for p in (book / "build/.cache").rglob("*") if p.is_file()]
    assert len(entries) > 10
    monkeypatch.setenv("BOOKBUILD_CACHE_MB", "0")
    chapter = book / "manuscript/chapters/03-scripts.md"
    chapter.write_text(chapter.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    (second,) = build(book, tmp_path / "b", ["epub"])
    left = sorted(p.name for p in (book / "build/.cache").rglob("*") if p.is_file())
    assert left == [".lock", ".size"]
    monkeypatch.delenv("BOOKBUILD_CACHE_MB")
    (third,) = build(book, tmp_path / "c", ["epub"])
    assert third.read_bytes() == second.read_bytes()


def test_the_cache_is_counted_only_when_its_running_total_passes_the_limit(tmp_path,
                                                                            monkeypatch):
    monkeypatch.setattr(cache, "_written", {})  # what earlier tests wrote is not this test's
    counts = []
    real = cache.prune
    monkeypatch.setattr(cache, "prune", lambda folder, limit: counts.append(limit)
                        or real(folder, limit))
    store = Cache(tmp_path)
    store.put_bytes("k", "aa1", b"x" * 1000)
    cache.prune_written()  # no running total yet: counted
    assert counts and (tmp_path / ".size").read_text() == "1032"
    store.put_bytes("k", "aa2", b"x" * 1000)
    cache.prune_written()  # 2064 bytes, far under the limit: not counted again
    assert len(counts) == 1 and (tmp_path / ".size").read_text() == "2064"
    monkeypatch.setenv("BOOKBUILD_CACHE_MB", "0")
    store.put_bytes("k", "aa3", b"x" * 1000)
    cache.prune_written()
    assert len(counts) == 2 and (tmp_path / ".size").read_text() == "0"


def test_another_library_installation_changes_every_key(monkeypatch):
    before = cache.key("x")
    real = cache._installed
    monkeypatch.setattr(cache, "_installed",
                        lambda name: real(name) + (" reinstalled" if name == "typst" else ""))
    cache._fingerprint.cache_clear()
    try:
        assert cache.key("x") != before
    finally:
        monkeypatch.undo()
        cache._fingerprint.cache_clear()
    assert cache.key("x") == before


WRITER = """
import sys
from pathlib import Path
from bookbuild.support import cache
store = cache.Cache(Path(sys.argv[1]))
for n in range(40):
    store.put_bytes("k", f"{sys.argv[2]}-{n:02d}", b"x" * 968)
    if n % 10 == 9:
        cache.prune_written()
"""


def test_builds_at_once_lose_nothing_from_the_running_total(tmp_path):
    import subprocess
    import sys

    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), f"p{i}"])
             for i in range(6)]
    assert [p.wait() for p in procs] == [0] * 6
    entries = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(entries) == 240
    # No build's addition is lost. (The first count may see entries another build has not
    # added yet, which then count twice: the total errs high, never low.)
    assert 240 * 1000 <= int((tmp_path / ".size").read_text()) < 2 * 240 * 1000


def test_a_new_pandoc_changes_every_key(monkeypatch):
    """The converter names its pandoc to the cache; the cache itself knows no tool."""
    from bookbuild.convert import pandoc

    before = cache.key("x")
    assert pandoc.pandoc_identity in cache.TOOLS
    monkeypatch.setattr(cache, "TOOLS", [lambda: pandoc.pandoc_identity() + " upgraded"])
    assert cache.key("x") != before


def test_the_pipeline_names_pandoc_before_it_makes_a_key():
    """A key made before the first conversion must equal one made after it, or no output is
    ever found up to date (`--format all` once rebuilt the PDF every time)."""
    import subprocess
    import sys

    code = ("from bookbuild import pipeline\nfrom bookbuild.support import cache\n"
            "print([t.__name__ for t in cache.TOOLS])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "['pandoc_identity']", done.stderr
