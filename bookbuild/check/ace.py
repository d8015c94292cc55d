"""DAISY Ace, the EPUB accessibility checker, read through its JSON report.

Ace is a Node program driving a headless Chromium through puppeteer. `make ace` installs it into
tools/ace/ (npm, PUPPETEER_SKIP_DOWNLOAD=true) and uses the system's chromium; Ace already
launches it with --no-sandbox, which running as root needs.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import tempfile
from pathlib import Path

from bookbuild.check import Finding
from bookbuild.support import bounded, zipped
from bookbuild.support.errors import BookError

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "ace"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
IMPACT = {"critical": "error", "serious": "error", "moderate": "warning", "minor": "info"}
TIMEOUT = 900  # seconds; Ace checks every document in a browser
MEMORY_MB = 3000  # Node, Chromium and its renderers together
BROWSER_START_MS = 60_000
QUOTED = re.compile(r'"([^"]+)"')


def command() -> list[str] | None:
    """The Ace command line, or None if Ace is not installed."""
    env = os.environ.get("BOOKBUILD_ACE")
    if env:
        return [env]
    local = TOOLS / "node_modules" / ".bin" / "ace-cli"
    if local.exists():
        return [str(local)]
    found = shutil.which("ace")
    return [found] if found else None


def browser() -> str | None:
    env = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if env and Path(env).exists():
        return env
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


def missing() -> str | None:
    """Why Ace cannot run here, or None."""
    if not shutil.which("node"):
        return "Node.js is not installed (Ace needs node 18 or newer)"
    if command() is None:
        return "DAISY Ace is not installed; `make ace` installs it into tools/ace/"
    if browser() is None:
        return "no Chromium for Ace (Debian: apt-get install chromium)"
    return None


def run(epub: Path) -> list[tuple[Finding, str | None]]:
    """Every violation Ace reports, with a needle (an image or element name) to locate it."""
    why = missing()
    if why:
        raise BookError(why)
    with tempfile.TemporaryDirectory(prefix="bookbuild-ace-") as tmp:
        out = Path(tmp) / "report"
        env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=browser(),
                   PUPPETEER_SKIP_DOWNLOAD="true")
        # Ace gives Chromium 5 s to start; on a busy 2-core machine (two checks at once, a
        # JVM beside them) it sometimes needs more, and Ace then fails with no report.
        env.setdefault("ACE_TIMEOUT_INITIAL", str(BROWSER_START_MS))
        # Ace runs in its own folder: a path the user gave relative to theirs is made whole.
        proc = bounded.run([*command(), "-s", "-f", "-o", str(out), str(epub.resolve())], TIMEOUT,
                           MEMORY_MB, env=env, cwd=tmp)
        if proc.stopped:
            limit = f"{TIMEOUT} s" if proc.stopped == "time" else f"{MEMORY_MB} MB"
            raise BookError(f"{epub}: Ace was stopped at its limit of {limit}")
        report = out / "report.json"
        if not report.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise BookError(f"{epub}: Ace did not run: {' | '.join(tail) or proc.returncode}")
        data = json.loads(report.read_text("utf-8"))
    return list(findings(data, _entries(epub)))


def _entries(epub: Path) -> set[str]:
    with zipped.Archive.open(epub) as archive:
        return set(archive.names)


def findings(report: dict, entries: set[str]):
    """(Finding, needle) for every failed assertion in an Ace report."""
    opf_dir = next((posixpath.dirname(n) for n in entries if n.endswith(".opf")), "")
    for subject in report.get("assertions", []):
        url = (subject.get("earl:testSubject") or {}).get("url", "")
        path = _path(url, entries, opf_dir)
        for a in subject.get("assertions", []):
            result = a.get("earl:result") or {}
            if result.get("earl:outcome") != "fail":
                continue
            test = a.get("earl:test") or {}
            rule = test.get("dct:title", "unknown")
            help_ = (test.get("help") or {}).get("dct:description") or test.get("dct:description")
            message = (result.get("dct:description") or test.get("dct:description") or rule)
            message = " ".join(message.split("\n")[0].split())
            css = ((result.get("earl:pointer") or {}).get("css") or [""])[0]
            needle = QUOTED.search(css)
            if css:
                message += f" [{css}]"
            severity = IMPACT.get(test.get("earl:impact", ""), "warning")
            yield (Finding(f"ACE-{rule}", severity, message, path, None, None, help_),
                   needle.group(1).rsplit("/", 1)[-1].rsplit(".", 1)[0] if needle else None)


def _path(url: str, entries: set[str], opf_dir: str) -> str | None:
    url = url.lstrip("/")
    if not url:
        return None
    if url in entries or not opf_dir:
        return url
    joined = posixpath.join(opf_dir, url)
    return joined if joined in entries else url
