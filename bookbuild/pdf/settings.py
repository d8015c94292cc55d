"""The `print:` block of book.yaml, checked and turned into PrintSettings.

    print:
      trim: 6x9            # a KDP trim name, A5, or WxH in inches or millimetres ("148x210mm")
      bleed: false         # true: 0.125 in bleed on the outside, top and bottom
      paper: white         # white | cream | color (sets the spine width of the cover)
      font_size: 11        # body text in points, 9–14
      openers: recto       # recto: chapters open on a right-hand page; any: on the next page
      running_head: chapter   # what rectos carry: chapter (the chapter title) or title
      cover: images/print-front.jpg   # front cover art for the wrap; else the book's cover
      pdf_a: true          # PDF/A-2b on top of tagged PDF/UA-1
      margins: {outside: 0.6in}       # any of inside/outside/top/bottom, never below the minimum
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bookbuild.book.config import FILE, Positions, isbn_ok
from bookbuild.support.errors import Problems

INCH = 72.0  # PostScript points
MM = INCH / 25.4
BLEED = 0.125 * INCH

# KDP's common trims, in inches (width, height).
TRIMS = {
    "5x8": (5.0, 8.0), "5.25x8": (5.25, 8.0), "5.5x8.5": (5.5, 8.5), "6x9": (6.0, 9.0),
    "6.14x9.21": (6.14, 9.21), "7x10": (7.0, 10.0), "8.5x11": (8.5, 11.0),
    "a5": (148 * MM / INCH, 210 * MM / INCH),
}
DEFAULT_TRIM = "5.5x8.5"
# Inches of paper per interior page: it sets the spine width.
PAPER = {"white": 0.002252, "cream": 0.0025, "color": 0.002347}
PAPER_ALIASES = {"colour": "color"}
# (fewest pages, least inside margin in inches): KDP's gutter table.
GUTTERS = ((701, 0.875), (501, 0.75), (301, 0.625), (151, 0.5), (0, 0.375))
MIN_EDGE = 0.5 * INCH  # outside, top and bottom, folios included
# The gutter is the least the binding swallows; the reader's eye wants some margin beyond it.
INSIDE_EXTRA = 0.25 * INCH
MARGINS = {"outside": 0.625 * INCH, "top": 0.85 * INCH, "bottom": 0.75 * INCH}
MIN_TOP = 0.75 * INCH  # the running head sits in the top margin, itself 0.5 in from the trim
KEYS = {"trim", "bleed", "paper", "font_size", "openers", "running_head", "cover", "pdf_a",
        "margins", "isbn"}


def gutter(pages: int) -> float:
    """The least inside margin, in points, for a book of `pages` pages."""
    for fewest, inches in GUTTERS:
        if pages >= fewest:
            return inches * INCH
    return GUTTERS[-1][1] * INCH


@dataclass
class PrintSettings:
    trim_name: str = DEFAULT_TRIM
    width: float = 5.5 * INCH  # trim, in points
    height: float = 8.5 * INCH
    bleed: bool = False
    paper: str = "white"
    font_size: float = 11.0
    openers: str = "recto"
    running_head: str = "chapter"
    cover: str | None = None
    pdf_a: bool = True
    margins: dict[str, float] = field(default_factory=dict)  # the author's, in points
    isbn: str | None = None  # the print edition's own ISBN: the EPUB's page list names it

    @property
    def bleed_pt(self) -> float:
        return BLEED if self.bleed else 0.0

    def page_margins(self, pages: int) -> dict[str, float]:
        """Trim-relative margins in points for a book of `pages` pages."""
        inside = max(self.margins.get("inside", 0.0), gutter(pages) + INSIDE_EXTRA)
        out = {"inside": inside}
        for side, default in MARGINS.items():
            out[side] = max(self.margins.get(side, default), MIN_TOP if side == "top" else MIN_EDGE)
        return out

    def spine(self, pages: int) -> float:
        """Spine width in points."""
        return pages * PAPER[self.paper] * INCH


def parse(config: dict, at: Positions | None = None, design_size: float = 11.0) -> PrintSettings:
    """book.yaml's `print:` block → PrintSettings; every problem names the file and line.
    `design_size` is the body size of the book's design: 16 pt and more is large print,
    whose font_size may go to 24 pt and not below 16."""
    block = config.get("print")
    problems = Problems()
    settings = PrintSettings(font_size=design_size)
    if block is None:
        return settings
    at = at or Positions()
    if not isinstance(block, dict):
        problems.add("'print' must be a mapping such as {trim: 6x9, paper: cream}", FILE,
                     at.line("print"))
        problems.raise_if_any()
    for key in block:
        if key not in KEYS:
            problems.add(f"print: unknown key '{key}' (known: {', '.join(sorted(KEYS))})",
                         FILE, at.line("print", key))
    for key, value in block.items():
        if key in KEYS and value is not None:
            why = _apply(settings, key, value, design_size)
            if why:
                problems.add(f"print: {key}: {why}", FILE, at.line("print", key))
    problems.raise_if_any()
    return settings


def _apply(s: PrintSettings, key: str, value, design_size: float = 11.0) -> str | None:
    """Set one key; return why the value is wrong, or None."""
    if key == "trim":
        size = trim_size(str(value))
        if isinstance(size, str):
            return size
        s.trim_name, (s.width, s.height) = str(value), size
    elif key in ("bleed", "pdf_a"):
        if not isinstance(value, bool):
            return "must be true or false"
        setattr(s, key, value)
    elif key == "paper":
        paper = PAPER_ALIASES.get(str(value).lower(), str(value).lower())
        if paper not in PAPER:
            return f"{value!r} is not one of {', '.join(PAPER)}"
        s.paper = paper
    elif key == "font_size":
        low, high = (16, 24) if design_size >= 16 else (9, 14)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not low <= value <= high:
            return f"{value!r} must be a number of points from {low} to {high}" + \
                (" in large print" if low == 16 else "")
        s.font_size = float(value)
    elif key in ("openers", "running_head"):
        allowed = {"openers": ("recto", "any"), "running_head": ("chapter", "title")}[key]
        if value not in allowed:
            return f"{value!r} is not one of {', '.join(allowed)}"
        setattr(s, key, value)
    elif key == "cover":
        if not isinstance(value, str) or not value.strip():
            return "must be a path under assets/, such as images/front.jpg"
        s.cover = value.strip()
    elif key == "margins":
        return _margins(s, value)
    elif key == "isbn":
        digits = re.sub(r"[\s-]", "", str(value)).upper().removeprefix("ISBN").lstrip(":")
        if not re.fullmatch(r"\d{9}[\dX]|\d{13}", digits) or not isbn_ok(digits):
            return f"{value!r} is not a valid ISBN-10 or ISBN-13 (check its digits)"
        s.isbn = digits
    return None


def _margins(s: PrintSettings, value) -> str | None:
    sides = ("inside", *MARGINS)
    if not isinstance(value, dict) or not value or any(k not in sides for k in value):
        return f"must be a mapping of {', '.join(sides)} to lengths such as 0.75in or 18mm"
    for side, raw in value.items():
        length = parse_length(raw)
        if length is None:
            return f"{side}: {raw!r} is not a length such as 0.75in or 18mm"
        if side != "inside" and length < MIN_EDGE:
            return f"{side}: {raw} is below the 0.5in that printers require"
        if side == "top" and length < MIN_TOP:
            return f"top: {raw} leaves no room for the running head; 0.75in at least"
        s.margins[side] = length
    return None


_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(in|mm|cm|pt)?\s*$", re.IGNORECASE)
_UNITS = {"in": INCH, "mm": MM, "cm": 10 * MM, "pt": 1.0, None: INCH}


def parse_length(raw) -> float | None:
    """'0.75in', '18mm', '2cm', '54pt' or a bare number of inches → points."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw) * INCH
    m = _LENGTH.match(str(raw))
    if not m:
        return None
    unit = m.group(2).lower() if m.group(2) else None
    return float(m.group(1)) * _UNITS[unit]


_TRIM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(in|mm)?\s*$", re.IGNORECASE)


def trim_size(raw: str) -> tuple[float, float] | str:
    """A trim name or 'WxH' (inches unless 'mm') → (width, height) in points, or why not."""
    key = raw.strip().lower().replace(" ", "").replace("in", "")
    if key in TRIMS:
        w, h = TRIMS[key]
        return w * INCH, h * INCH
    m = _TRIM.match(raw)
    if not m:
        return (f"{raw!r} is not a trim size; use one of {', '.join(TRIMS)} or WxH such as "
                f"6x9 or 148x210mm")
    unit = MM if (m.group(3) or "").lower() == "mm" else INCH
    w, h = float(m.group(1)) * unit, float(m.group(2)) * unit
    if not (3 * INCH <= w <= 12 * INCH and 4 * INCH <= h <= 14 * INCH):
        return (f"{raw!r} is outside what printers bind (3–12 in wide, 4–14 in tall); "
                f"millimetres need 'mm'")
    return w, h



