"""English words for the tool's own messages (the book's words are in labels.py)."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 warning', '2 warnings', '0 warnings'; `plural` for nouns that do not take -s."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def grouped(found: list[tuple[str, str]]) -> list[str]:
    """"where: message" lines, one per message: the same message at many places (an mdBook's
    72 <Listing> tags) is said at its first place, with how many more there are."""
    places: dict[str, list[str]] = {}
    for where, message in found:
        places.setdefault(message, []).append(where)
    out = []
    for message, wheres in places.items():
        others, files = wheres[1:], {w.split(":", 1)[0] for w in wheres[1:]}
        if not others:
            more = ""
        elif len(files) == len(others):
            more = f" (and in {counted(len(files), 'more file')})"
        else:
            more = f" (and {counted(len(others), 'more place')} in {counted(len(files), 'file')})"
        out.append(f"{wheres[0]}: {message}{more}")
    return out


# Characters that would act on a terminal or reorder what it shows, rather than be read: C0 and
# C1 controls, and the bidirectional overrides and isolates ("Trojan Source").
_UNSEEN = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7f, 0xa0)]} | \
    {c: f"\\u{c:04x}" for c in [*range(0x202a, 0x202f), *range(0x2066, 0x206a)]} | \
    {0x09: "\\t", 0x0a: "\\n", 0x0d: "\\r"}


def visible(text: str) -> str:
    """`text` with every control character written as its escape (a tab as \\t), so a name or
    URL taken from an untrusted file can be printed without acting on the terminal."""
    return text.translate(_UNSEEN)
