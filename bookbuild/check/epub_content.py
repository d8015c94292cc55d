"""Content: accessibility metadata that tells the truth, nothing remote, no scripts, safe names."""

from __future__ import annotations

import re

from lxml import etree

from bookbuild.check.epub_docs import Doc, Image, documents
from bookbuild.check.epub_file import EpubFile, local
from bookbuild.check.epub_links import resources
from bookbuild.check.registry import Hit, rule
from bookbuild.support import safety
from bookbuild.support.words import counted
from bookbuild.support.xml import SVG_TYPE, XLINK_HREF

A11Y_REQUIRED = ("schema:accessMode", "schema:accessModeSufficient",
                 "schema:accessibilityFeature", "schema:accessibilityHazard",
                 "schema:accessibilitySummary")
REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
# OCF forbids these in file names (EPUB 3.3 §4.1.3); the rest of this set only needs escaping.
FORBIDDEN_NAME = re.compile(r'["*:<>?\\|\x00-\x1f\x7f]|\.$')
URL_SAFE = re.compile(r"^[A-Za-z0-9._~/-]+$")
PRESENTATIONAL = {"presentation", "none"}


def _content_images(epub: EpubFile) -> list[tuple[str, Image]]:
    """(document, <img>/<svg:image>) that carry meaning: not the cover, not decorative."""
    out = []
    for item, facts in documents(epub):
        if "cover" in facts.page_types:
            continue
        for img in facts.images:
            if img.role not in PRESENTATIONAL | {"doc-cover"}:
                out.append((item.path, img))
    return out


@rule("EPUB-A11Y-001", "warning",
      "declare accessMode, accessModeSufficient, accessibilityFeature, accessibilityHazard and "
      "accessibilitySummary", "epub")
def a11y_metadata(epub: EpubFile):
    """The package carries schema.org accessibility metadata."""
    if epub.opf is None:
        return
    missing = [p for p in A11Y_REQUIRED if not any(epub.meta(p))]
    if missing:
        yield Hit(f"accessibility metadata missing: {', '.join(missing)}", epub.opf_path)


@rule("EPUB-A11Y-002", "warning",
      "make the accessibility metadata say what the book contains", "epub")
def a11y_consistent(epub: EpubFile):
    """The accessibility metadata matches the content (images, alt text, MathML)."""
    if epub.opf is None or not any(epub.meta("schema:accessMode")):
        return
    modes = set(epub.meta("schema:accessMode"))
    features = set(epub.meta("schema:accessibilityFeature"))
    images = _content_images(epub)
    if images and "visual" not in modes:
        yield Hit(f"the book has {counted(len(images), 'image')} but accessMode does not list "
                  f"visual",
                  epub.opf_path)
    if not images and "visual" in modes:
        yield Hit("accessMode lists visual, but the book has no images besides the cover",
                  epub.opf_path)
    if "alternativeText" in features:
        bare = [img for _d, img in images if img.tag == "img" and not (img.alt or "").strip()]
        if bare:
            have = "has" if len(bare) == 1 else "have"
            yield Hit(f"accessibilityFeature claims alternativeText, but "
                      f"{counted(len(bare), 'image')} {have} none", epub.opf_path)
    if any("mathml" in f.uses for _i, f in documents(epub)) and "MathML" not in features:
        yield Hit("the book contains MathML but accessibilityFeature does not list MathML",
                  epub.opf_path)


# The W3C accessibility vocabulary (Schema.org Accessibility Properties for Discoverability,
# CG final report), as DAISY Ace 1.4 checks it.
VOCABULARY = {
    "schema:accessMode": {"auditory", "tactile", "textual", "visual", "chartOnVisual",
                          "chemOnVisual", "colorDependent", "diagramOnVisual", "mathOnVisual",
                          "musicOnVisual", "textOnVisual"},
    "schema:accessModeSufficient": {"auditory", "tactile", "textual", "visual"},
    "schema:accessibilityHazard": {
        "flashing", "motionSimulation", "sound", "none", "noFlashingHazard",
        "noMotionSimulationHazard", "noSoundHazard", "unknown", "unknownFlashingHazard",
        "unknownMotionSimultationHazard", "unknownSoundHazard"},
    "schema:accessibilityFeature": {
        "annotations", "ARIA", "bookmarks", "index", "printPageNumbers", "pageBreakMarkers",
        "pageNavigation", "readingOrder", "structuralNavigation", "tableOfContents", "taggedPDF",
        "alternativeText", "audioDescription", "captions", "closedCaptions", "describedMath",
        "longDescription", "openCaptions", "signLanguage", "transcript",
        "displayTransformability", "displayTransformability/font-size",
        "displayTransformability/font-family", "displayTransformability/line-height",
        "displayTransformability/word-spacing", "displayTransformability/letter-spacing",
        "displayTransformability/color", "displayTransformability/background-color",
        "synchronizedAudioText", "timingControl", "unlocked", "ChemML", "latex",
        "latex-chemistry", "MathML", "MathML-chemistry", "ttsMarkup", "highContrastAudio",
        "highContrastAudio/noBackground", "highContrastAudio/reducedBackground",
        "highContrastAudio/switchableBackground", "highContrastDisplay", "largePrint", "braille",
        "tactileGraphic", "tactileObject", "fullRubyAnnotations", "horizontalWriting",
        "rubyAnnotations", "verticalWriting", "withAdditionalWordSegmentation",
        "withoutAdditionalWordSegmentation", "none", "unknown"},
}


@rule("EPUB-A11Y-003", "warning", "use a value from the W3C accessibility vocabulary", "epub")
def a11y_vocabulary(epub: EpubFile):
    """Accessibility metadata uses the terms of the W3C vocabulary (reading systems ignore
    others)."""
    for prop, allowed in VOCABULARY.items():
        for value in epub.meta(prop):
            terms = value.split(",") if prop == "schema:accessModeSufficient" else [value]
            bad = [t.strip() for t in terms if t.strip() not in allowed]
            if bad:
                yield Hit(f"{prop} {bad[0]!r} is not a term of the accessibility vocabulary",
                          epub.opf_path, needle=bad[0])


@rule("EPUB-A11Y-004", "info",
      "once you have reviewed the book (the Ace report is a start), name yourself in book.yaml: "
      "accessibility_evaluator: Your Name", "epub")
def a11y_claim(epub: EpubFile):
    """The EPUB says whether someone evaluated it against WCAG (a conformance claim)."""
    if epub.opf is not None and not any(epub.meta("dcterms:conformsTo")):
        yield Hit("the EPUB makes no accessibility conformance claim: stores show it as not "
                  "evaluated", epub.opf_path)


@rule("EPUB-RES-001", "error", "put the file under assets/ and refer to it by its path", "epub")
def no_remote_resources(epub: EpubFile):
    """No image, stylesheet, font or media is loaded from the network."""
    for source, ref, line in resources(epub):
        if REMOTE.match(ref):
            yield Hit(f"remote resource {ref}: readers offline show nothing, and stores refuse "
                      f"it", source, line, needle=ref)


# The elements whose attributes might run a script, found in C: an attribute named on…, or a
# value with a colon (no URL has a scheme without one). Most of a big book has neither.
MAY_RUN = etree.XPath("//@*[contains(., ':') or "
                      "starts-with(translate(local-name(), 'ON', 'on'), 'on')]/..")


@rule("EPUB-SCRIPT-001", "error",
      "remove the script; if the book really needs one, set allow_scripts: true in book.yaml",
      "epub", scope="document")
def no_scripts(doc: Doc):
    """No scripts, event handlers or javascript: links in content documents."""
    if doc.options.get("allow_scripts"):
        return
    for el in doc.root.iter("{*}script", "script"):
        if not safety.is_data_block(el.get("type")):
            yield Hit("<script> in a content document", doc.path, el.sourceline,
                      needle="<script")
    for el in MAY_RUN(doc.root):
        if local(el) == "script" and not safety.is_data_block(el.get("type")):
            continue  # said above
        handlers = [a for a in el.attrib.keys() if a[:2].lower() == "on"]
        if handlers:
            yield Hit(f"event handler {handlers[0]} on <{local(el)}>", doc.path,
                      el.sourceline, needle=handlers[0])
        scripted = next((v for v in el.attrib.values() if safety.runs_script(v)), None)
        if scripted is not None:
            kind = safety.scheme(scripted)
            yield Hit(f"{kind}: URL", doc.path, el.sourceline, needle=f"{kind}:")


@rule("EPUB-SVG-001", "error", "remove scripts and outside references from the SVG", "epub")
def safe_svg(epub: EpubFile):
    """SVG images carry no script, event handler or reference outside the EPUB."""
    for item in epub.items_of(SVG_TYPE):
        root = epub.xml(item.path) if item.path in epub.names else None
        if root is None:
            continue
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            name = local(el)
            if name == "script" or any(str(a).lower().startswith("on") for a in el.attrib):
                yield Hit(f"SVG with a script or event handler (<{name}>); it is reported, "
                          f"never run", item.path, el.sourceline)
                break
            if name in ANIMATIONS and any(safety.runs_script(v) for v in _animated(el)):
                yield Hit(f"SVG <{name}> sets a script URL; it is reported, never run",
                          item.path, el.sourceline)
                break
            href = el.get(XLINK_HREF) or el.get("href") or ""
            if REMOTE.match(href) or safety.scheme(href) == "file" or safety.runs_script(href):
                yield Hit(f"SVG refers to {href}; it is reported, never fetched", item.path,
                          el.sourceline)


# SVG elements that set an attribute, a link's href too, to the values they name.
ANIMATIONS = {"set", "animate", "animateTransform", "animateMotion"}


def _animated(el) -> list[str]:
    values = [el.get(a) or "" for a in ("to", "from", "by")]
    return values + (el.get("values") or "").split(";")


@rule("EPUB-NAME-001", "error", "rename the file with letters, digits, - and _ only", "epub")
def allowed_names(epub: EpubFile):
    """File names use no character that OCF forbids (\" * : < > ? \\ | control) nor end in '.'."""
    for info in epub.infos:
        if FORBIDDEN_NAME.search(info.filename.rstrip("/")):
            yield Hit(f"file name {info.filename!r} has a character EPUB forbids",
                      info.filename)


@rule("EPUB-NAME-002", "warning", "rename the file with letters, digits, - and _ only", "epub")
def url_safe_names(epub: EpubFile):
    """File names are URL-safe: no spaces, %, #, & or non-ASCII (readers unescape differently)."""
    for info in epub.infos:
        name = info.filename.rstrip("/")
        if not FORBIDDEN_NAME.search(name) and not URL_SAFE.match(name):
            yield Hit(f"file name {info.filename!r} is not URL-safe", info.filename)
