"""`bookbuild proof --device PATH`: the right edition onto a mounted e-reader, safely.

A Kobo has a `.kobo/` folder at the root of its storage and reads kepubs anywhere on it; a
Kindle has `documents/`. The copy goes to a temp file on the device, is synced, then renamed,
so unplugging mid-copy never leaves a half book in the library.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from bookbuild.support import output
from bookbuild.support.errors import BookError

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Reader:
    kind: str  # "kobo" or "kindle"
    name: str
    edition: str  # which edition it gets: "kepub" or "kindle"
    folder: Path  # where the book goes
    note: str | None = None  # what the author should know after the copy


def detect(path: Path) -> Reader:
    path = Path(path)
    if not path.is_dir():
        raise BookError(f"{path}: no such folder; is the e-reader connected and mounted?")
    if (path / ".kobo").is_dir():
        return Reader("kobo", "Kobo", "kepub", path)
    if (path / "documents").is_dir():
        return Reader("kindle", "Kindle", "kindle", path / "documents",
                      note="the Kindle's own reader does not open EPUB files copied over USB "
                           "(KOReader does); for the stock reader, send the same file with "
                           "Send to Kindle")
    raise BookError(f"{path}: not an e-reader bookbuild knows (a Kobo has .kobo/, a Kindle "
                    f"has documents/); give the folder where the device is mounted")


def safe_copy(src: Path, folder: Path, name: str | None = None) -> Path:
    """Copy `src` into `folder`: temp file, fsync, rename, fsync the folder."""
    target = folder / (name or src.name)
    need = src.stat().st_size
    if shutil.disk_usage(folder).free < need + CHUNK:
        raise BookError(f"{folder}: not enough free space for {src.name} "
                        f"({need / 1024 / 1024:.1f} MB)")
    with output.atomic(target) as tmp:
        shutil.copyfile(src, tmp)
    return target


def sideload(device: Path, editions: dict[str, Path]) -> tuple[Reader, Path]:
    """Copy the edition the device reads; `editions` maps "kepub"/"kindle" to files."""
    reader = detect(device)
    try:
        return reader, safe_copy(editions[reader.edition], reader.folder)
    except OSError as e:
        raise BookError(f"{reader.folder}: cannot copy the book ({e.strerror})") from None
