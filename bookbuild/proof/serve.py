"""`bookbuild proof --serve`: the build folder over HTTP, for an e-reader's own browser.

The stdlib server is enough: one reader, a handful of files, on the local network. The front
page is plain HTML with big links and no JavaScript, which e-reader browsers handle.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable
from functools import partial
from html import escape
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from string import Template
from urllib.parse import quote

from bookbuild.pipeline import FORMATS
from bookbuild.support.errors import BookError

MIME = {".epub": "application/epub+zip", ".pdf": "application/pdf", ".png": "image/png",
        ".html": "text/html; charset=utf-8", ".css": "text/css", ".json": "application/json"}
# What the listing offers, most specific first: a .kepub.epub is also an .epub.
KINDS = [(FORMATS[name].suffix, what) for name, what in (
    ("kepub", "Kobo edition"), ("kindle", "Kindle edition"), ("epub", "EPUB"),
    ("cover", "Print cover (PDF)"), ("pdf", "Print interior (PDF)"))]
DOWNLOADS = (".epub", ".pdf")
# A catalogue's feeds (bookbuild.catalog.feeds), typed as OPDS readers look for them.
FEEDS = {"opds.xml": "application/atom+xml;profile=opds-catalog;kind=acquisition",
         "opds.json": "application/opds+json"}
SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def kind_of(name: str) -> str | None:
    return next((label for suffix, label in KINDS if name.endswith(suffix)), None)


def listing(root: Path, title: str = "Books", slug: str | None = None) -> bytes:
    """The front page: each book file in `root` (only the book `slug`'s when given: files of
    an old slug or another book are not offered), and the proof sheet when there is one."""
    items = []
    for path in sorted(root.iterdir()):
        label = kind_of(path.name)
        ours = slug is None or any(path.name == slug + suffix for suffix, _ in KINDS)
        if label and ours and path.is_file() and not path.name.startswith("."):
            size = f"{path.stat().st_size / 1024:,.0f} KB"
            items.append(f'<li><a href="{quote(path.name)}">{escape(label)}'
                         f"<small>{escape(path.name)} · {size}</small></a></li>")
    if (root / "proof" / "index.html").is_file():
        items.append('<li><a href="proof/index.html">Proof sheet'
                     "<small>device renderings and print spreads</small></a></li>")
    if not items:
        items.append("<li>Nothing built yet: run bookbuild proof.</li>")
    page = Template(resources.files("bookbuild.proof").joinpath("templates", "listing.html")
                    .read_text("utf-8"))
    return page.substitute(title=escape(title), items="\n".join(items)).encode("utf-8")


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME}
    title = "Books"
    slug: str | None = None
    log: Callable[[str], None] = staticmethod(lambda _msg: None)

    def do_GET(self):  # noqa: N802 - the stdlib's name
        catalogue = (Path(self.directory) / "opds.xml").is_file()  # its own page is its front
        if self.path.split("?", 1)[0] in ("/", "/index.html") and not catalogue:
            body = listing(Path(self.directory), self.title, self.slug)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def guess_type(self, path):
        return FEEDS.get(Path(str(path)).name) or super().guess_type(path)

    def end_headers(self):
        # A rebuilt book must reach the reader, not a cached copy of the last one.
        self.send_header("Cache-Control", "no-store")
        name = self.path.split("?", 1)[0].rsplit("/", 1)[-1]
        if SAFE_NAME.match(name) and name.endswith(DOWNLOADS):
            # Keeps the file name (and so .kepub.epub) when the browser saves the book.
            self.send_header("Content-Disposition", f'attachment; filename="{name}"')
        super().end_headers()

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND, "No listing here; see /")
        return None

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        self.log(f"{self.address_string()} {format % args}")


def make_server(root: Path, host: str, port: int, title: str = "Books",
                log: Callable[[str], None] = lambda _m: None,
                slug: str | None = None) -> ThreadingHTTPServer:
    handler = type("BookHandler", (Handler,), {"title": title, "slug": slug,
                                               "log": staticmethod(log)})
    try:
        server = ThreadingHTTPServer((host, port), partial(handler, directory=str(root)))
    except OSError as e:
        raise BookError(f"cannot serve on {host}:{port} ({e.strerror}); "
                        f"pick another port with --port") from None
    server.daemon_threads = True
    return server


def lan_address() -> str | None:
    """This machine's address on the local network, as the e-reader will reach it.

    Connecting a UDP socket sends nothing; it only asks the kernel which interface routes
    towards a (documentation-range) address.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def public_url(host: str, port: int) -> str:
    shown = host
    if host in ("0.0.0.0", ""):
        shown = lan_address() or "127.0.0.1"
    return f"http://{shown}:{port}/"


def qr_text(url: str) -> str:
    """The URL as a QR code drawn in the terminal with block characters."""
    import io

    import segno

    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()


def serve(root: Path, host: str, port: int, say: Callable[[str], None], title: str = "Books",
          stop: threading.Event | None = None, slug: str | None = None) -> None:
    """Serve until Ctrl-C (or until `stop` is set)."""
    server = make_server(root, host, port, title, say, slug)
    url = public_url(host, server.server_address[1])
    say(f"serving {root} at {url}")
    if (root / "opds.xml").is_file():
        say(f"its OPDS catalogue, for reading apps (KOReader, Thorium…): {url}opds.xml")
    try:
        say(qr_text(url))
    except ImportError:
        pass  # no QR code without segno; the address is enough
    say("open that address in the e-reader's browser; Ctrl-C stops")
    if stop is not None:
        threading.Thread(target=lambda: (stop.wait(), server.shutdown()), daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        server.server_close()
