"""The one zip reader and writer: every read bounded, a bomb or a lying header reported and not
inflated; archives written with the mimetype first and stored."""

from __future__ import annotations

import zipfile

from bookbuild.support import zipped


def test_entries_are_read_within_their_bound(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("small.txt", b"hello")
        z.writestr("big.txt", b"x" * 5000)
    with zipped.Archive.open(path) as archive:
        assert archive.read("small.txt") == b"hello"
        assert archive.read("big.txt", limit=1000) is None
        assert archive.problems["big.txt"].kind == "too-large"
        assert archive.read("missing.txt") is None


def test_a_bomb_is_not_inflated(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros", b"\0" * (zipped.RATIO_FLOOR + 1024))
    with zipped.Archive.open(path) as archive:
        assert archive.bomb("zeros")
        assert archive.read("zeros") is None and archive.problems["zeros"].kind == "too-large"


def test_not_a_zip_is_said_not_raised(tmp_path):
    path = tmp_path / "x.epub"
    path.write_bytes(b"not a zip")
    with zipped.Archive.open(path) as archive:
        assert archive.broken and "not a readable zip" in archive.broken
        assert archive.names == set()


def test_written_with_the_mimetype_stored(tmp_path):
    infos = [zipfile.ZipInfo("mimetype", (2024, 1, 1, 0, 0, 0)),
             zipfile.ZipInfo("EPUB/a.xhtml", (2024, 1, 1, 0, 0, 0))]
    target = tmp_path / "out.epub"
    zipped.write(target, zip(infos, [b"application/epub+zip", b"<html/>" * 100]))
    with zipfile.ZipFile(target) as z:
        first, second = z.infolist()
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert second.compress_type == zipfile.ZIP_DEFLATED
    again = tmp_path / "again.epub"
    zipped.write(again, zip(infos, [b"application/epub+zip", b"<html/>" * 100]))
    assert again.read_bytes() == target.read_bytes()  # reproducible
