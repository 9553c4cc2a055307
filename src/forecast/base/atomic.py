"""Writes that never leave a half-written file or folder behind, one writer at a time.

A folder is built in a staging folder beside it and swapped in; a lock file beside it keeps
two writers apart; staging left by an interrupted run is cleaned up by the next one. Every
helper name beside the target contains `.forecast-`, which .gitignore ignores.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from forecast.base.errors import OutputError

RETRY = 0.05  # seconds between two tries of a lock held by another process


def _cannot_write(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return OutputError(
        f"cannot write {path}: {reason}; check that the folder exists and is writable, "
        "or choose another output"
    )


def write_bytes(path: Path, data: bytes, durable: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename it into place; `durable` also
    flushes the file to the disk before the rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.forecast-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # as an ordinary new file, not mkstemp's 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _cannot_write(path, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """`write_bytes` for UTF-8 text."""
    write_bytes(path, text.encode("utf-8"))


def append_line(path: Path, old: bytes, line: str) -> None:
    """Add one line to a text file whose bytes are `old` (as the caller read them, under the
    file's lock) without ever leaving it half-written: the old bytes and the new line go to
    a temporary file, flushed to disk, which then replaces the file. A crash before the
    rename leaves the file as it was."""
    if "\n" in line:
        raise ValueError("one line only")
    if old and not old.endswith(b"\n"):
        raise OutputError(f"{path} does not end with a newline: was it edited by hand?")
    write_bytes(path, old + line.encode("utf-8") + b"\n", durable=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _helpers(target: Path, kind: str) -> list[Path]:
    """Staging (`new`) or swapped-out (`old`) folders of `target` left beside it."""
    return sorted(target.parent.glob(f".{target.name}.forecast-{kind}-*"))


def _clean_leftovers(target: Path) -> None:
    """Remove staging left by an interrupted run; restore a report caught mid-swap."""
    old = _helpers(target, "old")
    if old and not target.exists():
        old.pop().rename(target)
    for leftover in [*_helpers(target, "new"), *old]:
        shutil.rmtree(leftover, ignore_errors=True)


def _lock(handle: IO[str], target: Path, lock: Path, wait: float) -> None:
    """Take the lock on `handle`, trying again for up to `wait` seconds; OutputError when
    another process still holds it then."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise _cannot_write(target, exc) from None
        if time.monotonic() >= deadline:
            raise OutputError(
                f"another forecast process is writing {target} (it holds {lock}); "
                "wait for it to finish, then run again"
            )
        time.sleep(RETRY)


@contextmanager
def exclusive(target: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock of `target` (a file beside it), waiting up to `wait` seconds for
    another holder to let go, or refuse with OutputError.

    Inside the lock, staging left by an interrupted earlier run is cleaned up.
    """
    target = target.resolve()
    lock = target.parent / f".{target.name}.forecast-lock"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = lock.open("a+")
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    with handle:
        _lock(handle, target, lock, wait)
        try:
            _clean_leftovers(target)
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """Yield an empty folder beside `target`; on success swap it in, on failure delete it.

    A failure at any point (an exception, Ctrl-C) leaves the previous `target` untouched.
    """
    target = target.resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.forecast-new-", dir=target.parent))
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a report folder is not
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        yield staging
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _cannot_write(target, exc) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = target.parent / f".{target.name}.forecast-old-{os.getpid()}"
    try:
        if target.exists():
            target.rename(old)
        staging.rename(target)
    except OSError as exc:
        if old.exists() and not target.exists():
            old.rename(target)
        shutil.rmtree(staging, ignore_errors=True)
        raise _cannot_write(target, exc) from None
    with contextlib.suppress(OSError):
        shutil.rmtree(old)
