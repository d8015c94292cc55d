"""Writing outputs safely: a lock per output folder, temp file, fsync, rename."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path

from bookbuild.support.errors import BookError


def writable(out_dir: Path) -> Path:
    """Fail before minutes of work if outputs cannot go to `out_dir`, without creating it: a
    build that fails on bad input leaves no empty folder behind."""
    probe = out_dir.absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise BookError(f"{out_dir}: cannot create the output folder ({probe} is a file)")
    if not os.access(probe, os.W_OK | os.X_OK):
        what = "the output folder" if probe == out_dir.absolute() else f"{probe}"
        raise BookError(f"{out_dir}: cannot write there ({what} is not writable)")
    return out_dir


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
    """Two builds into one folder take turns instead of interleaving their outputs.

    A folder this build had to create is removed again if the build fails inside the block, so
    bad input leaves nothing behind. (Another build waiting on the removed lock still writes
    safely: every file goes through `atomic`.)"""
    created = not out_dir.exists()
    prepare(out_dir)
    lock = out_dir / ".bookbuild.lock"
    try:
        handle = open(lock, "a+b")
    except OSError as e:
        raise BookError(f"{out_dir}: cannot write there ({e.strerror})") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        except BaseException:
            if created:
                _remove_if_empty(out_dir, lock)
            raise
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_if_empty(folder: Path, *leftovers: Path) -> None:
    with contextlib.suppress(OSError):
        for path in leftovers:
            path.unlink(missing_ok=True)
        folder.rmdir()  # fails, harmlessly, if anything else is in it


@contextlib.contextmanager
def atomic(target: Path):
    """Yield a temp path beside `target`; it replaces `target` only if the block succeeds.

    A failure or Ctrl-C leaves the last good `target` untouched and no temp file behind.
    """
    created = not target.parent.exists()
    prepare(target.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise BookError(f"{target}: cannot write it ({e.strerror})") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb") as f:
            os.fsync(f.fileno())
        os.chmod(tmp_path, 0o644)
        if target.is_dir() and not target.is_symlink():
            raise BookError(f"{target}: a folder of that name is in the way; move it")
        os.replace(tmp_path, target)
        _fsync_dir(target.parent)
    except BaseException as e:
        tmp_path.unlink(missing_ok=True)
        if created:
            _remove_if_empty(target.parent)
        if isinstance(e, OSError):
            # Disk full, read-only file system, quota: the environment, not a bug.
            raise BookError(f"{target}: cannot write it ({e.strerror or e})") from None
        raise


@contextlib.contextmanager
def atomic_folder(target: Path):
    """Yield a new, empty folder beside `target`; it takes `target`'s place only if the block
    succeeds. A failure or Ctrl-C leaves the last good `target` as it was, and nothing else."""
    prepare(target.parent)
    try:
        new = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent))
    except OSError as e:
        raise BookError(f"{target}: cannot write it ({e.strerror})") from None
    try:
        yield new
        os.chmod(new, 0o755)
        old = None
        if target.exists() or target.is_symlink():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old",
                                        dir=target.parent))
            os.replace(target, old / target.name)  # put by: interrupted here, it is still there
        os.replace(new, target)
        _fsync_dir(target.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException as e:
        shutil.rmtree(new, ignore_errors=True)
        if isinstance(e, OSError):
            raise BookError(f"{target}: cannot write it ({e.strerror or e})") from None
        raise


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable, so a power cut cannot bring the old file back."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory; the rename has still happened
    finally:
        os.close(fd)


def snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    """The files in `folder` as (inode, mtime): an output written anew is a new file."""
    try:
        return {p.resolve(): (p.stat().st_ino, p.stat().st_mtime_ns)
                for p in folder.iterdir() if p.is_file()}
    except OSError:
        return {}


def told(path: Path, before: dict[Path, tuple[int, int]]) -> str:
    """"wrote PATH (N KB)", or "up to date: PATH (N KB)" when it is the file `before` saw."""
    info = path.stat()
    verb = "up to date:" if before.get(path.resolve()) == (info.st_ino, info.st_mtime_ns) \
        else "wrote"
    return f"{verb} {path} ({info.st_size / 1024:,.0f} KB)"
