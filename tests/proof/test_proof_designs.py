"""`bookbuild proof --designs`: the sample's first chapter opener in every design, in print
and on an e-reader, each a picture of its own and all of them on one sheet."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops

from bookbuild.book.style import DESIGNS
from tests.conftest import SAMPLE, copy_book, run_cli


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    book = copy_book(SAMPLE, tmp_path_factory.mktemp("designs") / "book")
    done = run_cli("proof", "--designs", "-q", book)
    assert done.returncode == 0, done.stderr
    return book / "build" / "proof"


def test_one_print_and_one_e_reader_page_per_design_and_a_sheet(sheet):
    names = sorted(p.name for p in (sheet / "designs").glob("*.png"))
    assert names == sorted(f"{d}-{k}.png" for d in DESIGNS for k in ("print", "ereader"))
    with Image.open(sheet / "designs.png") as img:
        assert img.width > 5 * 500 and img.height > 2 * 800
    with Image.open(sheet / "designs" / "classic-ereader.png") as img:
        assert img.size == (1072, 1448)  # the Kobo Clara's screen


def test_the_designs_look_different(sheet):
    def page(name):
        return Image.open(sheet / "designs" / f"{name}.png").convert("L")

    for kind in ("print", "ereader"):
        classic = page(f"classic-{kind}")
        for other in DESIGNS:
            if other != "classic":
                picture = page(f"{other}-{kind}").resize(classic.size)
                assert ImageChops.difference(classic, picture).getbbox(), (other, kind)


def test_the_book_folder_gets_nothing_but_the_proof(sheet):
    book = sheet.parent.parent
    assert sorted(p.name for p in book.iterdir()) == ["assets", "build", "manuscript"]
    assert "style:" not in (book / "manuscript" / "book.yaml").read_text("utf-8")
