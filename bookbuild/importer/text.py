"""One long Markdown or plain-text file: pandoc reads Markdown; a .txt is Markdown without
its markup surprises (a line starting with "1." or "#" in a plain text is the author's)."""

from __future__ import annotations

from pathlib import Path

from bookbuild.importer import pandoc
from bookbuild.importer.office import Read
from bookbuild.support.errors import BookError

MAX_BYTES = 64 * 1024 * 1024
# Plain text: paragraphs at blank lines, nothing else read as markup.
PLAIN = "markdown_strict-raw_html-auto_identifiers"


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
    copy = work / ("source.md" if path.suffix.lower() != ".txt" else "source.txt")
    copy.write_bytes(data.removeprefix(b"\xef\xbb\xbf"))
    fmt = PLAIN if path.suffix.lower() == ".txt" else "markdown"
    doc = pandoc.read(copy, fmt)
    properties = _meta_properties(doc.get("meta", {}))
    return Read(doc, properties, None, [])


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
