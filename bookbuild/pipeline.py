"""The pipeline: every output format is made the same way, here and nowhere else.

    up to date? ──no──▶ writer prepares (convert, typeset) ──▶ lock the output folder
      ──▶ temp file ──▶ preflight gate ──▶ rename over the last good output ──▶ record

A format is one entry of FORMATS: its file name and a function that prepares it. What a
writer noticed and what the gate found are Diagnostics; book.yaml's suppressions apply to both,
the rest is said once a run, and an error leaves the previous output where it was (exit 2).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bookbuild.book import labels
from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.book.model import Book
from bookbuild.book.reader import read_book
from bookbuild.check import suppress
from bookbuild.convert import pandoc  # noqa: F401 - names its pandoc to the cache before any key
from bookbuild.support import cache, output
from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.support.diagnostics import Diagnostic
from bookbuild.support.errors import BookError, Problem, Problems
from bookbuild.support.progress import Progress, silent
from bookbuild.support.words import counted, grouped

if TYPE_CHECKING:
    from bookbuild.pdf.interior import Interior


@dataclass
class Draft:
    """A writer's work done outside the lock: how to write it out, what it noticed, and the
    preflight that must pass before the written file replaces the last one."""

    write: Callable[[Path], object]
    warnings: list[Diagnostic] = field(default_factory=list)
    gate: Callable[[Path], list[Diagnostic]] | None = None


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str  # the output's file name is the book's slug and this
    what: str  # how messages name the output
    prepare: Callable[[Run], Draft]
    depends: Callable[[Run], str] = lambda run: ""  # inputs beyond the book's own


@dataclass
class Run:
    """One build of one book into one folder: what every format's steps share."""

    book: Book
    out: Path
    progress: Progress = silent
    store: Cache = NO_CACHE
    gate: bool = True  # False for `bookbuild check`: it reports the findings, it is not stopped
    say_warnings: bool = True
    warnings: list[Diagnostic] = field(default_factory=list)  # every warning kept this run
    made: dict[str, Path] = field(default_factory=dict)
    planned: tuple[str, ...] = ()  # the formats this run is asked for, to share work between
    interior: Interior | None = None  # the print interior typeset this run
    _said: set[str] = field(default_factory=set)
    _rules: list | None = None

    def keep(self, found: list[Diagnostic]) -> list[Diagnostic]:
        """`found` without what book.yaml or the Markdown suppresses."""
        if self._rules is None:
            self._rules = suppress.of_book(self.book)
        kept, _hidden = suppress.apply(found, self._rules, set(), stale=False)
        return kept  # stale suppressions: `check` says them

    def say(self, found: list[Diagnostic]) -> None:
        """Warnings, once a run each (the EPUB and the PDF read the same Markdown); the same
        message at many places is one line."""
        new = [d for d in found if d.severity == "warning" and str(d) not in self._said]
        self._said |= {str(d) for d in new}
        self.warnings += new
        if self.say_warnings:
            for line in grouped([(d.location, f"{d.code}: {d.message}") for d in new]):
                self.progress(f"warning: {line.lstrip(': ')}")

    def verdict(self, found: list[Diagnostic], what: str) -> list[Diagnostic]:
        """Say the warnings that are kept; an error stops the build (BookError)."""
        kept = self.keep(found)
        self.say(kept)
        errors = [d for d in kept if d.severity == "error"]
        if errors and self.gate:
            lines = [Problem(f"{d.code}: {d.message}", d.file, d.line, d.column) for d in errors]
            lines.append(Problem(f"the {what} failed preflight with "
                                 f"{counted(len(errors), 'error')}; the previous {what}, "
                                 f"if any, is kept"))
            raise BookError(lines)
        return kept


def output_path(book: Book, out: Path, fmt: str) -> Path:
    """Where format `fmt` of `book` is written: the one place output names are decided."""
    return out / f"{book.metadata.slug}{FORMATS[fmt].suffix}"


def make(run: Run, name: str) -> Path:
    """Make one format, or find it up to date; formats made from another make that first."""
    if name in run.made:
        return run.made[name]
    fmt = FORMATS[name]
    target = output_path(run.book, run.out, name)
    stamp = cache.key("output", name, inputs_key(run.book), fmt.depends(run))
    known = run.store.get_json("outputs", stamp)
    if isinstance(known, dict) and known.get("digest") == _digest(target):
        run.progress(f"{fmt.what} is up to date")
        run.say(run.keep([Diagnostic(**d) for d in known.get("warnings", [])]))
        run.made[name] = target
        return target
    draft = fmt.prepare(run)
    found = list(draft.warnings)
    with output.locked(run.out), output.atomic(target) as tmp:
        draft.write(tmp)
        if draft.gate is not None:
            found += draft.gate(tmp)
        kept = run.verdict(found, fmt.what)
    said = [asdict(d) for d in kept if d.severity == "warning"]
    run.store.put_json("outputs", stamp, {"digest": _digest(target), "warnings": said})
    run.made[name] = target
    return target


def inputs_key(book: Book) -> str:
    """Everything the book's outputs depend on: a changed byte anywhere means a rebuild."""
    parts = [str(book.modified), book.yaml_text, json.dumps(book.defaults, sort_keys=True, default=str)]
    for s in book.sections:
        parts += [s.source, s.text]
    for name, asset in sorted(book.assets.items()):
        # Size and modification time, as make does: hashing every asset (videos, print-size
        # scans) on every no-op build would cost more than the build. Images that are used
        # are cached by content anyway.
        info = asset.path.stat()
        parts += [name, f"{info.st_size}:{info.st_mtime_ns}"]
    return cache.key(*parts)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


# The formats ------------------------------------------------------------------------------

def _epub(run: Run) -> Draft:
    from bookbuild.convert.render import render, warnings_of

    pending = Problems()  # the writer's problems are said with the converter's, in one run
    print_too = _typst_too(run)
    docs = render(run.book, run.progress, run.store, pending, meanwhile=_load_writer,
                  also=print_too)
    if print_too is not None:
        from bookbuild.pdf import source

        source.keep(run.book, run.store, print_too.outputs)
    from bookbuild.check import gate
    from bookbuild.epub import write_epub
    from bookbuild.media.cover import cover_warnings

    summary: dict = {}

    def write(tmp: Path) -> None:
        summary.update(write_epub(run.book, docs, tmp, run.store, pending,
                                  print_pages=lambda: print_pages(run)) or {})

    def check(tmp: Path) -> list[Diagnostic]:
        found = list(summary.get("page_warnings", []))
        return found + (gate.epub(tmp, run.book, run.store) if run.gate else [])

    run.progress("processing images and packaging")
    return Draft(write, warnings_of(docs) + cover_warnings(run.book), check)


def print_pages(run: Run):
    """Where the print edition's pages begin, for the EPUB's page list: the interior is
    typeset (or found in the cache) first. None when book.yaml says `page_list: false`."""
    if not run.book.page_list:
        return None
    from bookbuild.epub.pagebreaks import PrintPages, Start

    result = interior(run, merged=False)
    run.progress("placing the print edition's page breaks")
    s, meta = result.settings, run.book.metadata
    source = f"urn:isbn:{s.isbn}" if s.isbn else \
        f"{meta.title}, print edition ({s.trim_name} in, {counted(result.pages, 'page')})"
    return PrintPages([Start(p.label, p.text) for p in result.page_starts(run.store)], source,
                      result.anchors, result.index_start)


def _typst_too(run: Run):
    """When this run makes the print interior too (for the PDF, or for the EPUB's page list),
    the sections pandoc converts for the EPUB are written as Typst in the same pandoc run
    (read once) and cached for the PDF."""
    if ("pdf" not in run.planned and not run.book.page_list) or run.store is NO_CACHE:
        return None
    from bookbuild.pdf import source

    return source.request(run.book, run.store)


def _load_writer() -> None:
    """Import the EPUB writer and its preflight rules: about as long as pandoc takes to convert
    one chapter, so it is done while pandoc works."""
    import bookbuild.epub  # noqa: F401
    from bookbuild.check import gate, registry  # noqa: F401

    registry.load("epub")


def _kepub(run: Run) -> Draft:
    """The Kobo edition, made from the EPUB."""
    from bookbuild.epub.kobo import make_kepub

    return _store_edition(run, "kobo", "Kobo", make_kepub)


def _kindle(run: Run) -> Draft:
    """The edition for Send to Kindle, made from the EPUB; the Kindle preflight must pass."""
    from bookbuild.check import gate
    from bookbuild.epub.kindle import make_kindle

    return _store_edition(run, "kindle", "Kindle", make_kindle, gate.kindle)


def _store_edition(run: Run, store: str, name: str, edition: Callable[[Path, Path], object],
                   preflight: Callable[[Path], list[Diagnostic]] | None = None) -> Draft:
    """A store's edition, made from the EPUB. A book with text for this store alone
    ({.kindle-only}) has it from an EPUB written again with that text, which passes the
    EPUB's own preflight first; the store-neutral EPUB has none of it."""
    epub = make(run, "epub")
    docs = _store_docs(run, store)
    run.progress(f"writing the {name} edition")
    if docs is None:
        return Draft(lambda tmp: edition(epub, tmp),
                     gate=preflight if run.gate and preflight else None)
    from bookbuild.check import gate
    from bookbuild.epub import write_epub

    found: list[Diagnostic] = []

    def write(tmp: Path) -> None:
        with tempfile.TemporaryDirectory() as work:
            own = Path(work) / f"{store}.epub"
            write_epub(run.book, docs, own, run.store, edition=store,
                       print_pages=lambda: print_pages(run))
            if run.gate:
                found.extend(gate.epub(own, run.book, run.store))
            edition(own, tmp)

    def check(tmp: Path) -> list[Diagnostic]:
        return found + (preflight(tmp) if preflight else [])

    return Draft(write, gate=check if run.gate else None)


def _store_docs(run: Run, store: str):
    """The converted sections (from the cache after the EPUB's build), if any has text for
    `store` alone; None for the many books without."""
    if not any(f"{store}-only" in s.markdown for s in run.book.sections):
        return None
    from bookbuild.convert.render import render

    docs = render(run.book, store=run.store)
    return docs if any(store in d.editions for d in docs) else None


def interior(run: Run, merged: bool = True) -> Interior:
    """The print interior, typeset once a run: the cover's spine needs its page count.
    Without `merged`, the pages are counted and read but not made into the PDF (the EPUB's
    page list), unless this run makes the PDF too."""
    from bookbuild.pdf.interior import typeset

    merged = merged or "pdf" in run.planned
    if run.interior is None or (merged and run.interior.pdf is None):
        run.interior = typeset(run.book, run.progress, run.store, merged)
    return run.interior


def _pdf(run: Run) -> Draft:
    from bookbuild.check import gate
    from bookbuild.pdf import write_stats

    result = interior(run)
    s, pdf = result.settings, result.pdf
    assert pdf is not None  # interior() merges unless asked not to

    def write(tmp: Path) -> None:
        tmp.write_bytes(pdf)
        run.progress(f"interior: {result.pages} pages, trim {s.trim_name}")
        write_stats(result)

    def preflight(tmp: Path) -> list[Diagnostic]:
        # The writer says the resolution of each picture at its Markdown line, better than
        # the rule can from the PDF (which reads every page's drawing: 0.7 s of a big book's
        # edit), so the rule is not run.
        return gate.pdf(tmp, (s.width, s.height), s.bleed_pt, overflows=result.overflows,
                        skip=WRITER_SAYS)

    return Draft(write, list(result.warnings), preflight if run.gate else None)


WRITER_SAYS = ("PDF-IMG-001",)


def page_count(run: Run) -> int:
    """The interior's page count: from this run, from the last build's record, or typeset."""
    if run.interior is None:
        known = run.store.get_json("outputs", cache.key("pages", inputs_key(run.book)))
        if isinstance(known, int):
            return known
    pages = interior(run, merged=False).pages
    run.store.put_json("outputs", cache.key("pages", inputs_key(run.book)), pages)
    return pages


def _cover(run: Run) -> Draft:
    from bookbuild.check import gate
    from bookbuild.pdf import cover_pdf, cover_trim

    pages = page_count(run)
    pdf, warnings = cover_pdf(run.book, pages, run.progress)
    trim, bleed = cover_trim(run.book, pages)
    return Draft(lambda tmp: tmp.write_bytes(pdf), warnings,
                 (lambda tmp: gate.pdf(tmp, trim, bleed, cover=True)) if run.gate else None)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("epub", ".epub", "EPUB", _epub),
    Format("pdf", ".pdf", "print interior", _pdf),
    Format("cover", "-cover.pdf", "cover wrap", _cover,
           depends=lambda run: str(page_count(run))),
    Format("kepub", ".kepub.epub", "Kobo edition", _kepub),
    Format("kindle", ".kindle.epub", "Kindle edition", _kindle),
)}


# A build ----------------------------------------------------------------------------------

def book_cache(book: Book) -> Cache:
    if os.environ.get("BOOKBUILD_CACHE", "1") == "0":
        return NO_CACHE
    return Cache(book.root / "build" / ".cache")


def start(book: Book, out: Path, progress: Progress = silent) -> Run:
    """A Run of `book` into `out`, after what the author should know first."""
    output.writable(out)  # fail early, but create the folder only when writing into it
    _refuse_another_books_file(book, out)
    run = Run(book, out, progress, book_cache(book))
    announce(run)
    return run


def build(folder: str | Path, out_dir: str | Path | None, formats: list[str],
          progress: Progress = silent) -> list[Path]:
    book = read_book(folder)
    run = start(book, Path(out_dir) if out_dir else book.root / "build", progress)
    run.planned = tuple(formats)
    try:
        return [make(run, fmt) for fmt in formats]
    finally:
        cache.prune_written()


def _refuse_another_books_file(book: Book, out: Path) -> None:
    """Two books with one slug in one output folder would overwrite each other's EPUB."""
    from bookbuild.check.epub_file import EpubFile

    target = output_path(book, out, "epub")
    if not target.is_file():
        return
    with EpubFile.open(target) as epub:
        if epub.broken or epub.opf is None:
            return  # not an EPUB we can read: replacing it is what the author asked for
        ids = [(e.text or "").strip() for e in epub.metadata("identifier")]
        titles = [(e.text or "").strip() for e in epub.metadata("title")]
    meta = book.metadata
    # The same identifier, or the same title (an identifier pinned since), is this book.
    if meta.identifier in ids or meta.title in titles or not (ids or titles):
        return
    other = titles[0] if titles else ids[0]
    raise BookError(Problem(
        f"{target} is another book's ({other}); two books share the slug "
        f"{meta.slug!r}: give this one its own with slug: in book.yaml, or build it with "
        f"--out into a folder of its own", METADATA_FILE,
        book.line("slug") or book.line("title")))


def announce(run: Run) -> None:
    """What the author should know about book.yaml before anything is built."""
    meta = run.book.metadata
    told = cache.key("identifier hint", meta.identifier)
    if meta.identifier_generated and not run.store.get_json("outputs", told):
        # Said once per identifier: a changed title or author gives a new one, said again.
        run.progress(f"identifier {meta.identifier} (derived from title and author; "
                     f"pin it in book.yaml as identifier:)")
        run.store.put_json("outputs", told, True)
    if meta.untranslated:
        run.say(run.keep([Diagnostic(
            "MS-LABEL-001", "warning", labels.untranslated(meta.language, meta.untranslated),
            METADATA_FILE, run.book.line("language"),
            hint="give the words under labels: in book.yaml")]))
