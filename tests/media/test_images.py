import io

import pytest
from PIL import Image

from bookbuild.media import images
from bookbuild.support.errors import BookError


def save(tmp_path, name, im, **kw):
    path = tmp_path / name
    im.save(path, **kw)
    return path


def test_cmyk_jpeg_becomes_srgb(tmp_path):
    path = save(tmp_path, "c.jpg", Image.new("CMYK", (100, 80), (0, 255, 255, 0)), quality=95)
    r = images.rendition(path, "images/c.jpg", "assets/images/c.jpg")
    out = Image.open(io.BytesIO(r.data))
    assert out.mode == "RGB" and r.media_type == "image/jpeg"
    red, green, blue = out.getpixel((50, 40))
    assert red > 200 and green < 80 and blue < 80


def test_exif_and_gps_are_stripped(tmp_path):
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    path = save(tmp_path, "e.jpg", Image.new("RGB", (64, 64), "blue"), exif=exif.tobytes())
    assert Image.open(path).getexif()  # the fixture really has EXIF
    r = images.rendition(path, "images/e.jpg", "e")
    assert not Image.open(io.BytesIO(r.data)).getexif()
    assert b"CameraMaker" not in r.data


def test_large_images_are_scaled_to_4_megapixels(tmp_path):
    path = save(tmp_path, "big.jpg", Image.new("RGB", (3000, 2000), "gray"))
    r = images.rendition(path, "images/big.jpg", "big")
    assert r.width * r.height <= images.MAX_PIXELS
    assert abs(r.width / r.height - 1.5) < 0.01


def test_png_alpha_is_kept(tmp_path):
    path = save(tmp_path, "a.png", Image.new("RGBA", (40, 30), (255, 0, 0, 128)))
    r = images.rendition(path, "images/a.png", "a")
    assert r.media_type == "image/png" and Image.open(io.BytesIO(r.data)).mode == "RGBA"


def test_tiff_becomes_jpeg_with_a_new_name(tmp_path):
    path = save(tmp_path, "t.tif", Image.new("RGB", (40, 30), "green"))
    r = images.rendition(path, images.epub_name("Scans/My Photo.TIF"), "t")
    assert r.name == "images/scans/my-photo.jpg" and r.media_type == "image/jpeg"


def test_svg_passes_through(tmp_path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5" height="5"/></svg>'
    (tmp_path / "d.svg").write_bytes(svg)
    r = images.rendition(tmp_path / "d.svg", "images/d.svg", "d")
    assert r.data == svg and r.media_type == "image/svg+xml"


@pytest.mark.parametrize("svg", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
    b'<image x:href="http://example.org/a.png"/></svg>',
])
def test_unsafe_svg_is_refused(tmp_path, svg):
    (tmp_path / "d.svg").write_bytes(svg)
    with pytest.raises(BookError):
        images.rendition(tmp_path / "d.svg", "images/d.svg", "d")


def test_corrupt_image_is_a_clean_error(tmp_path):
    (tmp_path / "x.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(BookError, match="not a readable image"):
        images.rendition(tmp_path / "x.jpg", "images/x.jpg", "assets/images/x.jpg")


def test_cover_rendition_fits_1600_by_2560(tmp_path):
    path = save(tmp_path, "cover.png", Image.new("RGB", (3200, 5120), "navy"))
    r = images.cover_rendition(path, "images/cover.png", "cover")
    assert (r.width, r.height) == (1600, 2560) and r.name == "images/cover.jpg"
