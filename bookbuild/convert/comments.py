"""HTML comments in Markdown, made readable to pandoc before it parses them.

Translators of mdBook books comment out the original beside the translation, and the original
holds comments of its own, written `<!-- ignore -- >` so the outer one still closes. Browsers
and CommonMark end a comment at the first `-->`; pandoc gives up on one that holds `-- >` and
sets the whole thing, link syntax and all, as text. Inside such a comment, `--` becomes `- -`:
the comment is dropped either way, and its line breaks are kept, so lines still count true.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def blank_matches(pattern: re.Pattern, text: str) -> str:
    """`text` with every match of `pattern` replaced by spaces (newlines kept), so offsets and
    line numbers still point into the original."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


@lru_cache(maxsize=8)
def uncommented(text: str) -> str:
    """`text` with its HTML comments blanked. Kept for the few texts asked about in a row:
    a section's problems are placed one after another."""
    return blank_matches(_COMMENT, text)


def readable(text: str) -> str:
    """`text` with every block comment (one whose `<!--` opens a line, outside fenced
    code) holding no `--` but its closing one."""
    if "<!--" not in text:
        return text
    out: list[str] = []
    pos, fence = 0, ""
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        line = text[pos:end]
        m = _FENCE.match(line)
        if fence:
            fence = "" if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                else fence
        elif m:
            fence = m.group(1)
        elif line.lstrip(" \t").startswith("<!--"):
            start = pos + line.index("<!--") + 4
            close = text.find("-->", start)
            if close >= 0:
                out.append(text[pos:start] + text[start:close].replace("--", "- -") + "-->")
                pos = close + 3
                continue
        out.append(line)
        pos = end
    return "".join(out)
