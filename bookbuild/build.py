"""The pipeline: book folder ──read──▶ Book ──convert──▶ documents ──write──▶ outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from bookbuild import output
from bookbuild.convert import pandoc
from bookbuild.convert.html import Document, resolve_links, to_document
from bookbuild.epub import write_epub
from bookbuild.errors import Problems
from bookbuild.manuscript import read_book
from bookbuild.model import Book

Progress = Callable[[str], None]


def _quiet(_msg: str) -> None:
    pass


def render(book: Book, progress: Progress = _quiet) -> list[Document]:
    """Every section as EPUB-ready XHTML, with cross-section links resolved."""
    progress(f"converting {len(book.sections)} sections with pandoc {pandoc.pandoc_version()}")
    markup = pandoc.convert([s.text for s in book.sections], [s.source for s in book.sections])
    problems = Problems()
    allow_scripts = bool(book.config.get("allow_scripts"))
    docs = [to_document(s, m, problems, allow_scripts) for s, m in zip(book.sections, markup)]
    problems.raise_if_any()
    resolve_links(docs, problems)
    problems.raise_if_any()
    return docs


def build_epub(book: Book, out_dir: Path, progress: Progress = _quiet) -> Path:
    docs = render(book, progress)
    target = out_dir / f"{book.metadata.slug}.epub"
    progress("processing images and packaging")
    with output.locked(out_dir), output.atomic(target) as tmp:
        write_epub(book, docs, tmp)
    return target


def build(folder: str | Path, out_dir: str | Path | None, formats: list[str],
          progress: Progress = _quiet) -> list[Path]:
    book = read_book(folder)
    out = Path(out_dir) if out_dir else book.root / "build"
    output.prepare(out)
    if book.metadata.identifier_generated:
        progress(f"identifier {book.metadata.identifier} (derived from title and author; "
                 f"pin it in book.yaml as identifier:)")
    return [WRITERS[fmt](book, out, progress) for fmt in formats]


# One entry per output format; each takes (book, out_dir, progress) and returns the written path.
WRITERS: dict[str, Callable[[Book, Path, Progress], Path]] = {
    "epub": build_epub,
}
