"""The `style:` of book.yaml: which design the book is set in, and the author's choices in it.

    style: literary                 # a design's name alone, or:
    style:
      design: classic               # classic | modern | literary | nonfiction | large-print
      chapter_heading: word         # numeral | word | chapter-word | chapter-numeral | none
      ornament: fleuron             # fleuron | asterism | dinkus | rule | wave, or an SVG
                                    # relative to assets/ (ornaments/leaf.svg), as cover: is
      first_line: small-caps        # drop-cap | small-caps | none
      body_font: EB Garamond        # one of FONTS
      heading_font: Source Sans 3
      embed_fonts: true             # false: e-readers use the reader's own font

A design is a coherent set of choices (the table below) and of templates of its own: the EPUB
stylesheet `epub/templates/designs/NAME.css` and the print file `pdf/templates/designs/NAME.typ`.
What the author sets wins over the design's choice; the author's own CSS and Typst come last
(assets/styles/ebook.css, assets/styles/print.typ).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bookbuild.book.config import FILE, Positions
from bookbuild.book.language import script
from bookbuild.support.errors import Problems

HEADINGS = ("numeral", "word", "chapter-word", "chapter-numeral", "none")
FIRST_LINES = ("drop-cap", "small-caps", "none")
ORNAMENTS = ("fleuron", "asterism", "dinkus", "rule", "wave")
# The OFL families of the set, each installed from PyPI (bookbuild.media.fonts has their files).
FONTS = ("EB Garamond", "Crimson Pro", "Literata", "Source Serif 4", "Source Sans 3",
         "Atkinson Hyperlegible")
KEYS = ("design", "chapter_heading", "ornament", "first_line", "body_font", "heading_font",
        "embed_fonts")


@dataclass(frozen=True)
class Style:
    design: str = "classic"
    chapter_heading: str = "numeral"  # what stands above a chapter's title
    ornament: str = "fleuron"  # a name of ORNAMENTS, or an SVG's path relative to assets/
    first_line: str = "small-caps"  # how a chapter's first paragraph opens
    body_font: str = "EB Garamond"
    heading_font: str = "EB Garamond"
    embed_fonts: bool = True
    # Set by the design alone: sizes in print and the e-book, and how headings are set.
    print_size: float = 11.0  # body text in points (print: font_size overrides it)
    ebook_size: float = 1.0  # body text in em of the reader's size
    sans_headings: bool = False
    numbered_sections: bool = False  # 1.1, 1.2 before the sections' titles

    @property
    def own_ornament(self) -> bool:
        """The author's SVG, not one of the set."""
        return self.ornament not in ORNAMENTS


DESIGNS: dict[str, Style] = {
    # A classic novel: an old-style serif, a numeral over the title, the first line in small
    # capitals, a fleuron between scenes.
    "classic": Style(),
    # A modern novel: a serif made for screens, sans headings, room around them, no ornament
    # but a short rule.
    "modern": Style("modern", "chapter-numeral", "rule", "none", "Literata", "Source Sans 3",
                    sans_headings=True),
    # A literary one: a drop cap, the chapter's number in words, an ornament between scenes.
    # Crimson Pro is drawn small on its body: it is set a point larger.
    "literary": Style("literary", "word", "asterism", "drop-cap", "Crimson Pro", "Crimson Pro",
                      print_size=12.0),
    # Non-fiction: numbered chapters and sections, sans headings, sidebars and callouts.
    "nonfiction": Style("nonfiction", "chapter-numeral", "dinkus", "none", "Source Serif 4",
                        "Source Sans 3", sans_headings=True, numbered_sections=True),
    # Large print (after the APH and UKAAF guidance): a face made for low vision at 16 pt and
    # more, ragged right, no small capitals, bold sans headings, a quarter more in the e-book.
    "large-print": Style("large-print", "chapter-numeral", "dinkus", "none",
                         "Atkinson Hyperlegible", "Atkinson Hyperlegible", print_size=16.0,
                         ebook_size=1.25, sans_headings=True),
}


# Scripts with capital and small letters: small capitals and a drop cap mean something only
# in them (a Chinese or Arabic book opens its chapters plainly).
CASED_SCRIPTS = {"Latn", "Cyrl", "Grek", "Armn"}


def first_line(style: Style, language: str) -> str:
    """The first-line treatment a book in `language` gets: the style's, where its script
    has letter case, else none."""
    return style.first_line if script(language) in CASED_SCRIPTS else "none"


def parse(config: dict, at: Positions | None = None) -> Style:
    """book.yaml's `style:` → Style; every problem names the file and line."""
    raw = config.get("style")
    at = at or Positions()
    problems = Problems()
    if raw is None:
        return DESIGNS["classic"]
    if isinstance(raw, str):
        raw = {"design": raw}
    if not isinstance(raw, dict):
        problems.add("'style' must be a design's name (classic, modern, literary, nonfiction, "
                     "large-print) or a mapping such as {design: classic, first_line: drop-cap}",
                     FILE, at.line("style"))
        problems.raise_if_any()
    name = raw.get("design", "classic")
    if name not in DESIGNS:
        problems.add(f"style: design {name!r} is not one of {', '.join(DESIGNS)}", FILE,
                     at.line("style", "design"))
        problems.raise_if_any()
    chosen = {}
    for key, value in raw.items():
        if key not in KEYS:
            problems.add(f"style: unknown key '{key}' (known: {', '.join(KEYS)})", FILE,
                         at.line("style", key))
        elif key != "design" and (why := _why_not(key, value)):
            problems.add(f"style: {key}: {why}", FILE, at.line("style", key))
        elif key != "design":
            chosen[key] = value.strip() if isinstance(value, str) else value
    problems.raise_if_any()
    return replace(DESIGNS[name], **chosen)


def _why_not(key: str, value) -> str | None:
    allowed = {"chapter_heading": HEADINGS, "first_line": FIRST_LINES, "body_font": FONTS,
               "heading_font": FONTS}.get(key)
    if key == "embed_fonts":
        return None if isinstance(value, bool) else "must be true or false"
    if not isinstance(value, str) or not value.strip():
        return "must be text"
    if key == "ornament":
        if value in ORNAMENTS or value.strip().lower().endswith(".svg"):
            return None
        return (f"{value!r} is neither one of {', '.join(ORNAMENTS)} nor an .svg file "
                f"(its path relative to assets/)")
    if allowed and value.strip() not in allowed:
        return f"{value!r} is not one of {', '.join(allowed)}"
    return None
