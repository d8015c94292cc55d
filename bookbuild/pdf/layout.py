"""What the Typst template is told: page geometry, type, book facts, and where pictures go.

Picture sizes are decided here, not in Typst, so the effective DPI that the build warns about
is exactly the size that gets printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bookbuild.book.language import right_to_left
from bookbuild.book.model import Book
from bookbuild.book.style import first_line
from bookbuild.convert.html import line_of
from bookbuild.pdf import fonts
from bookbuild.pdf.pictures import MIN_DPI, Picture, effective_dpi
from bookbuild.pdf.settings import INCH, PrintSettings, parse_length
from bookbuild.pdf.source import Part
from bookbuild.support.diagnostics import Diagnostic

FIGURE_MAX_HEIGHT = 0.7  # of the text block: room for the caption and a line of text
INLINE_HEIGHT = 0.9  # em: an inline picture sits in the line like a capital letter
OPENER_SINK = 0.16  # chapter titles start this far down the text block
HEAD_SIZE = 0.9  # the folio's size in em of the body text (book.typ's running-head)
ASCENDER = 1.05  # EB Garamond's ascender in em, with a little to spare


@dataclass
class Geometry:
    settings: PrintSettings
    pages: int  # the page count the margins are chosen for

    @property
    def margins(self) -> dict[str, float]:
        return self.settings.page_margins(self.pages)

    @property
    def text_width(self) -> float:
        m = self.margins
        return self.settings.width - m["inside"] - m["outside"]

    @property
    def text_height(self) -> float:
        m = self.margins
        return self.settings.height - m["top"] - m["bottom"]

    def page(self) -> dict:
        s, m, b = self.settings, self.margins, self.settings.bleed_pt
        # The head's baseline sits low enough that its line (the folio's full ascender
        # included) stays 0.5 in from the trim.
        head = HEAD_SIZE * s.font_size * ASCENDER
        ascent = min(18.0, max(4.0, m["top"] - 0.5 * INCH - head))
        return {"width": s.width + b, "height": s.height + 2 * b, "bleed": b,
                "inside": m["inside"], "outside": m["outside"] + b, "top": m["top"] + b,
                "bottom": m["bottom"] + b, "header_ascent": ascent,
                "sink": OPENER_SINK * self.text_height}


def config(book: Book, geometry: Geometry, missing: str | None,
           long_run: str | None = None, ornament: str | None = None) -> dict:
    """config.json: what book.typ knows of the book. `ornament`: the scene break's SVG in the
    work folder, named by its content (media/ornaments.py), so that a changed ornament changes
    this file and with it every job's cache key; None draws a plain rule."""
    meta = book.metadata
    lang = meta.language.split("-")[0].lower()
    region = next((p.upper() for p in meta.language.split("-")[1:] if len(p) == 2), None)
    s = geometry.settings
    body = book.style.body_font
    return {
        "page": geometry.page(),
        "text": {"size": s.font_size, "lang": lang, "region": region,
                 "dir": "rtl" if right_to_left(meta.language) else "ltr",
                 "fonts": fonts.chain(meta.language, static=True, family=body),
                 "chains": {code: fonts.chain(code, static=True, family=body)
                            for code in fonts.CJK_PREFERENCE},
                 "mono": [fonts.MONO, *fonts.chain(meta.language, static=True, family=body)],
                 "static": fonts.STATIC_FAMILY},
        "style": style_facts(book),
        "book": book_facts(book),
        "openers": s.openers,
        "running_head": s.running_head,
        "labels": {"contents": meta.labels["contents"]},
        "toc_depth": int(book.config.get("toc_depth", 2)),
        "missing": missing,
        "long_run": long_run,
        "ornament": ornament,
    }


def style_facts(book: Book) -> dict:
    """What book.typ needs of the design beyond its file (designs/NAME.typ)."""
    style = book.style
    heading = None if style.heading_font == style.body_font else \
        fonts.chain(book.metadata.language, family=style.heading_font)
    return {"design": style.design,
            "first_line": first_line(style, book.metadata.language),
            "heading_fonts": heading, "numbered_sections": style.numbered_sections,
            "smcp": fonts.has_small_caps(style.body_font)}


def book_facts(book: Book) -> dict:
    meta = book.metadata
    others = [meta.credit(c) for c in meta.contributors if c.role != "author"]
    series = None
    if meta.series:
        index = meta.series_index
        number = f" {int(index) if float(index).is_integer() else index}" if index else ""
        series = f"{meta.series}{' ·' + number if number else ''}"
    return {
        "title": meta.title, "subtitle": meta.subtitle, "author": meta.author_line,
        "authors": [c.name for c in meta.authors] or [meta.author_line],
        "contributors": others, "publisher": meta.publisher, "series": series,
        "keywords": meta.subjects, "description": meta.description,
        "copyright": copyright_lines(book),
    }


def copyright_lines(book: Book) -> dict:
    meta = book.metadata
    words = meta.labels
    title = words["subtitle"].format(meta.title, meta.subtitle) if meta.subtitle else meta.title
    lines = [meta.credit(c) for c in meta.contributors if c.role != "author"]
    if meta.rights:
        lines.append(meta.rights)
    if meta.publisher or meta.date:
        lines.append(words["list_sep"].join(x for x in (meta.publisher, meta.reader_date) if x))
    if meta.printed_identifier:
        lines.append(meta.printed_identifier)
    if meta.source:
        # A web address is printed as a link: the template sets a mapping as one.
        before, _, after = words["source"].partition("{}")
        lines.append({"before": before, "url": meta.source_url, "text": meta.source,
                      "after": after})
    lines.append(words["set_in"].format(meta.joined(fonts.faces_for(meta.language))))
    lines.append(words["made_with"])
    return {"title": title, "byline": words["by"].format(meta.author_line), "lines": lines}



@dataclass
class Placement:
    width: float  # points
    height: float
    dpi: float | None


def place(picture: Picture, use: dict, geometry: Geometry, font_size: float) -> Placement:
    """The printed size of one use of a picture."""
    s = geometry.settings
    if use.get("bleed") and s.bleed:
        w, h = s.width + s.bleed_pt, s.height + 2 * s.bleed_pt
        return Placement(w, h, effective_dpi(picture, *_cover(picture, w, h)))
    if not use.get("figure"):
        h = INLINE_HEIGHT * font_size
        w = min(h * picture.aspect, geometry.text_width)
        return Placement(w, w / picture.aspect, effective_dpi(picture, w, w / picture.aspect))
    w = _requested_width(use.get("width"), _natural_width(picture, geometry.text_width),
                         geometry.text_width)
    h = w / picture.aspect
    limit = geometry.text_height * FIGURE_MAX_HEIGHT
    if h > limit:
        h, w = limit, limit * picture.aspect
    return Placement(w, h, effective_dpi(picture, w, h))


def _cover(picture: Picture, w: float, h: float) -> tuple[float, float]:
    """The size a picture is scaled to when it covers a w×h box (and is cropped)."""
    scale = max(w / picture.aspect, h)
    return scale * picture.aspect, scale


CSS_PX = 0.75  # points: a width written as in HTML (`width="200"`, `200px`) is CSS pixels


def _natural_width(picture: Picture, text_width: float) -> float:
    """A picture's own size, as a browser shows it (a pixel a CSS pixel), within the text
    block: a small icon is not blown up to the width of the page."""
    if picture.pixels is None:
        return text_width
    return min(text_width, picture.pixels[0] * CSS_PX)


def _requested_width(raw: str | None, natural: float, text_width: float) -> float:
    """The width the author asked for (`50%` of the text block, a length, or HTML pixels as
    in `width="200"`) within the text block, else the picture's natural width."""
    if not raw:
        return natural
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%|px)?\s*", raw)
    if m and m.group(2) == "%":
        return min(text_width, text_width * float(m.group(1)) / 100)
    length = float(m.group(1)) * CSS_PX if m else parse_length(raw)
    return min(text_width, length) if length else natural


def dpi_warning(source: str, picture: Picture, p: Placement, what: str = "image",
                advice: str = " or set a smaller width",
                line: int | None = None) -> Diagnostic | None:
    if p.dpi is None or round(p.dpi) >= MIN_DPI:
        return None
    need = (round(picture.pixels[0] * MIN_DPI / p.dpi), round(picture.pixels[1] * MIN_DPI / p.dpi))
    return Diagnostic("PDF-IMG-001", "warning",
                      f"{what} {picture.src} prints at {p.dpi:.0f} DPI "
                      f"({p.width / INCH:.2f} × {p.height / INCH:.2f} in from "
                      f"{picture.pixels[0]} × {picture.pixels[1]} px); print wants {MIN_DPI}: "
                      f"supply {need[0]} × {need[1]} px{advice}", source, line)


def image_table(parts: list[Part], pictures: dict[str, Picture], geometry: Geometry,
                font_size: float) -> tuple[dict, list[Diagnostic]]:
    """images.json for the template, and the low-resolution warnings."""
    table: dict = {}
    warnings: list[Diagnostic] = []
    for part in parts:
        for n, use in enumerate(part.images):
            picture = pictures[use["src"]]
            p = place(picture, use, geometry, font_size)
            table[part.key(n)] = {"path": picture.file, "width": p.width, "height": p.height,
                                  "decorative": bool(use.get("decorative")),
                                  "bleed": bool(use.get("bleed")) and geometry.settings.bleed}
            why = dpi_warning(part.section.source, picture, p,
                              line=line_of(part.section.text, use["src"]))
            if why and why not in warnings:
                warnings.append(why)
    return table, warnings
