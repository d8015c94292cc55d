from pathlib import Path

import pytest

from bookbuild.book.config import (
    derived_identifier,
    isbn_ok,
    language_problem,
    load_yaml,
    parse_metadata,
)
from bookbuild.book.model import Contributor
from bookbuild.support.errors import Problems


def parse(tmp_path: Path, text: str):
    path = tmp_path / "book.yaml"
    path.write_text(text, "utf-8")
    problems = Problems()
    data = load_yaml(path, problems)
    meta = parse_metadata(data, problems) if data else None
    return meta, [str(p) for p in problems.items]


def test_minimal_book(tmp_path):
    meta, problems = parse(tmp_path, "title: A Book\nauthor: Ann Author\nlanguage: en\n")
    assert problems == []
    assert meta.title == "A Book"
    assert meta.contributors == [Contributor("Ann Author", "author")]
    assert meta.slug == "a-book"


@pytest.mark.parametrize("missing", ["title", "author", "language"])
def test_required_keys(tmp_path, missing):
    lines = {"title": "title: T", "author": "author: A", "language": "language: en"}
    del lines[missing]
    meta, problems = parse(tmp_path, "\n".join(lines.values()) + "\n")
    assert meta is None
    assert any(f"'{missing}' is required" in p for p in problems)
    assert all(p.startswith("manuscript/book.yaml") for p in problems)


def test_invalid_yaml_names_line_and_column(tmp_path):
    _meta, problems = parse(tmp_path, "title: T\nauthor: [unclosed\nlanguage: en\n")
    assert len(problems) == 1
    assert problems[0].startswith("manuscript/book.yaml:")
    assert "invalid YAML" in problems[0]
    assert problems[0].split(":")[1].isdigit()


@pytest.mark.parametrize("tag", ["en", "en-GB", "zh-Hans", "sr-Latn-RS", "grc", "de-CH-1901"])
def test_good_language_tags(tag):
    assert language_problem(tag) is None


@pytest.mark.parametrize("tag", ["english", "e", "en_GB", "xx", "en--GB", "12"])
def test_bad_language_tags(tag):
    assert language_problem(tag)


def test_bad_language_reported_at_its_line(tmp_path):
    _meta, problems = parse(tmp_path, "title: T\nauthor: A\nlanguage: English\n")
    assert problems and problems[0].startswith("manuscript/book.yaml:3:")


def test_isbn_checksums():
    assert isbn_ok("9783161484100")
    assert not isbn_ok("9783161484101")
    assert isbn_ok("0306406152")
    assert not isbn_ok("0306406153")


def test_isbn_identifier_normalised(tmp_path):
    meta, _ = parse(tmp_path, "title: T\nauthor: A\nlanguage: en\nidentifier: 978-3-16-148410-0\n")
    assert meta.identifier == "urn:isbn:9783161484100"
    assert meta.isbn == "9783161484100"
    assert not meta.identifier_generated


def test_bad_isbn_is_an_error(tmp_path):
    meta, problems = parse(tmp_path, "title: T\nauthor: A\nlanguage: en\nidentifier: 978-3-16-148410-9\n")
    assert meta is None and "not a valid ISBN" in problems[0]


def test_derived_identifier_is_deterministic(tmp_path):
    meta, _ = parse(tmp_path, "title: T\nauthor: A\nlanguage: en\n")
    again, _ = parse(tmp_path, "title: T\nauthor: A\nlanguage: en\n")
    other, _ = parse(tmp_path, "title: U\nauthor: A\nlanguage: en\n")
    assert meta.identifier_generated
    assert meta.identifier.startswith("urn:uuid:")
    assert meta.identifier == again.identifier == derived_identifier("T", [Contributor("A")])
    assert other.identifier != meta.identifier


def test_contributors_with_roles(tmp_path):
    meta, problems = parse(tmp_path, (
        "title: T\nlanguage: en\nauthor:\n  - name: Ann\n  - {name: Tom, role: translator}\n"
        "  - {name: Eve, role: editor}\n"))
    assert problems == []
    assert [(c.name, c.marc) for c in meta.contributors] == [("Ann", "aut"), ("Tom", "trl"),
                                                           ("Eve", "edt")]
    assert meta.author_line == "Ann"


def test_unknown_role_and_unknown_key(tmp_path):
    _meta, problems = parse(tmp_path, (
        "title: T\nlanguage: en\nauthor:\n  - {name: Ann, role: ghost}\ntitel: typo\n"))
    assert any("role 'ghost'" in p for p in problems)
    assert any("unknown key 'titel'" in p and p.startswith("manuscript/book.yaml:5:") for p in problems)


def test_yaml_dates_become_text(tmp_path):
    meta, problems = parse(tmp_path, "title: T\nauthor: A\nlanguage: en\ndate: 2024-05-01\n")
    assert problems == [] and meta.date == "2024-05-01"


# YAML's own quotes (around a value that starts with one) are not part of the text.
QUOTED = ("title: The Keeper's \"Lamp\"\nsubtitle: '\"Night\" and ''Day'''\n"
          "author: Ann O'Hara\nlanguage: {lang}\nseries: The 'Tides'\npublisher: O'Neil & Sons\n"
          "rights: '\"Free\" to share'\ndescription: Ann's \"lamp\" story.\n")


def test_book_yaml_text_gets_english_curly_quotes(tmp_path):
    meta, problems = parse(tmp_path, QUOTED.format(lang="en"))
    assert problems == []
    assert meta.title == "The Keeper’s “Lamp”"
    assert meta.subtitle == "“Night” and ‘Day’"
    assert meta.contributors == [Contributor("Ann O’Hara")]
    assert meta.series == "The ‘Tides’"
    assert meta.publisher == "O’Neil & Sons"
    assert meta.rights == "“Free” to share"
    assert meta.description == "Ann’s “lamp” story."


def test_german_quotes_open_low_and_the_apostrophe_stays(tmp_path):
    meta, _ = parse(tmp_path, QUOTED.format(lang="de"))
    assert meta.title == "The Keeper’s „Lamp“"
    assert meta.subtitle == "„Night“ and ‚Day‘"


def test_french_guillemets_take_no_break_spaces_swiss_french_none(tmp_path):
    meta, _ = parse(tmp_path, QUOTED.format(lang="fr"))
    assert meta.title == "The Keeper’s «\u00a0Lamp\u00a0»"
    swiss, _ = parse(tmp_path, QUOTED.format(lang="fr-CH"))
    assert swiss.title == "The Keeper’s «Lamp»"


def test_slug_and_identifier_come_from_the_text_as_typed(tmp_path):
    meta, _ = parse(tmp_path, QUOTED.format(lang="en"))
    assert meta.slug == "the-keepers-lamp"
    typed = derived_identifier("The Keeper's \"Lamp\"", [Contributor("Ann O'Hara")])
    assert meta.identifier == typed
    assert meta.identifier != derived_identifier(meta.title, meta.contributors)
    assert meta.typed["title"] == "The Keeper's \"Lamp\""


def test_the_sample_keeps_its_slug_and_identifier():
    from bookbuild.book.reader import read_book

    meta = read_book(Path(__file__).resolve().parents[2]).metadata
    # The values the sample had before book.yaml text was typeset.
    assert meta.slug == "when-lenin-proclaimed-soviet-power"
    assert meta.identifier == "urn:uuid:5c927bd3-168f-5c1b-8f6a-13df20c73773"


def test_source_is_a_link_only_when_it_is_a_web_address(tmp_path):
    base = "title: T\nauthor: A\nlanguage: en\nsource: "
    cited, _ = parse(tmp_path, base + "\"Project Gutenberg's EBook #12345\"\n")
    assert cited.source == "Project Gutenberg’s EBook #12345" and cited.source_url is None
    url, _ = parse(tmp_path, base + "https://example.org/it's-here\n")
    assert url.source == url.source_url == "https://example.org/it's-here"  # never curled
