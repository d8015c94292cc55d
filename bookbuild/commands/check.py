"""`bookbuild check`: everything that is wrong with a book, an EPUB or a PDF, in one report.

A book folder is linted as Markdown, then built into a temporary folder (nothing in the book's
own build/ is touched) and its EPUB and PDF are checked like any others, with every finding
pointed back at the Markdown the author wrote where it can be.
"""

from __future__ import annotations

import posixpath
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from bookbuild import pipeline
from bookbuild.book.model import Book
from bookbuild.book.reader import read_book
from bookbuild.check import SEVERITIES, Finding, ace, epubcheck, hints, registry, suppress
from bookbuild.check.epub_file import EpubFile
from bookbuild.check.locate import Locator
from bookbuild.check.ms_text import Manuscript
from bookbuild.check.pdf_file import PdfFile
from bookbuild.check.report import Result
from bookbuild.support import bounded
from bookbuild.support.errors import BookError
from bookbuild.support.progress import Progress, silent
from bookbuild.support.words import counted


@dataclass
class Options:
    epubcheck: bool = True
    ace: bool = False
    reader: bool = False  # the browser proof's measurements (epub.js in chromium) as rules
    pdf: bool = True  # build and check the PDF of a book, when bookbuild can write PDFs
    profile: str | None = None  # the store checked for; None: a book's (all), else generic


PROFILES = ("generic", "kindle", "kobo", "apple")
# Rules of one store: errors for that store, and only a note for the others.
STORE_RULES = {"KINDLE-": "kindle"}
# What EPUB allows and the stores refuse (remote resources, scripts): errors for a store and
# for a bookbuild book, warnings under the generic profile.
STORE_POLICY = {"EPUB-RES-001": "remote resources", "EPUB-SCRIPT-001": "scripts"}


def for_profile(findings: list[Finding], profile: str) -> list[Finding]:
    """A store's rules keep their severity under that store's profile (and "all"); under any
    other they are notes: an EPUB for Kobo is not wrong for what Send to Kindle refuses."""
    out = []
    for f in findings:
        store = next((s for prefix, s in STORE_RULES.items() if f.code.startswith(prefix)), None)
        if store and profile not in (store, "all") and f.severity != "info":
            f = replace(f, severity="info", message=f"{f.message} (matters for {store} only; "
                                                    f"--profile {store} makes it an error)")
        elif f.code in STORE_POLICY and profile == "generic" and f.severity == "error":
            f = replace(f, severity="warning", message=f"{f.message} (EPUB allows "
                        f"{STORE_POLICY[f.code]}; stores refuse them: a store's --profile "
                        f"makes it an error)")
        out.append(f)
    return out


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
        return _result(str(path), _whole_file_under(run, path), [])
    if suffix == ".pdf":
        run = _Run()
        if _looks_like_a_cover(path):
            with PdfFile.open(path, cover=True) as doc:
                run.rules("pdf", doc, name=path.name, what="cover")
        else:
            _pdf(run, path, None)
        return _result(str(path), _whole_file_under(run, path), [])
    raise BookError(f"{path}: not a book folder, an .epub or a .pdf")


def check_book(folder: Path, options: Options = Options(), progress: Progress = silent) -> Result:
    book = read_book(folder)
    suppressions = suppress.of_book(book)
    run = _Run()
    progress(f"linting {counted(len(book.sections), 'manuscript file')}")
    run.rules("manuscript", Manuscript.of(book))
    with tempfile.TemporaryDirectory(prefix="bookbuild-check-") as tmp:
        # Built as `build` builds, into a folder of its own and without the cache (the book's
        # build/ is left untouched), reporting what the gate would stop on instead of stopping.
        built = pipeline.Run(book, Path(tmp), _without_warnings(progress), gate=False,
                             say_warnings=False,
                             planned=("epub", "pdf") if options.pdf else ("epub",))
        epub = _build(run, built, "epub", progress)
        if epub is not None:
            _epub(run, epub, book, options, progress)
        if options.pdf:
            pdf = _build(run, built, "pdf", progress)
            if pdf is not None:
                _pdf(run, pdf, book, built.interior)
                cover = _build(run, built, "cover", progress)
                if cover is not None:
                    _cover(run, cover, book, pdf)
        # What the writers warned of that no rule here checks again (uncovered characters,
        # PDF/A switched off, raw HTML left out): `check` reports all that `build` says.
        run.findings += [d for d in built.warnings if d.code not in registry.RULES]
        run.codes |= {d.code for d in built.warnings}
    # The folder's own name: "." or "../book" would read as no subject at all.
    return _result(Path(folder).resolve().name or str(folder), run, suppressions)


def _without_warnings(progress: Progress) -> Progress:
    """The writers' warnings are reported as findings, suppressions applied."""
    def say(message: str) -> None:
        if not message.startswith("warning:"):
            progress(message)
    return say


def _build(run: _Run, built: pipeline.Run, fmt: str, progress: Progress) -> Path | None:
    """Build one format; a problem that stops the build is a finding."""
    progress(f"building the {fmt.upper()} to check it")
    try:
        return pipeline.make(built, fmt)
    except BookError as e:
        run.findings += [Finding("BUILD-001", "error", p.message, p.file, p.line, p.column,
                                 f"the {fmt.upper()} could not be built; fix this first")
                         for p in e.problems]
        run.codes.add("BUILD-001")
        return None


def _epub(run: _Run, path: Path, book: Book | None, options: Options, progress: Progress):
    locate = Locator(book)
    progress("checking the EPUB")
    with EpubFile.open(path) as epub:
        epub.options = {"allow_scripts": bool(book and book.config.get("allow_scripts"))}
        before = len(run.findings)
        run.rules("epub", epub, locate, path.name)
        # A bookbuild book is made for every store; an EPUB from elsewhere for none we know.
        profile = options.profile or ("all" if book is not None else "generic")
        run.findings[before:] = for_profile(run.findings[before:], profile)
        if book is None:
            run.findings[before:] = hints.for_outside(run.findings[before:])
        unsafe = unsafe_for_tools(epub)
        opf_dir = posixpath.dirname(epub.opf_path or "")
    if unsafe and (options.epubcheck or options.ace or options.reader):
        run.findings.append(Finding(
            "CHECK-010", "warning", f"EPUBCheck, Ace and the reader were not run: {unsafe}",
            path.name,
            hint="the findings above say what is wrong; fix those, then check again"))
        return
    jobs = {}
    pool = ThreadPoolExecutor(2)
    try:
        if options.epubcheck:
            progress("running EPUBCheck")
            jobs["epubcheck"] = pool.submit(epubcheck.run, path)
        if options.ace:
            progress("running DAISY Ace")
            jobs["ace"] = pool.submit(ace.run, path)
        if options.reader:
            progress("reading the EPUB in epub.js at every device and type size")
            jobs["reader"] = pool.submit(_read, path)
        for job in jobs.values():
            job.exception()  # wait here, where Ctrl-C and SIGTERM arrive
    except BaseException:
        bounded.stop_all()  # the JVM and the browser go with us
        raise
    finally:
        pool.shutdown(wait=True)
    if "epubcheck" in jobs:
        run.tool("epubcheck", "EPUBCHECK-",
                 [_filed(locate.finding(f), path) for f in jobs["epubcheck"].result()])
    if "ace" in jobs:
        run.tool("ace", "ACE-", [_filed(locate.finding(f, needle), path)
                                 for f, needle in jobs["ace"].result()])
    if "reader" in jobs:
        run.tool("reader", "READER-", [
            _filed(locate.finding(replace(f, file=posixpath.join(opf_dir, f.file))
                                  if f.file else f), path)
            for f in jobs["reader"].result()])


def _read(epub: Path) -> list[Finding]:
    from bookbuild.proof import browser

    why = browser.missing()
    if why:
        raise BookError(f"the browser proof cannot run: {why}")
    with tempfile.TemporaryDirectory(prefix="bookbuild-reader-") as shots:
        return browser.read(epub, Path(shots), browser.views(), shots=False).findings


def unsafe_for_tools(epub: EpubFile) -> str | None:
    """Why this EPUB must not be given to EPUBCheck or Ace, which would fetch, expand or
    inflate what bookbuild's own reader refuses: None when it is safe to."""
    if epub.broken:
        return epub.broken
    if epub.oversized:
        return "the archive is too large or has too many entries"
    if any(epub.bomb(i.filename) for i in epub.infos):
        return "an entry is a zip bomb"
    # "unreadable" too: an entry that inflates past what its header says is a bomb in disguise
    kinds = ("unsafe-xml", "too-large", "unreadable")
    unsafe = [name for name, p in epub.problems.items() if p.kind in kinds]
    if unsafe:
        return f"{unsafe[0]} is unsafe to read ({epub.problems[unsafe[0]].message})"
    return None


def _whole_file_under(run: _Run, path: Path) -> _Run:
    """Findings about the whole file go under its name: one heading for it, not two."""
    run.findings = [_filed(f, path) for f in run.findings]
    return run


def _filed(f: Finding, path: Path) -> Finding:
    """A finding about the whole EPUB is filed under the EPUB's name (EPUBCheck names it by
    the path it was given)."""
    whole = not f.file or f.file in (str(path), str(path.absolute()), str(path.resolve()))
    return replace(f, file=path.name) if whole else f


def _pdf(run: _Run, path: Path, book: Book | None, interior=None) -> None:
    """A PDF interior; `interior` is the book's, as just typeset (what could not be fit)."""
    trim, bleed = _print_size(book)
    with PdfFile.open(path, trim=trim, bleed=bleed) as doc:
        doc.sources = _image_sizes(book) if book else {}
        doc.overflows = list(interior.overflows) if interior is not None else []
        run.rules("pdf", doc, name=path.name)


def _looks_like_a_cover(path: Path) -> bool:
    """A cover wrap on its own: bookbuild's name for one, or one sheet wider than it is tall."""
    if path.name.lower().endswith(pipeline.FORMATS["cover"].suffix):
        return True
    with PdfFile.open(path) as doc:
        if doc.pdf is None or len(doc.pdf.pages) != 1:
            return False
        box = doc.pdf.pages[0].mediabox
        return float(box[2]) - float(box[0]) > float(box[3]) - float(box[1])


def _cover(run: _Run, path: Path, book: Book, interior: Path) -> None:
    """The cover wrap, sized for the interior's page count."""
    from bookbuild.pdf import cover_trim

    with PdfFile.open(interior) as doc:
        pages = len(doc.pdf.pages) if doc.pdf is not None else 0
    trim, bleed = cover_trim(book, pages)
    with PdfFile.open(path, trim=trim, bleed=bleed, cover=True) as doc:
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
    from bookbuild.pdf.interior import print_settings

    s = print_settings(book)
    return (s.width, s.height), s.bleed_pt


def _result(subject: str, run: _Run, suppressions: list) -> Result:
    kept, hidden = suppress.apply(run.findings, suppressions, run.codes)
    order: dict[str, int] = {}
    for f in kept:
        order.setdefault(f.file or "", len(order))
    kept.sort(key=lambda f: (order[f.file or ""], f.line or 0, f.column or 0,
                             SEVERITIES.index(f.severity), f.code))
    return Result(subject, kept, hidden, run.ran)
