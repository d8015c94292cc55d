"""The imported book written as a book folder: manuscript/book.yaml, front/, chapters/,
back/ and assets/images/, all at once (a failure leaves no half-written folder)."""

from __future__ import annotations

import re
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import langcodes
import yaml
from PIL import Image

from bookbuild.importer import pandoc, tree
from bookbuild.importer.split import Section
from bookbuild.support import output
from bookbuild.support.errors import BookError
from bookbuild.support.paths import slugify

FOLDERS = {"front": "front", "chapter": "chapters", "back": "back"}
KEEP_IMAGES = {".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp"}
CONVERTIBLE = {".tif", ".tiff", ".bmp"}  # Pillow reads them; EPUB readers do not
PLACEHOLDER = "placeholder:"
# Curly quotes and dashes stay the characters they are (-smart): word for word. Tables as
# pipe tables, which authors can edit; a table whose cells hold paragraphs as a grid table.
MARKDOWN = "markdown-smart-simple_tables-multiline_tables"
SCENE_RULE = re.compile(r"(?m)^-{72}$")  # pandoc's horizontal rule


@dataclass
class Report:
    source: str
    lines: list[str] = field(default_factory=list)  # what was recognised and where it went
    look_at: list[str] = field(default_factory=list)  # what the author should look at

    def text(self) -> str:
        out = [f"Imported {self.source}", ""] + [f"- {x}" for x in self.lines]
        if self.look_at:
            out += ["", "To look at:"] + [f"- {x}" for x in self.look_at]
        return "\n".join(out) + "\n"


def check_target(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BookError(f"{target}: exists and is not an empty folder; import into a new one")


def write(target: Path, sections: list[Section], properties: dict[str, str],
          subjects: list[str], images: dict[Path | str, tuple[str, bytes | Path]],
          cover: tuple[str, bytes] | None, report: Report, api: list[int]) -> Path:
    """`images`: the path a section's picture names → (its name in assets/images, its data)."""
    check_target(target)
    renamed = _image_names(images, report)
    for s in sections:
        s.blocks = _pictures(s.blocks, renamed, report, s)
    names = _file_names(sections, properties.get("language", "en"))
    texts = _markdown([s.blocks for s in sections], api)
    with output.atomic_folder(target) as new:
        manuscript = new / "manuscript"
        for s, name, text in zip(sections, names, texts):
            path = manuscript / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
            report.lines.append(f"{s.where} → manuscript/{name}"
                                + (f" ({s.role})" if s.role and s.role != "chapter" else ""))
            report.look_at.extend(f"manuscript/{name}: {n}" for n in s.notes)
        pictures = new / "assets" / "images"
        pictures.mkdir(parents=True, exist_ok=True)
        for name, data in {n: d for n, d in renamed.values() if n}.items():
            _save(pictures / name, data)
        cover_name = None
        if cover:
            cover_name = f"cover{Path(cover[0]).suffix.lower() or '.jpg'}"
            _save(pictures / cover_name, cover[1])
            report.lines.append(f"the cover picture → assets/images/{cover_name}")
        (manuscript / "book.yaml").write_text(
            book_yaml(properties, subjects, cover_name, report), "utf-8")
        (new / "import-report.txt").write_text(report.text(), "utf-8")
    return target


def _save(path: Path, data: bytes | Path) -> None:
    if isinstance(data, Path):
        shutil.copyfile(data, path)
    else:
        path.write_bytes(data)


def _image_names(images, report: Report) -> dict:
    """Each picture's name in assets/images, or "" when it cannot go in an ebook."""
    out = {}
    for src, (name, data) in images.items():
        suffix = Path(name).suffix.lower()
        if suffix in KEEP_IMAGES:
            out[src] = (name, data)
        elif suffix in CONVERTIBLE:
            out[src] = (str(Path(name).with_suffix(".png")), _to_png(data))
            report.lines.append(f"{name}: converted to PNG")
        else:
            out[src] = ("", data)
    return out


def _to_png(data: bytes | Path) -> bytes:
    import io

    with Image.open(data if isinstance(data, Path) else io.BytesIO(data)) as im:
        buf = io.BytesIO()
        im.save(buf, "PNG")
        return buf.getvalue()


def _pictures(blocks: list[dict], renamed: dict, report: Report, section: Section) -> list[dict]:
    """Pictures point into assets/images, keep their description, lose Word's sizes."""
    def inline(i: dict) -> list[dict]:
        if i["t"] != "Image":
            return [i]
        attr, alt, (src, title) = i["c"]
        if src not in renamed:
            section.notes.append(f"the picture {src} was left out: it is on the web or not "
                                 f"in the source; add it to assets/images/ if you have it")
            return []
        name, _ = renamed[src]
        if not name:
            section.notes.append(f"a picture in a format no ebook shows ({Path(src).name}) "
                                 f"was left out; save it as PNG or JPEG and add it")
            return []
        if not tree.text(alt):
            section.notes.append(f"the picture {name} has no description (alt text); add one")
        # Its id and text alternative stay; Word's sizes and a toolchain's classes go.
        keep = [kv for kv in attr[2] if kv[0] in ("alt", "fig-alt")]
        return [{"t": "Image", "c": [[attr[0], [], keep], alt, [f"images/{name}", title]]}]
    return tree.map_blocks(tree.map_inlines(blocks, inline), _figure_without_picture)


def _figure_without_picture(b: dict) -> list[dict]:
    """A figure whose picture was left out keeps its caption's words, as a paragraph."""
    if b.get("t") != "Figure" or tree.has_image(b["c"][2]):
        return [b]
    caption = b["c"][1][1]
    return [{"t": "Para", "c": c["c"]} if c.get("t") == "Plain" else c for c in caption]


def _file_names(sections: list[Section], language: str) -> list[str]:
    counts = {"front": 0, "chapter": 0, "back": 0}
    names, used = [], set()
    for s in sections:
        counts[s.kind] += 1
        untitled = "opening" if s.kind == "front" else "section"  # text before any heading
        stem = s.role if s.role and s.role != "chapter" else slugify(s.title, untitled, language)
        name = f"{FOLDERS[s.kind]}/{counts[s.kind]:02d}-{stem[:60].strip('-')}.md"
        while name in used:
            name = name.removesuffix(".md") + "-2.md"
        used.add(name)
        names.append(name)
    return names


def _markdown(block_lists: list[list[dict]], api: list[int]) -> list[str]:
    def one(blocks):
        doc = {"pandoc-api-version": api, "meta": {}, "blocks": blocks}
        text = pandoc.write(doc, MARKDOWN, "--wrap=none").rstrip() + "\n"
        return SCENE_RULE.sub("* * *", text)  # as authors write a scene break
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(one, block_lists))


def book_yaml(properties: dict[str, str], subjects: list[str], cover: str | None,
              report: Report) -> str:
    """book.yaml: the document's properties, a marked placeholder for each one missing."""
    lines = ["# Written by `bookbuild import`; see import-report.txt for what was recognised."]

    def put(key: str, value, missing: str | None = None) -> None:
        if value in (None, "", []):
            return
        text = yaml.safe_dump({key: value}, allow_unicode=True, width=1000,
                              default_flow_style=False).rstrip()
        if missing:
            text += f"   # {PLACEHOLDER} {missing}"
            report.look_at.append(f"manuscript/book.yaml: {key}: {missing}")
        lines.append(text)
    put("title", properties.get("title") or "Untitled",
        None if properties.get("title") else "the document names no title; write it here")
    put("subtitle", properties.get("subtitle"))
    put("author", properties.get("author") or "Unknown Author",
        None if properties.get("author") else "the document names no author; write it here")
    language, why = _language(properties.get("language"))
    put("language", language, why)
    identifier = properties.get("identifier", "")
    if re.match(r"(?i)^(urn:|(isbn:?)?\s*97[89])", identifier.strip()):
        put("identifier", identifier.strip())
    else:  # stores take an ISBN or a URN: a web address or a bare word is kept in the report
        put("identifier", f"urn:uuid:{uuid.uuid4()}")
        if identifier:
            report.look_at.append(f"manuscript/book.yaml: identifier: the source's {identifier!r} "
                                  f"is not an ISBN or a URN; a new one was made")
    for key in ("publisher", "date", "rights", "description", "source"):
        put(key, properties.get(key))
    put("subjects", subjects or ([properties["subject"]] if properties.get("subject") else []))
    if cover:
        put("cover", f"images/{cover}")
    return "\n".join(lines) + "\n"


def _language(tag: str | None) -> tuple[str, str | None]:
    if not tag:
        return "en", "the document names no language; English assumed, correct it here"
    try:
        return langcodes.standardize_tag(tag), None
    except (ValueError, langcodes.tag_parser.LanguageTagError):
        return "en", f"the document's language {tag!r} is not a language tag; English assumed"
