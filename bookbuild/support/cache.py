"""The build cache: per section and per image, keyed by content hash, under BOOK/build/.cache.

Keys cover the input bytes, the relevant configuration and a fingerprint of bookbuild itself
(its code, templates and the pandoc version), so a changed tool never serves a stale entry.
Entries are written atomically and carry their own checksum: two builds at once are safe, and
a corrupt entry is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import bookbuild

VERSION = b"bookbuild-cache-1"
LIMIT_MB = 1024  # the cache's size after a build, unless BOOKBUILD_CACHE_MB says otherwise
STALE_TEMP = 3600  # seconds: a temp file this old was left by a build that was killed
LEDGER = ".size"  # bytes in the cache when last counted, plus what builds have written since

# Libraries whose output is cached (XHTML reshaped by lxml, renditions by Pillow, PDFs by
# Typst in our fonts…): a new version of one must not be served the old one's results.
LIBRARIES = ("lxml", "PIL", "ebooklib", "typst", "pikepdf", "fontTools", "yaml",
             "fontpkg_eb_garamond", "fontpkg_amiri", "pylopdf_fonts_zh_cn", "pylopdf_fonts_jp",
             "pylopdf_fonts_ko", "pylopdf_fonts_hi", "pylopdf_fonts_he", "pylopdf_fonts_th")

_written: dict[Path, int] = {}  # bytes this process wrote, per cache folder


# Outside tools whose output is cached, each as a function naming the installed one: the
# modules that drive them add theirs (convert.pandoc adds pandoc's), so that this layer knows
# no tool and a process that never converts never looks for pandoc.
TOOLS: list[Callable[[], str]] = []


def identify(tool: Callable[[], str]) -> None:
    if tool not in TOOLS:
        TOOLS.append(tool)


def fingerprint() -> str:
    """Hash of bookbuild's own files, and of which tools and libraries it drives."""
    return _fingerprint(tuple(TOOLS))


@cache
def _fingerprint(tools: tuple[Callable[[], str], ...]) -> str:
    digest = hashlib.sha256(VERSION)
    for tool in tools:
        digest.update(tool().encode())
    for name in LIBRARIES:
        digest.update(_installed(name).encode())
    package = Path(bookbuild.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".lua", ".css", ".xhtml", ".svg", ".typ", ".txt", ".html",
                           ".json"}:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _installed(name: str) -> str:
    """Which installation of a library this is, without importing it (several are slow to
    import) or asking importlib.metadata (slower still): its file, size and time. Installing
    another version writes the file anew."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return f"{name}: none"
    try:
        info = os.stat(spec.origin)
    except OSError:
        return f"{name}: {spec.origin}"
    return f"{name}: {spec.origin}:{info.st_size}:{info.st_mtime_ns}"


def key(*parts: str | bytes) -> str:
    digest = hashlib.sha256(fingerprint().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class Cache:
    def __init__(self, folder: Path | None):
        self.folder = folder

    @property
    def keeps(self) -> bool:
        """Whether anything put is kept: a caller can skip the work of preparing an entry."""
        return self.folder is not None

    def _path(self, kind: str, name: str) -> Path:
        return self.folder / kind / name[:2] / name

    def has(self, kind: str, name: str) -> bool:
        """Whether an entry is there (it may still turn out corrupt when read)."""
        return self.folder is not None and self._path(kind, name).is_file()

    def get_bytes(self, kind: str, name: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            blob = self._path(kind, name).read_bytes()
        except OSError:
            return None
        digest, payload = blob[:32], blob[32:]
        if hashlib.sha256(payload).digest() != digest:
            return None
        _touch(self._path(kind, name))
        return payload

    def put_bytes(self, kind: str, name: str, payload: bytes) -> None:
        if self.folder is None:
            return
        path = self._path(kind, name)
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
            _written[self.folder] = _written.get(self.folder, 0) + 32 + len(payload)
        except OSError:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)  # a full disk leaves no half entry behind
            self.folder = None  # a read-only book folder builds fine, just without a cache

    def get_json(self, kind: str, name: str):
        payload = self.get_bytes(kind, name)
        try:
            return json.loads(payload) if payload is not None else None
        except ValueError:
            return None

    def put_json(self, kind: str, name: str, value) -> None:
        self.put_bytes(kind, name, json.dumps(value, ensure_ascii=False).encode("utf-8"))


NO_CACHE = Cache(None)


def _touch(path: Path) -> None:
    """Mark an entry as used now: pruning removes the least recently used first."""
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache is still a cache


def limit() -> int:
    try:
        return max(0, int(os.environ.get("BOOKBUILD_CACHE_MB", LIMIT_MB))) * 1024 * 1024
    except ValueError:
        return LIMIT_MB * 1024 * 1024


def prune_written() -> None:
    """Keep every cache this process wrote to within its limit (called when a build ends).

    Counting a cache means a stat of every entry, as long as a no-op build takes on a big book;
    so each cache keeps a running total of its size and is counted only when that total passes
    the limit (or is missing or unreadable). The total can only err high (an entry written
    twice counts twice), and erring high costs nothing but a count.
    """
    while _written:
        folder, added = _written.popitem()
        try:
            with _locked(folder):
                _account(folder, added)
        except OSError:
            pass  # a cache that cannot be locked or counted is left as it is


def _account(folder: Path, added: int) -> None:
    """Add what this build wrote to the running total; count and prune when it is too big.
    Builds take turns here, so no addition is lost and two never prune at once."""
    ledger = folder / LEDGER
    try:
        total = int(ledger.read_text("ascii")) + added
    except (OSError, ValueError):
        total = None
    if total is None or total > limit():
        total = prune(folder, limit())
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(fd, "w") as f:
        f.write(str(total))
    os.replace(tmp, ledger)


@contextlib.contextmanager
def _locked(folder: Path):
    with open(folder / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prune(folder: Path, max_bytes: int) -> int:
    """Delete the least recently used entries until the cache holds at most `max_bytes`.

    Every edit leaves entries for text that no longer exists; without this the cache of a book
    that is being written would only grow. It goes down to 80% of the limit, so that the next
    builds do not prune again at once. A build running beside this one may find an entry gone:
    it treats it as a miss and computes it again, as it does a corrupt entry. Returns the bytes
    left.
    """
    entries, total = [], 0
    now = time.time()
    for top, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(top, name)
            try:
                info = path.stat()
                if name.startswith(".tmp-") and now - info.st_mtime > STALE_TEMP:
                    path.unlink()
            except OSError:
                continue
            if not name.startswith("."):  # the ledger and temp files are not entries
                entries.append((info.st_mtime_ns, info.st_size, path))
                total += info.st_size
    if total <= max_bytes:
        return total
    for _used, size, path in sorted(entries):
        if total <= max_bytes * 0.8:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
    return total
