import io

from PIL import Image, ImageDraw

from bookbuild.book.model import Contributor, Metadata
from bookbuild.media import cover


def meta(**kw):
    base = dict(title="A Rather Long Title That Must Wrap Onto Several Lines", language="en",
                contributors=[Contributor("Ann Author")], identifier="urn:uuid:x")
    base.update(kw)
    return Metadata(**base)


def test_generated_cover_size_and_determinism():
    data = cover.cover_jpeg(meta(subtitle="A Subtitle"))
    im = Image.open(io.BytesIO(data))
    assert im.size == (1600, 2560) and im.mode == "RGB"
    assert data == cover.cover_jpeg(meta(subtitle="A Subtitle"))


def test_title_is_drawn_and_changes_the_image():
    one = cover.render(meta(title="One"))
    two = cover.render(meta(title="Two Words"))
    assert one.tobytes() != two.tobytes()
    # Ink in the title band: the title is really set, not just the frame.
    band = one.crop((200, 500, 1400, 800)).convert("L")
    assert max(band.get_flattened_data()) > 200


def test_long_titles_fit_inside_the_frame():
    im = cover.render(meta(title="Supercalifragilisticexpialidocious " * 3))
    # Nothing of the title crosses the inner frame: columns outside it hold only background/frame.
    strip = im.crop((0, 400, 60, 2000))
    assert set(strip.get_flattened_data()) == {cover.BACKGROUND}


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


def test_lines_never_break_at_a_no_break_space():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    lines = cover.wrap(draw, "The Keeper’s «\u00a0Lamp\u00a0»", cover.font(190), 800)
    assert lines == ["The", "Keeper’s", "«\u00a0Lamp\u00a0»"]
