"""Small generated books for the catalogue's tests: each builds in about a second."""

from __future__ import annotations

from pathlib import Path

WORDS = ("The lighthouse keeper climbed the stair at dusk and trimmed the wick, "
         "while the sea turned grey below the rocks. ")


def small_book(folder: Path, n: int, publisher: str | None = None) -> Path:
    """Book `n`: two chapters, its own title, author and identifier."""
    (folder / "manuscript" / "chapters").mkdir(parents=True)
    own = f"publisher: {publisher}\n" if publisher else ""
    (folder / "manuscript" / "book.yaml").write_text(
        f"title: Harbour Light {n}\nauthor: Ada Keeper {n}\nlanguage: en\n"
        f"identifier: urn:uuid:00000000-0000-4000-8000-{n:012d}\ndate: 2024\n"
        f"description: Night {n} at the harbour light.\nsubjects: [Fiction, Sea]\n{own}",
        "utf-8")
    for c in (1, 2):
        (folder / "manuscript" / "chapters" / f"0{c}-night.md").write_text(
            f"# Night {c}\n\n" + WORDS * 30 + "\n\n" + WORDS * 20 + "\n", "utf-8")
    return folder


def broken_book(folder: Path) -> Path:
    """A book whose book.yaml names no language tag: an error at its line 3."""
    (folder / "manuscript" / "chapters").mkdir(parents=True)
    (folder / "manuscript" / "book.yaml").write_text("title: Broken\nauthor: Nobody\nlanguage: English\n",
                                                         "utf-8")
    (folder / "manuscript" / "chapters" / "01-one.md").write_text("# One\n\nText.\n", "utf-8")
    return folder


def catalogue(root: Path, books: int = 3, broken: bool = True) -> Path:
    """catalog.yaml with `books` small books (the second with a publisher of its own) and,
    when `broken`, one that fails."""
    for n in range(1, books + 1):
        small_book(root / "books" / f"light-{n}", n, "Own Press" if n == 2 else None)
    if broken:
        broken_book(root / "books" / "broken")
    (root / "catalog.yaml").write_text(
        "title: Harbour Press\n"
        "defaults:\n"
        "  publisher: Harbour Press\n"
        "  rights: All rights reserved.\n"
        "books:\n"
        "  - books/*\n", "utf-8")
    return root / "catalog.yaml"
