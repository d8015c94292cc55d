"""The pipeline: book folder ──read──▶ Book ──convert──▶ documents ──write──▶ outputs."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from bookbuild.support import cache
from bookbuild.book import labels
from bookbuild.support import output
from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.convert import pandoc
from bookbuild.convert.html import Document, resolve_links, to_document
from bookbuild.support.errors import BookError, Problem, Problems
from bookbuild.book.reader import read_book
from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.book.config import line_of
from bookbuild.book.model import Book
from bookbuild.support.progress import Progress, silent
from bookbuild.support.words import counted, grouped


def book_cache(book: Book) -> Cache:
    if os.environ.get("BOOKBUILD_CACHE", "1") == "0":
        return NO_CACHE
    return Cache(book.root / "build" / ".cache")


def render(book: Book, progress: Progress = silent, store: Cache = NO_CACHE,
           pending: Problems | None = None,
           meanwhile: Callable[[], None] | None = None) -> list[Document]:
    """Every section as EPUB-ready XHTML, with cross-section links resolved.

    Sections whose Markdown, options and tools are unchanged come from the cache; only the rest
    go through pandoc. Pandoc starts first and works on the other core while the cached
    sections are read and `meanwhile` runs (the writer's imports, for a build).
    """
    allow_scripts = bool(book.config.get("allow_scripts"))
    keys = [cache.key("section", s.name, s.source, str(allow_scripts), s.markdown)
            for s in book.sections]
    todo = [i for i, k in enumerate(keys) if not store.has("sections", k)]
    docs: list[Document | None] = [None] * len(keys)
    problems = Problems()
    with ThreadPoolExecutor(1) as pool:
        converting = pool.submit(_convert, book, todo, progress, len(keys)) if todo else None
        waiting = set(todo)
        for i, (k, section) in enumerate(zip(keys, book.sections)):
            if i not in waiting:
                docs[i] = _cached(store, k, section)
        if meanwhile is not None:
            meanwhile()
        markup = converting.result() if converting else []
    # An entry that was there but could not be read (corrupt, another layout): convert it now.
    unreadable = [i for i, d in enumerate(docs) if d is None and i not in waiting]
    if unreadable:
        markup += _convert(book, unreadable, progress, len(keys))
    for i, m in zip(todo + unreadable, markup):
        before = len(problems.items)
        docs[i] = to_document(book.sections[i], m.output, problems, allow_scripts, m.warnings)
        if docs[i] is not None and len(problems.items) == before:
            store.put_json("sections", keys[i], docs[i].to_json())
    # A dangling link is said beside the sections' own problems, and with `pending` it waits
    # for the writer's (images): the author sees every problem of the book in one run. Links
    # are only judged when every section could be read, lest a link to it look dangling.
    if all(d is not None for d in docs):
        resolve_links(docs, problems if pending is None else pending)
    problems.raise_if_any()
    return docs


def _convert(book: Book, indices: list[int], progress: Progress,
             total: int) -> list[pandoc.Converted]:
    progress(f"converting {len(indices)} of {counted(total, 'section')} with pandoc")
    sections = [book.sections[i] for i in indices]
    return pandoc.convert_all([s.markdown for s in sections], [s.source for s in sections])


def report_warnings(docs: list[Document], progress: Progress) -> None:
    """What the converter noticed, at the author's file and line, on every build."""
    found = [(f"{doc.section.source}:{line}" if line else doc.section.source, message)
             for doc in docs for message, line in doc.warnings]
    for line in grouped(found):
        progress(f"warning: {line}")


def _cached(store: Cache, key: str, section) -> Document | None:
    data = store.get_json("sections", key)
    try:
        return Document.from_json(data, section) if data else None
    except (KeyError, TypeError, ValueError):
        return None  # an entry from another layout: convert again


def build_epub(book: Book, out_dir: Path, progress: Progress = silent) -> Path:
    target = out_dir / f"{book.metadata.slug}.epub"
    store = book_cache(book)
    stamp = inputs_key(book, "epub")
    done = _digest(target)
    if done is not None and store.get_json("outputs", stamp) == done:
        progress("EPUB is up to date")
        return target
    pending = Problems()
    docs = render(book, progress, store, pending, meanwhile=_load_writer)
    report_warnings(docs, progress)
    from bookbuild.check import gate  # preflight: an error keeps the previous EPUB, exit 2
    from bookbuild.epub import write_epub

    progress("processing images and packaging")
    with output.locked(out_dir), output.atomic(target) as tmp:
        write_epub(book, docs, tmp, store, pending)
        gate.epub(tmp, book, progress, store)
    store.put_json("outputs", stamp, _digest(target))
    return target


def _load_writer() -> None:
    """Import the EPUB writer and its preflight rules: about as long as pandoc takes to convert
    one chapter, so it is done while pandoc works."""
    import bookbuild.epub  # noqa: F401
    from bookbuild.check import gate, registry  # noqa: F401

    registry.load("epub")


def inputs_key(book: Book, fmt: str) -> str:
    """Everything an output depends on: a changed byte anywhere means a rebuild."""
    parts = [fmt, str(book.modified), (book.root / "manuscript/book.yaml").read_bytes()]
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


def build(folder: str | Path, out_dir: str | Path | None, formats: list[str],
          progress: Progress = silent) -> list[Path]:
    book = read_book(folder)
    out = Path(out_dir) if out_dir else book.root / "build"
    output.writable(out)  # fail early, but create the folder only when writing into it
    _refuse_another_books_file(book, out)
    progress = _each_warning_once(progress)
    announce(book, progress)
    try:
        return [WRITERS[fmt](book, out, progress) for fmt in formats]
    finally:
        cache.prune_written()


def _each_warning_once(progress: Progress) -> Progress:
    """The EPUB and the PDF read the same Markdown: a warning about it is said once a run."""
    said: set[str] = set()

    def say(message: str) -> None:
        if message.startswith("warning: "):
            if message in said:
                return
            said.add(message)
        progress(message)
    return say


def _refuse_another_books_file(book: Book, out: Path) -> None:
    """Two books with one slug in one output folder would overwrite each other's EPUB."""
    from bookbuild.check.epub_file import EpubFile

    target = out / f"{book.metadata.slug}.epub"
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
    lines = (book.root / METADATA_FILE).read_text("utf-8", "replace").splitlines()
    raise BookError(Problem(
        f"{target} is another book's ({other}); two books share the slug "
        f"{meta.slug!r}: give this one its own with slug: in book.yaml, or build it with "
        f"--out into a folder of its own", METADATA_FILE,
        line_of(lines, "slug") or line_of(lines, "title")))


def announce(book: Book, progress: Progress) -> None:
    """What the author should know about book.yaml before anything is built."""
    meta = book.metadata
    store = book_cache(book)
    told = cache.key("identifier hint", meta.identifier)
    if meta.identifier_generated and not store.get_json("outputs", told):
        # Said once per identifier: a changed title or author gives a new one, said again.
        progress(f"identifier {meta.identifier} (derived from title and author; "
                 f"pin it in book.yaml as identifier:)")
        store.put_json("outputs", told, True)
    if meta.untranslated:
        progress(f"warning: {METADATA_FILE}: "
                 f"{labels.untranslated(meta.language, meta.untranslated)}")


# One entry per output format; each takes (book, out_dir, progress) and returns the written path.
def build_kepub(book: Book, out_dir: Path, progress: Progress = silent) -> Path:
    """The Kobo edition, derived from the EPUB."""
    from bookbuild.epub.kobo import make_kepub
    from bookbuild.proof.run import kepub_path

    epub = build_epub(book, out_dir, progress)
    with output.locked(out_dir):
        return make_kepub(epub, kepub_path(out_dir, book.metadata.slug))


def build_kindle(book: Book, out_dir: Path, progress: Progress = silent) -> Path:
    """The edition for Send to Kindle, derived from the EPUB; the Kindle preflight must pass."""
    from bookbuild.epub.kindle import make_kindle
    from bookbuild.proof.run import kindle_path

    epub = build_epub(book, out_dir, progress)
    target = kindle_path(out_dir, book.metadata.slug)
    with output.locked(out_dir):
        findings = make_kindle(epub, target)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise BookError([Problem(f"Kindle preflight: {f.message}", f.file, f.line) for f in errors])
    return target


def build_pdf(book: Book, out_dir: Path, progress: Progress = silent) -> Path:
    from bookbuild.pdf import build_pdf as typeset_pdf

    return typeset_pdf(book, out_dir, progress)


def build_cover(book: Book, out_dir: Path, progress: Progress = silent) -> Path:
    from bookbuild.pdf import build_cover as draw_cover

    return draw_cover(book, out_dir, progress)


WRITERS: dict[str, Callable[[Book, Path, Progress], Path]] = {
    "epub": build_epub,
    "pdf": build_pdf,
    "cover": build_cover,
    "kepub": build_kepub,
    "kindle": build_kindle,
}
