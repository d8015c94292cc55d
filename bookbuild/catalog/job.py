"""One book of a catalogue, built where a worker runs it: in this process, in a local worker
process or on a Dask cluster's machine; the same function everywhere.

Everything it takes and gives is plain data (paths as text, a dict back), so Dask can send it
anywhere. It never raises: a book's failure is its result, so one book cannot stop the others.
The folders it names must be at the same paths on every worker (a shared file system).
"""

from __future__ import annotations

import functools
import gc
import io
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from lxml import etree

from bookbuild import pipeline
from bookbuild.book.model import Book
from bookbuild.book.reader import read_book
from bookbuild.epub import fonts
from bookbuild.support import cache, output
from bookbuild.support.errors import BookError

COVER = "cover.jpg"
THUMBNAIL = "thumbnail.jpg"
THUMBNAIL_HEIGHT = 400  # pixels: OPDS readers show a shelf of these
MEDIA = {"epub": "application/epub+zip", "kepub": "application/kepub+zip",
         "kindle": "application/epub+zip", "pdf": "application/pdf"}
OFFERED = ("epub", "kepub", "kindle", "pdf")  # what a reader can take; the cover wrap is print's


def build_one(folder: str, out: str, formats: tuple[str, ...], defaults: dict) -> dict:
    """Build the book in `folder` into `out`: a report of what happened, never an exception."""
    start = time.perf_counter()
    result: dict = {"folder": folder, "out": out, "formats": list(formats), "status": "failed",
                    "warnings": [], "errors": [], "files": {}, "entry": None}
    try:
        result.update(_build(Path(folder), Path(out), formats, defaults))
    except BookError as e:
        result["errors"] = [str(p) for p in e.problems]
    except Exception as e:  # noqa: BLE001 - a bug with one book must not stop the catalogue
        result["errors"] = [f"internal error: {type(e).__name__}: {e} (a bug in bookbuild)"]
    result["seconds"] = round(time.perf_counter() - start, 3)
    return result


@functools.cache
def _worker_once() -> None:
    """This process builds book after book: its fonts are instanced once, and the objects it
    holds now (in a Dask worker, all of Dask's) are left out of the garbage collector's
    scans, which otherwise walk them again at each full collection a book's build sets off."""
    fonts.share_instances()
    gc.freeze()


def _build(folder: Path, out: Path, formats: tuple[str, ...], defaults: dict) -> dict:
    _worker_once()
    book = read_book(folder, defaults)
    before = output.snapshot(out)
    said: list[str] = []
    run = pipeline.start(book, out, said.append)
    run.planned = formats
    run.say_warnings = False  # counted and listed in the report, not said as they come
    try:
        made = {fmt: pipeline.make(run, fmt) for fmt in formats}
    finally:
        cache.prune_written()
    fresh = any(output.told(p, before).startswith("wrote") for p in made.values())
    cover = _covers(made["epub"], out, fresh) if "epub" in made else None
    return {"status": "built" if fresh else "up to date",
            "warnings": [str(d) for d in run.warnings],
            "files": {fmt: {"name": p.name, "bytes": p.stat().st_size}
                      for fmt, p in made.items()},
            "entry": entry(book, made, cover)}


def entry(book: Book, made: dict[str, Path], cover: tuple[int, int] | None) -> dict:
    """What a feed says of the book: its metadata, its files and its cover."""
    meta = book.metadata
    return {
        "title": meta.title, "subtitle": meta.subtitle, "identifier": meta.identifier,
        "authors": [c.name for c in meta.authors],
        "language": meta.language, "publisher": meta.publisher, "date": meta.date,
        "description": meta.description, "subjects": list(meta.subjects),
        "series": meta.series, "series_index": meta.series_index, "rights": meta.rights,
        "updated": datetime.fromtimestamp(book.modified, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": [{"format": fmt, "name": made[fmt].name, "type": MEDIA[fmt],
                   "bytes": made[fmt].stat().st_size} for fmt in OFFERED if fmt in made],
        "cover": {"name": COVER, "thumbnail": THUMBNAIL, "size": list(cover)} if cover else None,
    }


def _covers(epub: Path, out: Path, fresh: bool) -> tuple[int, int] | None:
    """The EPUB's own cover (the author's picture, or the one bookbuild set) as the feed's
    cover and thumbnail, made again only when the EPUB was; its size in pixels."""
    from PIL import Image

    if not fresh and (out / COVER).is_file() and (out / THUMBNAIL).is_file():
        with Image.open(out / COVER) as made:  # reads the header only
            return made.size
    data = cover_of(epub)
    if data is None:
        return None
    with Image.open(io.BytesIO(data)) as im:
        picture = im.convert("RGB")
    _write_jpeg(picture, out / COVER)
    scale = THUMBNAIL_HEIGHT / picture.height
    small = picture.resize((max(1, round(picture.width * scale)), THUMBNAIL_HEIGHT),
                           Image.Resampling.LANCZOS) if scale < 1 else picture
    _write_jpeg(small, out / THUMBNAIL)
    return picture.size


def _write_jpeg(picture, target: Path) -> None:
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88, optimize=True)
    data = buffer.getvalue()
    if target.is_file() and target.read_bytes() == data:
        return  # an up-to-date book keeps its files as they were
    with output.atomic(target) as tmp:
        tmp.write_bytes(data)


def cover_of(epub: Path) -> bytes | None:
    """The bytes of the manifest item marked cover-image in an EPUB bookbuild wrote."""
    with zipfile.ZipFile(epub) as z:
        container = etree.fromstring(z.read("META-INF/container.xml"))
        opf_name = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(z.read(opf_name))
        for item in opf.iterfind(".//{*}manifest/{*}item"):
            if "cover-image" in (item.get("properties") or "").split():
                return z.read(str(PurePosixPath(opf_name).parent / unquote(item.get("href"))))
    return None
