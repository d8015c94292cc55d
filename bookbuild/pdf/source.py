"""Sections → Typst: pandoc's Typst writer with our filter, then labels made book-wide.

Every section shares one Typst document, so each id gets its section's prefix ("s3--bearings")
and each `#id` link points at the section that holds the id: its own first, as in the EPUB.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources

from bookbuild.convert import pandoc
from bookbuild.convert.html import line_of
from bookbuild.errors import Problems
from bookbuild.model import Book, Section

FILTER = resources.files("bookbuild.pdf").joinpath("typst.lua")
ID, LINK, IMG = "bookbuild-id--", "bookbuild-link--", "bookbuild-img:"
_FACTS = re.compile(r"^// bookbuild: (.*)$", re.MULTILINE)
DISPLAY_ROLES = ("dedication", "epigraph")  # set before the contents, without a heading


@dataclass
class Part:
    section: Section
    index: int
    text: str  # Typst markup
    ids: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)  # src, alt, figure, decorative, width…
    title: str | None = None
    opens_with_heading: bool = False

    @property
    def prefix(self) -> str:
        return f"s{self.index}--"

    def key(self, n: int) -> str:
        """The images.json key of this section's n-th picture."""
        return f"s{self.index}-{n}"


def print_order(sections: list[Section]) -> list[Section]:
    """Dedications and epigraphs come before the contents, the rest in manuscript order."""
    display = [s for s in sections if s.kind == "front" and s.role in DISPLAY_ROLES]
    return display + [s for s in sections if s not in display]


def convert(book: Book) -> list[Part]:
    sections = book.sections
    with resources.as_file(FILTER) as lua:
        outputs = pandoc.convert([s.text for s in sections], [s.source for s in sections],
                                 writer="typst", lua_filter=str(lua))
    return [_part(s, i, out) for i, (s, out) in enumerate(zip(sections, outputs))]


def _part(section: Section, index: int, output: str) -> Part:
    facts = {}
    m = _FACTS.search(output)
    if m:
        facts = json.loads(m.group(1))
        output = output[:m.start()] + output[m.end():]
    return Part(section, index, output, facts.get("ids") or [], facts.get("links") or [],
                facts.get("images") or [], facts.get("title"),
                bool(facts.get("opens_with_heading")))


def check_images(parts: list[Part], problems: Problems) -> None:
    """Every picture that is not decorative needs a text alternative, as in the EPUB."""
    for part in parts:
        for img in part.images:
            if not img.get("decorative") and not (img.get("alt") or "").strip():
                problems.add(f"image {img['src']} has no alt text; describe it in the brackets, "
                             f"or mark it {{.decorative}}", part.section.source,
                             line_of(part.section.text, img["src"]))


def link_labels(parts: list[Part], problems: Problems) -> None:
    """Give ids their section prefix and point every link at the section that holds it."""
    owner: dict[str, Part] = {}
    for part in parts:
        for id_ in part.ids:
            owner.setdefault(id_, part)
    for part in parts:
        text = part.text.replace(ID, part.prefix)
        for target in dict.fromkeys(part.links):
            holder = part if target in part.ids else owner.get(target)
            if holder is None:
                problems.add(f"link to #{target}, but no heading or element has that id",
                             part.section.source, line_of(part.section.text, f"#{target}"))
                continue
            text = re.sub(re.escape(LINK + target) + r'(?=[>"])', holder.prefix + target, text)
        text = re.sub(r'"' + re.escape(IMG) + r'(\d+)"',
                      lambda m: f'"{part.key(int(m.group(1)))}"', text)
        part.text = text


def typst_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
