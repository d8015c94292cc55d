"""The design's fonts in the EPUB: static instances, subset to the book's characters."""

import io
import re
from dataclasses import replace

import pytest
from fontTools.ttLib import TTFont

from bookbuild.book.reader import read_book
from bookbuild.book.style import DESIGNS
from bookbuild.check import epubcheck
from bookbuild.epub import fonts
from bookbuild.media.fonts import DESIGN_FACES, folder
from bookbuild.pipeline import build
from bookbuild.support.cache import Cache
from tests.conftest import quoted_book, read_zip

TEXT = "The keeper’s lamp — “naïve” café, 1917. Смольный"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return read_book(quoted_book(tmp_path_factory.mktemp("fonts")))


def embedded(book, design, text=TEXT, store=None, **choices):
    book.style = replace(DESIGNS[design], **choices)
    return fonts.embedded(book, text, store or Cache(None))


@pytest.fixture(scope="module")
def modern(book):
    """Literata (variable: opsz, wght) for the body, Source Sans 3 for headings."""
    return embedded(book, "modern")


def ttf(data: bytes) -> TTFont:
    return TTFont(io.BytesIO(data))


def full(family: str, italic: bool = False) -> TTFont:
    face = DESIGN_FACES[family]
    name = next(n for n in face.files if ("Italic" in n) == italic and "Bold" not in n)
    return TTFont(str(folder(face) / name))


def by_name(result) -> dict:
    return {f.name: f for f in result.files}


def test_a_subset_maps_exactly_the_books_characters(modern):
    files = by_name(modern)
    regular = ttf(files["fonts/literata-regular.ttf"].data)
    original = full("Literata")
    wanted = {ord(c) for c in fonts.characters(TEXT) | fonts.TYPING} & \
        set(original.getBestCmap())
    assert set(regular.getBestCmap()) == wanted
    assert "Л" not in TEXT and ord("Л") in wanted  # the other case of each letter comes too
    glyphs, used = len(regular.getGlyphOrder()), len(wanted)
    assert glyphs < len(original.getGlyphOrder()) / 5  # with printable ASCII (TYPING)
    # Small capitals, ligatures and figure styles of the used characters, not the font.
    assert glyphs <= 4 * used


def test_variable_fonts_come_out_static_at_their_weight(modern):
    files = by_name(modern)
    regular, bold = (ttf(files[f"fonts/literata-{k}.ttf"].data) for k in ("regular", "bold"))
    for font in (regular, bold):
        assert not {"fvar", "gvar", "avar", "HVAR"} & set(font.keys())
    assert (regular["OS/2"].usWeightClass, bold["OS/2"].usWeightClass) == (400, 700)
    # The bold is drawn at wght 700, not the default instance renamed: its letters are wider.
    assert bold["hmtx"]["a"][0] > regular["hmtx"]["a"][0]


def test_small_caps_and_figures_survive_the_subset(modern):
    font = ttf(by_name(modern)["fonts/literata-regular.ttf"].data)
    features = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
    assert {"smcp", "c2sc", "onum", "lnum", "liga"} <= features
    assert len(font.getGlyphOrder()) > len(font.getBestCmap()) + 20  # the small caps' glyphs
    assert not {"fpgm", "prep", "cvt "} & set(font.keys())  # no hinting


def test_faces_and_rules(modern):
    names = [f.name for f in modern.files]
    assert names == ["fonts/literata-regular.ttf", "fonts/literata-italic.ttf",
                     "fonts/literata-bold.ttf", "fonts/source-sans-3-regular.ttf",
                     "fonts/source-sans-3-italic.ttf", "fonts/source-sans-3-bold.ttf"]
    rules = re.findall(r'@font-face \{ font-family: "([^"]+)"; font-style: (\w+); '
                       r'font-weight: (\d+); src: url\("\.\./([^"]+)"\); \}', modern.css)
    assert [(family, path) for family, _s, _w, path in rules] == [
        (f.family, f.name) for f in modern.files]
    assert {family for family, *_ in rules} <= set(DESIGN_FACES)
    assert "SIL Open Font License" in modern.css and "Copyright 2017 The Literata" in modern.css
    assert "Reserved Font Name 'Source'" in modern.css  # each family's own licence


def test_a_books_first_semicolon_or_percent_sign_leaves_the_subsets_as_they_were(book):
    """An edit that types punctuation the book has not used yet does not cut the fonts again
    (seconds a face): the faces carry printable ASCII and typographic punctuation anyway."""
    before, after = embedded(book, "modern"), embedded(book, "modern", text=TEXT + " 50%; [a]")
    assert [f.data for f in after.files] == [f.data for f in before.files]
    assert embedded(book, "modern", text=TEXT + " ß").files != before.files  # beyond ASCII: cut


def test_a_fallback_face_has_only_what_the_design_face_lacks(book):
    # Crimson Pro has no Cyrillic: EB Garamond sets it, and nothing else.
    result = by_name(embedded(book, "literary"))
    garamond = set(ttf(result["fonts/eb-garamond-regular.ttf"].data).getBestCmap())
    assert {chr(c) for c in garamond} == set("СмольныйсМОЛЬНЫЙ")
    latin_only = embedded(book, "literary", text="The keeper’s lamp")
    assert {f.family for f in latin_only.files} == {"Crimson Pro"}


def test_static_faces_are_picked_by_weight_and_style(book):
    result = by_name(embedded(book, "large-print", text="Lamp"))
    assert set(result) == {"fonts/atkinson-hyperlegible-regular.ttf",
                           "fonts/atkinson-hyperlegible-italic.ttf",
                           "fonts/atkinson-hyperlegible-bold.ttf"}
    bold = ttf(result["fonts/atkinson-hyperlegible-bold.ttf"].data)
    italic = ttf(result["fonts/atkinson-hyperlegible-italic.ttf"].data)
    assert bold["OS/2"].usWeightClass == 700 and italic["OS/2"].fsSelection & 1


def test_embed_fonts_false_embeds_nothing(book):
    assert embedded(book, "modern", embed_fonts=False) == fonts.NONE


def test_the_result_is_cached_and_reproducible(book, tmp_path, monkeypatch):
    store = Cache(tmp_path)
    first = embedded(book, "classic", text="Lamp", store=store)
    assert [p for p in (tmp_path / "font").rglob("*") if p.is_file()]

    def fail(*_args):
        raise AssertionError("instanced again instead of read from the cache")

    monkeypatch.setattr(fonts, "static_subset", fail)
    assert embedded(book, "classic", text="Lamp", store=store) == first
    monkeypatch.undo()
    # Made again from nothing, the same bytes (no timestamp of the build in the font).
    assert embedded(book, "classic", text="Lamp") == first


@pytest.fixture(scope="module")
def designed_epub(tmp_path_factory):
    root = quoted_book(tmp_path_factory.mktemp("designed"))
    yaml = root / "manuscript" / "book.yaml"
    yaml.write_text(yaml.read_text("utf-8") + "style: literary\n", "utf-8")
    chapter = root / "manuscript" / "chapters" / "02-two.md"
    chapter.write_text("# Two\n\nThe *keeper* wrote **Смольный** in the log.\n", "utf-8")
    (path,) = build(root, tmp_path_factory.mktemp("designed-out"), ["epub"])
    return path


def test_an_epub_with_fonts_passes_epubcheck(designed_epub):
    files = read_zip(designed_epub)
    fonts_in = sorted(n for n in files if n.startswith("EPUB/fonts/"))
    assert fonts_in == [f"EPUB/fonts/{f}.ttf" for f in (
        "crimson-pro-bold", "crimson-pro-italic", "crimson-pro-regular",
        "eb-garamond-bold", "eb-garamond-italic", "eb-garamond-regular")]
    opf = files["EPUB/content.opf"].decode()
    assert opf.count('media-type="font/ttf"') == 6
    css = files["EPUB/css/book.css"].decode()
    assert css.count("@font-face") == 6
    assert [str(f) for f in epubcheck.run(designed_epub)] == []


def test_without_embedding_the_epub_has_no_fonts(tmp_path):
    root = quoted_book(tmp_path / "book")
    yaml = root / "manuscript" / "book.yaml"
    yaml.write_text(yaml.read_text("utf-8") + "style: {design: modern, embed_fonts: false}\n",
                    "utf-8")
    (path,) = build(root, tmp_path / "out", ["epub"])
    files = read_zip(path)
    assert not [n for n in files if n.startswith("EPUB/fonts/")]
    assert b"@font-face" not in files["EPUB/css/book.css"]


@pytest.fixture
def shared(monkeypatch):
    """A process that builds many books: instances of the repertoire, cut for each book."""
    monkeypatch.setattr(fonts, "_shared", True)


def test_a_subset_cut_from_a_shared_instance_is_the_same_font(book, modern, shared):
    cut = by_name(embedded(book, "modern"))
    own = by_name(modern)
    assert list(cut) == list(own)
    for name in ("fonts/literata-regular.ttf", "fonts/literata-bold.ttf"):
        a, b = ttf(cut[name].data), ttf(own[name].data)
        assert set(a.getBestCmap()) == set(b.getBestCmap())
        assert a.getGlyphOrder() == b.getGlyphOrder()  # the same small caps and figures
        assert not {"fvar", "gvar", "HVAR"} & set(a.keys())
        assert a["OS/2"].usWeightClass == b["OS/2"].usWeightClass
        assert a["hmtx"].metrics == b["hmtx"].metrics  # drawn at the same weight
    features = {r.FeatureTag for r in ttf(cut["fonts/literata-regular.ttf"].data)
                ["GSUB"].table.FeatureList.FeatureRecord}
    assert {"smcp", "c2sc", "onum", "liga"} <= features


def test_a_book_beyond_the_repertoire_instances_its_own_subset(book, monkeypatch, shared):
    text = "Tiếng Việt"  # ế: Latin Extended Additional, past REPERTOIRE
    assert not set(fonts.characters(text)) <= fonts.REPERTOIRE
    calls = []
    monkeypatch.setattr(fonts, "_shared_instance", lambda *a: calls.append(a))
    result = by_name(embedded(book, "modern", text=text))
    assert not calls
    regular = ttf(result["fonts/literata-regular.ttf"].data)
    assert ord("ế") in regular.getBestCmap() and "fvar" not in regular
