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

from .common import CliError

__all__ = [
    "SQLITE_SIDE_FILES",
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
