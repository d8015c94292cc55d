"""EPUBs just under 50 MB for the `check --fast` budget: one of prose, one of pictures.

Issue 13 promises the fast check stays under 2 CPU-s and 300 MB on any EPUB under 50 MB. The
two ends of that range are a book that is nearly all markup (the most parsing per byte) and an
illustrated book (the most image bytes to sniff); real books fall between them.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from PIL import Image

from bench.generate import paragraph

LIMIT = 46 * 1024 * 1024  # under 50,000,000 bytes with room for the last entries and the directory
OPF = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id" xml:lang="en">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="id">urn:uuid:7d2f1a34-8c1e-4f6b-9a51-0b9e2c3d4e5f</dc:identifier>
<dc:title>{title}</dc:title><dc:language>en</dc:language>
<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta>
</metadata>
<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
{items}</manifest>
<spine>{refs}</spine>
</package>
"""
PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
xml:lang="en" lang="en"><head><title>{title}</title></head>
<body><section id="s{n}" epub:type="chapter"><h1>{title}</h1>
{body}</section></body></html>
"""
CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles></container>
"""


def _noise_jpeg(rng: random.Random, side: int) -> bytes:
    # Noise does not compress, so each picture costs the zip about what it costs the disk.
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _chapter(rng: random.Random, n: int, picture: str | None) -> str:
    paras = [f"<p>{paragraph(rng, 120)[0]} <a href=\"c{(n + 1) % 50:04d}.xhtml\">next</a></p>"
             for _ in range(60)]
    if picture:
        paras.insert(1, f'<figure><img src="{picture}" alt="Figure {n}"/></figure>')
    return PAGE.format(title=f"Chapter {n}", n=n, body="\n".join(paras))


def write(path: Path, pictures: bool, seed: int = 7) -> Path:
    """Write chapters (and, if asked, a noise JPEG beside each) until the zip nears LIMIT."""
    rng = random.Random(seed)
    items, refs, nav = [], [], []
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        z.writestr("META-INF/container.xml", CONTAINER, zipfile.ZIP_DEFLATED)
        n = 0
        while z.fp.tell() < LIMIT:
            name, picture = f"c{n:04d}.xhtml", f"p{n:04d}.jpg" if pictures else None
            if picture:
                z.writestr(f"OEBPS/{picture}", _noise_jpeg(rng, 900), zipfile.ZIP_STORED)
                items.append(f'<item id="p{n}" href="{picture}" media-type="image/jpeg"/>')
            z.writestr(f"OEBPS/{name}", _chapter(rng, n, picture), zipfile.ZIP_DEFLATED)
            items.append(f'<item id="c{n}" href="{name}" media-type="application/xhtml+xml"/>')
            refs.append(f'<itemref idref="c{n}"/>')
            nav.append(f'<li><a href="{name}">Chapter {n}</a></li>')
            n += 1
        title = "The Illustrated Benchmark" if pictures else "The Long Benchmark"
        z.writestr("OEBPS/nav.xhtml", PAGE.format(
            title="Contents", n="nav", body='<nav epub:type="toc" id="toc"><ol>'
            + "".join(nav) + "</ol></nav>"), zipfile.ZIP_DEFLATED)
        z.writestr("OEBPS/content.opf", OPF.format(title=title, items="\n".join(items),
                                                    refs="".join(refs)), zipfile.ZIP_DEFLATED)
    return path
