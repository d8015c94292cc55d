"""Every section of a book as EPUB-ready XHTML: pandoc for what changed, the cache for the rest.

The EPUB writer packages what this returns; the print build runs it too, so that both editions
refuse the same Markdown with the same message at the same line.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from bookbuild.book.model import Book, Section
from bookbuild.convert import pandoc
from bookbuild.convert.html import Document, resolve_links, to_document
from bookbuild.support import cache
from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.support.diagnostics import Diagnostic
from bookbuild.support.errors import Problems
from bookbuild.support.progress import Progress, silent
from bookbuild.support.words import counted


def render(book: Book, progress: Progress = silent, store: Cache = NO_CACHE,
           pending: Problems | None = None,
           meanwhile: Callable[[], None] | None = None,
           also: pandoc.Also | None = None) -> list[Document]:
    """Every section as EPUB-ready XHTML, with cross-section links resolved.

    Sections whose Markdown, options and tools are unchanged come from the cache; only the rest
    go through pandoc. Pandoc starts first and works on the other core while the cached
    sections are read and `meanwhile` runs (the writer's imports, for a build). `also`: the
    sections it wants, if pandoc converts them here, are written by its writer too, into
    `also.outputs`.
    """
    allow_scripts = bool(book.config.get("allow_scripts"))
    keys = [cache.key("section", s.name, s.source, str(allow_scripts), s.markdown)
            for s in book.sections]
    todo = [i for i, k in enumerate(keys) if not store.has("sections", k)]
    docs: list[Document | None] = [None] * len(keys)
    problems = Problems()
    with ThreadPoolExecutor(1) as pool:
        converting = pool.submit(_convert, book, todo, progress, len(keys), also) \
            if todo else None
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
        docs[i] = to_document(book.sections[i], m.output, problems, allow_scripts, m.warnings,
                              m.elsewhere)
        if docs[i] is not None and len(problems.items) == before:
            store.put_json("sections", keys[i], docs[i].to_json())
    # A dangling link is said beside the sections' own problems, and with `pending` it waits
    # for the writer's (images): the author sees every problem of the book in one run. Links
    # are only judged when every section could be read, lest a link to it look dangling.
    if all(d is not None for d in docs):
        resolve_links(docs, problems if pending is None else pending)
    problems.raise_if_any()
    return docs  # type: ignore[return-value]  # every None raised above


def warnings_of(docs: list[Document]) -> list[Diagnostic]:
    """What the converter noticed, at the author's file and line."""
    return [Diagnostic(code, "warning", message, doc.section.source, line)
            for doc in docs for code, message, line in doc.warnings]


def _convert(book: Book, indices: list[int], progress: Progress, total: int,
             also: pandoc.Also | None = None) -> list[pandoc.Converted]:
    progress(f"converting {len(indices)} of {counted(total, 'section')} with pandoc")
    sections = [book.sections[i] for i in indices]
    asked = also.of(indices) if also is not None and also.wanted else None
    done = pandoc.convert_all([s.markdown for s in sections], [s.source for s in sections],
                              also=asked)
    if also is not None:
        also.outputs.update({i: c.also for i, c in zip(indices, done) if c.also is not None})
    return done


def _cached(store: Cache, key: str, section: Section) -> Document | None:
    data = store.get_json("sections", key)
    try:
        doc = Document.from_json(data, section) if data else None
    except (KeyError, TypeError, ValueError):
        return None  # an entry from another layout: convert again
    if doc is not None and any(len(w) != 3 for w in doc.warnings):
        return None  # warnings from before they had codes
    return doc
