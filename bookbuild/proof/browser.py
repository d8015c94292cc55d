"""The browser proof: the EPUB read in epub.js, a real paginated reading system, in headless
chromium at each device's screen and type size, beside MuPDF's renderings.

Apple Books, Kobo's kepub engine, Readium, foliate and epub.js lay a book out with CSS
columns in a browser engine, where `vh`, hyphenation and page breaks behave otherwise than in
MuPDF. tools/reader/measure.mjs opens the unpacked EPUB there, measures every page in the live
layout (element boxes against the page box) and photographs the first page of each section.
What it finds comes back as READER-* findings at the section's file, with device and size.
"""

from __future__ import annotations

import json
import posixpath
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.check import Finding
from bookbuild.check.ace import browser as chromium
from bookbuild.proof.devices import DEVICES, Device
from bookbuild.support import bounded, zipped

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "reader"
# The reader's type size as a share of its default: the smallest most readers use, the
# default, a large setting, and the largest the browser-based readers offer (Apple Books and
# Kobo go to about two and a half times their default).
SIZES = {"small": 80, "medium": 100, "large": 150, "largest": 250}
# CSS pixels per inch of the device's screen: the reader's default 16 px type is then 10 pt,
# the medium size of the MuPDF renderings and about what the devices set by default.
DENSITY = 115
TIMEOUT = 600  # seconds for every view of a book
MEMORY_MB = 3000  # node, chromium and its renderers together
FRONT = {"cover", "titlepage", "copyright"}  # pages that must be one page
CODES = {
    "overflow": ("READER-001", "runs off the page"),
    "blank": ("READER-002", "leaves a blank page"),
    "split": ("READER-003", "is a display page split over pages"),
    "orphaned-header": ("READER-004", "leaves a table's header alone at the foot of a page"),
    "page-list": ("READER-005", "has print pages in the page list that the reader cannot find"),
}
HINTS = {
    "READER-001": "make the block fit: a narrower table, a smaller picture, or code that wraps",
    "READER-002": "remove what pushes past the page: a fixed height or a break with nothing after",
    "READER-003": "shorten the page or let its spacing shrink (the stylesheet's vh caps)",
    "READER-004": "keep the header with the first rows (break-after: avoid on thead)",
    "READER-005": "rebuild the EPUB: each page-list entry must point at a marker in its page",
}


@dataclass
class View:
    device: Device
    size: str

    @property
    def job(self) -> dict:
        d = self.device
        return {"device": d.id, "size": self.size, "percent": SIZES[self.size],
                "width": round(d.width * DENSITY / d.ppi), "height": round(d.height * DENSITY / d.ppi),
                "scale": d.ppi / DENSITY}


@dataclass
class BrowserProof:
    views: list[dict] = field(default_factory=list)  # measure.mjs's report, one per view
    shots: Path | None = None  # the folder of PNGs
    findings: list[Finding] = field(default_factory=list)


def missing() -> str | None:
    """Why the browser proof cannot run here, or None."""
    if not shutil.which("node"):
        return "Node.js is not installed"
    if not (TOOLS / "node_modules" / "epubjs").is_dir():
        return "the reader is not installed; `make proof` installs it into tools/reader/"
    if chromium() is None:
        return "no Chromium (Debian: apt-get install chromium)"
    return None


def views(devices: tuple[Device, ...] = DEVICES, sizes: tuple[str, ...] = tuple(SIZES)) -> list[View]:
    return [View(d, s) for d in devices for s in sizes]


def read(epub: Path, out: Path, wanted: list[View], shots: bool = True) -> BrowserProof:
    """Read `epub` in epub.js at every view; PNGs of the first page of each section in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bookbuild-reader-") as tmp:
        book = Path(tmp) / "book"
        unpack(epub, book)
        job = {"book": str(book), "out": str(out), "chromium": chromium(), "shots": shots,
               "views": [v.job for v in wanted]}
        (Path(tmp) / "job.json").write_text(json.dumps(job), "utf-8")
        done = bounded.run(["node", str(TOOLS / "measure.mjs"), str(Path(tmp) / "job.json")],
                           timeout=TIMEOUT, memory_mb=MEMORY_MB)
    if done.returncode != 0 or not done.stdout.strip():
        why = done.stopped or (done.stderr.strip().splitlines() or ["no report"])[-1]
        return BrowserProof(findings=[Finding("READER-900", "warning",
                                              f"the browser proof did not finish: {why}")])
    report = json.loads(done.stdout)
    return BrowserProof(report, out if shots else None, findings(report))


def unpack(epub: Path, folder: Path) -> None:
    """Every entry of our own EPUB into `folder`; a name that would leave it is skipped."""
    with zipped.Archive.open(epub) as archive:
        for name in sorted(archive.names):
            clean = posixpath.normpath(name)
            if name.endswith("/") or clean.startswith(("../", "/")) or clean == "..":
                continue
            data = archive.read(name)
            if data is not None:
                target = folder / clean
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)


def problems(report: list[dict]):
    """(kind, section href, device, size, page, element) of everything the reader saw."""
    for view in report:
        for section in view["sections"]:
            for p in section["problems"]:
                yield p["kind"], section, view, p
            for p in section.get("printPages", []):
                if not p["screen"]:
                    yield "page-list", section, view, {"page": p["label"], "element": ""}
            front = FRONT & set(section["types"].split())
            if front and section["pages"] > 1:
                yield "split", section, view, {"page": section["pages"], "element": ""}


def findings(report: list[dict]) -> list[Finding]:
    """One finding per section, kind and element, naming every device, size and page."""
    places: dict[tuple[str, str, str], list[str]] = {}
    for kind, section, view, p in problems(report):
        key = (kind, section["href"], p.get("element", ""))
        places.setdefault(key, []).append(f"{view['device']} {view['size']} p. {p['page']}")
    out = []
    for (kind, href, element), where in places.items():
        code, said = CODES[kind]
        what = _element(element)
        out.append(Finding(code, "warning", f"{what}{said} in epub.js: {_listed(where)}",
                           href, None, None, HINTS[code]))
    return out


def _element(described: str) -> str:
    if not described:
        return "the section "
    e = json.loads(described)
    name = f"<{e['tag']}>" + (f" in #{e['id']}" if e.get("id") else "")
    text = f" (“{e['text'][:40]}…”)" if e.get("text") else ""
    return f"{name}{text} "


def _listed(where: list[str]) -> str:
    return ", ".join(where[:4]) + (f" and {len(where) - 4} more" if len(where) > 4 else "")
