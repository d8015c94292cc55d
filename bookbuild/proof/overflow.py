"""Finding what does not fit the device page, on a page MuPDF has laid out.

MuPDF lets a too-wide block run past the margin (and clips it at the page edge), and squeezes
a too-wide table until its cells print over each other. Both are measured here. To tell a
table from a code block, the proof stylesheet tints their text with colours that are black to
the eye but tell them apart in the text MuPDF extracts (see TAG_CSS).
"""

from __future__ import annotations

from dataclasses import dataclass

TABLE_INK = 0x010000
CODE_INK = 0x000100
TAG_CSS = ("table, table * { color: #010000 } "
           "pre, pre * { color: #000100 } ")
TOLERANCE = 2.0  # points: italic overhang and rounding are not overflow
HYPHEN = 0.4  # ems: wider than any text face's hyphen
THIN = 2.0  # points: a drawing no taller than this is a line, not a picture
KINDS = {"table": "a table", "code": "a code block", "image": "an image",
         "text": "a long word or URL"}


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Overflow:
    kind: str  # a key of KINDS
    points: float  # how far past the margin, or how much cells overlap

    @property
    def what(self) -> str:
        return KINDS[self.kind]


def find(page, content: Box) -> list[Overflow]:
    """Everything on `page` (a laid-out pymupdf.Page) that does not fit `content`."""
    found: dict[str, float] = {}

    def note(kind: str, points: float) -> None:
        found[kind] = max(found.get(kind, 0.0), round(points, 1))

    spans = _spans(page)
    for span in spans:
        past = _past(Box(*span["bbox"]), content) - _hanging_hyphen(span)
        if past > TOLERANCE:
            note(_kind(span["color"]), past)
    overlap = _table_overlap(spans)
    if overlap > TOLERANCE:
        note("table", overlap)
    for box in _picture_boxes(page):
        past = _past(box, content)
        if past > TOLERANCE:
            note("image", past)
    return [Overflow(k, v) for k, v in found.items()]


def _past(box: Box, content: Box) -> float:
    return max(content.x0 - box.x0, box.x1 - content.x1, 0.0)


def _hanging_hyphen(span: dict) -> float:
    """The room a hyphen MuPDF adds at a line's end may take in the margin.

    Setting ragged text, MuPDF breaks the line to fit and then hangs the hyphen after it,
    a little into the margin (justified, it squeezes the line instead). A hanging hyphen is
    what a typesetter does on purpose; it is not a word running off the page.
    """
    if not span["text"].rstrip().endswith(("\xad", "-", "\u2010")):
        return 0.0
    return HYPHEN * span["size"]


def _kind(color: int) -> str:
    return {TABLE_INK: "table", CODE_INK: "code"}.get(color, "text")


def _spans(page) -> list[dict]:
    """The page's non-blank text spans, extracted once (the costly step) without images."""
    import pymupdf

    blocks = page.get_text("dict", flags=pymupdf.TEXTFLAGS_TEXT)["blocks"]
    return [span for block in blocks for line in block.get("lines", [])
            for span in line["spans"] if span["text"].strip()]


def _table_overlap(spans: list[dict]) -> float:
    """How far the words of squeezed table cells run over each other, in points."""
    words = sorted((Box(*s["bbox"]) for s in spans if s["color"] == TABLE_INK),
                   key=lambda b: (round(b.y0), b.x0))
    worst = 0.0
    for a, b in zip(words, words[1:]):
        same_line = min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5 * (a.y1 - a.y0)
        if same_line:
            worst = max(worst, a.x1 - b.x0)
    return worst


def _picture_boxes(page):
    for info in page.get_image_info():
        yield Box(*info["bbox"])
    for drawing in page.get_drawings():
        r = drawing["rect"]
        if r.height > THIN:  # not an underline or a rule: those go with their text
            yield Box(r.x0, r.y0, r.x1, r.y1)
