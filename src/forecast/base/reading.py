"""The one way the tool reads a file: a regular file, inside the workspace, with a bounded read.

Anything else (a folder, a pipe, a device, a socket, a link that leaves the workspace, a
file that cannot be opened) becomes one Problem naming the path and what to do; no read
ever hangs on a pipe, and no message quotes a file from outside the workspace.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from forecast.base.errors import InputError, Problem
from forecast.base.paths import within

MAX_TEXT_BYTES = 5_000_000  # a source text (the five shipped ones are under 15 kB each)

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse(shown: str, message: str, fix: str) -> InputError:
    return InputError([Problem(shown, 1, 1, message, fix)])


def _not_regular(shown: str, mode: int) -> InputError:
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    return _refuse(
        shown, f"is {kind}, not a regular file", "replace it by a regular file or remove it"
    )


def _os_problem(path: Path, shown: str, exc: OSError) -> InputError:
    """An OSError from opening or reading, as a problem line (never the file's contents)."""
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.ENOENT and path.is_symlink():
        return _refuse(shown, "a link to a file that does not exist", "remove the link")
    if exc.errno == errno.ENOENT:
        return _refuse(shown, f"cannot read: {reason}", "check the path (the file may have moved)")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _refuse(
            shown, f"cannot read: {reason}", "give your user read permission (chmod u+r)"
        )
    if exc.errno == errno.ELOOP:
        return _refuse(shown, "a loop of symbolic links", "replace the link by the file itself")
    return _refuse(shown, f"cannot read: {reason}", "check the file and the disk")


class FileLog:
    """The files one command read from its workspace, each with the SHA-256 of the very
    bytes it read: the command's fingerprint of its inputs (`fingerprint.digest_of`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.digests: dict[str, str] = {}

    def record(self, path: Path, data: bytes) -> None:
        """Note that `path` was read and gave `data` (paths outside the root are not noted)."""
        try:
            relative = path.absolute().relative_to(self.root.absolute()).as_posix()
        except ValueError:
            return
        self.digests[relative] = hashlib.sha256(data).hexdigest()


def refuse_links(path: Path, root: Path, shown: str) -> bool:
    """Whether a file under `root` is there, refusing a link anywhere on the way to it.

    Every step from `root` down to `path` (the folders and the file) is looked at without
    following links: a link is refused wherever it leads, a step that is not a folder or a
    file that is not regular (a pipe, a device, a socket) too, so a record is never read
    or written through a link. False when the file (or a folder above it) does not exist.
    """
    steps = path.relative_to(root).parts
    for depth in range(1, len(steps) + 1):
        step = root.joinpath(*steps[:depth])
        try:
            mode = step.lstat().st_mode
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise _os_problem(step, shown, exc) from None
        last = depth == len(steps)
        where = "is" if last else f"lies in {'/'.join(steps[:depth])}/, which is"
        if stat.S_ISLNK(mode):
            raise _refuse(
                shown,
                f"{where} a symbolic link; this file is read and written only as a regular "
                "file in the workspace, never through a link",
                "replace the link by the file itself",
            )
        if not last and not stat.S_ISDIR(mode):
            raise _refuse(
                shown, f"{where} not a folder", f"make {'/'.join(steps[:depth])} a folder"
            )
        if last and not stat.S_ISREG(mode):
            raise _not_regular(shown, mode)
    return True


def read_bytes(
    path: Path, shown: str, limit: int, root: Path | None, log: FileLog | None = None
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; InputError otherwise.

    With `root`, the file (links followed) must lie inside that folder. The file is opened
    without blocking and checked on the open descriptor, so a pipe swapped in after the
    check cannot hang the read. With `log`, the read is noted there.
    """
    data = _read(path, shown, limit, root, whole=True)
    if log is not None:
        log.record(path, data)
    return data


def read_head(path: Path, shown: str, size: int) -> bytes:
    """The first `size` bytes of a regular file of any size (see `read_bytes`)."""
    return _read(path, shown, size, None, whole=False)


def _read(path: Path, shown: str, limit: int, root: Path | None, *, whole: bool) -> bytes:
    """Up to `limit` bytes of a regular file; with `whole`, a larger file is refused."""
    try:
        mode = path.stat().st_mode  # a missing file, a link loop or a closed folder: OSError
        if root is not None and not within(path, root):
            what = "a link" if path.is_symlink() else "a path"
            raise _refuse(
                shown,
                f"{what} that leads outside the workspace",
                "copy the file into the workspace instead of linking to it",
            )
        if not stat.S_ISREG(mode):  # a socket cannot even be opened: say what it is first
            raise _not_regular(shown, mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _os_problem(path, shown, exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(shown, info.st_mode)
        if whole and info.st_size > limit:
            raise _refuse(
                shown,
                f"file is {info.st_size} bytes, over the {limit}-byte limit",
                "split it or remove the bulk (input files are small)",
            )
        data = read_descriptor(fd, limit + 1)
    except OSError as exc:
        raise _os_problem(path, shown, exc) from None
    finally:
        os.close(fd)
    if len(data) > limit and whole:  # the file grew while it was read
        raise _refuse(shown, f"file is over the {limit}-byte limit", "split it or remove the bulk")
    return data[:limit]


def read_descriptor(fd: int, limit: int) -> bytes:
    """At most `limit` bytes from an open file, in pieces of a megabyte."""
    chunks, remaining = [], limit
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_text(
    path: Path, shown: str, limit: int, root: Path | None, log: FileLog | None = None
) -> str:
    """A bounded, regular UTF-8 text file (see `read_bytes`)."""
    data = read_bytes(path, shown, limit, root, log)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    shown,
                    line,
                    1,
                    f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                    "save the file as UTF-8",
                )
            ]
        ) from None
