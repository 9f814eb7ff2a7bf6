"""Creating and opening the files that hold patient data: private, never through a symlink.

Every file ``check`` writes (output, journal, their SQLite side files, temporary files) is
created 0600 whatever the umask, is never opened through a symbolic link, and an existing one
is used only when it is a regular file that the current user owns and no one else can write.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from types import TracebackType

from .common import CliError

__all__ = [
    "SQLITE_SIDE_FILES",
    "OutputLock",
    "check_private",
    "create_private",
    "open_append",
    "prepare_sqlite",
    "private_temp",
    "remove",
]

#: SQLite's companions of a database file (WAL mode and rollback journal).
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_PRIVATE = 0o600


def check_private(path: Path, info: os.stat_result, what: str, *, replaced: bool = False) -> None:
    """Refuse a file that is a symlink, not regular, not ours, or writable by others.

    ``replaced``: the file is only ever replaced (renamed over), never written into, so who
    else may write it does not matter.
    """
    if stat.S_ISLNK(info.st_mode):
        raise CliError(f"refusing {what} {path}: it is a symbolic link")
    if not stat.S_ISREG(info.st_mode):
        raise CliError(f"refusing {what} {path}: it is not a regular file")
    geteuid = getattr(os, "geteuid", None)
    if geteuid is not None and info.st_uid != geteuid():
        raise CliError(f"refusing {what} {path}: it belongs to another user")
    if not replaced and info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise CliError(f"refusing {what} {path}: other users can write to it")


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None


def create_private(path: Path) -> None:
    """Create ``path`` empty and 0600; fail if anything (even a dangling symlink) is there."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, _PRIVATE)
    os.close(fd)


def prepare_sqlite(path: Path, what: str) -> tuple[int, int]:
    """Make ``path`` safe for sqlite3 to open: created 0600 if new, else checked.

    sqlite3 follows symlinks and creates ``-wal``/``-shm`` with the database's mode, so the
    database is created first (exclusively, no-follow) and any existing side file is checked
    too. Returns the database's ``(st_dev, st_ino)`` to compare after connecting.
    """
    info = _lstat(path)
    created = info is None
    for suffix in SQLITE_SIDE_FILES:
        side = path.with_name(path.name + suffix)
        side_info = _lstat(side)
        if side_info is not None:
            check_private(side, side_info, what)
            if created:
                remove(side)  # a stale WAL must never be replayed into a new database
    if info is None:
        try:
            create_private(path)
        except FileExistsError:
            raise CliError(f"refusing {what} {path}: it appeared while being created") from None
        info = path.lstat()
    check_private(path, info, what)
    return info.st_dev, info.st_ino


def same_file(path: Path, identity: tuple[int, int], what: str) -> None:
    """Refuse when ``path`` is no longer the file that was checked (swapped in between)."""
    info = _lstat(path)
    if info is None or (info.st_dev, info.st_ino) != identity or stat.S_ISLNK(info.st_mode):
        raise CliError(f"refusing {what} {path}: it was replaced while being opened")


def private_temp(path: Path) -> Path:
    """A new, empty, 0600 temporary file beside ``path`` (``mkstemp``: exclusive, random)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(name)


def open_append(path: Path, identity: tuple[int, int]) -> int:
    """A raw append descriptor on ``path``, which must still be the file just written."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | _NOFOLLOW)
    info = os.fstat(fd)
    if (info.st_dev, info.st_ino) != identity:
        os.close(fd)
        raise CliError(f"refusing output {path}: it was replaced during the run")
    return fd


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


class OutputLock:
    """An exclusive lock on one ``--out`` for the life of a ``check`` run.

    ``flock`` on ``<output>.lock`` (created 0600, never through a symlink). The kernel drops
    the lock when the process ends, however it ends; a clean exit also removes the file
    (unlinked while still locked, and a run that locked a file since unlinked tries again,
    so two runs never hold two different lock files). A second run on the same output is
    refused with one line naming the process that holds it. Where ``flock`` does not exist
    (Windows) nothing is locked.
    """

    def __init__(self, output: Path) -> None:
        self.output = output
        self.path = output.with_name(output.name + ".lock")
        self._fd: int | None = None

    def __enter__(self) -> OutputLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return self
        for _ in range(100):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, _PRIVATE)
            try:
                info = os.fstat(fd)
                check_private(self.path, info, "lock file")
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    who = f" (pid {holder})" if holder.isdigit() else ""
                    raise CliError(
                        f"another vclaim-async check{who} is writing {self.output}; "
                        "wait for it to finish, or choose another --out"
                    ) from None
                now = _lstat(self.path)
                if now is None or (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
                    os.close(fd)  # its holder removed it as we locked it: lock the new one
                    continue
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
            return self
        raise CliError(f"cannot lock {self.path}: it keeps being replaced")  # pragma: no cover

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            remove(self.path)  # while still locked: a waiter then sees it gone and retries
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None
