import pytest

from bookbuild.support import output


def test_a_whole_new_folder_takes_the_old_ones_place(tmp_path):
    target = tmp_path / "proof"
    target.mkdir()
    (target / "old.png").write_text("old")
    with output.atomic_folder(target) as new:
        (new / "index.html").write_text("new")
        assert (target / "old.png").exists()  # the last proof is there while the new is made
    assert sorted(p.name for p in target.iterdir()) == ["index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proof"]  # nothing left beside it


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RuntimeError])
def test_an_interrupted_folder_leaves_the_last_one_as_it_was(tmp_path, stop):
    target = tmp_path / "proof"
    target.mkdir()
    (target / "index.html").write_text("last good")
    with pytest.raises(stop), output.atomic_folder(target) as new:
        (new / "index.html").write_text("half")
        raise stop
    assert (target / "index.html").read_text() == "last good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proof"]


def test_a_first_folder_is_made(tmp_path):
    with output.atomic_folder(tmp_path / "out" / "proof") as new:
        (new / "a").write_text("a")
    assert (tmp_path / "out" / "proof" / "a").read_text() == "a"
