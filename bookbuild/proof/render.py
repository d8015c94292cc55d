"""Device renderings: lay the edition out with MuPDF at the device's screen and type size,
render pages at the device's pixel size in 16 e-ink greys, and find what overflows.

MuPDF is a fair stand-in for an e-reader's engine, not a copy of one. The proof stylesheet
(user_css) stands in for what the devices do and MuPDF does not: the reading app's page
margins, hiding MathML's TeX annotation (MuPDF prints it as text) and `max-height` on inline
images (MuPDF ignores it and draws an inline icon at its full pixel size).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from bookbuild.epub.container import Epub, parse_xml
from bookbuild.proof import overflow
from bookbuild.proof.devices import FONT_SIZES, Device
from bookbuild.support import output
from bookbuild.support.xml import XHTML_NS

GREYS = 16
PROOF_CSS = ("annotation, annotation-xml { display: none } "
             "p img { height: 1.2em; width: auto } ")


@dataclass(frozen=True)
class SpineItem:
    """A spine document as the proof names it."""
    href: str  # path in the EPUB
    title: str
    source: str | None = None  # the Markdown file it came from, when known


@dataclass
class Rendering:
    device: Device
    size: str  # a key of FONT_SIZES
    page: int  # 1-based, in the whole book at this device and size
    section: SpineItem | None
    section_page: int  # 1-based, within the section
    path: Path  # the PNG
    overflows: list[overflow.Overflow] = field(default_factory=list)


@dataclass
class DeviceProof:
    device: Device
    page_counts: dict[str, int]  # size → pages
    renderings: list[Rendering]


def sections_of(epub: Path, sources: dict[str, str] | None = None) -> list[SpineItem]:
    """The spine in order, titled by each document's <title>."""
    book = Epub(epub)
    out = []
    for href in book.package.spine:
        title_el = parse_xml(book.data[href], href).getroot().find(
            f"{{{XHTML_NS}}}head/{{{XHTML_NS}}}title")
        title = (title_el.text or "").strip() if title_el is not None else ""
        name = href.rsplit("/", 1)[-1]
        out.append(SpineItem(href, title or name, (sources or {}).get(name)))
    return out


def user_css(device: Device) -> str:
    top, right, bottom, left = device.margins
    return (f"@page {{ margin: {top}pt {right}pt {bottom}pt {left}pt }} "
            + PROOF_CSS + overflow.TAG_CSS)


def content_box(device: Device) -> overflow.Box:
    top, right, bottom, left = device.margins
    width, height = device.page_size
    return overflow.Box(left, top, width - right, height - bottom)


def open_laid_out(pymupdf, epub: Path, device: Device):
    from bookbuild.proof.mupdf import set_user_css

    set_user_css(pymupdf, user_css(device))
    return pymupdf.open(str(epub))


def render_device(pymupdf, device: Device, epub: Path, sections: list[SpineItem],
                  out_dir: Path) -> DeviceProof:
    """Each section's opening page and every overflowing page, at each type size."""
    doc = open_laid_out(pymupdf, epub, device)
    width, height = device.page_size
    counts, renderings = {}, []
    try:
        for size, points in FONT_SIZES.items():
            doc.layout(width=width, height=height, fontsize=points)
            counts[size] = doc.page_count
            renderings += _render_size(doc, device, size, sections, out_dir)
    finally:
        doc.close()
    return DeviceProof(device, counts, renderings)


def _render_size(doc, device: Device, size: str, sections: list[SpineItem],
                 out_dir: Path) -> list[Rendering]:
    box = content_box(device)
    spine_ok = doc.chapter_count == len(sections)
    out = []
    for number in range(doc.page_count):
        chapter, in_chapter = doc.location_from_page_number(number)
        page = doc[number]
        found = overflow.find(page, box)
        if in_chapter != 0 and not found:
            continue
        section = sections[chapter] if spine_ok else None
        path = out_dir / device.id / size / f"p{number + 1:04d}.png"
        save_png(eink(page_image(page, device)), path)
        out.append(Rendering(device, size, number + 1, section, in_chapter + 1, path, found))
    return out


def page_image(page, device: Device) -> Image.Image:
    """The page at the device's exact pixel size, in grey.

    Only the band between the top and bottom margins is drawn: MuPDF paints a picture that
    crosses a page break on both pages, into the margin, where a device would show nothing
    but move the picture to the next page. Side margins are kept, as overflow shows there.
    """
    import pymupdf

    top, _right, bottom, _left = device.margins
    width, height = device.page_size
    band = pymupdf.Rect(0, top, width, height - bottom - 0.5)  # no stray pixel row below
    pix = page.get_pixmap(dpi=device.ppi, colorspace=pymupdf.csGRAY, alpha=False, clip=band)
    img = Image.new("L", (device.width, device.height), 255)
    img.paste(Image.frombytes("L", (pix.width, pix.height), pix.samples),
              (0, round(top * device.ppi / 72)))
    return img


def eink(img: Image.Image) -> Image.Image:
    """Greys snapped to the 16 levels an e-ink panel shows."""
    step = 255 / (GREYS - 1)
    table = [round(round(v / step) * step) for v in range(256)]
    return img.convert("L").point(table)


def save_png(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with output.atomic(path) as tmp:
        img.save(tmp, format="PNG")
