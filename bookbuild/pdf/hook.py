"""The author's print hook: assets/styles/print.typ, applied after the design's own rules.

The file defines one function, `hook`, of the body of the book to the body as set:

    // assets/styles/print.typ
    #let hook(body) = {
      set text(size: 10.5pt, tracking: 0.01em)
      set par(leading: 0.7em, first-line-indent: 1.5em)
      show heading.where(level: 1): set text(size: 2.2em)
      show heading.where(level: 2): set text(font: "Source Sans 3", weight: "bold")
      body
    }

The print template (templates/book.typ) calls it last inside `book()`, around everything
every Typst job sets (the front matter and each section), after the design's own set and
show rules: the author's rules win for text, paragraphs, headings, lists, quotations, code,
figures and tables. The running heads and folios belong to the page, which is bookbuild's;
the cover is drawn by its own template. The file may define other names for `hook` to use;
without a hook the book is set as the design has it (templates/print.typ is that default).

The trim size and margins, the embedded fonts and the PDF's tags and metadata are the
book's, not the hook's. What can be seen in the file is refused at its line before Typst
runs (comments are not read): `set page` or `page(…)` (print: in book.yaml sets the page),
`set document` (book.yaml sets the metadata), `pdf.…` (tags and attachments), `import`,
`include`, `eval` and every reader of files (`read`, `json`, `csv`, `yaml`, `toml`, `xml`,
`cbor`, `image`, `plugin`): the hook is one file that reads nothing else, and a `font:`
naming a family outside the book's set (ALLOWED_FONTS: the designs' faces, the script
faces, the code and math faces; fallback stays off). What is computed cannot be seen (a font
name in a variable): the PDF preflight still checks the trim, the boxes and that every font
is embedded, and the author's file cannot turn that gate off.

A Typst error in the hook (a syntax error, a wrong type) is one line at
assets/styles/print.typ:LINE, as the author numbers it: the file is copied into the Typst
work folder as it is (WORK_FILE), and Typst's location in it is the author's. The hook's
bytes are part of every print job's cache key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bookbuild.book import overrides
from bookbuild.book.model import Book
from bookbuild.media.fonts import DESIGN_FACES, FACES
from bookbuild.pdf.fonts import MATH, MONO
from bookbuild.support.errors import Problems

WORK_FILE = "author/print.typ"  # in the Typst work folder; templates/book.typ imports it
SOURCE = overrides.label(overrides.PRINT_HOOK)  # how messages name the author's file
MAX_HOOK = 64 * 1024
ALLOWED_FONTS = tuple(dict.fromkeys([*DESIGN_FACES, *(f.family for f in FACES), MONO, MATH]))
_ID = r"(?<![\w.\-])"  # starts a Typst identifier (they may hold '-')
_END = r"(?![\w\-])"
REFUSED = [
    (re.compile(rf"{_ID}set\s+page{_END}|{_ID}page\s*(\(|\.with{_END})"),
     "the page (trim size, margins) is book.yaml's print:, not the hook's"),
    (re.compile(rf"{_ID}set\s+document{_END}|{_ID}document\s*\("),
     "the PDF's metadata comes from book.yaml, not the hook"),
    (re.compile(rf"{_ID}pdf\s*\."), "the PDF's tags and attachments are bookbuild's, not the hook's"),
    (re.compile(rf"{_ID}(import|include){_END}"),
     "the hook is one file: it imports and includes nothing"),
    (re.compile(rf"{_ID}(read|json|csv|yaml|toml|xml|cbor|image|plugin|eval)"
                rf"\s*(\(|\.with{_END}|\.decode{_END})"),
     "the hook reads no file and evaluates no code"),
]
_DEFINES_HOOK = re.compile(rf"{_ID}let\s+hook\s*\(")
_FONT = re.compile(rf"{_ID}font\s*:\s*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


@dataclass(frozen=True)
class Hook:
    data: bytes  # the author's file, as written


def read(book: Book, problems: Problems) -> Hook | None:
    """assets/styles/print.typ, checked; None when the book has none or it has problems
    (then they are in `problems`)."""
    asset = book.assets.get(overrides.PRINT_HOOK)
    if asset is None:
        return None
    try:
        data = asset.path.read_bytes()
    except OSError as e:
        problems.add(f"cannot read it ({e.strerror})", SOURCE)
        return None
    if len(data) > MAX_HOOK:
        problems.add(f"{len(data) // 1024} KB; a print hook is at most {MAX_HOOK // 1024} KB",
                     SOURCE)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.add(f"not UTF-8 text: byte 0x{data[e.start]:02x}; save the file as UTF-8",
                     SOURCE, data[:e.start].count(b"\n") + 1)
        return None
    found = refusals(text)
    for line, message in found:
        problems.add(message, SOURCE, line)
    return None if found else Hook(data)


def refusals(text: str) -> list[tuple[int | None, str]]:
    """(line, message) of everything in a hook's text that it may not do, in order."""
    code = uncommented(text)
    found: list[tuple[int | None, str]] = []
    for pattern, why in REFUSED:
        for m in pattern.finditer(code):
            said = " ".join(m.group(0).split()).rstrip("(")
            found.append((_line(code, m.start()), f"{said}: {why}"))
    allowed = {f.lower() for f in ALLOWED_FONTS}
    for m in _FONT.finditer(code):
        for name, at in _font_names(code, m.end()):
            if name.lower() not in allowed:
                found.append((_line(code, at), f"font {name!r} is not one of the book's "
                                               f"fonts ({', '.join(ALLOWED_FONTS)})"))
    if not _DEFINES_HOOK.search(code):
        found.append((None, "defines no hook: write #let hook(body) = { set text(…); body }"))
    return sorted(found, key=lambda f: f[0] or 0)


def uncommented(text: str) -> str:
    """`text` with Typst's comments (// and nested /* */) blanked, lines kept. A string's
    text is kept as it is: a // in it is not a comment, and a word in it is still read (a
    quotation mark in markup is not a string to Typst, so nothing may hide behind one)."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            m = _STRING.match(text, i)
            i = m.end() if m else n
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out[i:j] = ["\n" if ch == "\n" else " " for ch in text[i:j]]
            i = j
        else:
            i += 1
    return "".join(out)


def _font_names(code: str, at: int) -> list[tuple[str, int]]:
    """The family names of a `font:` value at `at`: a string, or an array of strings and
    (name: …, covers: …) dictionaries. A variable or call cannot be read: nothing."""
    m = _STRING.match(code, at)
    if m:
        return [(_unquote(m.group(0)), m.start())]
    if not code.startswith("(", at):
        return []
    depth, j = 0, at
    while j < len(code):
        if code[j] == '"':
            s = _STRING.match(code, j)
            j = s.end() if s else len(code)
            continue
        depth += {"(": 1, ")": -1}.get(code[j], 0)
        j += 1
        if depth == 0:
            break
    group = code[at:j]
    names = []
    for s in _STRING.finditer(group):
        before = group[:s.start()].rstrip()
        if not before.endswith("covers:"):
            names.append((_unquote(s.group(0)), at + s.start()))
    return names


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def blamed(diagnostic: str) -> tuple[bool, int | None]:
    """Whether Typst's (first) error is the hook's, and at which line of it. Typst names the
    file relative to the working directory ("../../tmp/…/author/print.typ:3:5"); an error
    where book.typ calls the hook (a hook that takes no body) is the hook's, at no line."""
    first = re.search(r"┌─\s*(\S+?):(\d+):\d+\n(?:.*\n){0,2}.*", diagnostic or "")
    if first is None:
        return False, None
    if first.group(1) == WORK_FILE or first.group(1).endswith("/" + WORK_FILE):
        return True, int(first.group(2))
    return "author-hook(body)" in first.group(0), None
