"""book.yaml, as the pages bookbuild makes from it will read."""

from __future__ import annotations

from bookbuild.book import labels
from bookbuild.book.config import FILE
from bookbuild.check.ms_text import Manuscript
from bookbuild.check.registry import Hit, rule


@rule("MS-LABEL-001", "warning",
      "give the words under labels: in book.yaml (contents: …, titlepage: …)", "manuscript")
def labels_in_the_book_language(ms: Manuscript):
    """The words bookbuild adds (contents, title page, "Translated by") exist in the book's
    language; otherwise they stay English."""
    meta = ms.book.metadata
    if meta.untranslated:
        yield Hit(labels.untranslated(meta.language, meta.untranslated), FILE,
                  _line(ms, "language"))


def _line(ms: Manuscript, key: str) -> int | None:
    return ms.book.line(key)
