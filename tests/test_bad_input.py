"""The corpus of broken books in tests/bad/: each must fail cleanly and cost the author nothing.

For every case: exit code 2, exactly one `error:` line per expected problem naming the file (and
line), no traceback, the previous good output byte-identical, no output folder created when there
was none, and no file outside the book folder opened (Python audit hooks log every open).

Also here: the inputs that must *work* however large they are (a 10 MB paragraph, 5,000
sections).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import resource
import shutil
import string
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.bad import makers

BAD = Path(__file__).parent / "bad"
BASE = BAD / "_base"
AUDITED = BAD / "audited.py"
SLUG = "a-small-good-book"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "case.yaml").is_file())
NOBODY = 65534


def load_case(name: str) -> dict:
    data = yaml.safe_load((BAD / name / "case.yaml").read_text("utf-8"))
    assert data.get("why") and data.get("problems"), f"{name}/case.yaml needs why and problems"
    return data


def run_build(book: Path, out: Path, log: Path, *, as_nobody: bool = False,
              env: dict | None = None) -> subprocess.CompletedProcess:
    """`bookbuild build -q BOOK --out OUT` in a real process, every open() logged to `log`."""
    command = [sys.executable, str(AUDITED), "build", "-q", str(book), "--out", str(out)]
    if as_nobody and os.geteuid() == 0:
        # Root writes through any permission bits; a real author is not root.
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                   *command]
    full_env = dict(os.environ, BOOKBUILD_AUDIT_LOG=str(log), **(env or {}))
    full_env.pop("BOOKBUILD_DEBUG", None)
    return subprocess.run(command, capture_output=True, text=True, env=full_env, timeout=300)


def snapshot(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file and folder under `folder` with a hash of its bytes (or where a link points)."""
    if not folder.exists():
        return {}
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith(skip):
            continue
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def opened_outside(log: Path, tmp: Path, allowed: list[Path]) -> list[str]:
    """Paths under the test's folder, but outside the book and output folders, that were
    opened or listed, symlinks followed. The book's neighbours are what an escape reaches."""
    bad = []
    tmp, log = tmp.resolve(), log.resolve()
    allowed = [a.resolve() for a in allowed]
    lines = log.read_text("utf-8", errors="replace").splitlines() if log.exists() else []
    for line in lines:
        _kind, path = line.split("\t", 1)
        p = Path(os.path.realpath(path))  # where a symlink in the book really leads
        if p == tmp or tmp not in p.parents:
            continue
        if p == log or any(p == a or a in p.parents for a in allowed):
            continue
        bad.append(line)
    return bad


@pytest.fixture(scope="module")
def good_output(tmp_path_factory) -> Path:
    """The base book built once; each case starts from a copy of this previous good output."""
    work = tmp_path_factory.mktemp("good")
    book, out = work / "book", work / "out"
    shutil.copytree(BASE, book, ignore=shutil.ignore_patterns("build"))
    from bookbuild.pipeline import build

    build(book, out, ["epub"])
    assert (out / f"{SLUG}.epub").is_file()
    return out


@pytest.fixture
def workdir(tmp_path, request):
    """tmp_path, or for a case run as `nobody`, a folder that user can reach."""
    if load_case(request.node.callspec.params["name"]).get("user") != "nobody" \
            or os.geteuid() != 0:
        yield tmp_path
        return
    if not shutil.which("setpriv"):
        pytest.skip("running as root and setpriv (util-linux) is missing: cannot drop privileges")
    folder = Path(tempfile.mkdtemp(prefix="bookbuild-bad-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


def lay_out(name: str, work: Path, good_output: Path) -> makers.Case:
    case_dir = BAD / name
    book, out, outside = work / "book", work / "out", work / "outside"
    shutil.copytree(BASE, book, ignore=shutil.ignore_patterns("build"))
    for rel in load_case(name).get("remove", []):
        shutil.rmtree(book / rel)
    for src in case_dir.rglob("*"):
        if src.is_file() and src.name != "case.yaml":
            dest = book / src.relative_to(case_dir)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    shutil.copytree(good_output, out)
    makers.make_outside(outside)
    case = makers.Case(book=book, out=out, outside=outside, tmp=work)
    case.as_nobody = load_case(name).get("user") == "nobody"
    if case.as_nobody:
        for path in [work, *work.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
    maker = load_case(name).get("make")
    if maker:
        getattr(makers, maker)(case)
    return case


def expected_lines(name: str, case: makers.Case) -> list[tuple[str, str]]:
    """(prefix, message) for each problem: `error: file:line: ` and the text that follows."""
    subs = {"{tmp}": str(case.tmp), "{out}": str(case.out), "{outside}": str(case.outside)}
    out = []
    for p in load_case(name)["problems"]:
        where = p.get("file") or ""
        if where and p.get("line"):
            where += f":{p['line']}" + (f":{p['column']}" if p.get("column") else "")
        message = p["message"]
        for key, value in subs.items():
            message = message.replace(key, value)
        out.append((f"error: {where}: " if where else "error: ", message))
    return out


@pytest.mark.parametrize("name", CASES)
def test_bad_book(name, workdir, good_output):
    case = lay_out(name, workdir, good_output)
    before_out = snapshot(case.out)
    before_book = snapshot(case.book, skip=("build",))
    log = workdir / "audit.log"
    log.touch(mode=0o666)
    log.chmod(0o666)
    result = run_build(case.book, case.out, log, as_nobody=case.as_nobody, env=case.env)
    said = result.stdout + result.stderr

    assert "Traceback" not in said, said
    assert result.returncode == 2, said
    lines = result.stderr.splitlines()
    expected = expected_lines(name, case)
    assert len(lines) == len(expected), f"one line per problem; got:\n{result.stderr}"
    for prefix, message in expected:
        hits = [line for line in lines if line.startswith(prefix) and message in line[len(prefix):]]
        assert hits, f"expected {prefix}…{message}…; got:\n{result.stderr}"
    assert result.stdout == ""

    assert snapshot(case.out) == before_out, "the previous good output must stay untouched"
    assert snapshot(case.book, skip=("build",)) == before_book, "the book must not change"
    assert opened_outside(log, workdir, [case.book, case.out]) == []
    assert makers.SECRET not in said

    if case.fresh_check:
        fresh = workdir / "fresh"
        again = run_build(case.book, fresh, log, as_nobody=case.as_nobody, env=case.env)
        assert again.returncode == 2 and again.stderr == result.stderr
        assert not fresh.exists(), "a failed build must not create its output folder"


def test_every_case_folder_has_a_case_file():
    folders = {p.name for p in BAD.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    folders.discard("__pycache__")
    assert folders == set(CASES)
    assert len(CASES) >= 40


def test_makers_named_by_cases_exist():
    for name in CASES:
        maker = load_case(name).get("make")
        assert maker is None or callable(getattr(makers, maker, None)), f"{name}: {maker}"


def test_base_book_is_good(good_output):
    """Each case breaks one thing; the book it starts from must be valid on its own."""
    with zipfile.ZipFile(good_output / f"{SLUG}.epub") as z:
        assert z.testzip() is None
        assert "EPUB/chapter-01-one.xhtml" in z.namelist()


# ---- inputs that must work -----------------------------------------------------------------

def _big_book(tmp: Path, sections: dict[str, str]) -> Path:
    book = tmp / "book"
    shutil.copytree(BASE, book, ignore=shutil.ignore_patterns("build"))
    for rel, text in sections.items():
        (book / rel).write_text(text, "utf-8")
    return book


_MEASURE = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:])
peak = max(resource.getrusage(who).ru_maxrss
           for who in (resource.RUSAGE_CHILDREN, resource.RUSAGE_SELF))
sys.stderr.write(f"\\nPEAK {peak}\\n")
sys.exit(result.returncode)
"""


def _build_measured(book: Path, out: Path) -> tuple[subprocess.CompletedProcess, int]:
    """Build in a child process; return it and the largest resident size (MB) of any process
    it ran (the Python build or a pandoc it started). A wrapper process measures, so what
    earlier tests ran does not count."""
    result = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "bookbuild",
                             "build", "-q", str(book), "--out", str(out)],
                            capture_output=True, text=True, timeout=600)
    stderr, _, peak = result.stderr.rpartition("\nPEAK ")
    result.stderr = stderr
    return result, int(peak) // 1024


def test_ten_megabyte_paragraph_builds(tmp_path):
    # Prose, not a loop of one phrase: words drawn from a vocabulary, with markup and scripts.
    rng = random.Random(10)
    vocabulary = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 9)))
                  for _ in range(4000)]
    vocabulary += ["*quick*", "**lazy**", "Ünïcödé,", "кириллица", "漢字", "—", "“quoted”"]
    text, size = ["Start", "кириллица", "and", "漢字"], 0
    while size < 10_000_000:
        word = rng.choice(vocabulary)
        text.append(word)
        size += len(word.encode()) + 1
    paragraph = " ".join(text)
    book = _big_book(tmp_path, {"manuscript/chapters/03-long.md": "# Long\n\n" + paragraph + "\n"})
    result, peak_mb = _build_measured(book, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert peak_mb < 6000, f"{peak_mb} MB: memory should grow linearly with the text"
    with zipfile.ZipFile(tmp_path / "out" / f"{SLUG}.epub") as z:
        xhtml = z.read("EPUB/chapter-03-long.xhtml").decode()
    assert xhtml.count("<p>") == 1
    assert "Start кириллица and 漢字" in xhtml and len(xhtml.encode()) > 10_000_000


def test_five_thousand_sections_build(tmp_path):
    numbers = range(10, 5010)
    sections = {f"manuscript/chapters/{i:05d}-part.md":
                f"# Part {i}\n\nText of part {i}, see [the start](#one) and "
                f"[the part before]({max(i - 1, 10):05d}-part.md).[^n]\n\n[^n]: Note {i}.\n"
                for i in numbers}
    book = _big_book(tmp_path, sections)
    result, peak_mb = _build_measured(book, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert peak_mb < 4000, f"{peak_mb} MB for 5,000 small sections"
    with zipfile.ZipFile(tmp_path / "out" / f"{SLUG}.epub") as z:
        names = set(z.namelist())
        nav = z.read("EPUB/nav.xhtml").decode()
        last = z.read("EPUB/chapter-05009-part.xhtml").decode()
    assert sum(n.startswith("EPUB/chapter-") for n in names) == 5002
    assert nav.count("chapter-0") >= 5000
    assert 'href="chapter-01-one.xhtml#one"' in last
    assert 'href="chapter-05008-part.xhtml"' in last


def test_a_disk_that_fills_up_mid_write_keeps_the_previous_output(tmp_path, good_output):
    """RLIMIT_FSIZE makes every write past 16 KB fail (EFBIG, as a full disk fails with ENOSPC),
    so the EPUB write breaks half-way through, inside the zip writer."""
    book = tmp_path / "book"
    shutil.copytree(BASE, book, ignore=shutil.ignore_patterns("build"))
    out = tmp_path / "out"
    shutil.copytree(good_output, out)
    (book / "manuscript/chapters/02-two.md").write_text("# Two\n\nChanged.\n", "utf-8")
    before = snapshot(out)

    def small_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (16_384, 16_384))

    result = subprocess.run([sys.executable, "-m", "bookbuild", "build", "-q", str(book),
                             "--out", str(out)], capture_output=True, text=True,
                            preexec_fn=small_disk, env=dict(os.environ, BOOKBUILD_CACHE="0"))
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"error: {out}/{SLUG}.epub: cannot write it (File too large)\n"
    assert snapshot(out) == before


def test_what_looks_odd_but_is_fine_builds(tmp_path):
    """Not everything unusual is bad input: these build, and the EPUB passes EPUBCheck."""
    from bookbuild.check import epubcheck

    book = _big_book(tmp_path, {
        "manuscript/book.yaml": (BASE / "manuscript/book.yaml").read_text()
                                + "allow_scripts: true\n",
        # Scripts where the book opts in, and MathML pasted without its namespace: the package
        # must declare both.
        "manuscript/chapters/03-quiz.md": "# Quiz\n\n<p id=\"q\">Tap <math><mi>x</mi></math>.</p>\n\n"
                                          "<script>document.getElementById('q').textContent = 'Hi';"
                                          "</script>\n",
        # File names in other scripts stay distinct; a link may name a section's Markdown file.
        "manuscript/chapters/04-Глава.md": "# Глава\n\nСм. [пролог](05-Пролог.md#prolog), "
                                           "line<br>break, and ![A square.](<images/my square.png>)"
                                           "{.decorative}\n",
        "manuscript/chapters/05-Пролог.md": "# Пролог {#prolog}\n\nТекст.\n",
    })
    shutil.copyfile(book / "assets/images/square.png", book / "assets/images/my square.png")
    os.symlink("user@host.1234:1", book / "manuscript/chapters/.#01-one.md")  # an editor's lock
    result = subprocess.run([sys.executable, "-m", "bookbuild", "build", "-q", str(book),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    epub = tmp_path / "out" / f"{SLUG}.epub"
    with zipfile.ZipFile(epub) as z:
        opf = z.read("EPUB/content.opf").decode()
        names = [n for n in z.namelist() if n.startswith("EPUB/chapter-0")]
        glava = next(z.read(n).decode() for n in names if n.startswith("EPUB/chapter-04-"))
    quiz = re.search(r'<item [^>]*href="chapter-03-quiz.xhtml"[^>]*>', opf).group()
    assert set(re.search(r'properties="([^"]*)"', quiz).group(1).split()) == {"mathml", "scripted"}
    assert len(names) == 5 and len({n.split("-")[-1] for n in names}) == 5
    prolog = next(n for n in names if n.startswith("EPUB/chapter-05-"))
    assert f'href="{prolog[5:]}#prolog"' in glava
    assert "<br/>" in glava and 'src="images/my-square.png"' in glava
    findings = epubcheck.run(epub)
    assert findings == [], "\n".join(map(str, findings))
