"""`proof --serve`: a plain listing for e-reader browsers, the right MIME types, clean stop.

Everything here talks to 127.0.0.1 only, on a port the kernel picks, with short timeouts.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from bookbuild.proof.serve import kind_of, make_server

TIMEOUT = 10


def get(url: str):
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return response.status, response.headers, response.read()


@pytest.fixture(scope="module")
def server(sample_proof):
    srv = make_server(sample_proof["out"], "127.0.0.1", 0, title="Sample")
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown()
    srv.server_close()
    thread.join(TIMEOUT)


def test_the_listing_is_plain_html_with_big_links(server):
    status, headers, body = get(server)
    html = body.decode("utf-8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<script" not in html.lower()
    for name in ("when-lenin-proclaimed-soviet-power.epub",
                 "when-lenin-proclaimed-soviet-power.kepub.epub",
                 "when-lenin-proclaimed-soviet-power.kindle.epub", "proof/index.html"):
        assert f'href="{name}"' in html
    assert "Kobo edition" in html and "Kindle edition" in html


@pytest.mark.parametrize("name", ["when-lenin-proclaimed-soviet-power.epub",
                                  "when-lenin-proclaimed-soviet-power.kepub.epub"])
def test_books_are_served_as_epub(server, sample_proof, name):
    status, headers, body = get(server + name)
    assert status == 200
    assert headers["Content-Type"] == "application/epub+zip"
    assert body == (sample_proof["out"] / name).read_bytes()
    assert name in headers["Content-Disposition"]


def test_the_proof_sheet_and_its_pictures_are_served(server):
    _, headers, body = get(server + "proof/index.html")
    assert headers["Content-Type"].startswith("text/html")
    _, headers, body = get(server + "proof/kobo-clara.png")
    assert headers["Content-Type"] == "image/png" and body.startswith(b"\x89PNG")


@pytest.mark.parametrize("path", ["../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd",
                                  "proof/kobo-clara/", "nothing.epub"])
def test_nothing_outside_the_files_is_served(server, path):
    with pytest.raises(urllib.error.HTTPError) as e:
        get(server + path)
    assert e.value.code == 404


@pytest.mark.parametrize("name, kind", [
    ("b.kepub.epub", "Kobo edition"), ("b.kindle.epub", "Kindle edition"), ("b.epub", "EPUB"),
    ("b-cover.pdf", "Print cover (PDF)"), ("b.pdf", "Print interior (PDF)"), ("b.png", None)])
def test_the_listing_names_each_kind_of_file(name, kind):
    assert kind_of(name) == kind


def test_serve_prints_the_address_and_a_qr_code_and_stops_on_ctrl_c(sample_proof):
    code = ("import sys; from pathlib import Path; from bookbuild.proof.serve import serve; "
            "serve(Path(sys.argv[1]), '127.0.0.1', 0, lambda m: print(m, flush=True))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(sample_proof["out"])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith("serving ") and "http://127.0.0.1:" in first
        url = first.split(" at ", 1)[1].strip()
        assert get(url)[0] == 200
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "▀" in out or "█" in out  # the QR code, drawn with block characters
    assert out.rstrip().endswith("stopped")
    assert "Traceback" not in err


def test_a_port_in_use_is_one_clear_error(sample_proof):
    from bookbuild.support.errors import BookError

    first = make_server(sample_proof["out"], "127.0.0.1", 0)
    try:
        with pytest.raises(BookError, match="--port"):
            make_server(sample_proof["out"], "127.0.0.1", first.server_address[1])
    finally:
        first.server_close()


def test_a_busy_port_fails_before_the_proof_is_made(tmp_path, monkeypatch):
    from bookbuild.commands import proof as commands
    from bookbuild.support.errors import BookError

    def no_proof(*args, **kwargs):
        raise AssertionError("the proof ran although the port is busy")
    monkeypatch.setattr(commands, "proof", no_proof)
    first = make_server(tmp_path, "127.0.0.1", 0)
    try:
        with pytest.raises(BookError, match="--port"):
            commands.proof_command(str(tmp_path), None, serve=True, device=None,
                                   host="127.0.0.1", port=first.server_address[1],
                                   echo=lambda _m: None, progress=lambda _m: None)
    finally:
        first.server_close()


def test_the_listing_offers_only_the_books_own_files(tmp_path):
    from bookbuild.proof.serve import listing

    for name in ("new-title.epub", "new-title.kepub.epub", "old-title.epub", "old-title.pdf"):
        (tmp_path / name).write_bytes(b"x")
    page = listing(tmp_path, "New Title", slug="new-title").decode()
    assert "new-title.epub" in page and "new-title.kepub.epub" in page
    assert "old-title" not in page
