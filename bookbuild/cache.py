"""The build cache: per section and per image, keyed by content hash, under BOOK/build/.cache.

Keys cover the input bytes, the relevant configuration and a fingerprint of bookbuild itself
(its code, templates and the pandoc version), so a changed tool never serves a stale entry.
Entries are written atomically and carry their own checksum: two builds at once are safe, and
a corrupt entry is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

import bookbuild

VERSION = b"bookbuild-cache-1"


@cache
def fingerprint() -> str:
    """Hash of bookbuild's own files and the pandoc it drives."""
    from bookbuild.convert.pandoc import pandoc_identity

    digest = hashlib.sha256(VERSION)
    digest.update(pandoc_identity().encode())
    package = Path(bookbuild.__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in {".py", ".lua", ".css", ".xhtml", ".svg", ".typ", ".txt", ".html"}:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


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
        return payload if hashlib.sha256(payload).digest() == digest else None

    def put_bytes(self, kind: str, name: str, payload: bytes) -> None:
        if self.folder is None:
            return
        path = self._path(kind, name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
        except OSError:
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
