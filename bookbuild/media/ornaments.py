"""The scene-break ornament: one of the set, or the author's own SVG, checked before either
edition packs it.

    style:
      ornament: dinkus                    # fleuron | asterism | dinkus | rule | wave
      ornament: ornaments/leaf.svg        # or an SVG of the author's, relative to assets/

The set lives in media/templates/ornaments/NAME.svg, all drawn on one 120×24 viewBox so the
e-book's stylesheet and the print template size them alike. The author's file is read with a
size limit, parsed with the safe parser and refused, each problem at its line, when it is not
an SVG, or when it could run a script or load anything: <script>, on… handlers,
<foreignObject>, links to anything but the drawing's own #ids, CSS that loads from outside.
Both editions get the same bytes: the EPUB at images/ornament.svg, print in its work folder.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lxml import etree

from bookbuild.book.config import FILE
from bookbuild.book.model import Book
from bookbuild.book.style import ORNAMENTS
from bookbuild.support import safety, xml
from bookbuild.support.errors import Problems
from bookbuild.support.paths import UnsafePath, inside

MAX_BYTES = 256 * 1024  # a scene-break drawing is a few KB; this is far above any real one
SET = resources.files("bookbuild.media").joinpath("templates", "ornaments")
# Elements that run code or embed a document: never in an ornament.
FORBIDDEN = {"script": "a <script>", "foreignObject": "a <foreignObject>",
             "iframe": "an <iframe>", "embed": "an <embed>", "object": "an <object>",
             "handler": "a <handler>", "listener": "a <listener>"}
XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[|<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*>\s*", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*"
                     r"(?:px|pt|pc|mm|cm|in|em|ex)?\s*$")


@dataclass(frozen=True)
class Ornament:
    name: str  # one of ORNAMENTS, or the author's path under assets/
    data: bytes  # the SVG as both editions pack it

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def own(self) -> bool:
        return self.name not in ORNAMENTS


def of_set(name: str) -> Ornament:
    """One of the set, by its name."""
    return Ornament(name, SET.joinpath(f"{name}.svg").read_bytes())


def chosen(book: Book, problems: Problems) -> Ornament | None:
    """The book's ornament; None, with its problems added, when the author's SVG is refused."""
    name = book.style.ornament
    if name in ORNAMENTS:
        return of_set(name)
    return own(book, name, problems)


def load(book: Book) -> Ornament:
    """The book's ornament, or BookError with every problem of the author's SVG."""
    problems = Problems()
    found = chosen(book, problems)
    problems.raise_if_any()
    assert found is not None
    return found


def own(book: Book, written: str, problems: Problems) -> Ornament | None:
    """The author's SVG, `written` relative to assets/ as cover: and images are."""
    at = book.line("style", "ornament")
    try:
        path = inside(book.root, written, "assets")
    except UnsafePath as e:
        problems.add(f"style: ornament: {e}", FILE, at)
        return None
    label = f"assets/{written}"
    said = f"style: ornament: {label}"
    if not path.is_file():
        hint = ""
        if written.replace("\\", "/").startswith("assets/"):
            hint = f"; the path is relative to assets/: write {written[len('assets/'):]!r}"
        what = "is not a regular file" if path.exists() else "not found"
        problems.add(f"{said} {what}{hint}", FILE, at)
        return None
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as e:
        problems.add(f"{said}: cannot read it ({e.strerror})", FILE, at)
        return None
    if len(data) > MAX_BYTES:
        problems.add(f"{said} is larger than {MAX_BYTES // 1024} KB; a scene-break "
                     f"ornament is a small drawing (simplify it, or save it as plain SVG)",
                     FILE, at)
        return None
    before = len(problems.items)
    data = checked(data, label, problems, (FILE, at))
    if data is None or len(problems.items) > before:
        return None
    return Ornament(written, data)


def checked(data: bytes, label: str, problems: Problems,
            chosen_at: tuple[str, int | None]) -> bytes | None:
    """`data` as it is packed (a public DOCTYPE line dropped), with a problem at the SVG's
    line for each thing that makes it unsafe; what is wrong with the file as a whole is said
    at `chosen_at`, where book.yaml names it."""
    try:
        root = etree.fromstring(data, xml.parser())
    except etree.XMLSyntaxError as e:
        if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):  # a PNG named .svg
            problems.add(f"style: ornament: {label} is not an SVG (not XML text)", *chosen_at)
        else:
            problems.add(f"not a well-formed SVG ({e.msg})", label, e.lineno or None)
        return None
    if (m := _INTERNAL_SUBSET.search(data)) is not None:
        # Entities are how XXE and billion-laughs files work; no drawing program needs them.
        problems.add("the SVG declares its own entities (<!DOCTYPE … [ … ]>); save it as "
                     "plain SVG", label, data.count(b"\n", 0, m.start()) + 1)
        return None
    if root.tag != f"{{{xml.SVG_NS}}}svg":
        local = etree.QName(root).localname
        why = (f'<svg> without xmlns="{xml.SVG_NS}"' if local == "svg"
               else f"its root element is <{local}>")
        problems.add(f"style: ornament: {label} is not an SVG ({why})", *chosen_at)
        return None
    if not _sized(root):
        # usvg (Typst) refuses such a drawing, and e-readers cannot scale it to 6em.
        problems.add('the SVG has no size: give its <svg> a viewBox, such as '
                     'viewBox="0 0 120 24" (the set\'s)', label, root.sourceline)
    for pi in _instructions(root):
        problems.add(f"the SVG loads a stylesheet (<?{pi.target} {pi.text}?>); put the style "
                     f"in the drawing", label, pi.sourceline)
    for el in root.iter(etree.Element):
        for message in _unsafe(el):
            problems.add(message, label, el.sourceline)
    # The public DOCTYPE line Illustrator and Inkscape write names a DTD that is never
    # loaded; EPUB forbids external identifiers (OPF-073), so it is left out.
    return _DOCTYPE.sub(b"", data, count=1)


def _sized(root: etree._Element) -> bool:
    """A viewBox of positive width and height, or width= and height= that are lengths."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return float(box[2]) > 0 and float(box[3]) > 0
        except ValueError:
            return False
    sizes = [_LENGTH.match(root.get(a) or "") for a in ("width", "height")]
    return all(m is not None and float(m.group(1)) > 0 for m in sizes)


def _instructions(root: etree._Element) -> list:
    """The <?xml-stylesheet?> instructions before, after and inside the root."""
    around = [*root.itersiblings(preceding=True), *root.itersiblings()]
    found = [n for n in around if isinstance(n, etree._ProcessingInstruction)]
    found += root.iter(etree.ProcessingInstruction)
    return [pi for pi in found if pi.target.lower() == "xml-stylesheet"]


def _unsafe(el: etree._Element) -> list[str]:
    """Why this element of the author's SVG could run a script or load anything."""
    name = etree.QName(el)
    local = name.localname
    out = []
    if local in FORBIDDEN:
        out.append(f"the SVG has {FORBIDDEN[local]}; an ornament is a drawing, with no "
                   f"scripts or embedded documents")
    elif name.namespace == XINCLUDE_NS:
        out.append("the SVG includes another file (XInclude); put the drawing in this one")
    for attr, value in el.attrib.items():
        attr_local = etree.QName(attr).localname
        if attr_local.lower().startswith("on"):
            out.append(f"the SVG has an event handler ({attr_local}=…), which runs a script")
        elif safety.runs_script(value):
            out.append(f"the SVG has a script URL in {attr_local}=…")
        elif (attr_local in ("href", "src") and safety.as_url(value)
              and not value.strip().startswith("#")):
            out.append(f"the SVG refers to an outside resource {_short(value)!r} in "
                       f"{attr_local}=…; only the drawing's own #ids may be linked")
        elif (local in ("animate", "set") and attr_local == "attributeName"
              and value.split(":")[-1].strip() == "href"):
            out.append(f"the SVG animates a link (<{local} attributeName=\"{value}\">)")
        elif attr_local == "style" or "(" in value:  # fill="url(…)", escaped or not
            css = value if attr_local == "style" else f"{attr_local}: {value}"
            out += _css(css, declarations=True)
    if local == "style":
        out += _css(el.text or "", declarations=False)
    return out


def _css(css: str, declarations: bool) -> list[str]:
    """url(…) and @import, except references to the drawing's own #ids."""
    return [f"the SVG's style loads {_short(url)!r} from outside the drawing; only the "
            f"drawing's own #ids may be used in url()"
            for url in safety.css_urls(css, declarations) if not url.startswith("#")]


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def write(ornament: Ornament, folder: Path) -> str:
    """Put the ornament in a Typst work folder; the path Typst reads it at, which changes
    with its content (so config.json, and every job's cache key with it, does too)."""
    (folder / "ornaments").mkdir(exist_ok=True)
    name = f"ornaments/{ornament.digest[:16]}.svg"
    (folder / name).write_bytes(ornament.data)
    return "/" + name
