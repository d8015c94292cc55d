"""Property: any book made of the Markdown we support, with any names and any Unicode, either
builds an EPUB that passes our own rules, or fails with a clean BookError (one line per problem,
nothing written). A few tame books also pass EPUBCheck with zero messages.

The runs are bounded (about 25 books, fixed seeds) so the suite stays fast and repeatable.
"""

from __future__ import annotations

import posixpath
import shutil
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from bookbuild import pipeline
from bookbuild.book.reader import read_book
from bookbuild.check import gate  # the preflight rules the build itself runs
from bookbuild.support.errors import BookError
from tests.conftest import EVERYTHING

IMAGES = {"images/alpha.png", "images/diagram.svg", "images/icon.png"}
XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
XHTML_NS = "http://www.w3.org/1999/xhtml"
LANGUAGES = ["en", "en-GB", "ru", "ar", "zh-Hans", "ja", "el", "de", "fr-CA", "he"]

# ---- strategies ----------------------------------------------------------------------------

# The printable characters of every script (letters, marks, digits, punctuation, symbols,
# spaces); for the wild books everything else as well except C0 controls: bidi overrides,
# zero-width joiners, private use, unassigned code points, line separators, C1 controls. A C0
# control (which a book refuses) is planted in one wild book in four.
PRINTABLE = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs"))
C0 = "".join(map(chr, range(0x20))) + "\x7f"
ANY_CHAR = st.characters(codec="utf-8", exclude_categories=("Cs",),
                         exclude_characters=C0)
TAME = st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789 éüßçñ ёжщ αβγ 漢字かな"))
IDS = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)


def words(chars) -> st.SearchStrategy[str]:
    return st.text(chars, min_size=1, max_size=14).map(lambda t: " ".join(t.split()) or "x")


@st.composite
def inline(draw, chars) -> str:
    text = draw(words(chars))
    wrap = draw(st.sampled_from(["{}", "*{}*", "**{}**", "`{}`", "~{}~", "^{}^", "[{}]{{lang=ru}}",
                                 "“{}”", "{}[^n]", "$x^{{2}}$ {}"]))
    return wrap.format(text.replace("`", "'"))


@st.composite
def block(draw, chars, ids: list[str]) -> str:
    kind = draw(st.sampled_from(["para", "para", "list", "olist", "quote", "table", "poem",
                                 "deflist", "code", "math", "break", "image", "link", "heading"]))
    line = lambda: " ".join(draw(st.lists(inline(chars), min_size=1, max_size=5)))  # noqa: E731
    if kind == "para":
        return line()
    if kind in ("list", "olist"):
        mark = "-" if kind == "list" else "1."
        return "\n".join(f"{mark} {line()}" for _ in range(draw(st.integers(1, 3))))
    if kind == "quote":
        return "> " + line()
    if kind == "table":
        cell = lambda: draw(words(chars)).replace("|", "/")  # noqa: E731
        rows = draw(st.integers(1, 3))
        return "\n".join([f"| {cell()} | {cell()} |", "|---|---|"]
                         + [f"| {cell()} | {cell()} |" for _ in range(rows)])
    if kind == "poem":
        return "\n".join(f"| {line()}" for _ in range(draw(st.integers(1, 4))))
    if kind == "deflist":
        return f"{draw(words(chars))}\n:   {line()}"
    if kind == "code":
        return "```\n" + draw(words(chars)).replace("`", "'") + "\n```"
    if kind == "math":
        return "$$\\frac{a}{b} + \\sqrt{x}$$"
    if kind == "break":
        return "* * *"
    if kind == "image":
        src = draw(st.sampled_from(sorted(IMAGES)))
        alt = draw(words(chars)).replace('"', "'").replace("\\", "/")
        return f'![{draw(words(chars))}]({src}){{fig-alt="{alt}"}}'
    if kind == "link" and ids:
        return f"See [{draw(words(chars))}](#{draw(st.sampled_from(ids))})."
    return f"## {draw(words(chars))}"


@st.composite
def books(draw, chars=PRINTABLE, names=PRINTABLE, wild: bool = False) -> dict:
    """{"book.yaml": text, "<folder>/<name>.md": text, …}: a manuscript folder's files."""
    ids = draw(st.lists(IDS, max_size=3, unique=True))
    count = draw(st.integers(1, 4))
    files: dict[str, str] = {}
    for i in range(count):
        folder = draw(st.sampled_from(["front", "chapters", "chapters", "back"]))
        stem = draw(st.text(names, min_size=1, max_size=24)).replace("/", "-")
        stem = stem.strip().lstrip(".") or f"s{i}"
        blocks = [f"# {draw(words(chars))}"]
        blocks += draw(st.lists(block(chars, ids), min_size=1, max_size=6))
        if any("[^n]" in b for b in blocks):
            blocks.append(f"[^n]: {draw(words(chars))}")
        files[f"{folder}/{stem[:60]}.md"] = "\n\n".join(blocks) + "\n"
    # Each id is set on one heading, in a section drawn at random: links may cross files.
    for id_ in ids:
        key = draw(st.sampled_from(sorted(files)))
        files[key] += f"\n## {draw(words(chars))} {{#{id_}}}\n\nText.\n"
    if wild and draw(st.integers(0, 3)) == 0:
        key = draw(st.sampled_from(sorted(files)))
        at = draw(st.integers(0, len(files[key])))
        files[key] = files[key][:at] + draw(st.sampled_from(C0.replace("\n", ""))) + files[key][at:]
    files["book.yaml"] = yaml.safe_dump({
        "title": draw(words(chars)),
        "author": draw(words(chars)),
        "language": draw(st.sampled_from(LANGUAGES)),
    }, allow_unicode=True)
    return files


# ---- the property ----------------------------------------------------------------------------

def lay_out(files: dict[str, str], root: Path) -> Path:
    book = root / "book"
    for rel, text in files.items():
        path = book / "manuscript" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    (book / "assets/images").mkdir(parents=True)
    for name in IMAGES:
        shutil.copyfile(EVERYTHING / "assets" / name, book / "assets" / name)
    return book


def build_or_clean_error(files: dict[str, str], root: Path) -> Path | None:
    """The built EPUB, or None after checking that the failure was clean."""
    book, out = lay_out(files, root), root / "out"
    try:
        # Without the gate: our rules run below, so that a finding fails the property.
        run = pipeline.Run(read_book(book), out, gate=False)
        epub = pipeline.make(run, "epub")
    except BookError as e:
        assert e.problems
        for problem in e.problems:
            assert "\n" not in str(problem) and str(problem).strip(), repr(str(problem))
        assert not out.exists(), "a failed build writes nothing"
        return None
    run.gate = True
    run.verdict(gate.epub(epub, run.book), "EPUB")  # raises BookError on an error
    return epub


def check_epub(path: Path) -> None:
    """What any reader relies on: every XHTML parses, ids are unique, every link lands."""
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        opf = etree.fromstring(z.read("EPUB/content.opf"), XML)
        manifest = {posixpath.join("EPUB", unquote(item.get("href")))
                    for item in opf.iter("{*}item")}
        assert manifest <= names, manifest - names
        trees = {n: etree.fromstring(z.read(n), XML) for n in names if n.endswith(".xhtml")}
    ids = {}
    for name, tree in trees.items():
        found = [el.get("id") for el in tree.iter() if el.get("id")]
        assert len(found) == len(set(found)), f"{name}: duplicate ids"
        ids[name] = set(found)
    for name, tree in trees.items():
        for el in tree.iter(f"{{{XHTML_NS}}}a", f"{{{XHTML_NS}}}img"):
            ref = el.get("href") if el.tag.endswith("a") else el.get("src")
            if not ref or urlsplit(ref).scheme:
                continue
            target, _, frag = ref.partition("#")
            file = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(target))) \
                if target else name
            assert file in names, f"{name}: {ref} points at nothing"
            if frag and file in ids:
                assert frag in ids[file], f"{name}: {ref} has no such id"


# No shrinking: each example runs pandoc, and shrinking one failure can take many minutes. The
# failing book is printed whole instead.
PROPERTY = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY
@given(books())
def test_printable_books_build_valid_epubs_or_fail_cleanly(files):
    with tempfile.TemporaryDirectory() as tmp:
        epub = build_or_clean_error(files, Path(tmp))
        if epub is not None:
            check_epub(epub)


@PROPERTY
@given(books(chars=ANY_CHAR, names=ANY_CHAR, wild=True))
def test_any_unicode_at_all_builds_or_fails_cleanly(files):
    with tempfile.TemporaryDirectory() as tmp:
        epub = build_or_clean_error(files, Path(tmp))
        if epub is not None:
            check_epub(epub)


@settings(PROPERTY, max_examples=3)
@given(books(chars=TAME, names=st.sampled_from(list("abcdefghij"))))
def test_a_sample_passes_epubcheck(files):
    from bookbuild.check import epubcheck

    with tempfile.TemporaryDirectory() as tmp:
        epub = build_or_clean_error(files, Path(tmp))
        assert epub is not None, "a tame book must build"
        check_epub(epub)
        findings = epubcheck.run(epub)
        assert findings == [], "\n".join(map(str, findings))
