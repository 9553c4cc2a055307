"""The tool's own folder of kept files: data with checksums, proven before it is believed.

Every kept file is an envelope: one header line naming the format, what kind of file it
is, the key it was made for, the length of what follows and its seal, then those bytes.
The seal is an HMAC-SHA256, under a secret of this user's (`~/.cache/forecast/cache-key`,
made on first use, readable by this user alone), of the header and the HMAC-SHA256 of each
of the bytes' PARTS consecutive parts (under the same secret, each with its number and the
header): the parts are hashed side by side on a machine with several cores. A file
damaged, edited, copied from another machine or planted by anyone who can write to the
workspace but not read that secret does not pass.
`read` hands back the bytes only when every one of those checks out; a file that is
absent gives None quietly, and a file that is there but damaged, planted under another
key, or not a regular file gives None with one line on standard error, so that the
caller makes it again.

The folder is the tool's own: a real folder inside the workspace, never a link (one that
is a link or a file is left alone and nothing is kept). Files are written through a
temporary file in the folder, flushed to disk and renamed; temporary files that a killed
process left behind are removed by the next writer. The names the tool wrote are listed
in the folder's manifest, and pruning deletes only files listed there, the least
recently used first. Nothing here ever unpickles or imports anything.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hmac
import json
import mmap
import os
import re
import secrets
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from forecast.base.reading import read_descriptor
from forecast.base.threads import spans, threaded_map

MAGIC = "forecast-cache"
FORMAT = 2  # 1: one HMAC over the whole payload
PARTS = 2  # the payload's parts hashed apart (fixed: the seal must not depend on the machine)
THREADED_FROM = 1 << 20  # bytes from which the parts are read and hashed in threads
MANIFEST = "manifest.json"
LOCK = "lock"
HEADER_BYTES = 512  # an envelope's header line, beyond the limit on what it holds
_NAME = re.compile(r"^[a-z][a-z-]*(-[0-9a-f]{32})?\.[a-z]+$")  # what the tool names its files
_TEMPORARY = re.compile(r"^tmp-(\d+)-[0-9a-f]{16}$")
_said: set[str] = set()


def say_once(message: str) -> None:
    """One line on standard error, at most once per process."""
    if message not in _said:
        _said.add(message)
        print(f"warning: {message}", file=sys.stderr)


@dataclass(frozen=True)
class Budget:
    """How many files of one kind (a name prefix) pruning keeps, and at most how many bytes;
    the most recently used file is always kept."""

    keep: int
    total_bytes: int | None = None


class CacheFolder:
    """A folder of kept files under a workspace root (see the module docstring)."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = root
        self.name = name
        self.path = root / name

    # --- the folder itself ------------------------------------------------------------

    def _usable(self, create: bool) -> bool:
        """Whether the folder is a real folder inside the root (made when `create`)."""
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            if not create:
                return False
            try:
                self.path.mkdir(mode=0o755)
            except FileExistsError:
                return self._usable(create=False)
            except OSError:
                return False
            return True
        except OSError:
            return False
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
            what = "a link" if stat.S_ISLNK(info.st_mode) else "not a folder"
            say_once(
                f"{self.name} is {what}: nothing is kept or read there (remove it, and the "
                "tool makes a folder of its own)"
            )
            return False
        return True

    # --- reading ----------------------------------------------------------------------

    def read(self, name: str, kind: str, key: str, limit: int) -> memoryview | None:
        """The bytes kept as `name` for `key`, or None (absent, or refused with one line).
        They are read once into a buffer where they start at a multiple of ALIGN bytes, so
        that arrays in them can be used where they lie."""
        if not self._usable(create=False):
            return None
        data, problem = _read_regular(self.path / name, limit + HEADER_BYTES, aligned=True)
        if data is not None:
            data, problem = _open_envelope(data, kind, key)
        if data is not None and len(data) > limit:
            data, problem = None, f"it holds more than the {limit}-byte limit"
        if data is None:
            if problem:
                say_once(f"{self.name}/{name} is not used ({problem}); it is made again")
            return None
        with contextlib.suppress(OSError):
            os.utime(self.path / name, follow_symlinks=False)  # just used: pruned last
        return data

    # --- writing ----------------------------------------------------------------------

    def write(self, name: str, kind: str, key: str, payload: bytes) -> bool:
        """Keep `payload` as `name` for `key`; False (nothing kept) when the folder cannot
        take it. A cache only saves time, so a failed write is never an error."""
        if not _NAME.match(name) or not self._usable(create=True):
            return False
        self._remove_leftovers()
        temporary = self.path / f"tmp-{os.getpid()}-{secrets.token_hex(8)}"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            try:
                _write_all(fd, _envelope(kind, key, payload))
                os.fsync(fd)
            finally:
                os.close(fd)
            with self._locked():
                temporary.replace(self.path / name)
                self._record(name)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()
            return False
        return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the folder's lock while its manifest is read and rewritten."""
        fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _manifest(self) -> dict[str, str]:
        """The names this tool wrote, with their kinds (empty when unreadable)."""
        data, _ = _read_regular(self.path / MANIFEST, 1 << 20)
        try:
            listed = json.loads(str(data, "utf-8")) if data is not None else None
        except (ValueError, RecursionError):
            return {}
        files = listed.get("files") if isinstance(listed, dict) else None
        if not isinstance(files, dict):
            return {}
        return {k: v for k, v in files.items() if isinstance(v, str) and _NAME.match(str(k))}

    def _record(self, name: str) -> None:
        listed = self._manifest()
        listed[name] = name.split("-")[0].split(".")[0]
        self._save_manifest(listed)

    def _save_manifest(self, listed: Mapping[str, str]) -> None:
        text = json.dumps({"format": FORMAT, "files": dict(sorted(listed.items()))}, indent=1)
        temporary = self.path / f"tmp-{os.getpid()}-{secrets.token_hex(8)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        try:
            _write_all(fd, text.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        temporary.replace(self.path / MANIFEST)

    def _remove_leftovers(self) -> None:
        """Remove temporary files whose writer is gone (killed before its rename)."""
        try:
            names = [entry.name for entry in self.path.iterdir()]
        except OSError:
            return
        for name in names:
            found = _TEMPORARY.match(name)
            if found and not _alive(int(found.group(1))):
                with contextlib.suppress(OSError):
                    if stat.S_ISREG(os.lstat(self.path / name).st_mode):
                        (self.path / name).unlink()

    # --- pruning ----------------------------------------------------------------------

    def prune(self, budgets: Mapping[str, Budget]) -> None:
        """Delete the least recently used files of each kind beyond its budget: only files
        the manifest lists, only regular files, never through a link."""
        if not self._usable(create=False):
            return
        try:
            with self._locked():
                listed = self._manifest()
                kept = dict(listed)
                for kind, budget in budgets.items():
                    self._prune_kind(kind, budget, listed, kept)
                if kept != listed:
                    self._save_manifest(kept)
        except OSError:
            return

    def _prune_kind(
        self, kind: str, budget: Budget, listed: Mapping[str, str], kept: dict[str, str]
    ) -> None:
        found = []
        for name, listed_kind in listed.items():
            if listed_kind != kind:
                continue
            try:
                info = os.lstat(self.path / name)
            except FileNotFoundError:
                kept.pop(name, None)
                continue
            if stat.S_ISREG(info.st_mode):
                found.append((info.st_mtime, info.st_size, name))
        total = 0
        for rank, (_, size, name) in enumerate(sorted(found, reverse=True)):
            total += size
            over = budget.total_bytes is not None and total > budget.total_bytes
            if rank > 0 and (rank >= budget.keep or over):
                with contextlib.suppress(OSError):
                    (self.path / name).unlink()
                kept.pop(name, None)


def _read_regular(path: Path, limit: int, aligned: bool = False) -> tuple[memoryview | None, str]:
    """The bytes of a regular file (never through a link, never blocking on a pipe), or
    None and why not ("" when there is no file); `aligned`: see `_read_aligned`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None, ""
    except OSError as exc:
        return None, "a link" if exc.errno == errno.ELOOP else (exc.strerror or "unreadable")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file"
        if info.st_size > limit:
            return None, f"{info.st_size} bytes, over the {limit}-byte limit"
        if aligned and _mappable(info):
            return _mapped(fd, info.st_size), ""
        if aligned:
            return _read_aligned(fd, info.st_size), ""
        return memoryview(read_descriptor(fd, limit + 1)), ""
    except OSError as exc:
        return None, exc.strerror or "unreadable"
    finally:
        os.close(fd)


ALIGN = 64  # where a kept file's payload starts in memory (a multiple of this address)
MAPPED_FROM = 1 << 20  # bytes from which a kept file of this user's is mapped, not copied


def _mappable(info: os.stat_result) -> bool:
    """Whether a kept file may be mapped into memory rather than copied: a large file
    that only this user (or the system's administrator) can change, so that its bytes
    cannot change under the mapping after its seal was checked. Every envelope this tool
    writes is such a file, its payload at a multiple of ALIGN from its start."""
    return (
        info.st_size >= MAPPED_FROM
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        and hasattr(mmap, "MAP_PRIVATE")
    )


def _mapped(fd: int, size: int) -> memoryview:
    """A kept file's bytes mapped read-only (the system's own cached pages, neither copied
    nor zeroed first), every page mapped at once where the system can. Its payload lies
    at a multiple of ALIGN when the envelope's first line is padded to one (as this tool
    writes them); otherwise the bytes are read into an aligned buffer instead."""
    head = os.pread(fd, HEADER_BYTES, 0)
    if (head.find(b"\n") + 1) % ALIGN:
        return _read_aligned(fd, size)
    flags = mmap.MAP_PRIVATE | getattr(mmap, "MAP_POPULATE", 0)
    return memoryview(mmap.mmap(fd, size, flags=flags, prot=mmap.PROT_READ))


def _read_aligned(fd: int, size: int) -> memoryview:
    """A file of `size` bytes read in one go into a buffer where the byte after its first
    line (an envelope's payload) lies at an address that is a multiple of ALIGN."""
    head = os.pread(fd, HEADER_BYTES, 0)
    first = head.find(b"\n") + 1  # 0 when there is no line: then nothing is aligned
    buffer = np.empty(size + ALIGN, dtype=np.uint8)
    start = -(buffer.ctypes.data + first) % ALIGN
    view = memoryview(buffer.data)[start : start + size]
    parts = spans(size, PARTS if size >= THREADED_FROM else 1)
    done = threaded_map(lambda part: _read_into(fd, view, *part), parts)
    end = 0
    for (lo, hi), count in zip(parts, done, strict=True):
        end = lo + count
        if end < hi:  # shorter than it was a moment ago
            break
    return view[:end]


def _read_into(fd: int, view: memoryview, lo: int, hi: int) -> int:
    """Bytes lo..hi of the file read into view[lo:hi]; how many there were."""
    done = lo
    while done < hi:
        count = os.preadv(fd, [view[done:hi]], done)
        if count == 0:
            break
        done += count
    return done - lo


def _seal(kind: str, key: str, payload: bytes | memoryview) -> str:
    secret = _secret()
    if secret is None:
        raise OSError("no secret to seal the cache with")
    header = f"{MAGIC} {FORMAT} {kind} {key} {len(payload)}\n".encode()
    view = memoryview(payload)  # the payload where it lies, never copied

    def part(numbered: tuple[int, tuple[int, int]]) -> bytes:
        number, (lo, hi) = numbered
        mac = hmac.new(secret, header + f"part {number}\n".encode(), "sha256")
        mac.update(view[lo:hi])
        return mac.digest()

    parts = list(enumerate(spans(len(view), PARTS)))
    leaves = threaded_map(part, parts) if len(view) >= THREADED_FROM else [*map(part, parts)]
    return hmac.new(secret, header + b"".join(leaves), "sha256").hexdigest()


@functools.cache
def _secret() -> bytes | None:
    """This user's secret for sealing kept files, made on first use (None if impossible)."""
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        folder = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home folder
        folder = Path(tempfile.gettempdir()) / f"forecast-{os.getuid()}"
    path = folder / "forecast" / "cache-key"
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            pass
        else:
            try:
                _write_all(fd, secrets.token_bytes(32))
                os.fsync(fd)
            finally:
                os.close(fd)
        data, _ = _read_regular(path, 64)
    except OSError:
        data = None
    if data is None or len(data) != 32:
        say_once(f"{path} cannot be made or read: nothing is kept between commands")
        return None
    return bytes(data)


def _envelope(kind: str, key: str, payload: bytes) -> bytes:
    """The header line (padded with spaces to a multiple of ALIGN bytes, so that the
    payload's arrays stay aligned in a mapped file), then the payload."""
    head = f"{MAGIC} {FORMAT} {kind} {key} {len(payload)} {_seal(kind, key, payload)}"
    padded = head + " " * (-(len(head) + 1) % ALIGN)
    return f"{padded}\n".encode() + payload


def _open_envelope(data: memoryview, kind: str, key: str) -> tuple[memoryview | None, str]:
    """The payload of an envelope made for `kind` and `key`, or None and why not."""
    first = bytes(data[:HEADER_BYTES]).find(b"\n")
    head, payload = bytes(data[: max(first, 0)]), data[first + 1 :]
    fields = head.decode("ascii", "replace").rstrip(" ").split(" ")  # padded with spaces
    if first < 0 or len(fields) != 6 or fields[0] != MAGIC:
        return None, "not a file this tool wrote"
    _, version, found_kind, found_key, length, seal = fields
    if version != str(FORMAT) or found_kind != kind:
        return None, "written in another format"
    if found_key != key:
        return None, "made for another key"
    if length != str(len(payload)):
        return None, "shorter or longer than its header says: damaged"
    try:
        expected = _seal(kind, key, payload)
    except OSError:
        return None, "no secret to check it with"
    if not hmac.compare_digest(expected, seal):
        return None, "its seal does not match: damaged, edited or not made here"
    return payload, ""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
