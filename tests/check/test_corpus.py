"""A corpus of deliberately broken EPUBs, made from the good sample: whatever EPUBCheck rejects
for OCF, manifest or link reasons, our fast rules flag too (and some it misses)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from epub_faults import CHAPTER, OPF, rewrite, sub

from bookbuild.book.reader import read_book
from bookbuild.check import epubcheck, registry
from bookbuild.check.epub_file import EpubFile
from bookbuild.check.locate import Locator

ROOT = Path(__file__).resolve().parents[2]
STRAY = (b'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
         b"<head><title>x</title></head><body><p>x</p></body></html>")
CORPUS = {
    "missing-file": dict(drop=("EPUB/images/sovnarkom-room.png",)),
    "undeclared-file": dict(add={"EPUB/stray.xhtml": STRAY}),
    "dangling-fragment": dict(edit={CHAPTER: sub(r"</section>",
                                                 '<p><a href="#nowhere">see</a></p></section>')}),
    "compressed-mimetype": dict(compress_mimetype=True),
    "bad-language": dict(edit={OPF: sub(r"<dc:language>en</dc:language>",
                                        "<dc:language>en_GB</dc:language>")}),
}
# EPUBCheck's message classes for the container (PKG), the package (OPF) and resources and
# links (RSC).
STRUCTURAL = ("EPUBCHECK-PKG-", "EPUBCHECK-OPF-", "EPUBCHECK-RSC-")


@pytest.fixture(scope="module")
def corpus(sample_epub, tmp_path_factory) -> dict[str, tuple[Path, list, list]]:
    folder = tmp_path_factory.mktemp("corpus")
    paths = {name: rewrite(sample_epub, folder / f"{name}.epub", **spec)
             for name, spec in CORPUS.items()}
    with ThreadPoolExecutor(2) as pool:  # EPUBCheck is mostly JVM start-up
        theirs = dict(zip(paths, pool.map(epubcheck.run, paths.values())))
    out = {}
    for name, path in paths.items():
        with EpubFile.open(path) as epub:
            out[name] = (path, theirs[name], registry.run("epub", epub))
    return out


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_what_epubcheck_rejects_we_flag(corpus, name):
    _path, theirs, ours = corpus[name]
    rejected = [f for f in theirs if f.code.startswith(STRUCTURAL)
                and f.severity in ("error", "warning")]
    flagged = [f for f in ours if f.severity in ("error", "warning")]
    if rejected:
        assert flagged, f"EPUBCheck rejects {name} ({rejected[0]}) but our rules pass it"


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_broken_epub_is_flagged_by_our_rules(corpus, name):
    assert any(f.severity in ("error", "warning") for f in corpus[name][2])


def test_epubcheck_rejects_the_structural_faults(corpus):
    """The comparison above means something only if EPUBCheck does reject these."""
    for name in ("missing-file", "dangling-fragment", "bad-language"):
        assert any(f.code.startswith(STRUCTURAL) and f.severity == "error"
                   for f in corpus[name][1]), name


def test_epubcheck_findings_point_at_the_markdown(corpus):
    _path, theirs, _ours = corpus["dangling-fragment"]
    locate = Locator(read_book(ROOT))
    moved = [locate.finding(f) for f in theirs if f.code == "EPUBCHECK-RSC-012"]
    assert moved and moved[0].file == "manuscript/chapters/01-when-lenin-proclaimed-soviet-power.md"
    assert CHAPTER in moved[0].message  # the EPUB place stays in the message


def test_our_findings_point_at_the_markdown(tmp_path):
    """A dangling link written in the Markdown is reported at its Markdown line."""
    book = read_book(ROOT)
    locate = Locator(book)
    chapter = book.sections[1]
    from bookbuild.check.registry import Hit

    file, line, message = locate(Hit("x", f"EPUB/{chapter.file_name}", 40, needle="#fig-smolny"))
    assert file == chapter.source
    assert chapter.text.split("\n")[line - 1].count("fig-smolny")
    assert f"EPUB/{chapter.file_name}:40" in message
