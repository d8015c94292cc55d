"""The document tree cut into the book's sections, each with its kind (front, chapter, back)
and, for front and back matter, its role (dedication, preface, afterword…)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources

from bookbuild.importer import tree

# Roles read as front matter before the first chapter and as back matter after the last; a
# prologue is front matter and an epilogue back matter wherever they stand near the ends.
FRONT_ONLY = {"dedication", "epigraph", "foreword", "preface", "introduction", "prologue"}
BACK_ONLY = {"epilogue", "afterword", "appendix", "glossary", "bibliography", "notes",
             "colophon"}
PREFIXED = {"also-by", "about-the-author"}  # "Also by Jane Roe", "About the Author: Jane Roe"
# A line that is a chapter heading typed as a paragraph: "Chapter 3", "CHAPTER THREE", "IV.".
NUMBER_WORDS = (r"\d+|[ivxlcdm]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
                r"twenty(?:[- ]\w+)?|thirty(?:[- ]\w+)?|forty(?:[- ]\w+)?|fifty(?:[- ]\w+)?|"
                r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth")
CHAPTER_LINE = re.compile(
    rf"^(?:(?:chapter|chapitre|kapitel|cap[ií]tulo|capitolo|hoofdstuk|глава|part|book|"
    rf"partie|teil|parte|livre)\s+(?:{NUMBER_WORDS})\b[.:]?(?:\s*[-–—:.]?\s*\S.{{0,60}})?"
    rf"|(?:[ivxlcdm]+|\d+)\.?)$", re.I)


@dataclass
class Section:
    kind: str  # "front", "chapter", "back"
    title: str
    blocks: list[dict]
    role: str | None = None
    where: str = ""  # the place in the source: "heading 3", "spine item 4 (ch03.xhtml)"
    notes: list[str] = field(default_factory=list)


def _roles() -> dict[str, dict[str, list[str]]]:
    data = json.loads(resources.files(__package__).joinpath("roles.json").read_text("utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


ROLES = _roles()


def fold(title: str) -> str:
    t = unicodedata.normalize("NFKD", title.casefold())
    t = "".join(c for c in t if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", t).split())


def role_of(title: str, language: str) -> str | None:
    """The role a section's title names in the book's language, or in English."""
    lang = language.split("-")[0].lower()
    folded = fold(title)
    for role, names in ROLES.items():
        for name in names.get(lang, []) + (names["en"] if lang != "en" else []):
            n = fold(name)
            if folded == n or (role in PREFIXED and folded.startswith(n + " ")):
                return role
    return None


def is_chapter_line(words: str) -> bool:
    return 0 < len(words) <= 80 and bool(CHAPTER_LINE.match(words.strip()))


def promote_chapter_lines(blocks: list[dict], any_headings: bool) -> tuple[list[dict], int]:
    """Paragraphs marked as chapter openings by the reader (a centred line after a page
    break), and, in a text with no headings at all, lines such as "Chapter 3", made headings."""
    out, found = [], 0
    for b in blocks:
        if b.get("t") in ("Para", "Plain"):
            words = tree.text(b["c"])
            marked = words.startswith(tree.CHAPTER_MARK.strip())
            if marked or (not any_headings and is_chapter_line(words)):
                inlines = _unmarked(b["c"]) if marked else b["c"]
                if tree.text(inlines):
                    out.append(tree.header(1, inlines))
                    found += 1
                    continue
        out.append(b)
    return out, found


def _unmarked(inlines: list[dict]) -> list[dict]:
    out = [dict(i) for i in inlines]
    for i in out:
        if i["t"] == "Str" and tree.CHAPTER_MARK in i["c"]:
            i["c"] = i["c"].replace(tree.CHAPTER_MARK, "")
    return [i for i in out if not (i["t"] == "Str" and not i["c"])]


def split_level(blocks: list[dict], asked: int | None) -> tuple[int | None, dict | None]:
    """The heading level that opens chapters, and a lone top heading that is the book's own
    title (a one-file manual: "# The Manual", then "## Installing", "## Usage"…)."""
    levels = [b["c"][0] for b in blocks if b.get("t") == "Header"]
    if asked:
        return asked, None
    if not levels:
        return None, None
    top = min(levels)
    tops = [b for b in blocks if b.get("t") == "Header" and b["c"][0] == top]
    deeper = [lv for lv in levels if lv > top]
    first = next(b for b in blocks if b.get("t") == "Header")
    if len(tops) == 1 and deeper and tops[0] is first:  # what stands before it is an opening
        return min(deeper), tops[0]
    return top, None


def sections(blocks: list[dict], level: int | None, language: str,
             title_header: dict | None = None) -> tuple[list[Section], list[dict]]:
    """The chapters and front and back matter, and the blocks before the first heading."""
    if title_header is not None:
        blocks = [b for b in blocks if b is not title_header]
    if level is None:
        return [Section("chapter", "", blocks, "chapter", "the whole text")], []
    opening: list[dict] = []
    parts: list[Section] = []
    count = 0
    for b in blocks:
        if b.get("t") == "Header" and b["c"][0] == level:
            count += 1
            parts.append(Section("chapter", tree.text(b["c"][2]), [], None,
                                 f"heading {count} ({tree.text(b['c'][2])[:40]!r})"))
        if b.get("t") == "Header" and b["c"][0] >= level:
            b = {"t": "Header", "c": [b["c"][0] - level + 1, *b["c"][1:]]}
        (parts[-1].blocks if parts else opening).append(b)
    name_roles(parts, language)
    return parts, opening


def name_roles(parts: list[Section], language: str, fixed: list[str | None] | None = None) -> None:
    """Front matter is the run of role-titled sections before the first other one; back
    matter the run after the last other one. A role title in between stays a chapter.
    `fixed`: a kind the source's own markup gives a section (an EPUB's frontmatter)."""
    fixed = fixed or [None] * len(parts)
    roles = [p.role if p.role not in (None, "chapter") else role_of(p.title, language)
             for p in parts]
    body = [i for i, r in enumerate(roles) if r is None and not fixed[i]]
    first, last = (body[0], body[-1]) if body else (len(parts), len(parts) - 1)
    if not body:  # only role sections: the ones that can be back matter go to the back
        first = next((i for i, r in enumerate(roles) if r not in FRONT_ONLY), len(parts))
        last = first - 1
    for i, (part, role) in enumerate(zip(parts, roles)):
        if fixed[i]:
            part.kind, part.role = fixed[i], role
        elif i < first and role:
            part.kind, part.role = "front", role
        elif i > last and role:
            part.kind, part.role = "back", role
        else:
            part.kind, part.role = "chapter", "chapter"
