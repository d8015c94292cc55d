import io

from PIL import Image

from bookbuild.book.model import Contributor, Metadata
from bookbuild.media import cover

TITLE_BAND = (200, 480, 1400, 1000)  # where the title is set, inside the frame


def meta(**kw):
    base = dict(title="A Rather Long Title That Must Wrap Onto Several Lines", language="en",
                contributors=[Contributor("Ann Author")], identifier="urn:uuid:x")
    base.update(kw)
    return Metadata(**base)


def test_generated_cover_size_and_determinism():
    data = cover.cover_jpeg(meta(subtitle="A Subtitle"))
    im = Image.open(io.BytesIO(data))
    assert im.format == "JPEG" and im.size == (1600, 2560) and im.mode == "RGB"
    assert data == cover.cover_jpeg(meta(subtitle="A Subtitle"))


def test_title_is_drawn_and_changes_the_image():
    one = cover.render(meta(title="One"))
    two = cover.render(meta(title="Two Words"))
    assert one.tobytes() != two.tobytes()
    # Ink in the title band: the title is really set, not just the frame.
    band = one.crop(TITLE_BAND).convert("L")
    assert max(band.get_flattened_data()) > 200


def test_long_titles_fit_inside_the_frame():
    im = cover.render(meta(title="Supercalifragilisticexpialidocious " * 3))
    # Nothing of the title crosses the frame: columns outside it hold only background.
    for strip in (im.crop((0, 400, 60, 2000)), im.crop((1540, 400, 1600, 2000))):
        assert set(strip.get_flattened_data()) == {cover.BACKGROUND}


def test_a_long_title_is_set_smaller_than_a_short_one():
    def ink_height(im):
        band = im.crop(TITLE_BAND).convert("L").point(lambda v: 255 if v > 150 else 0)
        top, bottom = band.getbbox()[1], band.getbbox()[3]
        return bottom - top
    short = cover.render(meta(title="Lamp"))
    long = cover.render(meta(title="Lamp " * 40))
    # Forty words at the short title's size would run down to the author; fitted, they end
    # above the ornament, and nothing is set between it and the author.
    assert long.crop((100, 1500, 1500, 1950)).convert("L").getextrema()[1] < 150
    assert ink_height(long) > ink_height(short)


def test_the_generated_cover_draws_the_curled_book_yaml_text(tmp_path):
    from bookbuild.book.reader import read_book
    from tests.conftest import quoted_book

    book = read_book(quoted_book(tmp_path / "book"))
    drawn = cover.render(book.metadata)
    curled = cover.render(meta(title="The Keeper’s “Lamp”", subtitle="“Night” and ‘Day’",
                               contributors=[Contributor("Ann O’Hara")]))
    straight = cover.render(meta(title="The Keeper's \"Lamp\"", subtitle="\"Night\" and 'Day'",
                                 contributors=[Contributor("Ann O'Hara")]))
    assert drawn.tobytes() == curled.tobytes()
    assert drawn.tobytes() != straight.tobytes()


def test_the_print_wrap_sets_the_same_front_design():
    typ = cover.front_template().decode()
    assert "#let generated-front(c, tw, th)" in typ
    from importlib import resources
    wrap = resources.files("bookbuild.pdf").joinpath("templates", "cover.typ").read_text()
    assert '#import "front.typ"' in wrap and "front.generated-front(c, tw, th)" in wrap


def test_the_cache_key_changes_with_whatever_changes_the_drawing():
    """A cover cached for the Chinese edition is not reused for the Japanese one: the
    language picks the glyph forms, so it is part of the key as much as the title is."""
    base = cover.fingerprint(_meta("直骨", "zh"))
    assert base == cover.fingerprint(_meta("直骨", "zh"))
    assert base != cover.fingerprint(_meta("直骨", "ja"))
    assert base != cover.fingerprint(_meta("直骨 2", "zh"))


def _meta(title: str, language: str) -> Metadata:
    return Metadata(title=title, language=language, identifier="urn:uuid:x",
                    contributors=[Contributor("Ann Author")])
