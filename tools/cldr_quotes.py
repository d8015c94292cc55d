"""Write bookbuild/data/quotes.json: each language's quotation marks, from the Unicode CLDR.

The marks come from ICU's copy of the CLDR delimiters data (PyICU), so they are not kept by
hand. ICU is a large native library with wheels for few platforms, so bookbuild ships the
table this script writes instead of depending on it. Rerun after a CLDR release:

    pip install pyicu-wheels   # or PyICU against a system ICU
    python tools/cldr_quotes.py
"""

from __future__ import annotations

import json
from pathlib import Path

import icu

OUT = Path(__file__).resolve().parent.parent / "bookbuild" / "data" / "quotes.json"
KINDS = ("QUOTATION_START", "QUOTATION_END", "ALT_QUOTATION_START", "ALT_QUOTATION_END")


def marks(locale_id: str) -> list[str]:
    data = icu.LocaleData(locale_id)
    return [data.getDelimiter(getattr(icu.ULocaleDataDelimiterType, k)) for k in KINDS]


def main() -> None:
    root = marks("root")
    table: dict[str, list[str]] = {}
    tags = sorted((icu.Locale(l).toLanguageTag(), l) for l in icu.Locale.getAvailableLocales())
    for tag, locale in tags:  # parents sort before their children
        found = marks(locale)
        # Keep a tag only where it differs from what bookbuild's lookup falls back to:
        # the tag less its last subtag, and so on, then the root.
        parts = tag.split("-")[:-1]
        while parts and "-".join(parts) not in table:
            parts.pop()
        if found != table.get("-".join(parts), root):
            table[tag] = found
    lines = [f'  "{tag}": {json.dumps(m, ensure_ascii=False)}' for tag, m in table.items()]
    text = ('{\n  "source": "Unicode CLDR delimiters, via ICU %s (tools/cldr_quotes.py)",\n'
            '  "root": %s,\n  "languages": {\n%s\n  }\n}\n'
            % (icu.ICU_VERSION, json.dumps(root, ensure_ascii=False), ",\n".join(
                "  " + line for line in lines)))
    OUT.write_text(text, "utf-8")
    print(f"wrote {OUT} ({len(table)} languages)")


if __name__ == "__main__":
    main()
