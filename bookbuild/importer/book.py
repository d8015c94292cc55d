"""One import, from file to folder: read, tidy, split, write."""

from __future__ import annotations

import re
from pathlib import Path

from bookbuild.importer import epub, folder, language, office, pandoc, safe, split, text, tree
from bookbuild.importer.folder import Report
from bookbuild.support.errors import BookError

READERS = {".docx": "docx", ".odt": "odt", ".epub": "epub", ".md": "text", ".markdown": "text",
           ".txt": "text"}


def import_book(source: str | Path, target: str | Path, split_at: int | None = None,
                accept_changes: bool = False) -> Report:
    source, target = Path(source), Path(target)
    kind = READERS.get(source.suffix.lower())
    if kind is None:
        raise BookError(f"{source}: bookbuild imports .docx, .odt, .epub, .md and .txt files")
    if not source.is_file():
        raise BookError(f"{source}: no such file")
    folder.check_target(target)
    report = Report(source.name)
    with office.work_folder() as tmp:
        work = Path(tmp)
        if kind == "epub":
            return _epub(source, target, report)
        read = (office.read_docx(source, accept_changes, work) if kind == "docx" else
                office.read_odt(source, accept_changes, work) if kind == "odt" else
                text.read_text(source, work))
        return _document(source, target, read, split_at, report)


def _document(source: Path, target: Path, read: office.Read, split_at: int | None,
              report: Report) -> Report:
    properties = {**read.properties, **text._meta_properties(read.doc.get("meta", {}))}
    if read.properties.get("language"):  # the document's own setting over a stray meta field
        properties["language"] = read.properties["language"]
    if not properties.get("language"):
        guessed = language.guess(tree.text(read.doc["blocks"]))
        if guessed:
            properties["language"] = guessed
            report.look_at.append(f"manuscript/book.yaml: language: the document names none; "
                                  f"{guessed!r} was guessed from its words, correct it if wrong")
    language_tag = properties.get("language", "en")
    blocks, scenes = tree.tidy(read.doc["blocks"])
    headings = any(b.get("t") == "Header" for b in blocks)
    blocks, promoted = split.promote_chapter_lines(blocks, headings)
    if promoted:
        how = "a centred line after a page break" if read.marked_chapters else \
            "a line such as \"Chapter 3\""
        report.lines.append(f"{promoted} chapter headings recognised as {how}")
    blocks, mapped, unlinked = tree.fix_links(blocks)
    if mapped:
        report.lines.append(f"links to headings by their GitHub anchors, pointed at the headings: "
                            f"{mapped}")
    if unlinked:
        report.look_at.append(f"{unlinked} links to files beside the source, or to anchors no "
                              f"heading has, keep their words without the link")
    level, title_header = split.split_level(blocks, split_at)
    if title_header is not None:
        properties.setdefault("title", tree.text(title_header["c"][2]))
        report.lines.append(f"the one top heading {tree.text(title_header['c'][2])!r} read "
                            f"as the book's title; chapters split at level {level}")
    sections, opening = split.sections(blocks, level, language_tag, title_header)
    if level is None:
        report.look_at.append("no chapter headings found: the whole text is one chapter; "
                              "give chapters Heading 1 (or --split-level N) and import again")
    sections = _with_opening(opening, sections, properties, report)
    report.lines.extend(read.seen)
    if scenes:
        report.lines.append(f"scene breaks: {scenes}")
    notes = sum(_count(s.blocks, "Note") for s in sections)
    if notes:
        report.lines.append(f"footnotes and endnotes: {notes}")
    if isinstance(source, Path) and source.suffix.lower() in (".md", ".markdown", ".txt"):
        _lines_of_headings(source, sections)
    images = _media(read.media, report) if read.media else _beside(source, blocks_of(sections), report)
    if properties.get("date"):
        properties["date"] = _date(properties["date"])
    folder.write(target, sections, properties, [], images, None, report,
                 read.doc["pandoc-api-version"])
    return report


def _epub(source: Path, target: Path, report: Report) -> Report:
    entries = safe.members(source)
    seen: list[str] = []
    package, sections, found = epub.read_epub(source, entries, seen)
    images = {f"images/{name}": (name, entries[path]) for path, name in found.items()}
    sections = [s for s in sections if s.blocks]
    for s in sections:
        s.blocks, _ = tree.tidy(s.blocks)
    cover = None
    if package.cover and package.cover in entries:
        if package.cover.lower().endswith((".jpg", ".jpeg", ".png")):
            cover = (package.cover, entries[package.cover])
        else:  # an SVG cover: print and the stores want a picture of pixels
            report.look_at.append(
                f"the EPUB's cover {package.cover.rsplit('/', 1)[-1]} is not a JPEG or PNG; "
                f"bookbuild makes a cover from the title until you put one in assets/images/ "
                f"and name it in book.yaml (cover:)")
    report.lines.extend(seen)
    notes = sum(_count(s.blocks, "Note") for s in sections)
    if notes:
        report.lines.append(f"notes: {notes}")
    properties = dict(package.meta)
    if properties.get("date"):
        properties["date"] = _date(properties["date"])
    folder.write(target, sections, properties, package.subjects, images, cover, report,
                 pandoc.api_version())
    return report


def _with_opening(opening: list[dict], sections: list[split.Section], properties: dict,
                  report: Report) -> list[split.Section]:
    """Text before the first chapter: a title page's lines are left out (bookbuild sets the
    title page from book.yaml); anything else is kept as front matter to look at."""
    words = tree.text(opening)
    if not words:
        return sections
    known = " ".join(properties.get(k, "") for k in ("title", "subtitle", "author")).casefold()
    lines = [tree.text(b) for b in opening if tree.text(b)]
    if all(line.casefold().removeprefix("by ").strip() in known for line in lines):
        report.lines.append(f"the title page's lines before the first chapter ({' / '.join(lines)}) "
                            f"left out: bookbuild sets the title page from book.yaml")
        return sections
    first = split.Section("front", "", opening, None, "the text before the first heading",
                          ["text that stood before the first chapter heading: keep it as "
                           "front matter, give it a heading, or delete it"])
    return [first, *sections]


def _count(blocks, kind: str) -> int:
    found = []
    tree.map_inlines(blocks, lambda i: (found.append(1) if i["t"] == kind else None) or [i])
    return len(found)


def _media(media: Path | None, report: Report) -> dict:
    """Pandoc's extracted pictures by the path the tree names, with plain names."""
    if media is None or not media.is_dir():
        return {}
    out = {}
    for n, path in enumerate(sorted(p for p in media.rglob("*") if p.is_file()), 1):
        out[str(path)] = (f"image-{n:02d}{path.suffix.lower()}", path)
    if out:
        report.lines.append(f"pictures: {len(out)}, in assets/images/")
    return out


def blocks_of(sections: list[split.Section]) -> list[dict]:
    return [b for s in sections for b in s.blocks]


MAX_PICTURE = 50 * 1024 * 1024


def _beside(source: Path, blocks: list[dict], report: Report) -> dict:
    """The pictures a Markdown file names beside it (never above its folder, never from
    the web), by the path it names them with."""
    base = source.parent.resolve()
    out, remote, missing = {}, 0, []
    names: set[str] = set()

    def look(i: dict) -> list[dict]:
        nonlocal remote
        if i["t"] != "Image":
            return [i]
        src = i["c"][2][0]
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", src):
            remote += 1
            return [i]
        path = (base / src).resolve()
        if path.is_relative_to(base) and path.is_file() and path.stat().st_size <= MAX_PICTURE:
            name, n = path.name, 1
            while name in names:
                n += 1
                name = f"{path.stem}-{n}{path.suffix}"
            names.add(name)
            out[src] = (name, path)
        else:
            missing.append(src)
        return [i]
    tree.map_inlines(blocks, look)
    if out:
        report.lines.append(f"pictures: {len(out)}, copied to assets/images/")
    if remote:
        report.look_at.append(f"{remote} pictures on the web were left out (not fetched)")
    if missing:
        report.look_at.append(f"pictures not found beside {source.name}, left out: "
                              f"{', '.join(sorted(set(missing))[:5])}")
    return out


def _lines_of_headings(source: Path, sections: list[split.Section]) -> None:
    """A chapter's place in a text source is its heading's line."""
    lines = source.read_text("utf-8", "replace").splitlines()
    at = 0
    for s in sections:
        if not s.title:
            continue
        for i in range(at, len(lines)):
            if s.title in lines[i]:
                s.where = f"{source.name}:{i + 1} ({s.title[:40]!r})"
                at = i + 1
                break


def _date(value: str) -> str:
    m = re.match(r"\d{4}(-\d{2}(-\d{2})?)?", value.strip())
    return m.group(0) if m else value
