"""The index model: marks read, entries gathered, sorted by the book's language, pages merged."""

from __future__ import annotations

import pytest

from bookbuild.book import collation, index


def read(attrs: dict, words: str = "", line: int = 7):
    return index.read_mark(attrs, words, "c1", "manuscript/chapters/c1.md", line)


def test_words_are_the_term_and_the_id_its_place():
    mark, said = read({"id": "ix-1"}, "steam  engines")
    assert said == [] and mark.path == ("steam engines",)
    assert mark.occurrence == index.Occurrence("c1", "ix-1", "manuscript/chapters/c1.md", 7)


def test_bang_separates_sub_entries_and_see_places_nothing():
    mark, _ = read({"id": "ix-2", "index": "Steam engines!boilers!tubes"}, "tubes")
    assert mark.path == ("Steam engines", "boilers", "tubes")
    see, _ = read({"index": "Locomotives", "see": "Steam engines; Rail!engines"})
    assert see.occurrence is None and see.see == (("Steam engines",), ("Rail", "engines"))


@pytest.mark.parametrize("attrs, words", [({"index": "a!!b"}, "x"), ({"index": "a!b!c!d"}, ""),
                                          ({}, "  "), ({"index": "a", "see": " "}, "")])
def test_a_mark_that_cannot_be_read_is_a_warning_at_its_line(attrs, words):
    mark, said = read(attrs, words, line=12)
    assert mark is None
    assert [(d.code, d.file, d.line) for d in said] == [
        (index.MALFORMED, "manuscript/chapters/c1.md", 12)]


def marks(*specs):
    out = []
    for n, (term, extra) in enumerate(specs, 1):
        mark, said = read({"id": f"ix-{n}", "index": term, **extra}, line=n)
        assert not said
        out.append(mark)
    return out


def test_a_see_to_a_term_never_indexed_is_a_warning_at_file_and_line():
    built = index.build(marks(("Boilers", {}), ("Engines", {"see": "Boilers"}),
                              ("Trains", {"see-also": "Rails"})), "en")
    assert [(w.code, w.line) for w in built.warnings] == [(index.UNKNOWN_TARGET, 3)]
    assert "Rails" in built.warnings[0].message


def test_entries_gather_their_places_and_sub_entries_sorted():
    built = index.build(marks(("Steam!valves", {}), ("Steam", {}), ("Steam!boilers", {}),
                              ("Steam", {})), "en")
    [group] = built.groups
    [steam] = group.members
    assert [o.anchor for o in steam.occurrences] == ["ix-2", "ix-4"]
    assert [s.term for s in steam.subentries] == ["boilers", "valves"]


def test_a_capital_that_opens_a_sentence_is_the_same_entry_and_a_see_finds_it():
    built = index.build(marks(("Sharpening", {}), ("sharpening", {}), ("Oak!Heartwood", {}),
                              ("oak!heartwood", {}), ("Honing", {"see": "Sharpening"})), "en")
    entries = {e.term: e for g in built.groups for e in g.members}
    assert sorted(entries) == ["Honing", "oak", "sharpening"]
    assert [o.anchor for o in entries["sharpening"].occurrences] == ["ix-1", "ix-2"]
    assert [s.term for s in entries["oak"].subentries] == ["heartwood"]
    assert not built.warnings  # "Sharpening" is found as the entry "sharpening"


def terms(words, language):
    return [(g.letter, [w for w in g.members]) for g in collation.grouped(words, language)]


def test_english_groups_accents_with_their_letter_and_numbers_first():
    got = terms(["zebra", "éclair", "Apple", "1984", "eagle"], "en")
    assert got[0] == ("…", ["1984"])
    assert ("E", ["eagle", "éclair"]) in got and got[-1] == ("Z", ["zebra"])


def test_german_files_a_umlaut_with_a():
    assert terms(["Zebra", "Äpfel", "Apfel", "Bär"], "de")[0] == ("A", ["Apfel", "Äpfel"])


def test_swedish_puts_a_ring_a_umlaut_o_umlaut_after_z():
    got = terms(["öl", "zebra", "åska", "äpple", "apa"], "sv")
    assert [letter for letter, _ in got] == ["A", "Z", "Å", "Ä", "Ö"]


def test_russian_sorts_yo_with_ye():
    got = terms(["жук", "ёж", "еда", "Apple"], "ru")
    assert ("Е", ["еда", "ёж"]) in got
    assert [letter for letter, _ in got].index("Е") < [letter for letter, _ in got].index("Ж")


def test_index_sort_sorts_a_term_as_another_spelling():
    built = index.build(marks(("McAdam", {"index-sort": "MacAdam"}), ("Mallet", {})), "en")
    assert [e.term for e in built.groups[0].members] == ["McAdam", "Mallet"]


def occurrences(n):
    return [index.Occurrence("c1", f"ix-{i}", "a.md", i) for i in range(1, n + 1)]


def test_runs_of_pages_merge_roman_first_each_page_once():
    places = occurrences(7)
    pages = {("c1", f"ix-{i}"): p for i, p in enumerate(["14", "12", "13", "13", "iv", "v", "20"], 1)}
    got = index.locators(places, pages)
    shown = [loc.first[0] + (f"–{loc.last[0]}" if loc.last else "") for loc in got]
    assert shown == ["iv–v", "12–14", "20"]
    assert got[1].first[1].anchor == "ix-2"  # 12 links to where page 12 is marked


def test_a_place_on_no_page_is_said():
    built = index.build(marks(("Steam", {}), ("Steam", {})), "en")
    said = index.unplaced(built, {("c1", "ix-1"): "3"})
    assert [(d.code, d.line) for d in said] == [(index.UNPLACED, 2)]


@pytest.mark.parametrize("label, value", [("iv", (0, 4)), ("xiv", (0, 14)), ("42", (1, 42)),
                                          ("A-1", None)])
def test_page_values(label, value):
    assert index.page_value(label) == value
