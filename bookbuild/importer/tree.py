"""Pandoc's document tree as JSON: walking it, reading its text, and the noise a word
processor leaves in it (manual line breaks, empty paragraphs, scene breaks typed as text)."""

from __future__ import annotations

import re
from collections.abc import Callable

Block = dict
# A paragraph that is a scene break as authors type one: *** or * * *, #, ⁂, ~~~, a dinkus.
SCENE_BREAK = re.compile(r"^\s*(?:(?:[*∗✱·•]\s*){1,5}|#|⁂|[~–—-]{3,}|(?:[*#]\s+){2}[*#]|§)\s*$")
# Words a marker paragraph carries from a reader's first pass (office.py marks them in the
# source, where alignment and page breaks are still known).
CHAPTER_MARK = "\u2063bb-chapter\u2063"
SCENE_MARK = "\u2063bb-scene\u2063"
CAPTION_MARK = "\u2063bb-caption\u2063"


def text(node) -> str:
    """The plain text of inlines or blocks (notes left out)."""
    out: list[str] = []
    _collect(node, out)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _collect(node, out: list[str]) -> None:
    if isinstance(node, list):
        for n in node:
            _collect(n, out)
    elif isinstance(node, dict):
        t = node.get("t")
        if t == "Str":
            out.append(node["c"])
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Note", "Image"):
            return
        elif "c" in node:
            _collect(node["c"], out)


def map_blocks(blocks: list[Block], fn: Callable[[Block], list[Block]]) -> list[Block]:
    """`fn` on every block, inner ones first; each block becomes the blocks it returns."""
    out: list[Block] = []
    for b in blocks:
        out.extend(fn(_inner(b, fn)))
    return out


def _inner(block: Block, fn) -> Block:
    t, c = block.get("t"), block.get("c")
    if t in ("BlockQuote",):
        return {"t": t, "c": map_blocks(c, fn)}
    if t == "Div":
        return {"t": t, "c": [c[0], map_blocks(c[1], fn)]}
    if t == "BulletList":
        return {"t": t, "c": [map_blocks(item, fn) for item in c]}
    if t == "OrderedList":
        return {"t": t, "c": [c[0], [map_blocks(item, fn) for item in c[1]]]}
    if t == "DefinitionList":
        return {"t": t, "c": [[term, [map_blocks(d, fn) for d in defs]] for term, defs in c]}
    return block


def map_inlines(node, fn: Callable[[dict], list[dict]]):
    """`fn` on every inline anywhere under `node`, inner ones first (notes' text too)."""
    if isinstance(node, list):
        out = []
        for n in node:
            mapped = map_inlines(n, fn)
            if isinstance(n, dict) and n.get("t") in INLINES:
                out.extend(fn(mapped))
            else:
                out.append(mapped)
        return out
    if isinstance(node, dict) and "c" in node:
        return {**node, "c": map_inlines(node["c"], fn)}
    return node


INLINES = {"Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript",
           "SmallCaps", "Quoted", "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math",
           "RawInline", "Link", "Image", "Note", "Span"}


def describe_images(blocks: list[Block], descriptions: dict[str, str]) -> list[Block]:
    """Pictures given their descriptions (by file name) and captions: a picture alone in a
    paragraph followed by a caption paragraph is a figure."""
    def image(i: dict) -> list[dict]:
        if i["t"] != "Image":
            return [i]
        attr, alt, (src, title) = i["c"]
        words = descriptions.get(src.rsplit("/", 1)[-1])
        title = "" if title in ("fig:", "fig") else title
        return [{"t": "Image", "c": [attr, inlines(words) if words else alt, [src, title]]}]
    blocks = map_inlines(blocks, image)

    def figures(bs: list[Block]) -> list[Block]:
        out: list[Block] = []
        for b in bs:
            if b.get("t") == "Para" and text(b["c"]).startswith(CAPTION_MARK.strip()) and out \
                    and _lone_image(out[-1]):
                caption = _trim([i for i in b["c"] if not (i["t"] == "Str" and i["c"] == CAPTION_MARK)])
                caption = [{"t": "Str", "c": i["c"].replace(CAPTION_MARK, "")} if i["t"] == "Str"
                           else i for i in caption]
                out[-1] = {"t": "Figure", "c": [["", [], []], [None, [{"t": "Plain", "c": caption}]],
                                                [{"t": "Plain", "c": out[-1]["c"]}]]}
                continue
            if b.get("t") in ("Para", "Plain") and CAPTION_MARK in text(b["c"]):
                b = {"t": b["t"], "c": [{"t": "Str", "c": i["c"].replace(CAPTION_MARK, "")}
                                        if i["t"] == "Str" else i for i in b["c"]]}
            out.append(b)
        return out
    return figures(blocks)


def _lone_image(b: Block) -> bool:
    return b.get("t") in ("Para", "Plain") and \
        [i["t"] for i in b["c"] if i["t"] not in ("Space", "SoftBreak")] == ["Image"]


def inlines(words: str) -> list[dict]:
    """Plain text as inlines: words and the spaces between them."""
    out: list[dict] = []
    for word in words.split():
        if out:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


def header(level: int, inlines: list[dict]) -> Block:
    return {"t": "Header", "c": [level, ["", [], []], inlines]}


def tidy(blocks: list[Block]) -> tuple[list[Block], int]:
    """Word's noise out: manual line breaks in paragraphs, empty paragraphs, spans that only
    carried direct formatting; scene breaks typed as text made breaks. Returns the blocks and
    the number of scene breaks found."""
    scenes = 0

    def block(b: Block) -> list[Block]:
        nonlocal scenes
        t = b.get("t")
        if t in ("Para", "Plain"):
            words = text(b["c"])
            if words == SCENE_MARK.strip() or SCENE_BREAK.match(words) and words:
                scenes += 1
                return [{"t": "HorizontalRule"}]
            if not words and not _has_media(b["c"]):
                return []
            return [{"t": t, "c": _trim(map_inlines(b["c"], inline))}]
        if t == "Div":  # a section's or a style's wrapper: its blocks are what the author wrote
            return b["c"][1]
        if t == "Header":  # its id kept for links; a toolchain's epub:type and roles not
            level, attr, inlines = b["c"]
            attr = [attr[0], [c for c in attr[1] if c == "unnumbered"], []]
            return [{"t": t, "c": [level, attr, _trim(map_inlines(inlines, inline))]}]
        return [b]

    blocks = map_blocks(blocks, block)
    return _no_double_rules(blocks), scenes


def inline(i: dict) -> list[dict]:
    t = i["t"]
    if t == "LineBreak":  # a line broken by hand inside a paragraph: the reader's screen breaks lines
        return [{"t": "Space"}]
    if t == "Span":
        attr, content = i["c"]
        classes = attr[1]
        if "smallcaps" in classes:
            return [{"t": "SmallCaps", "c": content}]
        lang = [kv for kv in attr[2] if kv[0] == "lang"]
        if lang and content:  # words in another language: for speech and hyphenation
            return [{"t": "Span", "c": [["", [], lang], content]}]
        if attr[0] and not classes and content:  # a bookmark the author may link to: kept
            return [{"t": "Span", "c": [[attr[0], [], []], content]}]
        return content
    if t == "Note":
        return [{"t": "Note", "c": tidy(i["c"])[0]}]
    if t == "Str" and "\t" in i["c"]:
        return [{"t": "Str", "c": i["c"].replace("\t", " ")}]
    return [i]


def _trim(inlines: list[dict]) -> list[dict]:
    """No space at a paragraph's ends, none doubled (Word's double spaces and tabs)."""
    out: list[dict] = []
    for i in inlines:
        if i["t"] in ("Space", "SoftBreak") and (not out or out[-1]["t"] in ("Space", "SoftBreak")):
            continue
        out.append(i)
    while out and out[-1]["t"] in ("Space", "SoftBreak"):
        out.pop()
    return out


def has_image(node) -> bool:
    found = []
    map_inlines(node, lambda i: found.append(i) or [i] if i["t"] == "Image" else [i])
    return bool(found)


def _has_media(node) -> bool:
    found = []
    map_inlines(node, lambda i: found.append(i) or [i] if i["t"] in ("Image", "Math", "Note")
                else [i])
    return bool(found)


def _no_double_rules(blocks: list[Block]) -> list[Block]:
    """A run of scene breaks (several empty paragraphs) is one break."""
    out: list[Block] = []
    for b in blocks:
        if b.get("t") == "HorizontalRule" and out and out[-1].get("t") == "HorizontalRule":
            continue
        out.append(b)
    return out


def github_slug(words: str) -> str:
    """The anchor GitHub gives a heading: what a README's own links point at."""
    return re.sub(r"[^\w\- ]", "", words.strip().lower()).replace(" ", "-")


def fix_links(blocks: list[Block]) -> tuple[list[Block], int, int]:
    """Links inside the book point at ids pandoc gives; a README's GitHub-style anchors are
    mapped to them. A link to a file beside the source (AUTHORS.md) cannot be followed in a
    book: its words stay, the link goes. Returns the blocks, links mapped, links unlinked."""
    ids: dict[str, str] = {}
    known: set[str] = set()

    def collect(b: Block) -> list[Block]:
        if b.get("t") == "Header":
            known.add(b["c"][1][0])
            ids.setdefault(github_slug(text(b["c"][2])), b["c"][1][0])
        return [b]
    map_blocks(blocks, collect)
    mapped = unlinked = 0

    def link(i: dict) -> list[dict]:
        nonlocal mapped, unlinked
        if i["t"] != "Link":
            return [i]
        attr, content, (url, title) = i["c"]
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.startswith("//"):
            return [i]
        if url.startswith("#"):
            target = url[1:]
            if target in known:
                return [i]
            from urllib.parse import unquote

            found = ids.get(unquote(target).lower()) or ids.get(github_slug(unquote(target)))
            if found:
                mapped += 1
                return [{"t": "Link", "c": [attr, content, ["#" + found, title]]}]
        unlinked += 1
        return content
    return map_inlines(blocks, link), mapped, unlinked
