"""`bookbuild watch`'s quick look: after each save, the EPUB and one device's rendering of the
section that was saved, in about a second on the sample. The whole proof (every device and
type size, the browser proof, the print spreads) is `bookbuild proof`, or `watch --full`.

The pages go to OUT/watch/, beside the proof rather than in it: a full proof replaces
OUT/proof/ whole. OUT/watch/index.html shows them and reloads itself, so a browser left open
on it follows the author's saves.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path

from bookbuild.book.model import Book
from bookbuild.book.reader import read_book
from bookbuild.proof import overflow, render
from bookbuild.proof.devices import DEVICES, FONT_SIZES, Device
from bookbuild.support import cache, output
from bookbuild.support.progress import Progress, silent

PAGES = 4  # of the saved section: its opening and what follows, enough to judge the change
SIZE = "medium"
RELOAD_SECONDS = 2


@dataclass
class Live:
    epub: Path  # the store EPUB, rebuilt
    device: Device
    section: str  # the title of the section shown
    pages: list[Path] = field(default_factory=list)
    total: int = 0  # the section's pages at this device and size
    overflows: list[int] = field(default_factory=list)  # shown pages (1-based) that overflow
    index: Path | None = None


def device_named(device_id: str) -> Device:
    return next(d for d in DEVICES if d.id == device_id)


def refresh(folder: str | Path, out_dir: str | Path | None, changed: list[str],
            device: Device, progress: Progress = silent, pymupdf=None) -> Live:
    """Rebuild the EPUB (and the device's own edition), then render the first saved section
    as the device shows it; without PyMuPDF, the EPUB only."""
    from bookbuild.pipeline import make, start
    from bookbuild.proof.run import out_dir_for

    book = read_book(folder)
    out = out_dir_for(book, out_dir)
    run = start(book, out, progress)
    try:
        epub = make(run, "epub")
        edition = make(run, device.edition)
    finally:
        cache.prune_written()
    items = render.sections_of(edition, {s.file_name: s.source for s in book.sections})
    chapter = _chapter(items, changed)
    live = Live(epub, device, items[chapter].title if chapter is not None else "")
    if pymupdf is None or chapter is None:
        return live
    with output.locked(out), output.atomic_folder(out / "watch") as folder_new:
        _render(pymupdf, edition, chapter, live, folder_new)
        _write_index(folder_new / "index.html", book, live)
    final = out / "watch"
    live.pages = [final / p.relative_to(folder_new) for p in live.pages]
    live.index = final / "index.html"
    return live


def _chapter(items: list[render.SpineItem], changed: list[str]) -> int | None:
    """The spine index of the first saved section; of the first section for book.yaml or an
    asset (what they change shows on every page)."""
    written = [i for i, item in enumerate(items) if item.source]
    saved = [i for i in written if items[i].source in changed]
    return (saved or written or [None])[0]


def _render(pymupdf, edition: Path, chapter: int, live: Live, folder: Path) -> None:
    device = live.device
    doc = render.open_laid_out(pymupdf, edition, device)
    try:
        width, height = device.page_size
        doc.layout(width=width, height=height, fontsize=FONT_SIZES[SIZE])
        if chapter >= doc.chapter_count:
            return
        live.total = doc.chapter_page_count(chapter)
        box = render.content_box(device)
        for n in range(min(PAGES, live.total)):
            page = doc[(chapter, n)]
            if overflow.find(page, box):
                live.overflows.append(n + 1)
            path = folder / device.id / f"p{n + 1:04d}.png"
            render.save_png(render.eink(render.page_image(page, device)), path)
            live.pages.append(path)
    finally:
        doc.close()


def _write_index(path: Path, book: Book, live: Live) -> None:
    """A page that shows the renderings and reloads itself: no script, a meta refresh."""
    title = html.escape(book.metadata.title)
    shown = f"pages 1–{len(live.pages)} of {live.total}" if live.total else "no pages"
    figures = "\n".join(
        f'<figure><img src="{html.escape(os.path.relpath(p, path.parent))}" '
        f'alt="page {n}" width="{live.device.width // 3}">'
        f'<figcaption>p. {n}{" — overflows" if n in live.overflows else ""}</figcaption></figure>'
        for n, p in enumerate(live.pages, 1))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{RELOAD_SECONDS}">
<title>{title}: watching</title>
<style>body {{ font-family: sans-serif; margin: 1em; }} figure {{ display: inline-block;
margin: 0 1em 1em 0; }} img {{ border: 1px solid #999; }}</style></head>
<body><h1>{title}</h1>
<p>{html.escape(live.section)}: {html.escape(live.device.name)}, {SIZE} type, {shown}.
The whole proof: <code>bookbuild proof</code>.</p>
{figures}
</body></html>
"""
    with output.atomic(path) as tmp:
        tmp.write_text(page, "utf-8")
