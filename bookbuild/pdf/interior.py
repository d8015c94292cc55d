"""The print interior: sections and pictures into a Typst work folder, typeset, finished.

The book is set as separate Typst jobs, two or more at a time on a multi-core machine:
one per body section, then the front matter (whose contents page needs the body's page
numbers) beside the folios of the body (a body job cannot know on which page it starts).
merge.py makes one PDF of them, merging each body job as it comes in. Each job's result is
cached by its inputs: an edit sets its own section again, and the front matter and folios
only where page numbers moved. Many small jobs also keep every process small: one job for
the 1,000,000-word benchmark book took 2.5 GB, its 200 jobs take about 200 MB a worker.

The gutter depends on the page count and the page count on the gutter, so the book is set
again whenever the pages it came to call for a different inside margin (monotone: it settles
in one or two more passes).
"""

from __future__ import annotations

import hashlib
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

import pikepdf

from bookbuild.book import index as index_model
from bookbuild.book import numbering
from bookbuild.book.config import FILE as METADATA_FILE
from bookbuild.book.language import right_to_left
from bookbuild.book.model import Book
from bookbuild.convert import index as marked
from bookbuild.convert import pandoc
from bookbuild.convert.html import line_of
from bookbuild.media import ornaments
from bookbuild.media.cover import PRINT_KEYS, glyph_warnings
from bookbuild.pdf import fit, fonts, hook, jobs, layout, merge, pagemap, pictures, settings, source
from bookbuild.pdf import index as print_index
from bookbuild.pdf.settings import PrintSettings
from bookbuild.support import cache
from bookbuild.support.cache import NO_CACHE, Cache
from bookbuild.support.diagnostics import Diagnostic
from bookbuild.support.errors import BookError, Problem, Problems
from bookbuild.support.progress import Progress
from bookbuild.support.words import counted

TEMPLATES = resources.files("bookbuild.pdf").joinpath("templates")
WORDS_PER_PAGE = 400  # 5.5×8.5 in at 11 pt sets about this many: a first guess for the gutter
FRONT_PAGES = 8
MAX_PASSES = 4
# Below this many words a second process costs more than it saves: the jobs run in this one.
PARALLEL_WORDS = 60_000
JOB_TIMESTAMP = 0  # body jobs' own metadata is dropped in the merge: keep their cache keys still
FOLIO_CHUNK = 400  # body pages whose folios are set in one Typst job
BODY_JOBS = 400  # at most: more sections than that share jobs, to bound the merging



@dataclass
class Interior:
    pdf: bytes | None  # None when typeset for the page numbers alone
    pages: int
    settings: PrintSettings
    warnings: list[Diagnostic] = field(default_factory=list)
    peaks_kb: dict[int, int] = field(default_factory=dict)  # Typst worker pid → peak RSS
    compiled: list[str] = field(default_factory=list)  # jobs set by Typst, not from the cache
    overflows: list[fit.Overflow] = field(default_factory=list)  # what still does not fit
    block: pagemap.Block = pagemap.Block(0.0, 0.0)  # the text block's top and bottom margins
    anchors: dict[tuple[str, str], str] = field(default_factory=dict)  # (section, id) → page
    index_start: str | None = None  # the page the index begins on, when the book has one
    # Where each job's pages went in the book (its first page's index, and the job's PDF),
    # and every page's label: the jobs' texts are read, and cached, instead of the book's.
    placed: list[tuple[int, bytes]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    _starts: list[pagemap.PageStart] | None = None

    def page_starts(self, store: Cache = NO_CACHE) -> list[pagemap.PageStart]:
        """Each page's label and the text its text block begins with (read once)."""
        if self._starts is None:
            self._starts = pagemap.from_jobs(self.labels, self.placed, self.block,
                                             self.settings.bleed_pt, store)
        return self._starts


@dataclass
class Plan:
    """Which sections go in the front job and which in each body job, in print order."""

    front: list[source.Part]
    body: list[list[source.Part]]  # consecutive sections, one job each
    jobs: dict[int, str] = field(default_factory=dict)  # id(part) → its job's name

    def __post_init__(self) -> None:
        self.jobs.update((id(p), "front") for p in self.front)
        self.jobs.update((id(p), job_name(g)) for g in self.body for p in g)

    def job_of(self, part: source.Part) -> str:
        return self.jobs[id(part)]

    @property
    def parts(self) -> list[source.Part]:
        return self.front + [p for group in self.body for p in group]


def print_settings(book: Book) -> PrintSettings:
    return settings.parse(book.config, book.positions, book.style.print_size)


def workers(book: Book) -> int:
    """Typst processes for this book: BOOKBUILD_JOBS, else one per core for long books."""
    wanted = os.environ.get("BOOKBUILD_JOBS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    words = sum(len(s.text.split()) for s in book.sections)
    return max(1, os.cpu_count() or 1) if words >= PARALLEL_WORDS else 1


def typeset(book: Book, progress: Progress, store: Cache = NO_CACHE,
            merged: bool = True) -> Interior:
    """The print interior. Without `merged`, its pages are counted, numbered and their texts
    kept, but not made into one PDF (`pdf` is None): what the EPUB's page list needs, without
    the merge, the folios and the save that the PDF costs on top."""
    s = print_settings(book)
    with tempfile.TemporaryDirectory(prefix="bookbuild-pdf-") as tmp, \
            jobs.Runner(Path(tmp), fonts.static_font_paths(), workers(book), store) as runner:
        work = Path(tmp)
        both = source.request(book, store)
        docs = accept(book, store, progress, both)
        progress("converting sections to Typst")
        parts = source.convert(book, store, both.outputs)
        book_index, index_warnings = marked.collect(
            [(p.section, p.index_marks) for p in parts], book.metadata.language)
        back_index = print_index.back_matter(book, parts) if book_index is not None else None
        if back_index is not None:
            parts.append(back_index)
        plan = _plan(parts)
        problems = Problems()
        source.check_images(parts, problems)
        titles = {(d.section.name, h.id): h.text for d in docs for h in d.headings if h.id}
        xref_warnings = source.link_labels(parts, problems, plan.job_of, titles,
                                           book.metadata.labels)
        own = hook.read(book, problems)
        problems.raise_if_any()
        warnings = source.warnings(parts) + xref_warnings + index_warnings
        pics = _pictures(book, parts, work, problems)
        ornament = ornaments.chosen(book, problems)
        problems.raise_if_any()
        missing = _missing_glyphs(book, parts, warnings)
        _write_sources(work, parts, book.style.design, own)
        ornament_file = ornaments.write(ornament, work)
        standards = _standards(s, pics, warnings)
        setter = Setter(work, book, plan, pics, standards, runner)
        setter.referred |= set(print_index.labels_of(parts))
        pages = _estimate(book)
        refs: dict[str, str] = {}  # label → its printed page, as the last pass set it
        for _ in range(MAX_PASSES):
            setter.refs = refs
            (work / "refs.json").write_text(json.dumps(refs, sort_keys=True))
            if back_index is not None:
                print_index.write(work / section_file(back_index).lstrip("/"), back_index,
                                  book_index, book, parts, refs)
            geometry = layout.Geometry(s, pages)
            table, dpi_warnings = layout.image_table(parts, pics, geometry, s.font_size)
            long = fit.long_run([p.section.text for p in parts], geometry.text_width,
                                s.font_size)
            (work / "config.json").write_text(json.dumps(layout.config(
                book, geometry, missing, long, ornament=ornament_file)))
            (work / "images.json").write_text(json.dumps(table))
            inside = geometry.margins["inside"] / 72
            progress(f"typesetting with Typst (inside margin {inside:.3f} in, "
                     f"for an estimated {counted(pages, 'page')})")
            doc, version = setter.run(s.openers, progress, merged)
            count = len(setter.labels)
            landed = {label: setter.anchors[label] for label in setter.referred
                      if label in setter.anchors}
            if settings.gutter(count) == settings.gutter(pages) and landed == refs:
                break
            if landed != refs:
                progress("setting the pages that refer to others again, with their numbers")
            pages, refs = count, landed
        warnings += setter.warnings + dpi_warnings
        if book_index is not None:
            warnings += index_model.unplaced(book_index, print_index.pages_of(parts, refs))
        pdf = finish(doc, s, version, rtl=right_to_left(book.metadata.language)) \
            if merged else None
    block = pagemap.Block(geometry.margins["top"], geometry.margins["bottom"])
    return Interior(pdf, count, s, warnings, dict(runner.peaks), list(runner.compiled),
                    setter.overflows, block, anchors=_by_section(parts, setter.anchors),
                    index_start=setter.anchors.get(print_index.START), placed=setter.placed,
                    labels=setter.labels)


def _by_section(parts: list[source.Part], anchors: dict[str, str]
                ) -> dict[tuple[str, str], str]:
    """Labels ("s3--bearings": a part's prefix and an id) → (section name, id), as the EPUB
    names them."""
    names = {p.prefix: p.section.name for p in parts}
    out = {}
    for label, page in anchors.items():
        head, sep, id_ = label.partition("--")
        if head + sep in names:
            out[(names[head + sep], id_)] = page
    return out


def accept(book: Book, store: Cache, progress: Progress,
           also: pandoc.Also | None = None) -> list:
    """One acceptance rule for both editions: what the EPUB build refuses, print refuses,
    with the same message at the same line. The EPUB's conversion of each section is cached,
    so after `make epub` this costs a lookup per section; a section it does convert is
    written as Typst in the same run (`also`, from source.request), read only once."""
    from bookbuild.convert.render import render

    return render(book, lambda line: progress("checking sections as the EPUB does")
                  if line.startswith("converting") else None, store, also=also)


def _plan(parts: list[source.Part]) -> Plan:
    by_name = {p.section.name: p for p in parts}
    ordered = [by_name[s.name] for s in source.print_order([p.section for p in parts])]
    front = [p for p in ordered if p.section.kind == "front"]
    return Plan(front, _groups([p for p in ordered if p not in front], BODY_JOBS))


def _groups(parts: list[source.Part], count: int) -> list[list[source.Part]]:
    """A job per section (the least memory, and an edit sets only its own section again);
    beyond `count` sections, runs of about the same length of text, so that thousands of
    small sections do not cost thousands of jobs to merge."""
    if len(parts) <= count:
        return [[p] for p in parts]
    total = sum(len(p.text) for p in parts) or 1
    groups: list[list[source.Part]] = []
    done = 0
    for part in parts:
        if not groups or done >= total * len(groups) / count:
            groups.append([])
        groups[-1].append(part)
        done += len(part.text)
    return groups


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


def _missing_glyphs(book: Book, parts: list[source.Part],
                    warnings: list[Diagnostic]) -> str | None:
    """Warn about characters no font covers; the template marks them visibly."""
    warnings += glyph_warnings(book, PRINT_KEYS)
    meta = book.metadata
    front = " ".join(x for x in (meta.title, meta.subtitle, meta.author_line, meta.publisher,
                                 meta.rights, meta.series) if x)
    missing: dict[str, None] = dict.fromkeys(fonts.uncovered(front))
    for part in parts:
        at_line: dict[int | None, list[str]] = {}  # a word in a script with no font: one warning
        for ch in fonts.uncovered(part.section.text):
            at_line.setdefault(line_of(part.section.text, ch), []).append(ch)
            missing[ch] = None
        for line, chars in at_line.items():
            warnings.append(Diagnostic("PDF-GLYPH-001", "warning", _uncovered(chars),
                                       part.section.source, line,
                                       hint="bookbuild has no print font for them yet: say so in "
                                            "an issue"))
    if not missing:
        return None
    return "[" + "".join(re.escape(ch) for ch in missing) + "]"


def _uncovered(chars: list[str]) -> str:
    if len(chars) == 1:
        return (f"no font has the character {fonts.describe(chars[0])}; "
                f"it prints as a marked code point")
    named = ", ".join(fonts.describe(ch) for ch in chars[:4])
    more = f" and {counted(len(chars) - 4, 'other')}" if len(chars) > 4 else ""
    return (f"no font has the characters {named}{more}; they print as marked "
            f"code points")


def _standards(s: PrintSettings, pics: dict[str, pictures.Picture],
               warnings: list[Diagnostic]) -> list[str]:
    """Tagged PDF/UA-1 always; PDF/A-2b too unless a CMYK picture has no colour profile."""
    if not s.pdf_a:
        return ["ua-1"]
    bare = [p.src for p in pics.values() if p.cmyk_without_profile]
    if bare:
        warnings.append(Diagnostic(
            "PDF-PDFA-001", "warning",
            f"PDF/A-2b is off: CMYK image {', '.join(bare)} has no ICC colour profile",
            METADATA_FILE, hint="embed a profile in the image, or set print: pdf_a: false"))
        return ["ua-1"]
    return ["a-2b", "ua-1"]


def _estimate(book: Book) -> int:
    words = sum(len(s.text.split()) for s in book.sections)
    return FRONT_PAGES + 2 * len(book.sections) + words // WORDS_PER_PAGE


def _write_sources(work: Path, parts: list[source.Part], design: str,
                   own: hook.Hook | None = None) -> None:
    (work / "bookbuild").mkdir()
    for name in ("book.typ", "folios.typ", "code.tmTheme"):
        (work / "bookbuild" / name).write_bytes(TEMPLATES.joinpath(name).read_bytes())
    (work / "bookbuild" / "design.typ").write_bytes(
        TEMPLATES.joinpath(f"designs/{design}.typ").read_bytes())
    # The author's hook as written, so that Typst's line in it is the author's line.
    (work / hook.WORK_FILE).parent.mkdir()
    (work / hook.WORK_FILE).write_bytes(own.data if own is not None
                                         else TEMPLATES.joinpath("print.typ").read_bytes())
    (work / "sections").mkdir()
    (work / "jobs").mkdir()
    for part in parts:
        (work / section_file(part).lstrip("/")).write_text(
            '#import "/bookbuild/book.typ": *\n' + part.text, "utf-8")


def section_file(part: source.Part) -> str:
    return f"/sections/{part.index:04d}-{part.section.name}.typ"


def job_name(group: list[source.Part]) -> str:
    """A body job is named after its first section."""
    return f"{group[0].index:04d}-{group[0].section.name}"


# ── The jobs ─────────────────────────────────────────────────────────────────────────────

class Setter:
    """Passes over the book: its jobs written, run (or found in the cache) and merged."""

    def __init__(self, work: Path, book: Book, plan: Plan, pics: dict[str, pictures.Picture],
                 standards: list[str], runner: jobs.Runner):
        self.work, self.book, self.plan, self.runner = work, book, plan, runner
        self.standards = standards
        self.digests = {p.file: hashlib.sha256((work / p.file.lstrip("/")).read_bytes()).digest()
                        for p in pics.values()}
        self.warnings: list[Diagnostic] = []
        self.pass_key: str | None = None  # config.json and images.json change between passes
        self.overflows: list[fit.Overflow] = []
        self.table: dict | None = None
        self.numbers = numbering.chapter_numbers(book)
        self.refs: dict[str, str] = {}  # refs.json of this pass: label → printed page
        self.anchors: dict[str, str] = {}  # where this pass set each target: label → page
        self.referred = {label for p in plan.parts for label in source.page_refs(p.text)}
        self.placed: list[tuple[int, bytes]] = []  # the last run's: see Interior.placed
        self.labels: list[str] = []

    def run(self, openers: str, progress: Progress, merged: bool = True) -> tuple[object, str]:
        """The merged book (a pikepdf.Pdf) and the PDF version it is to be saved as; without
        `merged`, no book (None): the page numbers alone, for the EPUB's page list.

        Body jobs are merged as they come in; every FOLIO_CHUNK pages of them get their
        folios set at once, ahead of the body jobs still waiting, and laid over them.
        """
        self.pass_key = self.table = None
        merger = merge.Merger(self.book.metadata.labels) if merged else merge.Tally()
        folios = Folios(self, merger)
        body = []
        for result in self._body(openers):
            body.append(result)
            # Chapters open on rectos: a blank verso ends a chapter of an odd page count.
            pad = result.facts["pages"] % 2 if openers == "recto" else 0
            merger.add(merge.Piece(result.pdf, result.facts), pad)
            folios.add(result, pad)
        if openers != "recto" and len(folios.labels) % 2:
            merger.pad()  # printers want an even page count
            folios.labels.append(None)
        folios.submit()
        progress(f"setting the front matter; {counted(len(body), 'body job')} set")
        front = self._front(body, folios.starts)
        self.runner.close()  # nothing more to set: the workers stop once these are done
        folios.lay(wait=True)
        result = self._wait(front)
        # The body starts on a recto.
        merger.add_front(merge.Piece(result.pdf, result.facts), result.facts["pages"] % 2)
        self.overflows = self._overflows(result, body, folios.starts)
        targets = self._targets(result, body)
        doc = merger.finish(targets)
        self.anchors = {t.name: merger.label(merger.index(t.piece, t.page)) for t in targets
                        if not t.name.startswith("bb-toc-")}
        self.placed = [(0, result.pdf)] + [(merger.index(n, 1), r.pdf)
                                           for n, r in enumerate(body)]
        self.labels = [merger.label(i) for i in range(merger.pages)]
        return doc, merger.version

    def _overflows(self, front: jobs.Result, body: list[jobs.Result],
                   starts: list[int]) -> list[fit.Overflow]:
        """The template's overflow records, at their Markdown lines and printed pages."""
        out = []
        pieces = [(self.plan.front, front, None)] + list(zip(self.plan.body, body, starts))
        for group, result, start in pieces:
            sources = [(p.section.source, p.section.text) for p in group]
            for record in result.facts.get("overflow") or []:
                page = int(record.get("page", 1))
                label = fit.roman(page) if start is None else str(start + page)
                out.append(fit.locate(record, sources, label))
        return out

    def _body(self, openers: str):
        """Each body job's result, in book order, as soon as it is set."""
        groups = self.plan.body
        if openers == "recto":
            tickets = [self._submit(self._job(g, self._body_source(g, flip=False)))
                       for g in groups]
            for ticket in tickets:
                yield self._wait(ticket)
            return
        # Chapters that open on any page: each job must know on which side it starts.
        pages = 0
        for group in groups:
            result = self._wait(self._submit(self._job(group, self._body_source(
                group, flip=pages % 2 == 1))))
            pages += result.facts["pages"]
            yield result

    def _submit(self, job: jobs.Job, priority: int = 1) -> jobs.Ticket:
        return self.runner.submit(job, self.standards, priority)

    def _wait(self, ticket: jobs.Ticket) -> jobs.Result:
        try:
            result = self.runner.wait(ticket)
        except jobs.JobFailed as e:
            _keep_for_debugging(self.work, e)
            raise BookError(_typst_problems(e.error, self.plan.parts)) from None
        for note in result.warnings:
            said = Diagnostic("PDF-TYPST-001", "warning", f"Typst: {note}")
            if said not in self.warnings:
                self.warnings.append(said)
        return result

    def _common(self) -> str:
        """The part of every job's cache key that this pass shares: page, type, standards,
        and the author's print hook."""
        if self.pass_key is None:
            self.pass_key = cache.key("typst-job", (self.work / "config.json").read_bytes(),
                                      ",".join(self.standards),
                                      (self.work / hook.WORK_FILE).read_bytes())
        return self.pass_key

    def _images(self, parts: list[source.Part]) -> bytes:
        """The placed pictures a job draws, and their files' digests: part of its key."""
        if self.table is None:
            self.table = json.loads((self.work / "images.json").read_text())
        table = self.table
        used = {}
        for part in parts:
            for n in range(len(part.images)):
                entry = table.get(part.key(n))
                if entry:
                    used[part.key(n)] = [entry, self.digests.get(entry["path"], b"").hex()]
        return json.dumps(used, sort_keys=True).encode()

    def _refs(self, parts: list[source.Part]) -> str:
        """The page numbers these sections print for their cross-references: part of their
        jobs' keys, so a job is set again only when a number it shows has moved."""
        used = {label: self.refs.get(label) for p in parts for label in source.page_refs(p.text)}
        return json.dumps(used, sort_keys=True)

    def _job(self, group: list[source.Part], main: str) -> jobs.Job:
        name = job_name(group)
        (self.work / "jobs" / f"{name}.typ").write_text(main, "utf-8")
        # The labels other sections link to are asked of the job: a link added elsewhere to
        # one of its headings needs that heading's place, so it is part of the key too.
        targets = tuple(t for p in group for t in p.targets)
        key = cache.key(self._common(), main, *(p.text for p in group), self._images(group),
                        self._refs(group), str(JOB_TIMESTAMP), "\n".join(targets))
        return jobs.Job(name, key, targets, timestamp=JOB_TIMESTAMP)

    def _section_call(self, part: source.Part) -> str:
        """The section's call, with its chapter number where the design numbers chapters."""
        ordinal = self.numbers.get(part.section.name)
        number = numbering.label(self.book, ordinal) if ordinal is not None else None
        return _section_call(part, number, ordinal)

    def _body_source(self, group: list[source.Part], flip: bool) -> str:
        flag = "true" if flip else "false"
        return "\n".join(['#import "/bookbuild/book.typ": *',
                          f'#show: book.with(folios: false, flip: {flag}, page-numbering: "1")',
                          *(self._section_call(p) for p in group)]) + "\n"

    def _front(self, body: list[jobs.Result], starts: list[int]) -> jobs.Ticket:
        """The front matter, with the contents page that lists the body's page numbers."""
        contents = _contents_source(self.plan.body, body, starts,
                                    int(self.book.config.get("toc_depth", 2)))
        (self.work / "jobs" / "contents.typ").write_text(contents, "utf-8")
        main = _front_source(self.plan.front)
        (self.work / "jobs" / "front.typ").write_text(main, "utf-8")
        texts = [p.text for p in self.plan.front]
        targets = tuple(t for p in self.plan.front for t in p.targets)
        key = cache.key(self._common(), main, contents, *texts, self._images(self.plan.front),
                        self._refs(self.plan.front), str(self.book.modified), "\n".join(targets))
        return self._submit(jobs.Job("front", key, targets, timestamp=self.book.modified), 0)

    def _targets(self, front: jobs.Result, body: list[jobs.Result]) -> list[merge.Target]:
        """Named destinations: labels other jobs link to, and the contents' entries."""
        out = []
        for piece, result in [(-1, front)] + list(enumerate(body)):
            for t in result.facts["targets"]:
                if t is not None:
                    out.append(merge.Target(t["label"], piece, t["page"], t["x"], t["y"],
                                            t["kind"]))
        for i, h in enumerate(front.facts["headings"]):
            out.append(merge.Target(f"bb-toc-f{i}", -1, h["page"], h["x"], h["y"]))
        n = 0
        for piece, result in enumerate(body):
            for h in result.facts["headings"]:
                out.append(merge.Target(f"bb-toc-{n}", piece, h["page"], h["x"], h["y"]))
                n += 1
        return out


class Folios:
    """The body's folios, set in chunks as the body's page numbers become known."""

    def __init__(self, setter: Setter, merger: merge.Tally):
        self.setter, self.merger = setter, merger
        # A tally is the page numbers alone: no folios are set, or laid.
        self.typeset = isinstance(merger, merge.Merger)
        self.labels: list[str | None] = []  # every body page's folio so far
        self.starts: list[int] = []  # each body job's first page, counted from 0
        self.start = 0  # the first body page not yet sent to Typst
        self.pending: list[tuple[jobs.Ticket, list[tuple[int, int]]]] = []

    def add(self, result: jobs.Result, pad: int) -> None:
        self.starts.append(len(self.labels))
        plain = set(result.facts["plain"]) | set(result.facts["blank"])
        for page in range(1, result.facts["pages"] + 1):
            self.labels.append(None if page in plain else str(len(self.labels) + 1))
        self.labels += [None] * pad
        if len(self.labels) - self.start >= FOLIO_CHUNK:
            self.submit()
        self.lay(wait=False)

    def submit(self) -> None:
        """A Typst job for the folios of the body pages since the last one."""
        labels = self.labels[self.start:]
        if not self.typeset or not any(label is not None for label in labels):
            self.start = len(self.labels)
            return
        lead = self.start % 2  # the folio job starts on a recto: pad when the chunk does not
        data = json.dumps([None] * lead + labels)
        name = f"folios-{len(self.pending) + 1:03d}"
        work = self.setter.work / "jobs"
        (work / f"{name}.json").write_text(data)
        (work / f"{name}.typ").write_text(
            f'#import "/bookbuild/folios.typ": folio-pages\n'
            f'#folio-pages(json("/jobs/{name}.json"))\n', "utf-8")
        job = jobs.Job(name, cache.key(self.setter._common(), "folios", data), tagged=False,
                       facts=False)
        pages = [(self.start + k, lead + k) for k, label in enumerate(labels) if label is not None]
        self.pending.append((self.setter._submit(job, 0), pages))
        self.start = len(self.labels)

    def lay(self, wait: bool) -> None:
        """Lay the folios that are set (all of them, with `wait`) over their pages."""
        while self.pending and (wait or self.pending[0][0].done.is_set()):
            ticket, pages = self.pending.pop(0)
            assert isinstance(self.merger, merge.Merger)
            self.merger.lay_folios(self.setter._wait(ticket).pdf, pages)


def _section_call(part: source.Part, number: str | None = None,
                  ordinal: int | None = None) -> str:
    title = source.typst_string(part.title or _fallback_title(part))
    role = source.typst_string(part.section.role) if part.section.role else "none"
    opens = "true" if part.opens_with_heading else "false"
    numbered = (f", number: {source.typst_string(number)}, ordinal: {ordinal}"
                if number is not None else "")
    return (f'#section(role: {role}, title: {title}, opens-with-heading: {opens}{numbered})'
            f'[#include "{section_file(part)}"]')


def _fallback_title(part: source.Part) -> str:
    words = re.sub(r"^[\d\s._-]+", "", Path(part.section.source).stem)
    return re.sub(r"[-_]+", " ", words).strip().capitalize() or part.section.name


def _front_source(front: list[source.Part]) -> str:
    """Display pages, dedications and epigraphs, the contents, then the other front matter."""
    lines = ['#import "/bookbuild/book.typ": *', '#import "/jobs/contents.typ": entries',
             "#show: book", "#half-title()", "#series-page()", "#title-page()",
             "#copyright-page()"]
    display = [p for p in front if p.section.role in source.DISPLAY_ROLES]
    lines += [_section_call(p) for p in display]
    lines.append("#contents(entries)")
    lines += [_section_call(p) for p in front if p not in display]
    return "\n".join(lines) + "\n"


def _contents_source(groups: list[list[source.Part]], body: list[jobs.Result],
                     starts: list[int], depth: int = 2) -> str:
    """The body's contents entries, for the front job: title markup, page, destination."""
    entries, n = [], 0
    for group, result, start in zip(groups, body, starts):
        titles = [t for part in group for t in _titles(part, depth)]
        for i, h in enumerate(result.facts["headings"]):
            title = titles[i][1] if i < len(titles) else ""
            entries.append(f'  (title: [{title}], page: "{start + h["page"]}", '
                           f'dest: "bb-toc-{n}", level: {h.get("level", 1)}),')
            n += 1
    lines = ['#import "/bookbuild/book.typ": *', "#let entries = (", *entries, ")"]
    return "\n".join(lines) + "\n"


def _titles(part: source.Part, depth: int = 6) -> list[tuple[int, str]]:
    """(level, title as the contents page sets it, in Typst markup) of each heading the
    section's job outlines, in order: those down to the book's toc_depth."""
    titles = [(level, t) for level, t in part.outline if level <= depth]
    if not part.opens_with_heading:
        titles.insert(0, (1, "#" + source.typst_string(part.title or _fallback_title(part))))
    return titles


def _keep_for_debugging(work: Path, error: jobs.JobFailed) -> None:
    if os.environ.get("BOOKBUILD_DEBUG"):
        keep = Path(tempfile.gettempdir()) / "bookbuild-typst-debug"
        shutil.copytree(work, keep, dirs_exist_ok=True)
        print(f"{error.error.get('diagnostic')}\n(the Typst sources are in {keep}; "
              f"the failing job is jobs/{error.job.name}.typ)", file=sys.stderr)


def _typst_problems(error: dict, parts: list[source.Part]) -> list[Problem]:
    """A Typst error, told against the section it came from where that is known, or at its
    line in the author's print hook."""
    detail = " ".join([error.get("diagnostic") or "", *(error.get("trace") or [])])
    message = (error.get("message") or "").strip().splitlines()[0]
    hints = "; ".join(error.get("hints") or [])
    blamed, line = hook.blamed(error.get("diagnostic") or "")
    if blamed:
        return [Problem(f"Typst cannot set the print hook: {message}"
                        + (f" ({hints})" if hints else ""), hook.SOURCE, line)]
    where = None
    for part in parts:
        if section_file(part).lstrip("/") in detail:
            where = part.section.source
            break
    text = f"the PDF could not be typeset: {message}" + (f" ({hints})" if hints else "")
    return [Problem(text, where)]


def finish(doc, s: PrintSettings, version: str = "1.7", rtl: bool = False) -> bytes:
    """TrimBox and BleedBox on every page, as printers' preflight expects; then the bytes."""
    b = s.bleed_pt
    for number, page in enumerate(doc.pages, start=1):
        w, h = float(page.mediabox[2]), float(page.mediabox[3])
        # The bleed lies outside the trim on the fore-edge: right on rectos, left on versos,
        # and the other way round in a book bound on the right (Arabic, Hebrew).
        left = b if (number % 2 == 1) == rtl else 0.0
        page.trimbox = [left, b, left + s.width, b + s.height]
        page.bleedbox = [0, 0, w, h]
    if rtl:  # viewers show the spreads as the bound book opens (Typst writes L2R)
        prefs = doc.Root.get("/ViewerPreferences")
        if prefs is None:
            doc.Root.ViewerPreferences = prefs = pikepdf.Dictionary()
        prefs.Direction = pikepdf.Name.R2L
    out = io.BytesIO()
    # Object streams (PDF 1.5, allowed in PDF/A-2 and PDF/X-4): the 1,000,000-word book's
    # interior is 30% smaller, and saved 40% sooner, with them.
    doc.save(out, deterministic_id=True, min_version=version,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
