"""`proof --device PATH`: a Kobo gets the kepub, a Kindle the Kindle EPUB, copied safely."""

from __future__ import annotations

import pytest

from bookbuild.proof.sideload import detect, safe_copy, sideload
from bookbuild.support.errors import BookError


def editions(sample_proof) -> dict:
    return {"kepub": sample_proof["kepub"], "kindle": sample_proof["kindle"]}


def test_the_cli_placed_the_kepub_on_the_fake_kobo(sample_proof):
    placed = sample_proof["kobo"] / sample_proof["kepub"].name
    assert placed.read_bytes() == sample_proof["kepub"].read_bytes()
    assert sorted(p.name for p in sample_proof["kobo"].iterdir()) == [".kobo", placed.name]
    assert f"copied the Kobo edition to {placed}" in sample_proof["run"].stdout


def test_a_kindle_gets_the_kindle_edition_in_documents(sample_proof, tmp_path):
    (tmp_path / "documents").mkdir()
    reader, placed = sideload(tmp_path, editions(sample_proof))
    assert reader.kind == "kindle" and reader.note
    assert placed == tmp_path / "documents" / sample_proof["kindle"].name
    assert placed.read_bytes() == sample_proof["kindle"].read_bytes()


def test_a_second_copy_replaces_the_first(sample_proof, tmp_path):
    (tmp_path / ".kobo").mkdir()
    (tmp_path / sample_proof["kepub"].name).write_bytes(b"an old build")
    _, placed = sideload(tmp_path, editions(sample_proof))
    assert placed.read_bytes() == sample_proof["kepub"].read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith((".part", ".tmp"))]


def test_kobo_wins_when_both_folders_exist(tmp_path):
    (tmp_path / ".kobo").mkdir()
    (tmp_path / "documents").mkdir()
    assert detect(tmp_path).kind == "kobo"


def test_an_unknown_folder_is_refused(tmp_path):
    with pytest.raises(BookError, match=r"\.kobo/.*documents/"):
        detect(tmp_path)


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(BookError, match="mounted"):
        detect(tmp_path / "not-there")


def test_a_failed_copy_leaves_nothing_behind(tmp_path, monkeypatch):
    src = tmp_path / "book.epub"
    src.write_bytes(b"x" * 1000)
    dest = tmp_path / "device"
    dest.mkdir()

    def broken(*_a, **_k):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr("bookbuild.support.output.os.replace", broken)
    with pytest.raises(BookError, match="cannot write"):
        safe_copy(src, dest)
    assert list(dest.iterdir()) == []
