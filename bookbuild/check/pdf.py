"""Print preflight of a PDF interior: what KDP and IngramSpark refuse, found before they do."""

from __future__ import annotations

from bookbuild.check.pdf_file import INCH, PdfFile, embedded, fonts
from bookbuild.check.registry import Hit, rule

MIN_PAGES, MAX_PAGES = 24, 828  # KDP paperback limits (white paper)
MIN_DPI = 300
TOLERANCE = 0.5  # points: rounding in box coordinates
ACTIONS_WITH_JS = ("/JavaScript", "/JS")


def _box(page, name: str):
    box = page.obj.get(name)
    return [float(x) for x in box] if box is not None else None


def _size(box) -> tuple[float, float]:
    return abs(box[2] - box[0]), abs(box[3] - box[1])


def _inches(w: float, h: float) -> str:
    return f"{w / INCH:.3g}×{h / INCH:.3g} in"


@rule("PDF-FILE-001", "error", "export the PDF again; it is damaged or password-protected", "pdf")
def readable(doc: PdfFile):
    """The file opens as a PDF without a password."""
    if doc.broken:
        yield Hit(doc.broken)


@rule("PDF-SEC-001", "error", "export without encryption or permissions; printers refuse them",
      "pdf")
def not_encrypted(doc: PdfFile):
    """The PDF is not encrypted (not even with an owner password)."""
    if doc.pdf is not None and doc.pdf.is_encrypted:
        yield Hit("the PDF is encrypted")


@rule("PDF-FONT-001", "error", "embed every font (bookbuild's Typst output always does)", "pdf")
def fonts_embedded(doc: PdfFile):
    """Every font is embedded."""
    if doc.pdf is None:
        return
    for page, font in fonts(doc.pdf):
        if not embedded(font):
            name = str(font.get("/BaseFont", "(unnamed)")).lstrip("/")
            yield Hit(f"font {name} is not embedded (first used on page {page})")


@rule("PDF-BOX-001", "error", "set the trim in book.yaml's print: block to the size you order",
      "pdf")
def trim_matches(doc: PdfFile):
    """The pages are the book's trim size (plus bleed when it is on), and TrimBox says so."""
    if doc.pdf is None or doc.trim is None:
        return
    # An interior page bleeds on three sides (not into the spine); a cover wrap on all four.
    want = (doc.trim[0] + (2 if doc.cover else 1) * doc.bleed, doc.trim[1] + 2 * doc.bleed)
    for number, page in enumerate(doc.pages, 1):
        media = _size(_box(page, "/MediaBox") or [0, 0, 0, 0])
        trim_box = _box(page, "/TrimBox")
        trim = _size(trim_box) if trim_box else media
        if any(abs(a - b) > TOLERANCE for a, b in zip(media, want)):
            yield Hit(f"page {number} is {_inches(*media)}; the trim"
                      f"{' plus bleed' if doc.bleed else ''} is {_inches(*want)}")
            return
        if any(abs(a - b) > TOLERANCE for a, b in zip(trim, doc.trim)):
            yield Hit(f"page {number}'s TrimBox is {_inches(*trim)}; the trim is "
                      f"{_inches(*doc.trim)}")
            return


@rule("PDF-BOX-002", "error",
      "give every page the same size, with TrimBox ⊆ BleedBox ⊆ MediaBox", "pdf")
def boxes_consistent(doc: PdfFile):
    """All pages have one size, and the trim and bleed boxes nest inside the media box."""
    first = None
    for number, page in enumerate(doc.pages, 1):
        media = _box(page, "/MediaBox")
        if media is None:
            yield Hit(f"page {number} has no MediaBox")
            return
        size = _size(media)
        first = first or size
        if any(abs(a - b) > TOLERANCE for a, b in zip(size, first)):
            yield Hit(f"page {number} is {_inches(*size)}, page 1 is {_inches(*first)}")
            return
        trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
        if trim and not _inside(trim, bleed or media):
            yield Hit(f"page {number}'s TrimBox is not inside its "
                      f"{'BleedBox' if bleed else 'MediaBox'}")
            return
        if bleed and not _inside(bleed, media):
            yield Hit(f"page {number}'s BleedBox is not inside its MediaBox")
            return


def _inside(inner, outer) -> bool:
    x0, y0, x1, y1 = min(inner[0], inner[2]), min(inner[1], inner[3]), \
        max(inner[0], inner[2]), max(inner[1], inner[3])
    X0, Y0, X1, Y1 = min(outer[0], outer[2]), min(outer[1], outer[3]), \
        max(outer[0], outer[2]), max(outer[1], outer[3])
    t = TOLERANCE
    return x0 >= X0 - t and y0 >= Y0 - t and x1 <= X1 + t and y1 <= Y1 + t


@rule("PDF-PAGES-001", "warning", "add a blank last page (bookbuild does when it builds the PDF)",
      "pdf")
def even_pages(doc: PdfFile):
    """The page count is even (a printed book has two sides to every leaf)."""
    if doc.pdf is not None and not doc.cover and len(doc.pdf.pages) % 2:
        yield Hit(f"{len(doc.pdf.pages)} pages: an odd count")


@rule("PDF-PAGES-002", "warning",
      "KDP prints paperbacks of 24 to 828 pages; change the trim or font size", "pdf")
def page_range(doc: PdfFile):
    """The page count is within 24–828, what paperback printers bind."""
    if doc.pdf is None or doc.cover:
        return
    count = len(doc.pdf.pages)
    if not MIN_PAGES <= count <= MAX_PAGES:
        yield Hit(f"{count} pages; printers bind {MIN_PAGES}–{MAX_PAGES}")


@rule("PDF-COVER-001", "error", "print the back, spine and front on one sheet", "pdf")
def cover_one_sheet(doc: PdfFile):
    """A cover wrap is a single page: back, spine and front side by side."""
    if doc.pdf is not None and doc.cover and len(doc.pdf.pages) != 1:
        yield Hit(f"the cover wrap has {len(doc.pdf.pages)} pages; printers take one")


@rule("PDF-IMG-001", "warning",
      "supply the image at 300 DPI or more at its printed size, or print it smaller", "pdf")
def image_resolution(doc: PdfFile):
    """Every raster image prints at an effective 300 DPI or more."""
    reported = set()
    for p in doc.placements():
        if p.dpi < MIN_DPI - 0.5 and (p.name, p.page) not in reported:
            reported.add((p.name, p.page))
            name = doc.sources.get((p.width_px, p.height_px), p.name)
            yield Hit(f"image {name} on page {p.page}: {p.width_px}×{p.height_px} px at "
                      f"{p.width_pt / INCH:.2f}×{p.height_pt / INCH:.2f} in is {p.dpi:.0f} DPI")


@rule("PDF-ANNOT-001", "error", "remove comments, form fields and other annotations", "pdf")
def no_annotations(doc: PdfFile):
    """No annotations other than links (comments, form fields and stamps do not print right)."""
    for number, page in enumerate(doc.pages, 1):
        for annot in page.obj.get("/Annots", []) or []:
            subtype = str(annot.get("/Subtype", ""))
            if subtype != "/Link":
                yield Hit(f"page {number} has a {subtype.lstrip('/') or 'untyped'} annotation")


@rule("PDF-JS-001", "error", "remove the JavaScript and automatic actions", "pdf")
def no_javascript(doc: PdfFile):
    """No JavaScript anywhere: document scripts, open actions, page or link actions."""
    if doc.pdf is None:
        return
    root = doc.pdf.Root
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names:
        yield Hit("the document has JavaScript (Names/JavaScript)")
    if _is_js(root.get("/OpenAction")) or "/AA" in root:
        yield Hit("the document runs an action when opened")
    for number, page in enumerate(doc.pages, 1):
        if "/AA" in page.obj:
            yield Hit(f"page {number} runs an action when shown")
        for annot in page.obj.get("/Annots", []) or []:
            if _is_js(annot.get("/A")) or "/AA" in annot:
                yield Hit(f"a link on page {number} runs JavaScript")


def _is_js(action) -> bool:
    if action is None or not hasattr(action, "get"):
        return False
    return str(action.get("/S", "")) in ACTIONS_WITH_JS or "/JS" in action


@rule("PDF-OUTLINE-001", "warning", "give the PDF bookmarks for its chapters", "pdf")
def has_outline(doc: PdfFile):
    """The PDF has an outline (bookmarks)."""
    if doc.pdf is None or doc.cover:
        return
    with doc.pdf.open_outline() as outline:
        if not outline.root:
            yield Hit("no outline (bookmarks)")


XMP_PREFIXES = {"http://purl.org/dc/elements/1.1/": "dc",
                "http://www.aiim.org/pdfua/ns/id/": "pdfuaid"}


def _xmp(doc: PdfFile) -> dict:
    """XMP properties as {"dc:title": "…"}, for the namespaces the rules read."""
    if "xmp" not in doc.cache:
        out = {}
        try:
            for key, value in doc.pdf.open_metadata().items():
                ns, _, name = key.lstrip("{").partition("}")
                if ns in XMP_PREFIXES and value:
                    out[f"{XMP_PREFIXES[ns]}:{name}"] = value
        except Exception:  # noqa: BLE001 - malformed XMP counts as none
            out = {}
        doc.cache["xmp"] = out
    return doc.cache["xmp"]


@rule("PDF-META-001", "warning", "set title, author and language in book.yaml", "pdf")
def metadata_present(doc: PdfFile):
    """The PDF names its title, author and language."""
    if doc.pdf is None:
        return
    info = doc.pdf.docinfo if "/Info" in doc.pdf.trailer else {}
    xmp = _xmp(doc)
    if not str(info.get("/Title", "")).strip() and not xmp.get("dc:title"):
        yield Hit("no title in the PDF metadata")
    if not str(info.get("/Author", "")).strip() and not xmp.get("dc:creator"):
        yield Hit("no author in the PDF metadata")
    if not str(doc.pdf.Root.get("/Lang", "")).strip():
        yield Hit("no document language (/Lang)")


@rule("PDF-UA-001", "error", "a PDF that claims PDF/UA must be tagged, titled and have a language",
      "pdf")
def ua_claim_kept(doc: PdfFile):
    """A PDF that claims PDF/UA (pdfuaid:part) is tagged, has a language and shows its title."""
    if doc.pdf is None or not _xmp(doc).get("pdfuaid:part"):
        return
    root = doc.pdf.Root
    mark = root.get("/MarkInfo")
    if mark is None or not bool(mark.get("/Marked", False)):
        yield Hit("claims PDF/UA but MarkInfo/Marked is not true")
    if "/StructTreeRoot" not in root:
        yield Hit("claims PDF/UA but has no structure tree (untagged)")
    if not str(root.get("/Lang", "")).strip():
        yield Hit("claims PDF/UA but has no /Lang")
    prefs = root.get("/ViewerPreferences")
    if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
        yield Hit("claims PDF/UA but does not set ViewerPreferences/DisplayDocTitle")
    if not _xmp(doc).get("dc:title"):
        yield Hit("claims PDF/UA but has no dc:title in its XMP metadata")


@rule("PDF-FIT-001", "warning",
      "make it narrower: fewer or shorter table columns, shorter words or code lines", "pdf")
def fits_the_text_block(doc: PdfFile):
    """Nothing in the print is wider than the text block (tables and code that could not be
    made to fit, found while typesetting)."""
    for o in doc.overflows:
        yield Hit(o.message, o.file, o.line)
