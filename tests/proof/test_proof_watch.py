"""`bookbuild watch`: one batch of file events → one rebuild, bad input reported, not fatal."""

from __future__ import annotations

import threading

from bookbuild.proof.watch import on_change, relevant, watch
from bookbuild.support.errors import BookError, Problem

ADDED, MODIFIED = 1, 2  # watchfiles.Change values


def book(tmp_path):
    (tmp_path / "manuscript" / "chapters").mkdir(parents=True)
    (tmp_path / "assets" / "images").mkdir(parents=True)
    (tmp_path / "build").mkdir()
    return tmp_path


def test_only_book_files_count(tmp_path):
    root = book(tmp_path)
    changes = [(MODIFIED, str(root / "manuscript/chapters/01-one.md")),
               (MODIFIED, str(root / "manuscript/chapters/.01-one.md.swp")),
               (MODIFIED, str(root / "manuscript/chapters/01-one.md~")),
               (ADDED, str(root / "manuscript/chapters/4913")),
               (ADDED, str(root / "assets/images/map.png")),
               (MODIFIED, str(root / "build/book.epub")),
               (MODIFIED, str(tmp_path.parent / "elsewhere.md"))]
    assert relevant(changes, root) == ["assets/images/map.png", "manuscript/chapters/01-one.md"]


def test_a_save_rebuilds_once(tmp_path):
    root = book(tmp_path)
    calls, said = [], []
    changes = {(MODIFIED, str(root / "manuscript/book.yaml")),
               (ADDED, str(root / "manuscript/chapters/02-two.md"))}
    assert on_change(changes, root, calls.append, said.append)
    assert calls == [["manuscript/book.yaml", "manuscript/chapters/02-two.md"]]
    assert said == ["changed: manuscript/book.yaml, manuscript/chapters/02-two.md"]


def test_editor_noise_does_not_rebuild(tmp_path):
    root = book(tmp_path)
    calls = []
    noise = {(ADDED, str(root / "manuscript/.#01-one.md")), (MODIFIED, str(root / "build/x"))}
    assert not on_change(noise, root, calls.append, lambda _m: None)
    assert calls == []


def test_bad_input_is_reported_and_watching_goes_on(tmp_path):
    root = book(tmp_path)
    said = []

    def rebuild(_files):
        raise BookError(Problem("unknown key 'titel'", "manuscript/book.yaml", 2))
    assert on_change({(MODIFIED, str(root / "manuscript/book.yaml"))}, root, rebuild, said.append)
    assert "error: manuscript/book.yaml:2: unknown key 'titel'" in said
    assert said[-1] == "fix it and save again; still watching"


def test_watch_rebuilds_on_a_real_save_and_stops(tmp_path):
    root = book(tmp_path)
    chapter = root / "manuscript/chapters/01-one.md"
    chapter.write_text("# One\n")
    rebuilt = threading.Event()
    calls = []

    def rebuild(files):
        calls.append(files)
        if len(calls) == 2:
            rebuilt.set()
    stop = threading.Event()
    said = []
    thread = threading.Thread(target=watch, args=(root, rebuild, said.append, stop), daemon=True)
    thread.start()
    try:
        # Save until the watcher, which starts after the first build, sees a save.
        for attempt in range(40):
            chapter.write_text(f"# One\n\nSaved {attempt} times.\n")
            if rebuilt.wait(0.5):
                break
        assert rebuilt.is_set(), said
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert "changed: manuscript/chapters/01-one.md" in said
    assert calls[0] == [] and calls[1] == ["manuscript/chapters/01-one.md"]  # first: all
    assert said[-1] == "stopped watching"


def test_a_save_during_the_first_build_is_not_lost(tmp_path):
    """The author saves while the first build runs, before the watcher has started: that
    save is found by its time and rebuilt, with no second save."""
    root = book(tmp_path)
    chapter = root / "manuscript/chapters/01-one.md"
    chapter.write_text("# One\n")
    calls = []
    done = threading.Event()

    def rebuild(files):
        calls.append(files)
        if len(calls) == 1:
            chapter.write_text("# One\n\nSaved during the first build.\n")
        else:
            done.set()
    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(root, rebuild, lambda _m: None, stop),
                              daemon=True)
    thread.start()
    try:
        assert done.wait(10), calls
    finally:
        stop.set()
        thread.join(10)
    assert calls == [[], ["manuscript/chapters/01-one.md"]]
