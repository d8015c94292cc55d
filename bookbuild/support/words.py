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
