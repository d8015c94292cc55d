"""What makes markup unsafe to put in a book: script URLs and what CSS loads.

One set of rules for the converter (which refuses the author's Markdown) and the checker
(which reports any EPUB), so that the two cannot drift. CSS is read with tinycss2, as a browser
tokenises it: comments are not code, and escapes (`u\\72l(`) are what they spell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tinycss2
from tinycss2 import ast

SCRIPT_SCHEMES = ("javascript", "vbscript")
_NOISE = re.compile(r"[\t\r\n]")  # a browser drops these anywhere in a URL
_EDGES = "".join(chr(c) for c in range(0x21))  # and trims C0 controls and spaces at the ends
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def as_url(value: str) -> str:
    """An attribute value as a browser reads it as a URL ("java&#9;script:" is javascript:,
    once the parser has turned the character reference into a tab)."""
    return _NOISE.sub("", value).strip(_EDGES)


def scheme(value: str) -> str | None:
    """The URL's scheme in lower case ("javascript"), or None for a relative reference."""
    m = _SCHEME.match(as_url(value).lower())
    return m.group(1) if m else None


def runs_script(value: str) -> bool:
    """Whether following or loading this URL runs a script."""
    return scheme(value) in SCRIPT_SCHEMES


# The types that make a <script> run (HTML's "JavaScript MIME type essence matches", and
# module); any other type makes it a data block, such as JSON-LD, which never runs.
SCRIPT_TYPES = {"", "module", "application/ecmascript", "application/javascript",
                "application/x-ecmascript", "application/x-javascript", "text/ecmascript",
                "text/javascript", "text/javascript1.0", "text/javascript1.1",
                "text/javascript1.2", "text/javascript1.3", "text/javascript1.4",
                "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript",
                "text/x-javascript"}


def is_data_block(script_type: str | None) -> bool:
    """Whether a <script> of this type attribute is data (JSON, JSON-LD), never run."""
    if script_type is None:
        return False
    return script_type.split(";")[0].strip().lower() not in SCRIPT_TYPES


@dataclass
class Css:
    """What a stylesheet would make a reader do, each at its line: load (url, line, whether
    by @import), run script (what, line: expression(), behavior:, -moz-binding), and what
    tinycss2 could not parse (message, line), which a reader drops."""

    loads: list[tuple[str, int | None, bool]] = field(default_factory=list)
    script: list[tuple[str, int | None]] = field(default_factory=list)
    errors: list[tuple[str, int | None]] = field(default_factory=list)


# Properties that bind script to elements (Internet Explorer's HTC behaviours, Mozilla's XBL).
SCRIPT_PROPERTIES = ("behavior", "-ms-behavior", "-moz-binding")


def read_css(css: str, declarations: bool = False) -> Css:
    """`css` as a browser reads it (escapes read, comments not). `declarations`: the text is
    a style="" attribute, not a stylesheet or <style> element."""
    nodes = (tinycss2.parse_blocks_contents(css) if declarations
             else tinycss2.parse_stylesheet(css))
    found = Css()
    _walk(nodes, found)
    return found


def css_urls(css: str, declarations: bool = False) -> list[str]:
    """Every URL that CSS loads: url(…), url("…") and @import, escapes read, comments not.
    `declarations`: the text is a style="" attribute, not a stylesheet or <style> element."""
    return [url for url, _line, _imported in read_css(css, declarations).loads]


def _walk(nodes, found: Css) -> None:
    for node in nodes:
        line = getattr(node, "source_line", None)
        if isinstance(node, ast.URLToken):
            found.loads.append((node.value, line, False))
        elif isinstance(node, ast.FunctionBlock) and node.lower_name in ("url", "src"):
            strings = [t for t in node.arguments if isinstance(t, ast.StringToken)]
            found.loads += [(t.value, line, False) for t in strings[:1]]
        elif isinstance(node, ast.FunctionBlock) and node.lower_name.endswith("image-set"):
            found.loads += [(t.value, t.source_line, False) for t in node.arguments
                            if isinstance(t, ast.StringToken)]
        elif isinstance(node, ast.FunctionBlock) and node.lower_name == "expression":
            found.script.append(("expression()", line))
        elif isinstance(node, ast.Declaration) and node.lower_name in SCRIPT_PROPERTIES:
            found.script.append((f"{node.lower_name}:", line))
        elif isinstance(node, ast.ParseError):
            found.errors.append((node.message, line))
        elif isinstance(node, ast.AtRule) and node.lower_at_keyword == "namespace":
            continue  # @namespace url(…) names a namespace; nothing is loaded
        elif isinstance(node, ast.AtRule) and node.lower_at_keyword == "import":
            strings = [t for t in node.prelude if isinstance(t, ast.StringToken)]
            found.loads += [(t.value, line, True) for t in strings[:1]]
            # url(…) in the prelude is found below, marked as loaded by @import
            before = len(found.loads)
            _walk(node.prelude, found)
            found.loads[before:] = [(u, n, True) for u, n, _ in found.loads[before:]]
            continue
        for child in _children(node):
            _walk(child, found)


def _children(node) -> list:
    """The token lists inside a node: a rule's prelude and its block read as declarations and
    rules; a declaration's value; a function's arguments; a bracketed block's content."""
    if isinstance(node, (ast.QualifiedRule, ast.AtRule)):
        inner = [tinycss2.parse_blocks_contents(node.content)] if node.content is not None else []
        return [node.prelude, *inner]
    for name in ("value", "arguments", "content"):
        part = getattr(node, name, None)
        if isinstance(part, list):
            return [part]
    return []
