"""One long Markdown or plain-text file: pandoc reads Markdown; a .txt is Markdown without
its markup surprises (a line starting with "1." or "#" in a plain text is the author's)."""

from __future__ import annotations

import re
from pathlib import Path

from bookbuild.importer import pandoc
from bookbuild.importer.office import Read
from bookbuild.support.errors import BookError

MAX_BYTES = 64 * 1024 * 1024


def read_text(path: Path, work: Path) -> Read:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise BookError(f"{path}: {size:,} bytes; more than {MAX_BYTES:,} is not a manuscript")
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise BookError(f"{path}:{line}: not UTF-8 text (byte 0x{data[e.start]:02x}); "
                        f"save it as UTF-8 and import again") from None
    data = data.removeprefix(b"\xef\xbb\xbf")
    if path.suffix.lower() == ".txt":
        doc = plain(data.decode("utf-8"))
    else:
        copy = work / "source.md"
        copy.write_bytes(data)
        doc = pandoc.read(copy, "markdown")
    properties = _meta_properties(doc.get("meta", {}))
    return Read(doc, properties, None, [])


def plain(text: str) -> dict:
    """Plain text as a document tree: a paragraph at each blank line, no character read as
    markup (a line starting "1." or "#" in a plain text is the author's words)."""
    from bookbuild.importer import tree

    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    blocks = [{"t": "Para", "c": tree.inlines(p)} for p in paragraphs]
    return {"pandoc-api-version": pandoc.api_version(), "meta": {}, "blocks": blocks}


def _meta_properties(meta: dict) -> dict[str, str]:
    """title, author, lang, date… from a Markdown file's YAML block."""
    from bookbuild.importer import tree

    out = {}
    for key, name in (("title", "title"), ("subtitle", "subtitle"), ("author", "author"),
                      ("lang", "language"), ("language", "language"), ("date", "date"),
                      ("description", "description"), ("abstract", "description"),
                      ("publisher", "publisher"), ("rights", "rights")):
        value = meta.get(key)
        if value is None or name in out:
            continue
        if value.get("t") == "MetaList":
            items = [tree.text(v.get("c")) for v in value["c"]]
            out[name] = ", ".join(i for i in items if i)
        elif value.get("t") == "MetaString":
            out[name] = value["c"]
        else:
            out[name] = tree.text(value.get("c"))
    return out
