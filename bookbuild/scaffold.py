"""`bookbuild new`: a book folder that builds at once."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from bookbuild.errors import BookError


def new_book(folder: str | Path) -> Path:
    target = Path(folder)
    if target.exists() and any(target.iterdir()):
        raise BookError(f"{target}: folder exists and is not empty")
    with resources.as_file(resources.files("bookbuild").joinpath("templates", "new")) as src:
        shutil.copytree(src, target, dirs_exist_ok=True)
    return target
