"""The words bookbuild adds to a book, in the book's language; `labels:` in book.yaml."""

from __future__ import annotations

import zipfile

import pytest

from bookbuild.book import labels
from bookbuild.book.model import Contributor, Metadata
from bookbuild.pipeline import build
from tests.book.test_config import parse
from tests.conftest import SAMPLE, copy_book, optional

pymupdf = optional("pymupdf")

TABLE = labels.table()


@pytest.mark.parametrize("lang", sorted(TABLE))
def test_every_language_has_every_label_and_the_right_fields(lang):
    words = labels.built_in(lang)
    assert set(words) == set(TABLE["en"]), f"{lang} lacks {set(TABLE['en']) - set(words)}"
    for name, value in words.items():
        assert labels.problem(name, value) is None, (lang, name, value)


def test_a_region_changes_only_what_differs():
    assert labels.built_in("pt-BR")["contents"] == "Sumário"
    assert labels.built_in("pt-PT")["contents"] == "Índice"
    assert labels.built_in("pt-br")["cover"] == labels.built_in("pt")["cover"] == "Capa"
    assert labels.built_in("pt-Latn-BR")["contents"] == "Sumário"
    assert labels.built_in("no")["contents"] == labels.built_in("nb")["contents"]
    assert labels.built_in("zh")["contents"] == "目录"
    assert labels.built_in("zh-TW")["contents"] == labels.built_in("zh-Hant")["contents"] == "目錄"
    assert labels.built_in("zh-Hant")["and"] == labels.built_in("zh")["and"]
    assert labels.built_in("hu") == {}


def test_a_russian_book_gets_russian_words(tmp_path):
    meta, problems = parse(tmp_path, (
        "title: T\nlanguage: ru\nauthor:\n  - Анна\n  - Борис\n  - Вера\n"
        "  - {name: Глеб, role: translator}\n"))
    assert problems == [] and meta.untranslated == []
    assert meta.labels["contents"] == "Содержание"
    assert meta.author_line == "Анна, Борис и Вера"
    assert meta.credit(meta.contributors[3]) == "Перевод: Глеб"


def test_labels_in_book_yaml_win_and_fill_a_language_we_lack(tmp_path):
    meta, problems = parse(tmp_path, (
        "title: T\nauthor: A\nlanguage: hu\nlabels:\n  contents: Tartalom\n"
        "  translator: 'Fordította: {}'\n"))
    assert problems == []
    assert meta.labels["contents"] == "Tartalom" and meta.labels["cover"] == "Cover"
    assert "contents" not in meta.untranslated and "cover" in meta.untranslated
    meta, _ = parse(tmp_path, "title: T\nauthor: A\nlanguage: en\nlabels: {contents: Index}\n")
    assert meta.labels["contents"] == "Index" and meta.untranslated == []


@pytest.mark.parametrize("entry, line, message", [
    ("  bogus: x", 5, "unknown label 'bogus'"),
    ("  by: written", 5, "by 'written' must contain {}"),
    ("  cover_alt: '{title} {who}'", 5, "must contain {author}, {title}"),
    ("  contents: ''", 5, "contents must be text"),
    ("  by: 'von {'", 5, "labels: by: "),
    ("  and: '{} & {} & {}'", 5, "must contain {}, {}"),
    ("  translator: 'Translated by {:d}'", 5, "write the fields bare"),
    ("  cover_alt: '{title!r} {author}'", 5, "write the fields bare"),
    ("  and: '{0} und {1}'", 5, "must contain {}, {}"),
])
def test_bad_labels_are_named_at_their_line(tmp_path, entry, line, message):
    meta, problems = parse(tmp_path, f"title: T\nauthor: A\nlanguage: de\nlabels:\n{entry}\n")
    assert meta is None
    assert any(p.startswith(f"manuscript/book.yaml:{line}:") and message in p
               for p in problems), problems


@pytest.mark.parametrize("value", ["Inhalt", "[]", "''"])
def test_labels_must_be_a_mapping(tmp_path, value):
    _meta, problems = parse(tmp_path, f"title: T\nauthor: A\nlanguage: de\nlabels: {value}\n")
    assert any(p.startswith("manuscript/book.yaml:4:") and "mapping" in p for p in problems)


def test_plain_labels_keep_their_braces(tmp_path):
    meta, problems = parse(tmp_path, "title: T\nauthor: A\nlanguage: en\n"
                                     "labels: {contents: '{Contents}'}\n")
    assert problems == [] and meta.labels["contents"] == "{Contents}"


def test_a_model_made_in_code_speaks_english():
    meta = Metadata("T", "en", [Contributor("A"), Contributor("B")], "urn:x")
    assert meta.author_line == "A and B" and meta.labels["contents"] == "Contents"


def sample_in(tmp_path, language: str):
    """A copy of the sample book, its language changed to `language`."""
    book = copy_book(SAMPLE, tmp_path / "book")
    yaml_path = book / "manuscript/book.yaml"
    lines = yaml_path.read_text("utf-8").splitlines()
    yaml_path.write_text("\n".join(f"language: {language}" if line.startswith("language:")
                                   else line for line in lines) + "\n", "utf-8")
    return book


def test_a_german_epub_and_pdf_use_german_words(tmp_path):
    book = sample_in(tmp_path, "de")
    said: list[str] = []
    epub, pdf = build(book, tmp_path / "out", ["epub", "pdf"], said.append)
    with zipfile.ZipFile(epub) as z:
        nav = z.read("EPUB/nav.xhtml").decode()
        copyright_page = z.read("EPUB/copyright.xhtml").decode()
        cover = z.read("EPUB/cover.xhtml").decode()
    assert "<h1 id=\"toc-heading\">Inhalt</h1>" in nav and ">Titelseite</a>" in nav
    assert ">Textbeginn</a>" in nav and "Contents" not in nav
    assert "Erstellt mit bookbuild." in copyright_page and "Impressum" in copyright_page
    assert 'alt="Umschlag: When Lenin Proclaimed Soviet Power, von Alexandra Kollontai"' in cover
    assert not [m for m in said if "words" in m]  # German is known: no warning
    with pymupdf.open(pdf) as doc:
        front = "\n".join(doc[i].get_text() for i in range(6))
    assert "Inhalt" in front and "Dezember 2026" in front and "urn:uuid:" not in front
    assert "Gesetzt aus der EB Garamond.\nErstellt mit bookbuild." in front
    assert "Contents" not in front and "Made with" not in front


def test_a_language_without_words_is_warned_about_once(tmp_path):
    book = sample_in(tmp_path, "hu")
    said: list[str] = []
    build(book, tmp_path / "out", ["epub"], said.append)
    warnings = [m for m in said if m.startswith("warning: manuscript/book.yaml") and "'hu'" in m]
    assert len(warnings) == 1 and "labels:" in warnings[0]


def test_the_colophon_names_every_face_the_text_is_set_in(tmp_path):
    from bookbuild.book.reader import read_book
    from bookbuild.pdf.layout import copyright_lines

    book = read_book(SAMPLE)
    book.metadata.language = "ja"
    book.metadata.labels = labels.for_book("ja", {})[0]
    lines = copyright_lines(book)["lines"]
    assert "書体：EB Garamond、Noto Serif JP" in lines and "bookbuildで作成" in lines

