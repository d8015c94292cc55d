"""Property: one acceptance rule. For Markdown made of what real manuscripts hold (nested
lists, heading jumps, raw HTML figures and tags, code spans with backticks, emphasis beside
letters, empty links, reference links across files), the EPUB builds if and only if the PDF
builds, the same problems stop both, and every figure of the EPUB is in the PDF.

Bounded (30 books, derandomized) so that the suite stays fast and repeatable.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

import pikepdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookbuild.pipeline import build
from bookbuild.support.errors import BookError
from tests.pdf.structure import elements
from tests.realworld.test_realworld import _epub_figures

PLAN = Path(__file__).parent / "books/raw-html/assets/images/plan.png"
WORDS = st.sampled_from(["Smolny", "river", "Haus", "der", "tea", "Ilyich", "room", "window"])
TEXT = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)

BLOCKS = st.one_of(
    TEXT,
    TEXT.map(lambda t: f"- {t}\n  - {t}\n    - {t}\n- {t}"),
    st.integers(1, 6).flatmap(lambda n: TEXT.map(lambda t: "#" * n + f" {t}")),
    TEXT.map(lambda t: f"> # {t}\n>\n> ### {t}\n>\n> {t}"),
    TEXT.map(lambda t: f"Code `` ` `` and ``a`b`` then *{t}*.Ein Satz."),
    TEXT.map(lambda t: f"An [{t}]() link and a [{t}][shared] one."),
    TEXT.map(lambda t: f'<figure>\n<img src="images/plan.png" alt="{t}" width="200">\n'
                       f"<figcaption>{t}<br>{t}</figcaption>\n</figure>"),
    TEXT.map(lambda t: f"![{t}](images/plan.png)"),
    TEXT.map(lambda t: f'<p align="center">{t} <sup>1</sup></p>'),
    TEXT.map(lambda t: f"<Listing>\n\n{t}\n\n</Listing>"),
    TEXT.map(lambda t: f"<!-- {t} -- {t} -->"),
    TEXT.map(lambda t: f"```python\ndef f():\n    return '{t}'\n```"),
)
SECTION = st.lists(BLOCKS, min_size=1, max_size=6).map("\n\n".join)


def _book(root: Path, sections: list[str]) -> Path:
    (root / "manuscript/chapters").mkdir(parents=True)
    (root / "assets/images").mkdir(parents=True)
    shutil.copy(PLAN, root / "assets/images/plan.png")
    (root / "manuscript/book.yaml").write_text(
        "title: Generated\nauthor: Nobody\nlanguage: en\n"
        "identifier: urn:uuid:3f0c5a8e-2b1d-4e6f-8a9b-0c1d2e3f4a5b\n", "utf-8")
    for n, text in enumerate(sections, start=1):
        (root / f"manuscript/chapters/{n:02}-part.md").write_text(text + "\n", "utf-8")
    last = root / f"manuscript/chapters/{len(sections):02}-part.md"
    last.write_text(last.read_text("utf-8") + "\n[shared]: https://example.org/\n", "utf-8")
    return root


def _outcome(book: Path, out: Path, fmt: str):
    try:
        (path,) = build(book, out, [fmt])
        return path
    except BookError as e:
        return sorted(str(p) for p in e.problems)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SECTION, min_size=1, max_size=3))
def test_epub_builds_if_and_only_if_the_pdf_does(sections):
    with tempfile.TemporaryDirectory() as tmp:
        book = _book(Path(tmp) / "book", sections)
        epub = _outcome(book, Path(tmp) / "out", "epub")
        pdf = _outcome(book, Path(tmp) / "out", "pdf")
        assert isinstance(epub, Path) == isinstance(pdf, Path), (epub, pdf)
        if not isinstance(epub, Path):
            assert epub == pdf  # the same problems, at the same file:line
            return
        with zipfile.ZipFile(epub):
            pass
        with pikepdf.open(pdf) as doc:
            figures = [e for e in elements(doc) if e.get("/S") == "/Figure" and e.get("/Alt")]
        assert len(figures) == _epub_figures(epub)
