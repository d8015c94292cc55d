"""Writing outputs safely: a lock per output folder, temp file, fsync, rename."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path

from bookbuild.errors import BookError


def prepare(out_dir: Path) -> Path:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BookError(f"{out_dir}: cannot create the output folder ({e.strerror})") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise BookError(f"{out_dir}: the output folder is not writable")
    return out_dir


@contextlib.contextmanager
def locked(out_dir: Path):
    """Two builds into one folder take turns instead of interleaving their outputs."""
    prepare(out_dir)
    with open(out_dir / ".bookbuild.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def atomic(target: Path):
    """Yield a temp path beside `target`; it replaces `target` only if the block succeeds.

    A failure or Ctrl-C leaves the last good `target` untouched and no temp file behind.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb") as f:
            os.fsync(f.fileno())
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
