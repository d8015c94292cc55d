"""The full check (EPUBCheck included) on hostile files: each ends quickly with exit 1, no
traceback, and no request to the network; what EPUBCheck or Ace would choke on never reaches
them, and they die with bookbuild."""

from __future__ import annotations

import http.server
import os
import re
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


def _lying(path, size=512 * 1024 * 1024):
    """A chapter whose headers say 9 KB while its data inflates to `size`."""
    _bomb(path, size)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("EPUB/content.opf")
    small = (9472).to_bytes(4, "little")
    raw[info.header_offset + 22:info.header_offset + 26] = small  # the local header
    central = raw.rindex(b"PK\x01\x02")  # its entry is the last one
    raw[central + 24:central + 28] = small  # and the central directory
    path.write_bytes(bytes(raw))
    return path


def _every_xml(sample, path, edit):
    with zipfile.ZipFile(sample) as z:
        names = [n for n in z.namelist() if n.endswith((".xml", ".opf", ".xhtml", ".ncx"))]
    return rewrite(sample, path, edit={n: edit for n in names})


def _ssrf_everywhere(sample, tmp, server):
    """A DOCTYPE naming a URL in every XML file, container.xml and the NCX included."""
    def doctype(body):
        body = re.sub(rb"<!DOCTYPE[^>]*>", b"", body)
        root = re.search(rb"<([a-zA-Z]+)[\s>]", body.split(b"?>", 1)[-1]).group(1)
        return re.sub(rb"(<" + root + rb"[\s>])", b'<!DOCTYPE ' + root + b' SYSTEM "'
                      + server.encode() + b'/x.dtd">\\1', body, count=1)
    return _every_xml(sample, tmp / "ssrf-everywhere.epub", doctype)


def _utf16(sample, tmp, server):
    """An entity DOCTYPE in a chapter encoded in UTF-16, where a byte scan sees nothing."""
    def recode(body):
        text = body.decode().replace('encoding="utf-8"', 'encoding="UTF-16"')
        text = text.replace("<!DOCTYPE html>", LAUGHS.replace("package", "html"))
        return text.replace("</h1>", "&a11;</h1>").encode("utf-16")
    return rewrite(sample, tmp / "utf16.epub", edit={CHAPTER: recode})


def _late(sample, tmp, server):
    """The DOCTYPE after 70 KB of comment, past where a prefix scan stops looking."""
    return rewrite(sample, tmp / "late.epub", edit={CHAPTER: lambda b: b.replace(
        b"<!DOCTYPE html>", b"<!--" + b"x" * 70_000 + b"-->"
        + LAUGHS.replace("package", "html").encode()).replace(b"</h1>", b"&a11;</h1>")})


SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
       b'<a xlink:href="jav&#x09;ascript:alert(1)"><text>x</text></a>'
       b'<a><set attributeName="href" to="javascript:alert(2)"/></a></svg>')


# Each maker takes the sample EPUB, a folder to write in, and the address of a server that
# must never be asked for anything.
HOSTILE = {
    "zip-bomb-1-GiB": lambda sample, tmp, _: _bomb(tmp / "bomb.epub", 1024 * 1024 * 1024),
    "lying-header": lambda sample, tmp, _: _lying(tmp / "liar.epub"),
    "billion-laughs-in-the-opf": lambda sample, tmp, _: rewrite(sample, tmp / "laughs.epub", edit={
        OPF: lambda b: sub(r"<package", LAUGHS + "<package")(b).replace(
            b"</dc:title>", b"&a11;</dc:title>")}),
    "billion-laughs-in-the-xhtml": lambda sample, tmp, _: rewrite(sample, tmp / "xlaughs.epub", edit={
        CHAPTER: lambda b: b.replace(b"<!DOCTYPE html>", LAUGHS.replace("package", "html")
                                     .encode()).replace(b"</h1>", b"&a11;</h1>")}),
    "utf-16-doctype": _utf16,
    "late-doctype": _late,
    "ssrf-doctype-in-every-xml-file": _ssrf_everywhere,
    "quadratic-bait": lambda sample, tmp, _: rewrite(sample, tmp / "bait.epub", edit={
        CHAPTER: lambda b: b.replace(b"</body>", b"<!--" * 200_000 + b"</body>")}),
    "millions-of-tags": lambda sample, tmp, _: rewrite(sample, tmp / "tags.epub", edit={
        CHAPTER: lambda b: b.replace(b"</body>", b"<i/>" * 4_000_000 + b"</body>")}),
    "millions-of-tags-stored": lambda sample, tmp, _: rewrite(sample, tmp / "stags.epub",
                                                          stored={CHAPTER}, edit={
        CHAPTER: lambda b: b.replace(b"</body>", b"<i/>" * 4_000_000 + b"</body>")}),
    "obfuscated-svg-script": lambda sample, tmp, _: rewrite(sample, tmp / "svg.epub", edit={
        "EPUB/images/ornament.svg": lambda b: SVG}),
}


def measured(path):
    """The full check run under a parent that reports the peak memory of its process tree."""
    parent = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
              "sys.stderr.write(f'\\npeak {resource.getrusage(resource.RUSAGE_CHILDREN)"
              ".ru_maxrss}'); sys.exit(done.returncode)")
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", parent, *BOOKBUILD, "check", "--format",
                           "json", str(path)], capture_output=True, text=True, timeout=120)
    said, _, peak = done.stderr.rpartition("\npeak ")
    return done, said, time.monotonic() - start, int(peak) / 1024


@pytest.mark.parametrize("name", HOSTILE)
def test_the_full_check_of_a_hostile_file_is_bounded(sample_epub, tmp_path, server, name):
    """EPUBCheck included: within 30 s and 500 MB, exit 1 or 2, no traceback, no request."""
    path = HOSTILE[name](sample_epub, tmp_path, server)
    done, said, seconds, peak_mb = measured(path)
    assert done.returncode in (1, 2), said
    assert "Traceback" not in said and "internal error" not in said
    assert seconds < 30, f"{seconds:.0f} s"
    assert peak_mb < 500, f"a process of the check took {peak_mb:.0f} MB"
    assert Seen.requests == []
    assert '"severity": "error"' in done.stdout or done.returncode == 2
