"""How a catalogue's run is told: the line per finished book, the time left, the table."""

from __future__ import annotations

from bookbuild.book.reader import with_defaults
from bookbuild.catalog.report import duration, finished_line, summary, table


def result(book: str, status: str = "built", **more) -> dict:
    return {"book": book, "status": status, "formats": ["epub", "pdf"], "warnings": [],
            "errors": [], "seconds": 1.25, **more}


def test_a_finished_line_says_the_book_and_the_time_left():
    line = finished_line(result("moby", warnings=["w1", "w2"]), 3, 200, elapsed=6.0)
    # 2 s a book so far, 197 books to go: about 7 minutes.
    assert line == "[  3/200] built moby (epub, pdf) in 1.2 s, 2 warnings; about 7 min left"
    assert finished_line(result("last"), 200, 200, 400.0).endswith("in 1.2 s")


def test_a_failed_book_says_its_first_problem_and_how_many_more():
    line = finished_line(result("bad", "failed", errors=["manuscript/book.yaml:3: no", "x"]),
                         1, 2, 1.0)
    assert line == ("[1/2] FAILED bad: manuscript/book.yaml:3: no (and 1 more problem); "
                    "about 1 s left")


def test_durations_read_as_people_say_them():
    assert [duration(s) for s in (0.2, 42, 150, 3 * 3600 + 300)] == [
        "1 s", "42 s", "2 min", "3 h 5 min"]


def test_the_table_lines_up_its_columns():
    lines = table([result("a-long-name", warnings=["w"]), result("b", "failed",
                                                                   errors=["e1", "e2"])])
    rows = lines.splitlines()
    assert rows[0].split() == ["book", "formats", "warnings", "errors", "time"]
    assert rows[2].split()[-1] == "FAILED" and rows[2].split()[-5:-3] == ["0", "2"]
    assert len({row.index("epub") for row in rows[1:]}) == 1  # one column
    assert summary([result("a"), result("b", "failed")], 75) == \
        "2 books, 1 built, 0 up to date, 1 failed in 1 min"


def test_shared_defaults_sit_under_a_books_own_keys():
    own = {"title": "T", "publisher": "Own", "print": {"trim": "6x9"}}
    shared = {"publisher": "Shared", "rights": "R", "print": {"trim": "5x8", "paper": "cream"}}
    assert with_defaults(own, shared) == {"title": "T", "publisher": "Own", "rights": "R",
                                          "print": {"trim": "6x9", "paper": "cream"}}
    assert with_defaults({}, shared) == {}  # an unreadable book.yaml gains nothing
