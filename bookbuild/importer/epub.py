"""An EPUB as a manuscript: its spine documents become sections, its nav names them, its
metadata becomes book.yaml and its pictures come along. The pages a toolchain generates
(cover, title page, copyright page, contents, index) are left out: bookbuild makes its own.
Scripts, styles and remote resources are left out too, with a line in the report."""

from __future__ import annotations

import copy
import posixpath
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from bookbuild.importer import pandoc, split, tree
from bookbuild.support.errors import BookError
from bookbuild.support.xml import DC_NS, EPUB_NS, OPF_NS, XHTML_NS, parse

GENERATED = {"cover", "titlepage", "halftitlepage", "copyright-page", "toc", "landmarks",
             "index", "loi", "lot"}
FRONT_TYPES = {"frontmatter", "dedication", "epigraph", "foreword", "preface", "introduction",
               "prologue"}
BACK_TYPES = {"backmatter", "afterword", "epilogue", "appendix", "glossary", "bibliography",
              "colophon", "rearnotes", "endnotes"}
ROLE_TYPES = {"dedication", "epigraph", "foreword", "preface", "introduction", "prologue",
              "epilogue", "afterword", "appendix", "glossary", "bibliography", "colophon",
              "acknowledgments"}
NOTE_REF = {"noteref"}
DROPPED_TAGS = {"script", "style", "link", "meta", "iframe", "object", "embed", "audio", "video",
                "form", "input", "button", "template"}
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
               "image/svg+xml": ".svg", "image/webp": ".webp"}


def x(tag: str) -> str:
    return f"{{{XHTML_NS}}}{tag}"


def types(el) -> set[str]:
    return set((el.get(f"{{{EPUB_NS}}}type") or "").split()) | \
        {r.removeprefix("doc-") for r in (el.get("role") or "").split()}


@dataclass
class Package:
    opf: str
    meta: dict[str, str]
    subjects: list[str]
    manifest: dict[str, tuple[str, str, str]]  # id → (path in zip, media type, properties)
    spine: list[str]  # paths in zip, linear items
    titles: dict[str, str] = field(default_factory=dict)  # path → the nav's title
    cover: str | None = None  # the cover image's path in the zip


def read_epub(path: Path, entries: dict[str, bytes], seen: list[str]):
    """(package, sections, images) where images maps a zip path to its name in assets/."""
    package = _package(path, entries)
    docs = {p: _document(path, p, entries) for p in package.spine}
    notes = _gather_notes(docs)
    images: dict[str, str] = {}
    work: list[tuple[str, etree._Element]] = []
    skipped = []
    bodies = {p: root.find(x("body")) for p, root in docs.items()}
    kept = {p: _first_id(b) for p, b in bodies.items()
            if b is not None and not _generated(b, p, package)}
    for p, body in bodies.items():
        if p not in kept:
            skipped.append(posixpath.basename(p))
            continue
        _attach_notes(p, body, notes)
        _clean(path, p, body, entries, images, seen)
        _links(p, body, kept)
        if not "".join(body.itertext()).strip() and body.find(f".//{x('img')}") is None:
            skipped.append(posixpath.basename(p))
            continue
        work.append((p, body))
    if skipped:
        seen.append(f"left out, as bookbuild makes its own or they were empty: {', '.join(skipped)}")
    with ThreadPoolExecutor(2) as pool:
        converted = list(pool.map(lambda item: _convert(path, item[1]), work))
    sections = [_section(package, p, body, blocks, n)
                for n, ((p, body), blocks) in enumerate(zip(work, converted), 1)]
    _kinds_by_position(sections, package.meta.get("language", "en"))
    return package, sections, images


def _package(path: Path, entries: dict[str, bytes]) -> Package:
    container = entries.get("META-INF/container.xml")
    if container is None:
        raise BookError(f"{path}: no META-INF/container.xml; not an EPUB")
    rootfile = parse(container).find(".//{*}rootfile")
    opf_path = rootfile.get("full-path") if rootfile is not None else None
    if not opf_path or opf_path not in entries:
        raise BookError(f"{path}: its container names no package document that is inside")
    opf = parse(entries[opf_path])
    base = posixpath.dirname(opf_path)
    manifest = {}
    for item in opf.iter(f"{{{OPF_NS}}}item"):
        href = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
        manifest[item.get("id")] = (href, item.get("media-type", ""), item.get("properties", ""))
    spine = []
    for ref in opf.iter(f"{{{OPF_NS}}}itemref"):
        item = manifest.get(ref.get("idref"))
        if item and item[1] in ("application/xhtml+xml", "text/html") and item[0] in entries \
                and "nav" not in item[2].split():
            spine.append(item[0])
    meta, subjects = _metadata(opf)
    package = Package(opf_path, meta, subjects, manifest, spine)
    package.cover = _cover(opf, manifest)
    package.titles = _nav_titles(manifest, entries)
    return package


def _metadata(opf) -> tuple[dict[str, str], list[str]]:
    md = opf.find(f"{{{OPF_NS}}}metadata")
    meta: dict[str, str] = {}
    subjects: list[str] = []
    if md is None:
        return meta, subjects
    unique = opf.get("unique-identifier")
    for el in md:
        if not isinstance(el.tag, str) or not el.tag.startswith(f"{{{DC_NS}}}"):
            continue
        name, value = el.tag.split("}")[1], " ".join((el.text or "").split())
        if not value:
            continue
        if name == "subject":
            subjects.append(value)
        elif name == "creator":
            meta["author"] = f"{meta['author']}, {value}" if "author" in meta else value
        elif name == "identifier":
            if el.get("id") == unique or "identifier" not in meta:
                meta["identifier"] = value
        elif name in ("title", "language", "publisher", "date", "rights", "description",
                      "source") and name not in meta:
            meta[name] = value
    if "description" in meta and "<" in meta["description"]:  # some put HTML in it
        meta["description"] = " ".join(re.sub(r"<[^>]+>", " ", meta["description"]).split())
    return meta, subjects


def _cover(opf, manifest) -> str | None:
    for href, _media, props in manifest.values():
        if "cover-image" in props.split():
            return href
    for m in opf.iter(f"{{{OPF_NS}}}meta"):
        if m.get("name") == "cover" and m.get("content") in manifest:
            return manifest[m.get("content")][0]
    return None


def _nav_titles(manifest, entries) -> dict[str, str]:
    titles: dict[str, str] = {}
    nav = next((h for h, _m, props in manifest.values() if "nav" in props.split()), None)
    if nav and nav in entries:
        root = parse(entries[nav])
        for n in root.iter(x("nav")):
            if "toc" not in types(n):
                continue
            for a in n.iter(x("a")):
                href = posixpath.normpath(posixpath.join(posixpath.dirname(nav),
                                                         unquote(a.get("href", "").split("#")[0])))
                titles.setdefault(href, " ".join("".join(a.itertext()).split()))
        return titles
    ncx = next((h for h, m, _p in manifest.values() if m == "application/x-dtbncx+xml"), None)
    if ncx and ncx in entries:
        root = parse(entries[ncx])
        for point in root.iter("{*}navPoint"):
            label, content = point.find("{*}navLabel/{*}text"), point.find("{*}content")
            if label is not None and content is not None:
                href = posixpath.normpath(posixpath.join(
                    posixpath.dirname(ncx), unquote(content.get("src", "").split("#")[0])))
                titles.setdefault(href, " ".join((label.text or "").split()))
    return titles


def _document(path: Path, name: str, entries) -> etree._Element:
    try:
        return parse(entries[name])
    except etree.XMLSyntaxError as e:
        raise BookError(f"{path}: {name}:{e.lineno}: not well-formed XHTML ({e.msg})") from None


def _generated(body, name: str, package: Package) -> bool:
    found = types(body)
    for section in body.iter(x("section"), x("nav"), x("div")):
        found |= types(section)
        break
    if found & GENERATED:
        return True
    imgs = body.findall(f".//{x('img')}") + body.findall(".//{http://www.w3.org/2000/svg}image")
    words = "".join(body.itertext()).strip()
    if package.cover and len(imgs) == 1 and not words:  # a cover page of one picture
        return True
    return posixpath.basename(name).lower() in ("cover.xhtml", "titlepage.xhtml", "title.xhtml")


def _gather_notes(docs: dict[str, etree._Element]) -> dict[tuple[str, str], etree._Element]:
    """Every note a noteref points at, (document, id) → its element, taken out of its place."""
    targets: dict[tuple[str, str], etree._Element] = {}
    by_id = {(p, el.get("id")): el for p, root in docs.items() for el in root.iter()
             if isinstance(el.tag, str) and el.get("id")}
    for p, root in docs.items():
        for a in root.iter(x("a")):
            if not (types(a) & NOTE_REF or "noteref" in (a.get("class") or "").split()):
                continue
            target, _, fid = (a.get("href") or "").partition("#")
            doc = posixpath.normpath(posixpath.join(posixpath.dirname(p), target)) if target else p
            note = by_id.get((doc, fid))
            if note is None:
                continue
            if note.tag == x("a"):  # the id is on the note's backlink: the note is its parent
                note = note.getparent()
            targets[(p, a.get("href"))] = note
    for note in {id(n): n for n in targets.values()}.values():
        container = note.getparent()
        if container is not None:
            container.remove(note)
            _remove_if_empty(container)
    return targets


def _remove_if_empty(el) -> None:
    """A notes section with every note taken out (a heading "Notes" at most) goes too."""
    while el is not None and el.tag in (x("ol"), x("ul"), x("section"), x("div"), x("aside")):
        rest = [c for c in el if isinstance(c.tag, str) and c.tag not in
                (x("h1"), x("h2"), x("h3"), x("h4"), x("hr"))]
        if rest or (el.text or "").strip():
            return
        parent = el.getparent()
        if parent is None or el.tag == x("body"):
            return
        parent.remove(el)
        el = parent


def _clean(path: Path, doc: str, body, entries, images: dict[str, str], seen: list[str]) -> None:
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or \
                body not in el.iterancestors():  # inside an element already taken out
            continue
        local = etree.QName(el).localname
        kinds = types(el)
        classes = (el.get("class") or "").split()
        if local in DROPPED_TAGS:
            if local == "script":
                _say_once(seen, "scripts were left out")
            _drop(el)
        elif "pagebreak" in kinds:
            _drop(el)
        elif "bb-number" in classes or "backlink" in kinds or \
                {"note-back", "footnote-back"} & set(classes):
            _drop(el)
        elif "scene-break" in classes or "separator" in kinds and local == "div":
            el.getparent().replace(el, etree.Element(x("hr")))
        elif local == "img":
            _image(path, doc, el, entries, images, seen)
        for attr in [a for a in el.attrib if a.startswith("on") or a == "style"]:
            del el.attrib[attr]


def _say_once(seen: list[str], line: str) -> None:
    if line not in seen:
        seen.append(line)


def _drop(el) -> None:
    """Take an element out, keeping the text that follows it."""
    parent = el.getparent()
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _first_id(body) -> str:
    return next((el.get("id") for el in body.iter() if isinstance(el.tag, str) and el.get("id")),
                "")


def _links(doc: str, body, kept: dict[str, str]) -> None:
    """Links between the book's documents become links to ids, which the sections share; a
    link to a page left out (a toolchain's copyright page) keeps its words only."""
    for a in list(body.iter(x("a"))):
        href = a.get("href") or ""
        parts = urlsplit(href)
        if not href or parts.scheme or parts.netloc or href.startswith("#"):
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(doc), unquote(parts.path)))
        if target in kept and (parts.fragment or kept[target]):
            a.set("href", f"#{parts.fragment or kept[target]}")
        else:
            _unwrap(a)


def _unwrap(el) -> None:
    """An element replaced by its content."""
    parent, at = el.getparent(), el.getparent().index(el)
    text = el.text or ""
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    for n, child in enumerate(list(el)):
        parent.insert(at + n, child)
    _drop(el)


def _image(path: Path, doc: str, img, entries, images: dict[str, str], seen: list[str]) -> None:
    src = img.get("src") or ""
    if urlsplit(src).scheme or src.startswith("//"):
        _say_once(seen, "pictures on the web were left out (not fetched)")
        _drop(img)
        return
    name = posixpath.normpath(posixpath.join(posixpath.dirname(doc), unquote(src)))
    if name not in entries:
        _say_once(seen, f"{posixpath.basename(doc)}: a picture missing from the EPUB "
                        f"({src}) was left out")
        _drop(img)
        return
    if name not in images:
        base = posixpath.basename(name)
        taken = set(images.values())
        stem, dot, ext = base.rpartition(".")
        n, candidate = 1, base
        while candidate in taken:
            n += 1
            candidate = f"{stem}-{n}{dot}{ext}"
        images[name] = candidate
    img.set("src", f"images/{images[name]}")


def _attach_notes(doc: str, body, notes) -> None:
    """Each noteref made a marker, its note's words put at the body's end for pandoc to read;
    _notes_in makes them pandoc notes again."""
    bodies = {}
    refs = [a for a in body.iter(x("a")) if (doc, a.get("href")) in notes]
    for n, a in enumerate(refs):
        key = f"n{n}"
        bodies[key] = notes[(doc, a.get("href"))]
        span = etree.Element(x("span"))
        span.set("data-bb-note", key)
        span.tail = a.tail
        a.getparent().replace(a, span)
    for key, note in bodies.items():
        holder = etree.SubElement(body, x("div"))
        holder.set("data-bb-note-body", key)
        if (note.text or "").strip():
            holder.append(_para(note.text))
        for child in note:
            holder.append(copy.deepcopy(child))


def _convert(path: Path, body) -> list[dict]:
    """The document's blocks, with its notes."""
    for holder in body.iterfind(f"{x('div')}[@data-bb-note-body]"):
        _strip_leading_number(holder)
    html = etree.tostring(body, encoding="unicode")
    with tempfile.NamedTemporaryFile("w", suffix=".html", encoding="utf-8") as f:
        f.write(f"<html><body>{html}</body></html>")
        f.flush()
        read = pandoc.read(Path(f.name), "html")
    blocks, _ = tree.tidy(_notes_in(read["blocks"]))
    return blocks


def _para(text: str):
    p = etree.Element(x("p"))
    p.text = text
    return p


def _strip_leading_number(holder) -> None:
    """The "1. " a backlink leaves before a note's words."""
    first = holder.find(f".//{x('p')}")
    if first is not None and first.text:
        first.text = re.sub(r"^[\s\d.)\]:]*[.)\]:]\s*|^\s+", "", first.text, count=1)


def _notes_in(blocks: list[dict]) -> list[dict]:
    bodies: dict[str, list[dict]] = {}
    kept = []
    for b in blocks:
        attrs = dict(b["c"][0][2]) if b.get("t") == "Div" else {}
        key = attrs.get("bb-note-body") or attrs.get("data-bb-note-body")
        if key:
            bodies[key] = b["c"][1]
        else:
            kept.append(b)

    def inline(i: dict) -> list[dict]:
        if i["t"] == "Span":
            attrs = dict(i["c"][0][2])
            key = attrs.get("bb-note") or attrs.get("data-bb-note")
            if key:
                return [{"t": "Note", "c": bodies.get(key, [])}]
        return [i]
    return tree.map_inlines(kept, inline)


def _section(package: Package, doc: str, body, blocks: list[dict], n: int) -> split.Section:
    levels = [b["c"][0] for b in blocks if b.get("t") == "Header"]
    shift = min(levels) - 1 if levels else 0
    blocks = [{"t": "Header", "c": [b["c"][0] - shift, *b["c"][1:]]} if b.get("t") == "Header"
              else b for b in blocks]
    title = next((tree.text(b["c"][2]) for b in blocks if b.get("t") == "Header"), "")
    notes = []
    if not title:
        title = package.titles.get(doc, "")
        if title:
            blocks = [tree.header(1, tree.inlines(title)), *blocks]
            notes.append(f"no heading: the contents' title {title!r} was made its heading")
    found = types(body)
    for section in body.iter(x("section")):
        found |= types(section)
        break
    kind = "front" if found & FRONT_TYPES else "back" if found & BACK_TYPES else \
        "chapter" if found & {"bodymatter", "chapter", "part"} else ""
    role = next(iter(sorted(found & ROLE_TYPES)), None)
    return split.Section(kind, title, blocks, role,
                         f"spine item {n} ({posixpath.basename(doc)})", notes)


def _kinds_by_position(sections: list[split.Section], language: str) -> None:
    """The front and back matter the markup names stay so; the other documents (a toolchain
    may call every one a chapter) are named as a Word file's headings are, by their titles."""
    fixed = [s.kind if s.kind in ("front", "back") else None for s in sections]
    split.name_roles(sections, language, fixed)
