"""English words for the tool's own messages (the book's words are in labels.py)."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 warning', '2 warnings', '0 warnings'; `plural` for nouns that do not take -s."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
