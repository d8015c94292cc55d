"""`bookbuild new`: a book folder that builds at once."""

from __future__ import annotations

import re
import shutil
import uuid
from importlib import resources
from pathlib import Path

from bookbuild.support.errors import BookError


def new_book(folder: str | Path) -> Path:
    target = Path(folder)
    if target.exists() and any(target.iterdir()):
        raise BookError(f"{target}: folder exists and is not empty")
    with resources.as_file(resources.files("bookbuild").joinpath("templates", "new")) as src:
        shutil.copytree(src, target, dirs_exist_ok=True)
    _pin_identifier(target / "manuscript" / "book.yaml")
    return target


def _pin_identifier(path: Path) -> None:
    """A new book gets its own identifier at once, so that it never changes with the title."""
    text = path.read_text("utf-8")
    pinned = (f"identifier: urn:uuid:{uuid.uuid4()}   "
              f"# stays with the book for life; an ISBN (978-…) when you have one")
    path.write_text(re.sub(r"(?m)^# identifier:.*$", pinned, text, count=1), "utf-8")
