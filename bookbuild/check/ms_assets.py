"""Manuscript assets: every image the text uses exists, and every asset is used."""

from __future__ import annotations

import posixpath
import re

from bookbuild.book import overrides
from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.check.ms_text import CODE_SPAN, Manuscript, blank_matches
from bookbuild.check.registry import Hit, rule
from bookbuild.support.paths import UnsafePath, inside

IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?")
HTML_SRC = re.compile(r"<img\b[^>]*?\ssrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
REF_DEF = re.compile(r"^ {0,3}\[[^\]^][^\]]*\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
REMOTE = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
NOT_ASSETS = re.compile(r"(^|/)(\.[^/]*|README[^/]*|LICEN[CS]E[^/]*|[^/]*\.(md|txt))$",
                        re.IGNORECASE)


def _normal(src: str) -> str:
    return posixpath.normpath(src.replace("\\", "/")).lstrip("/")


def references(ms: Manuscript):
    """(source file, line, path as written) for every image the manuscript uses."""
    for f in ms.files:
        for b in f.blocks:
            if b.kind == "code":
                continue
            text = blank_matches(CODE_SPAN, b.text)  # `![image](spider.jpg)` is an example
            for pattern in (IMAGE, HTML_SRC):
                for m in pattern.finditer(text):
                    yield f.source, b.line_at(m.start(1)), m.group(1)
            if b.kind == "refdef":
                for m in REF_DEF.finditer(b.text):
                    if re.search(r"\.(jpe?g|png|gif|webp|svg|tiff?|bmp)$", m.group(1), re.I):
                        yield f.source, b.line_at(m.start(1)), m.group(1)


@rule("MS-ASSET-001", "error", "put the file under assets/, or correct the path", "manuscript")
def missing_assets(ms: Manuscript):
    """Every image the manuscript (or book.yaml's cover) names exists under assets/."""
    refs = list(references(ms))
    cover = ms.book.metadata.cover
    if cover:
        refs.append((METADATA_FILE, _yaml_line(ms, "cover"), cover))
    for source, line, src in refs:
        if REMOTE.match(src):
            continue  # the converter refuses remote images
        try:
            path = inside(ms.book.root, src, "assets")
        except UnsafePath as e:
            yield Hit(f"image {e}", source, line)
            continue
        if not path.is_file():
            yield Hit(f"image {src} not found (looked for assets/{_normal(src)})", source, line)


@rule("MS-ASSET-002", "warning", "use the file, or delete it from assets/", "manuscript")
def unused_assets(ms: Manuscript):
    """Every file under assets/ is used by the manuscript, book.yaml or the author's own
    stylesheet and print hook (assets/styles/)."""
    used = {_normal(src) for _s, _l, src in references(ms)} | overrides.used(ms.book)
    if ms.book.metadata.cover:
        used.add(_normal(ms.book.metadata.cover))
    for name in sorted(ms.book.assets):
        if name not in used and not NOT_ASSETS.search(name):
            yield Hit(f"assets/{name} is never used", f"assets/{name}")


def _yaml_line(ms: Manuscript, key: str) -> int | None:
    return ms.book.line(key)
