"""Chapter numbers, as a design sets them over a chapter's title: "1", "One", "Chapter One".

Both editions take their numbers from here, so the EPUB and the print edition agree. A book
whose chapter titles already carry a number ("Chapter 6", "3. Ownership", "IV: Spring") gets
none added: the author numbered it, and "Chapter One / Chapter 1" is a proofreader's catch.
"""

from __future__ import annotations

import re

from bookbuild.book.model import Book
from bookbuild.book.references import outside_fences

# Languages in which "Chapter" + the cardinal in words reads right ("Kapitel eins",
# "Chapitre un"). Elsewhere the words are an ordinal with a gender ("Глава первая"), which
# num2words cannot agree: those books get the numeral in the label ("Глава 1").
WORD_LANGUAGES = {"en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "no"}
_HEADING = re.compile(r"^#(?!#)\s*(.+?)\s*#*\s*$", re.M)
_SETEXT = re.compile(r"^(\S[^\n]*)\n=+\s*$", re.M)
_NUMBERED = re.compile(r"^\W*(\d+|[IVXLCDM]+(?=\s*(?:[.:)\-–—]|$)))(?!\w)", re.I)


def title_of(markdown: str) -> str | None:
    """The first level-1 heading's text of a section's Markdown, outside fenced code (where
    `#[derive(Debug)]` and `# a comment` are code, not headings)."""
    text = "\n".join(outside_fences(markdown))
    found = [m for m in (_HEADING.search(text), _SETEXT.search(text)) if m]
    return min(found, key=lambda m: m.start()).group(1) if found else None


def numbered_titles(book: Book) -> bool:
    """Whether any chapter's title carries a number (or the word "Chapter") already."""
    word = book.metadata.labels["chapter"].replace("{}", "").strip().lower()
    for s in book.sections:
        title = title_of(s.text) if s.kind == "chapter" else None
        if title and (_NUMBERED.match(title) or (word and title.lower().startswith(word))):
            return True
    return False


def chapter_numbers(book: Book) -> dict[str, int]:
    """Section name → its chapter number, for the chapters that open with a heading."""
    if book.style.chapter_heading == "none" or numbered_titles(book):
        return {}
    chapters = [s for s in book.sections if s.kind == "chapter" and title_of(s.text)]
    return {s.name: n for n, s in enumerate(chapters, 1)}


def label(book: Book, number: int) -> str:
    """What stands over the title of chapter `number` in this book's design."""
    form = book.style.chapter_heading
    language = book.metadata.language.split("-")[0].lower()
    if form in ("word", "chapter-word") and language in WORD_LANGUAGES:
        shown = _in_words(number, language, alone=form == "word")
    else:
        shown = str(number)
    if form.startswith("chapter-"):
        return book.metadata.labels["chapter"].format(shown)
    return shown


def _in_words(number: int, language: str, alone: bool) -> str:
    from num2words import num2words

    text = num2words(number, lang="no" if language == "nb" else language)
    # English sets the words as a title ("Chapter Twenty-One"); elsewhere a word after the
    # label keeps its case ("Kapitel drei", "Chapitre un") and one alone opens with a capital.
    if language == "en":
        return text.title()
    return text[:1].upper() + text[1:] if alone else text


def labels(book: Book) -> dict[str, str]:
    """Section name → the label over its title."""
    return {name: label(book, n) for name, n in chapter_numbers(book).items()}
