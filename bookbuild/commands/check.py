"""`bookbuild check`: everything that is wrong with a book, an EPUB or a PDF, in one report.

A book folder is linted as Markdown, then built into a temporary folder (nothing in the book's
own build/ is touched) and its EPUB and PDF are checked like any others, with every finding
pointed back at the Markdown the author wrote where it can be.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from bookbuild.check import SEVERITIES, Finding, ace, epubcheck, registry, suppress
from bookbuild.check.epub_file import EpubFile
from bookbuild.check.locate import Locator
from bookbuild.check.ms_text import Manuscript
from bookbuild.check.pdf_file import PdfFile
from bookbuild.support.errors import BookError
from bookbuild.book.reader import read_book
from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.book.model import Book
from bookbuild.support.progress import Progress, silent
from bookbuild.support.words import counted


@dataclass
class Result:
    subject: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)  # what was checked: manuscript, epub, …

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        if self.count("error") or (strict and self.count("warning")):
            return 1
        return 0

    def summary(self) -> dict:
        return {**{s: self.count(s) for s in SEVERITIES}, "suppressed": len(self.suppressed)}


@dataclass
class Options:
    epubcheck: bool = True
    ace: bool = False
    pdf: bool = True  # build and check the PDF of a book, when bookbuild can write PDFs


class _Run:
    """Findings and the codes of everything that ran (for stale-suppression reports)."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.codes: set[str] = set()
        self.ran: list[str] = []

    def rules(self, target: str, subject, locate=None, name: str | None = None,
              what: str | None = None) -> None:
        """Run a target's rules; findings about the whole file are filed under `name`.
        `what` is how the report names the check (the target's name by default)."""
        locate = locate or (lambda hit: (hit.file, hit.line, hit.message))

        def place(hit):
            file, line, message = locate(hit)
            return file or name, line, message
        self.findings += registry.run(target, subject, place)
        self.codes |= {r.code for r in registry.rules_for(target)}
        self.ran.append(what or target)

    def tool(self, name: str, prefix: str, findings: list[Finding]) -> None:
        self.findings += findings
        self.codes.add(prefix)
        self.ran.append(name)


def check_path(path: str | Path, options: Options = Options(),
               progress: Progress = silent) -> Result:
    """Check a book folder, an .epub or a .pdf. Anything else is bad usage (BookError)."""
    path = Path(path)
    if path.is_dir():
        return check_book(path, options, progress)
    suffix = path.suffix.lower()
    if suffix == ".epub":
        run = _Run()
        _epub(run, path, None, options, progress)
        return _result(str(path), run, [])
    if suffix == ".pdf":
        run = _Run()
        if _looks_like_a_cover(path):
            with PdfFile.open(path, cover=True) as doc:
                run.rules("pdf", doc, name=path.name, what="cover")
        else:
            _pdf(run, path, None)
        return _result(str(path), run, [])
    raise BookError(f"{path}: not a book folder, an .epub or a .pdf")


def check_book(folder: Path, options: Options = Options(), progress: Progress = silent) -> Result:
    book = read_book(folder)
    suppressions = suppress.parse(book.config, _yaml(book)) + suppress.inline(
        [(s.source, s.text) for s in book.sections])
    run = _Run()
    progress(f"linting {counted(len(book.sections), 'manuscript file')}")
    run.rules("manuscript", Manuscript.of(book))
    with tempfile.TemporaryDirectory(prefix="bookbuild-check-") as tmp:
        epub = _build(run, book, "epub", Path(tmp), progress)
        if epub is not None:
            _epub(run, epub, book, options, progress)
        if options.pdf and _can_build("pdf"):
            pdf = _build(run, book, "pdf", Path(tmp), progress)
            if pdf is not None:
                _pdf(run, pdf, book)
                cover = _build(run, book, "cover", Path(tmp), progress)
                if cover is not None:
                    _cover(run, cover, book, pdf)
    # The folder's own name: "." or "../book" would read as no subject at all.
    return _result(Path(folder).resolve().name or str(folder), run, suppressions)


def _yaml(book: Book) -> str:
    path = book.root / METADATA_FILE
    return path.read_text("utf-8", "replace") if path.is_file() else ""


def _can_build(fmt: str) -> bool:
    from bookbuild.pipeline import WRITERS

    return fmt in WRITERS


def _build(run: _Run, book: Book, fmt: str, out: Path, progress: Progress) -> Path | None:
    """Build one format into `out` without the build's own gate; build problems are findings."""
    progress(f"building the {fmt.upper()} to check it")
    try:
        if fmt == "epub":
            from bookbuild.pipeline import render
            from bookbuild.epub import write_epub

            target = out / f"{book.metadata.slug}.epub"
            write_epub(book, render(book), target)
            return target
        from bookbuild.pipeline import WRITERS
        from bookbuild.check import gate

        # The writer's own warnings are said again below as findings, suppressions applied.
        def say(message: str) -> None:
            if not message.startswith("warning:"):
                progress(message)
        with gate.disabled(), _no_cache():
            return WRITERS[fmt](book, out, say)
    except BookError as e:
        run.findings += [Finding("BUILD-001", "error", p.message, p.file, p.line, p.column,
                                 f"the {fmt.upper()} could not be built; fix this first")
                         for p in e.problems]
        run.codes.add("BUILD-001")
        return None


@contextlib.contextmanager
def _no_cache():
    """Writers keep a cache in the book's build/ folder; a check leaves the book untouched."""
    before = os.environ.get("BOOKBUILD_CACHE")
    os.environ["BOOKBUILD_CACHE"] = "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ["BOOKBUILD_CACHE"]
        else:
            os.environ["BOOKBUILD_CACHE"] = before


def _epub(run: _Run, path: Path, book: Book | None, options: Options, progress: Progress):
    locate = Locator(book)
    progress("checking the EPUB")
    with EpubFile.open(path) as epub:
        epub.options = {"allow_scripts": bool(book and book.config.get("allow_scripts"))}
        run.rules("epub", epub, locate, path.name)
    jobs = {}
    with ThreadPoolExecutor(2) as pool:
        if options.epubcheck:
            progress("running EPUBCheck")
            jobs["epubcheck"] = pool.submit(epubcheck.run, path)
        if options.ace:
            progress("running DAISY Ace")
            jobs["ace"] = pool.submit(ace.run, path)
    if "epubcheck" in jobs:
        run.tool("epubcheck", "EPUBCHECK-",
                 [_filed(locate.finding(f), path) for f in jobs["epubcheck"].result()])
    if "ace" in jobs:
        run.tool("ace", "ACE-", [_filed(locate.finding(f, needle), path)
                                 for f, needle in jobs["ace"].result()])


def _filed(f: Finding, path: Path) -> Finding:
    """A finding about the whole EPUB is filed under the EPUB's name."""
    return f if f.file else replace(f, file=path.name)


def _pdf(run: _Run, path: Path, book: Book | None) -> None:
    trim, bleed = _print_size(book)
    with PdfFile.open(path, trim=trim, bleed=bleed) as doc:
        doc.sources = _image_sizes(book) if book else {}
        doc.overflows = _overflows(book) if book else []
        run.rules("pdf", doc, name=path.name)


def _overflows(book: Book) -> list:
    """What the print of `book`, just built for the check, could not make fit."""
    from bookbuild.pdf import overflows_of

    return overflows_of(book)


def _looks_like_a_cover(path: Path) -> bool:
    """A cover wrap on its own: bookbuild's name for one, or one sheet wider than it is tall."""
    if path.name.lower().endswith("-cover.pdf"):
        return True
    with PdfFile.open(path) as doc:
        if doc.pdf is None or len(doc.pdf.pages) != 1:
            return False
        box = doc.pdf.pages[0].mediabox
        return float(box[2]) - float(box[0]) > float(box[3]) - float(box[1])


def _cover(run: _Run, path: Path, book: Book, interior: Path) -> None:
    """The cover wrap, sized for the interior's page count."""
    from bookbuild.pdf import settings
    from bookbuild.pdf.wrap import geometry

    with PdfFile.open(interior) as doc:
        pages = len(doc.pdf.pages) if doc.pdf is not None else 0
    g = geometry(settings.parse(book.config, _yaml(book).splitlines()), pages)
    trim = (g["width"] - 2 * g["bleed"], g["trim_height"])
    with PdfFile.open(path, trim=trim, bleed=g["bleed"], cover=True) as doc:
        doc.sources = _image_sizes(book)
        run.rules("pdf", doc, name=path.name, what="cover")


def _image_sizes(book: Book) -> dict[tuple[int, int], str]:
    """Pixel size → asset path, so that a PDF image is named as the author knows it."""
    from PIL import Image

    out = {}
    for name, asset in book.assets.items():
        try:
            with Image.open(asset.path) as im:
                out.setdefault(im.size, f"assets/{name}")
        except Exception:  # noqa: BLE001 - not an image, or not one Pillow reads: no name
            continue
    return out


def _print_size(book: Book | None) -> tuple[tuple[float, float] | None, float]:
    """The trim and bleed the book's print: block asks for; unknown for a lone PDF."""
    if book is None:
        return None, 0.0
    try:
        from bookbuild.pdf import settings
    except ImportError:
        return None, 0.0
    s = settings.parse(book.config, _yaml(book).splitlines())
    return (s.width, s.height), s.bleed_pt


def _result(subject: str, run: _Run, suppressions: list) -> Result:
    kept, hidden = suppress.apply(run.findings, suppressions, run.codes)
    order: dict[str, int] = {}
    for f in kept:
        order.setdefault(f.file or "", len(order))
    kept.sort(key=lambda f: (order[f.file or ""], f.line or 0, f.column or 0,
                             SEVERITIES.index(f.severity), f.code))
    return Result(subject, kept, hidden, run.ran)
