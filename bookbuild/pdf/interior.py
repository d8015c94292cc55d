"""The print interior: sections and pictures into a Typst work folder, typeset, finished.

The gutter depends on the page count and the page count on the gutter, so the book is set
again whenever the pages it came to call for a different inside margin (monotone: it settles
in one or two more passes).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

import pikepdf
import typst

from bookbuild.convert.html import line_of
from bookbuild.errors import BookError, Problem, Problems
from bookbuild.metadata import FILE as METADATA_FILE
from bookbuild.model import Book
from bookbuild.pdf import fonts, layout, pictures, settings, source
from bookbuild.pdf.settings import PrintSettings

TEMPLATES = resources.files("bookbuild.pdf").joinpath("templates")
WORDS_PER_PAGE = 400  # 5.5×8.5 in at 11 pt sets about this many: a first guess for the gutter
FRONT_PAGES = 8
MAX_PASSES = 4
PAGE_RANGE = (24, 828)  # what KDP and IngramSpark bind as paperbacks

Progress = Callable[[str], None]


@dataclass
class Interior:
    pdf: bytes
    pages: int
    settings: PrintSettings
    warnings: list[str] = field(default_factory=list)


def print_settings(book: Book) -> PrintSettings:
    lines = None
    yaml_path = book.root / METADATA_FILE
    if "print" in book.config and yaml_path.is_file():
        lines = yaml_path.read_text("utf-8", errors="replace").splitlines()
    return settings.parse(book.config, lines)


def typeset(book: Book, progress: Progress) -> Interior:
    s = print_settings(book)
    progress("converting sections to Typst")
    parts = source.convert(book)
    problems = Problems()
    source.check_images(parts, problems)
    source.link_labels(parts, problems)
    problems.raise_if_any()
    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bookbuild-pdf-") as tmp:
        work = Path(tmp)
        pics = _pictures(book, parts, work, problems)
        problems.raise_if_any()
        missing = _missing_glyphs(book, parts, warnings)
        _write_sources(work, parts)
        standards = _standards(s, pics, warnings)
        pages = _estimate(book)
        for _ in range(MAX_PASSES):
            geometry = layout.Geometry(s, pages)
            table, dpi_warnings = layout.image_table(parts, pics, geometry, s.font_size)
            (work / "config.json").write_text(json.dumps(layout.config(book, geometry, missing)))
            (work / "images.json").write_text(json.dumps(table))
            inside = geometry.margins["inside"] / 72
            progress(f"typesetting with Typst (inside margin {inside:.3f} in "
                     f"for {pages} pages)")
            pdf = _compile(work, book, parts, standards, warnings)
            count = len(pikepdf.open(io.BytesIO(pdf)).pages)
            if settings.gutter(count) == settings.gutter(pages):
                break
            pages = count
        warnings += dpi_warnings
    if not PAGE_RANGE[0] <= count <= PAGE_RANGE[1]:
        warnings.append(f"the interior has {count} pages; KDP and IngramSpark print "
                        f"paperbacks of {PAGE_RANGE[0]}–{PAGE_RANGE[1]} pages")
    return Interior(finish(pdf, s), count, s, warnings)


def _pictures(book: Book, parts: list[source.Part], work: Path,
              problems: Problems) -> dict[str, pictures.Picture]:
    found: dict[str, pictures.Picture] = {}
    for part in parts:
        for use in part.images:
            src = use["src"]
            if src in found:
                continue
            where = (part.section.source, line_of(part.section.text, src))
            pic = pictures.prepare(book.root, src, work, len(found), where, problems)
            if pic:
                found[src] = pic
    return found


def _missing_glyphs(book: Book, parts: list[source.Part], warnings: list[str]) -> str | None:
    """Warn about characters no font covers; the template marks them visibly."""
    missing: dict[str, None] = {}
    meta = book.metadata
    front = " ".join(x for x in (meta.title, meta.subtitle, meta.author_line, meta.publisher,
                                 meta.rights, meta.series) if x)
    for where, text in [(METADATA_FILE, front)] + [(p.section.source, p.section.text)
                                                    for p in parts]:
        for ch in fonts.uncovered(text):
            line = line_of(text, ch) if where != METADATA_FILE else None
            at = f"{where}:{line}" if line else where
            warnings.append(f"{at}: no font has the character {fonts.describe(ch)}; "
                            f"it prints as a marked code point")
            missing[ch] = None
    if not missing:
        return None
    return "[" + "".join(re.escape(ch) for ch in missing) + "]"


def _standards(s: PrintSettings, pics: dict[str, pictures.Picture],
               warnings: list[str]) -> list[str]:
    """Tagged PDF/UA-1 always; PDF/A-2b too unless a CMYK picture has no colour profile."""
    if not s.pdf_a:
        return ["ua-1"]
    bare = [p.src for p in pics.values() if p.cmyk_without_profile]
    if bare:
        warnings.append(f"PDF/A-2b is off: CMYK image {', '.join(bare)} has no ICC colour "
                        f"profile (embed one, or set print: pdf_a: false to silence this)")
        return ["ua-1"]
    return ["a-2b", "ua-1"]


def _estimate(book: Book) -> int:
    words = sum(len(s.text.split()) for s in book.sections)
    return FRONT_PAGES + 2 * len(book.sections) + words // WORDS_PER_PAGE


def _write_sources(work: Path, parts: list[source.Part]) -> None:
    (work / "bookbuild").mkdir()
    for name in ("book.typ",):
        (work / "bookbuild" / name).write_bytes(TEMPLATES.joinpath(name).read_bytes())
    (work / "sections").mkdir()
    for part in parts:
        (work / section_file(part).lstrip("/")).write_text(
            '#import "/bookbuild/book.typ": *\n' + part.text, "utf-8")
    (work / "main.typ").write_text(main_source(parts), "utf-8")


def section_file(part: source.Part) -> str:
    return f"/sections/{part.index:04d}-{part.section.name}.typ"


def main_source(parts: list[source.Part]) -> str:
    """The book in reading order: display pages, contents, front matter, body, back."""
    ordered = {p.section.name: p for p in parts}
    sections = [ordered[s.name] for s in source.print_order([p.section for p in parts])]
    lines = ['#import "/bookbuild/book.typ": *', "#show: book",
             "#half-title()", "#series-page()", "#title-page()", "#copyright-page()"]
    body_started = False
    contents_done = False
    for part in sections:
        if part.section.role not in source.DISPLAY_ROLES and not contents_done:
            lines.append("#contents()")
            contents_done = True
        if part.section.kind != "front" and not body_started:
            lines.append("#body-matter[")
            body_started = True
        lines.append(_section_call(part))
    if not contents_done:
        lines.append("#contents()")
    if not body_started:
        lines.append("#body-matter[")
    lines.append("]")
    return "\n".join(lines) + "\n"


def _section_call(part: source.Part) -> str:
    title = source.typst_string(part.title or _fallback_title(part))
    role = source.typst_string(part.section.role) if part.section.role else "none"
    opens = "true" if part.opens_with_heading else "false"
    return (f'#section(role: {role}, title: {title}, opens-with-heading: {opens})'
            f'[#include "{section_file(part)}"]')


def _fallback_title(part: source.Part) -> str:
    words = re.sub(r"^[\d\s._-]+", "", Path(part.section.source).stem)
    return re.sub(r"[-_]+", " ", words).strip().capitalize() or part.section.name


def _compile(work: Path, book: Book, parts: list[source.Part], standards: list[str],
             warnings: list[str]) -> bytes:
    try:
        pdf, notes = typst.compile_with_warnings(
            str(work / "main.typ"), root=str(work), font_paths=fonts.font_paths(),
            ignore_system_fonts=True, pdf_standards=standards, timestamp=book.modified)
    except typst.TypstError as e:
        if os.environ.get("BOOKBUILD_DEBUG"):
            keep = Path(tempfile.gettempdir()) / "bookbuild-typst-debug"
            shutil.copytree(work, keep, dirs_exist_ok=True)
            print(f"{e.diagnostic}\n(the Typst sources are in {keep})", file=sys.stderr)
        raise BookError(_typst_problems(e, parts)) from None
    for note in notes:
        text = f"Typst: {note.message}"
        if text not in warnings:
            warnings.append(text)
    return pdf


def _typst_problems(error: typst.TypstError, parts: list[source.Part]) -> list[Problem]:
    """A Typst error, told against the section it came from where that is known."""
    trace = getattr(error, "trace", []) or []
    detail = " ".join([getattr(error, "diagnostic", "") or "", *trace])
    where = None
    for part in parts:
        if section_file(part).lstrip("/") in detail:
            where = part.section.source
            break
    message = (getattr(error, "message", None) or str(error)).strip().splitlines()[0]
    hints = "; ".join(getattr(error, "hints", []) or [])
    text = f"the PDF could not be typeset: {message}" + (f" ({hints})" if hints else "")
    return [Problem(text, where)]


def finish(pdf: bytes, s: PrintSettings) -> bytes:
    """TrimBox and BleedBox on every page, as printers' preflight expects."""
    doc = pikepdf.open(io.BytesIO(pdf))
    b = s.bleed_pt
    for number, page in enumerate(doc.pages, start=1):
        w, h = float(page.mediabox[2]), float(page.mediabox[3])
        # The bleed lies outside the trim on the fore-edge: right on rectos, left on versos.
        left = 0.0 if number % 2 else b
        page.trimbox = [left, b, left + s.width, b + s.height]
        page.bleedbox = [0, 0, w, h]
    out = io.BytesIO()
    doc.save(out, deterministic_id=True)
    return out.getvalue()

