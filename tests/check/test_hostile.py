"""The full check (EPUBCheck included) on hostile files: each ends quickly with exit 1, no
traceback, and no request to the network; what EPUBCheck or Ace would choke on never reaches
them, and they die with bookbuild."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile

import pytest
from epub_faults import CHAPTER, OPF, rewrite, sub

from bookbuild.check import epubcheck

BOOKBUILD = [sys.executable, "-m", "bookbuild"]


def check(path, *extra, timeout=60):
    start = time.monotonic()
    done = subprocess.run([*BOOKBUILD, "check", "--format", "json", *extra, str(path)],
                          capture_output=True, text=True, timeout=timeout)
    return done, time.monotonic() - start


def assert_refused(done, seconds, code):
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert code in done.stdout and "CHECK-010" in done.stdout
    assert seconds < 30


def test_a_fifo_is_not_waited_on(tmp_path):
    fifo = tmp_path / "x.epub"
    os.mkfifo(fifo)
    done, seconds = check(fifo)
    assert_refused(done, seconds, "EPUB-OCF-001")
    assert "not a regular file" in done.stdout


def test_a_link_to_a_device_is_not_read(tmp_path):
    link = tmp_path / "z.epub"
    link.symlink_to("/dev/zero")
    done, seconds = check(link)
    assert_refused(done, seconds, "EPUB-OCF-001")


def test_twenty_thousand_entries_are_not_unpacked(tmp_path):
    path = tmp_path / "many.epub"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        for n in range(20_000):
            z.writestr(f"EPUB/{n}.xhtml", "")
    done, seconds = check(path)
    assert_refused(done, seconds, "EPUB-OCF-")


class Seen(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        Seen.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY x 'y'>")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Seen.requests = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Seen)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def ssrf(sample_epub, tmp_path, url):
    return rewrite(sample_epub, tmp_path / "ssrf.epub", edit={
        OPF: sub(r"<package", f'<!DOCTYPE package SYSTEM "{url}/opf.dtd"><package'),
        CHAPTER: sub(r"<!DOCTYPE html>", f'<!DOCTYPE html SYSTEM "{url}/x.dtd">')})


def test_a_dtd_at_an_address_is_never_fetched(sample_epub, tmp_path, server):
    done, seconds = check(ssrf(sample_epub, tmp_path, server))
    assert_refused(done, seconds, "EPUB-XML-002")
    assert Seen.requests == []


def test_epubcheck_itself_fetches_nothing(sample_epub, tmp_path, server):
    """Past bookbuild's screen too: the JVM has no way out."""
    epubcheck.run(ssrf(sample_epub, tmp_path, server))
    assert Seen.requests == []


def test_epubcheck_goes_when_bookbuild_is_killed(sample_epub):
    build = subprocess.Popen([*BOOKBUILD, "check", str(sample_epub)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    for line in build.stderr:
        if "running EPUBCheck" in line:
            break
    time.sleep(1.0)  # the JVM is starting
    build.send_signal(signal.SIGTERM)
    assert build.wait(timeout=30) == 143
    said = build.stderr.read()
    assert "Traceback" not in said and "interrupted" in said
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-f", f"epubcheck.jar {sample_epub}"], capture_output=True,
                          text=True)
    assert left.stdout.strip() == "", "EPUBCheck outlived bookbuild"


@pytest.mark.parametrize("bait", [b"<!--" * 50_000, b"<!-- a -- b " * 20_000],
                         ids=["unclosed-comments", "dashes"])
def test_quadratic_bait_is_read_in_linear_time(sample_epub, tmp_path, bait):
    """The comment scan of KINDLE-005 once took 6.8 CPU-s on 50 KB of `<!--`, and 200 KB
    never finished."""
    import resource

    path = rewrite(sample_epub, tmp_path / "bait.epub",
                   edit={CHAPTER: lambda b: b.replace(b"</body>", bait + b"</body>")})
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    done, _seconds = check(path, "--fast")
    used = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr
    assert used < 5, f"{used:.1f} CPU-s"


def _bomb(path, size=256 * 1024 * 1024):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" '
                   'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
                   '<rootfile full-path="EPUB/content.opf" media-type="application/'
                   'oebps-package+xml"/></rootfiles></container>')
        info = zipfile.ZipInfo("EPUB/content.opf")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w") as entry:
            block = b"\0" * (16 * 1024 * 1024)
            for _ in range(size // len(block)):
                entry.write(block)
    return path


LAUGHS = ('<!DOCTYPE package [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY a{i} "{("&a" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                    for i in range(1, 12)) + "]>")


@pytest.mark.parametrize("make", [
    lambda sample, tmp: _bomb(tmp / "bomb.epub"),
    lambda sample, tmp: rewrite(sample, tmp / "laughs.epub", edit={
        OPF: lambda b: sub(r"<package", LAUGHS + "<package")(b).replace(
            b"</dc:title>", b"&a11;</dc:title>")}),
], ids=["zip-bomb", "billion-laughs-in-the-opf"])
def test_the_full_check_of_a_hostile_file_is_bounded(sample_epub, tmp_path, make):
    """EPUBCheck included: within 30 s and 500 MB, exit 1, no traceback."""
    import resource

    path = make(sample_epub, tmp_path)
    done, seconds = check(path)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and seconds < 30
    assert peak_mb < 500, f"a process of the check took {peak_mb:.0f} MB"
