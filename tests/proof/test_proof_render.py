"""Device renderings: the device's own pixel size, 16 greys, each section's opening page,
a contact sheet per device and one index.html without JavaScript."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from bookbuild.proof.devices import DEVICES, FONT_SIZES
from bookbuild.proof.render import eink

SECTIONS = 7  # cover, title page, copyright, contents and the sample's three sections


def pngs(folder):
    return sorted(folder.rglob("p*.png"))


@pytest.mark.parametrize("device", DEVICES, ids=lambda d: d.id)
def test_each_rendering_has_the_devices_pixel_size(sample_proof, device):
    pages = pngs(sample_proof["proof"] / device.id)
    assert len(pages) >= SECTIONS * len(FONT_SIZES)
    for path in pages:
        with Image.open(path) as img:
            assert img.size == (device.width, device.height), path


@pytest.mark.parametrize("device", DEVICES, ids=lambda d: d.id)
def test_each_section_opening_is_rendered_at_each_size(sample_proof, device):
    for size in FONT_SIZES:
        assert len(pngs(sample_proof["proof"] / device.id / size)) == SECTIONS


def test_renderings_are_in_sixteen_greys(sample_proof):
    device = DEVICES[1]
    page = pngs(sample_proof["proof"] / device.id / "medium")[0]  # the cover: a photograph
    with Image.open(page) as img:
        assert img.mode == "L"
        levels = {v for v, count in enumerate(img.histogram()) if count}
    assert len(levels) > 4
    assert levels <= {round(i * 255 / 15) for i in range(16)}


def test_eink_snaps_every_grey_to_sixteen_levels():
    ramp = Image.new("L", (256, 1))
    ramp.putdata(list(range(256)))  # every grey once
    levels = sorted(v for v, n in enumerate(eink(ramp).histogram()) if n)
    assert levels == [round(i * 255 / 15) for i in range(16)]


def test_a_contact_sheet_per_device(sample_proof):
    for device in DEVICES:
        sheet = sample_proof["proof"] / f"{device.id}.png"
        with Image.open(sheet) as img:
            assert img.width > 1000 and img.height > 1000


def test_page_counts_grow_with_the_type(sample_proof):
    lines = sample_proof["run"].stdout.splitlines()
    for device in DEVICES:
        (line,) = [x for x in lines if x.startswith(device.name + ":")]
        small, medium, large = map(int, re.search(r"(\d+)/(\d+)/(\d+) pages", line).groups())
        assert SECTIONS <= small <= medium <= large
        assert small < large


def test_index_html_shows_everything_without_javascript(sample_proof):
    html = (sample_proof["proof"] / "index.html").read_text("utf-8")
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    for device in DEVICES:
        assert f'src="{device.id}.png"' in html
        assert f'href="{device.id}/large/p0001.png"' in html
    for name in ("epub", "kepub.epub", "kindle.epub"):
        assert f'href="../when-lenin-proclaimed-soviet-power.{name}"' in html
    links = re.findall(r'(?:href|src)="([^"#]+)"', html)
    missing = [x for x in links if not (sample_proof["proof"] / x).exists()]
    assert missing == []


def test_the_sample_proof_is_quiet(sample_proof):
    assert "warning" not in sample_proof["run"].stdout
    assert "error" not in sample_proof["run"].stdout
    assert "Nothing overflows the page" in (sample_proof["proof"] / "index.html").read_text()
