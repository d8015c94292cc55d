"""`bookbuild proof`: the editions, the device renderings, the print spreads and the sheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from bookbuild.book.model import Book
from bookbuild.book.reader import read_book
from bookbuild.check import Finding
from bookbuild.proof import mupdf
from bookbuild.proof.browser import BrowserProof
from bookbuild.support import cache, output
from bookbuild.support.progress import Progress, silent


@dataclass
class Editions:
    epub: Path
    kepub: Path
    kindle: Path
    pdf: Path | None
    preflight: list[Finding]

    def for_device(self, edition: str) -> Path:
        return {"kepub": self.kepub, "kindle": self.kindle, "epub": self.epub}[edition]


@dataclass
class ProofResult:
    editions: Editions
    index: Path | None = None
    devices: list = field(default_factory=list)  # DeviceProof
    spreads: list = field(default_factory=list)  # Spread
    findings: list[Finding] = field(default_factory=list)
    reader: BrowserProof | None = None  # when the browser proof ran


def out_dir_for(book: Book, out_dir: str | Path | None) -> Path:
    return output.prepare(Path(out_dir) if out_dir else book.root / "build")


def build_editions(book: Book, out: Path, progress: Progress = silent) -> Editions:
    """The EPUB, and from it the Kobo and Kindle editions; the print interior, made by the
    pipeline as `bookbuild build` makes them."""
    from bookbuild.pipeline import make, start

    run = start(book, out, progress)
    try:
        run.planned = ("epub", "kepub", "kindle", "pdf")
        made = {fmt: make(run, fmt) for fmt in run.planned}
    finally:
        cache.prune_written()
    kindle = [d for d in run.warnings if d.code.startswith("KINDLE-")]
    return Editions(made["epub"], made["kepub"], made["kindle"], made["pdf"], kindle)


def proof(folder: str | Path, out_dir: str | Path | None = None, progress: Progress = silent,
          render: bool = True) -> ProofResult:
    """Everything `bookbuild proof` makes; renderings only when `render` (needs PyMuPDF)."""
    pymupdf = mupdf.load() if render else None  # fail before building anything
    book = read_book(folder)
    out = out_dir_for(book, out_dir)
    editions = build_editions(book, out, progress)
    result = ProofResult(editions, findings=list(editions.preflight))
    if pymupdf is not None:
        _render_all(pymupdf, book, out, result, progress)
    return result


def _render_all(pymupdf, book: Book, out: Path, result: ProofResult, progress: Progress) -> None:
    from bookbuild.proof import contact, render, sheet, spreads
    from bookbuild.proof.devices import DEVICES

    # The new proof is made beside the last one and takes its place only when it is whole: an
    # interrupted proof leaves the previous one to look at (and no stale pages in the new one).
    with output.locked(out), output.atomic_folder(out / "proof") as proof_dir:
        sources = {s.file_name: s.source for s in book.sections}
        editions = result.editions
        sheets = {}
        for device in DEVICES:
            progress(f"rendering {device.name} ({device.width}×{device.height})")
            epub = editions.for_device(device.edition)
            items = render.sections_of(epub, sources)
            device_proof = render.render_device(pymupdf, device, epub, items, proof_dir)
            result.devices.append(device_proof)
            sheets[device.id] = contact.contact_sheet(device_proof, proof_dir / f"{device.id}.png")
        result.findings += overflow_findings(result.devices)
        reader, no_reader = _read_in_browser(editions, proof_dir / "reader", progress)
        if reader is not None:
            result.reader = reader
            result.findings += reader.findings
        reason = None
        if editions.pdf is not None:
            progress(f"rendering print spreads of {editions.pdf.name}")
            result.spreads = spreads.render_spreads(pymupdf, editions.pdf, proof_dir / "print")
        else:
            reason = ("No interior PDF: build it (bookbuild build --format pdf) and run the "
                      "proof again to see it as spreads here.")
        result.index = proof_dir / "index.html"
        with output.atomic(result.index) as tmp:
            sheet.write_sheet(
                tmp, title=book.metadata.title, made=_now(), base=proof_dir,
                editions=_edition_list(editions), findings=result.findings,
                devices=result.devices, sheets=sheets, spreads=result.spreads,
                no_print_reason=reason, notes=_limits(editions.epub), reader=result.reader,
                no_reader_reason=no_reader)
    _moved(result, proof_dir, out / "proof")


def _read_in_browser(editions: Editions, out: Path, progress: Progress):
    """The browser proof (epub.js in chromium), or None and why it could not run. Each
    device reads its own edition: a Kobo the kepub, a Kindle the Kindle EPUB."""
    from bookbuild.proof import browser
    from bookbuild.proof.devices import DEVICES

    why = browser.missing()
    if why is not None:
        return None, f"No browser proof: {why}."
    proof = BrowserProof(shots=out)
    for edition in dict.fromkeys(d.edition for d in DEVICES):
        epub = editions.for_device(edition)
        views = browser.views(tuple(d for d in DEVICES if d.edition == edition))
        progress(f"reading {epub.name} in epub.js at {len(views)} device and type sizes")
        read = browser.read(epub, out, views)
        proof.views += read.views
        proof.findings += read.findings
    return proof, None


def _moved(result: ProofResult, made: Path, final: Path) -> None:
    """Point the result's files at where they are now that the new proof is in place."""
    def moved(path: Path) -> Path:
        return final / path.relative_to(made)
    result.index = moved(result.index) if result.index else None
    for device in result.devices:
        for r in device.renderings:
            r.path = moved(r.path)
    result.spreads = [replace(s, path=moved(s.path)) for s in result.spreads]
    if result.reader is not None and result.reader.shots is not None:
        result.reader.shots = moved(result.reader.shots)


def _edition_list(e: Editions) -> list[tuple[str, Path]]:
    out = [("EPUB (Apple Books, Google Play, reMarkable, most readers)", e.epub),
           ("Kobo (kepub)", e.kepub), ("Kindle (Send to Kindle, KDP)", e.kindle)]
    if e.pdf:
        out.append(("Print interior (PDF)", e.pdf))
    return out


def _limits(epub: Path) -> list[str]:
    """What MuPDF shows differently from the devices, for this book."""
    from bookbuild.epub.container import Epub

    items = Epub(epub).package.items.values()
    if any("mathml" in i.properties for i in items):
        return ["MuPDF does not lay out MathML: equations show here as plain text. "
                "Check them on a device."]
    return []


def _now() -> str:
    return dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")


def overflow_findings(devices: list) -> list[Finding]:
    """One warning per section and kind of block, naming the devices, sizes and pages."""
    places: dict[tuple, dict[str, list[str]]] = {}
    first: dict[tuple, tuple] = {}
    for proof in devices:
        for r in proof.renderings:
            for o in r.overflows:
                key = (r.section.href if r.section else "", o.kind)
                where = places.setdefault(key, {}).setdefault(proof.device.name, [])
                where.append(f"{r.size} p. {r.page}")
                first.setdefault(key, (r.section, o))
    findings = []
    for key, by_device in places.items():
        section, o = first[key]
        name = f"“{section.title}”" if section else "a section"
        shown = "; ".join(f"{device} ({', '.join(where)})" for device, where in by_device.items())
        findings.append(Finding(
            "PROOF-OVERFLOW", "warning", f"{o.what} in {name} is wider than the page on {shown}",
            (section.source or section.href) if section else None,
            hint="narrow it: fewer columns, shorter lines, or a smaller image"))
    return findings
