"""A PDF opened with pikepdf for the print preflight, and the walks the rules share."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

INCH = 72.0
MAX_DEPTH = 8  # nested form XObjects; deeper is pathological


@dataclass
class Placement:
    page: int  # 1-based
    name: str
    width_px: int
    height_px: int
    width_pt: float
    height_pt: float

    @property
    def dpi(self) -> float:
        """Effective resolution: the lower of the two axes."""
        if self.width_pt <= 0 or self.height_pt <= 0:
            return math.inf
        return min(self.width_px / (self.width_pt / INCH), self.height_px / (self.height_pt / INCH))


@dataclass
class PdfFile:
    path: Path
    pdf: pikepdf.Pdf | None = None
    broken: str | None = None
    needs_password: bool = False
    trim: tuple[float, float] | None = None  # expected trim in points, when known
    bleed: float = 0.0  # expected bleed in points on the outside, top and bottom
    cover: bool = False  # a cover wrap: one sheet, bleed on all four sides, no page rules
    sources: dict = field(default_factory=dict)  # (width, height) px → the book's image file
    # What the print could not make fit, as found while typesetting it (pdf.fit.Overflow);
    # known only for a PDF bookbuild has just set.
    overflows: list = field(default_factory=list)
    cache: dict = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path, trim: tuple[float, float] | None = None,
             bleed: float = 0.0, cover: bool = False) -> PdfFile:
        doc = cls(Path(path), trim=trim, bleed=bleed, cover=cover)
        try:
            doc.pdf = pikepdf.open(path)
        except pikepdf.PasswordError:
            doc.needs_password = True
            doc.broken = "encrypted with a password; it cannot be read"
        except (pikepdf.PdfError, OSError, ValueError) as e:
            doc.broken = f"not a readable PDF ({e})"
        return doc

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()

    def __enter__(self) -> PdfFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def pages(self) -> list[pikepdf.Page]:
        return list(self.pdf.pages) if self.pdf is not None else []

    def placements(self) -> list[Placement]:
        """Every raster image drawn on every page, with the size it is drawn at."""
        if "placements" not in self.cache:
            out: list[Placement] = []
            for number, page in enumerate(self.pages, 1):
                resources = page.Resources if "/Resources" in page.obj else None
                try:
                    if not _may_draw_images(page, resources):
                        continue  # parsing a long book's text pages costs seconds
                    _walk(page.obj, resources, pikepdf.parse_content_stream(page), number,
                          out, 0)
                except (pikepdf.PdfError, ValueError, TypeError):
                    continue  # a broken content stream is not ours to diagnose here
            self.cache["placements"] = out
        return self.cache["placements"]


def _may_draw_images(page: pikepdf.Page, resources) -> bool:
    """An image XObject within reach of the page, or what may be an inline image."""
    if _has_image_xobject(resources, 0):
        return True
    return any(_inline_image(s.read_bytes()) for s in _streams(page.obj.get("/Contents")))


def _inline_image(data: bytes) -> bool:
    """A BI operator, or bytes that look like one (a regex scan is far slower on long text)."""
    at = data.find(b"BI")
    while at != -1:
        if (at == 0 or data[at - 1:at].isspace()) and data[at + 2:at + 3].isspace():
            return True
        at = data.find(b"BI", at + 2)
    return False


def _has_image_xobject(resources, depth: int) -> bool:
    """An image XObject, or a form that draws one (or an inline image), in `resources`."""
    if resources is None or depth > MAX_DEPTH:
        return False
    for xobj in resources.get("/XObject", {}).values():
        subtype = str(xobj.get("/Subtype", ""))
        if subtype == "/Image":
            return True
        if subtype == "/Form" and (_inline_image(xobj.read_bytes()) or
                                   _has_image_xobject(xobj.get("/Resources"), depth + 1)):
            return True
    return False


def _streams(contents) -> list:
    if contents is None:
        return []
    return list(contents) if isinstance(contents, pikepdf.Array) else [contents]


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F]


def _walk(owner, resources, instructions, page: int, out: list[Placement], depth: int,
          ctm: list[float] | None = None) -> None:
    ctm = ctm or [1, 0, 0, 1, 0, 0]
    stack: list[list[float]] = []
    xobjects = resources.get("/XObject", {}) if resources is not None else {}
    for operands, operator in instructions:
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm" and len(operands) == 6:
            ctm = _multiply([float(x) for x in operands], ctm)
        elif op == "Do" and operands:
            name = str(operands[0])
            xobj = xobjects.get(name) if hasattr(xobjects, "get") else None
            if xobj is not None:
                _draw(xobj, name, ctm, page, out, depth)
        elif op == "INLINE IMAGE" and operands:
            image = operands[0]
            _place(name="inline image", width=int(image.obj.get("/W", 0)),
                   height=int(image.obj.get("/H", 0)), ctm=ctm, page=page, out=out)


def _draw(xobj, name: str, ctm: list[float], page: int, out: list[Placement], depth: int):
    subtype = str(xobj.get("/Subtype", ""))
    if subtype == "/Image" and not bool(xobj.get("/ImageMask", False)):
        _place(name, int(xobj.get("/Width", 0)), int(xobj.get("/Height", 0)), ctm, page, out)
    elif subtype == "/Form" and depth < MAX_DEPTH:
        matrix = [float(x) for x in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0])]
        inner = pikepdf.parse_content_stream(xobj)
        _walk(xobj, xobj.get("/Resources"), inner, page, out, depth + 1,
              _multiply(matrix, ctm))


def _place(name: str, width: int, height: int, ctm: list[float], page: int,
           out: list[Placement]) -> None:
    a, b, c, d, _e, _f = ctm
    out.append(Placement(page, name.lstrip("/"), width, height, math.hypot(a, b),
                         math.hypot(c, d)))


def fonts(pdf: pikepdf.Pdf):
    """(page number, font dictionary) for every font the pages (and their forms) use."""
    seen = set()
    for number, page in enumerate(pdf.pages, 1):
        for font in _fonts_in(page.obj.get("/Resources"), 0):
            key = font.objgen if font.is_indirect else id(font)
            if key not in seen:
                seen.add(key)
                yield number, font


def _fonts_in(resources, depth: int):
    if resources is None or depth > MAX_DEPTH:
        return
    yield from resources.get("/Font", {}).values()
    for xobj in resources.get("/XObject", {}).values():
        if str(xobj.get("/Subtype", "")) == "/Form":
            yield from _fonts_in(xobj.get("/Resources"), depth + 1)


def embedded(font) -> bool:
    """True if the font program is in the file (Type 3 fonts are drawn, always embedded)."""
    subtype = str(font.get("/Subtype", ""))
    if subtype == "/Type3":
        return True
    if subtype == "/Type0":
        descendants = font.get("/DescendantFonts")
        return bool(descendants) and all(embedded(d) for d in descendants)
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor for k in
                                          ("/FontFile", "/FontFile2", "/FontFile3"))
