"""The ``check`` command's output file: CSV, JSONL or SQLite, rebuilt from the journal.

CSV cells that a spreadsheet would run as a formula are neutralised (OWASP: a leading ``'``
before ``= + - @``, tab or CR); JSONL and SQLite keep every value exact. Files are created
0600 through :mod:`.files`, and an existing file is replaced only when this command wrote it.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal, Protocol

from .common import CliError, escape_c1
from .files import SQLITE_SIDE_FILES, check_private, open_append, private_temp, remove
from .journal import APPLICATION_ID, OUTPUT_COLUMNS, Record

__all__ = [
    "OutputFormat",
    "Writer",
    "csv_cell",
    "ensure_ours",
    "open_writer",
    "output_format",
    "rebuild_output",
    "sql_identifier",
]

OutputFormat = Literal["csv", "jsonl", "sqlite"]

_FORMATS: Mapping[str, OutputFormat] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".db": "sqlite",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NAMED_CONTROLS = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SQL_TYPES = {"row": "INTEGER PRIMARY KEY", "attempts": "INTEGER", "latency_ms": "REAL"}
_NOT_NULL = {"input", "status", "attempts", "latency_ms"}
_SQLITE_MAGIC = b"SQLite format 3\x00"


def output_format(path: Path) -> OutputFormat:
    """The output format named by ``path``'s suffix, or ValueError."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"cannot tell the output format of {path.name!r}: "
            "use a name ending in .csv, .jsonl or .sqlite"
        )
    return fmt


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED_CONTROLS.get(char) or f"\\x{ord(char):02x}"


def csv_cell(value: str | int | float | None) -> str | int | float | None:
    """A CSV cell a spreadsheet shows as text, and a terminal as plain text.

    A formula-like text gets a leading ``'``; then control characters (C0 including CR/LF
    and tab, DEL, C1) become visible escapes (``\\n``, ``\\x1b``, ``\\x9b``): no ESC/OSC
    sequence reaches a terminal that prints the file, and no cell spans lines.
    """
    if isinstance(value, str):
        if value.startswith(_FORMULA_START):
            value = "'" + value
        if _CONTROL.search(value):
            value = _CONTROL.sub(_escape_control, value)
    return value


def sql_identifier(name: str) -> str:
    """``name`` quoted as an SQLite identifier: any text is one name, never SQL."""
    return '"' + name.replace('"', '""') + '"'


def _csv_line(values: Sequence[str | int | float | None]) -> str:
    return _csv_text([values])


def _csv_text(rows: Iterable[Sequence[str | int | float | None]]) -> str:
    # One writer for many rows: a StringIO and a csv.writer per row cost more than the row.
    buffer = io.StringIO()
    csv.writer(buffer).writerows([csv_cell(value) for value in values] for values in rows)
    return buffer.getvalue()


def _json_line(columns: Sequence[str], record: Record) -> str:
    text = json.dumps(dict(zip(columns, record.values(), strict=True)), ensure_ascii=False)
    # json.dumps escapes C0 controls only; DEL and C1 (e.g. CSI, U+009B) must not go raw either.
    return escape_c1(text) + "\n"


# -- is an existing file ours? -------------------------------------------------------------


def ensure_ours(path: Path, fmt: OutputFormat, *, journaled: bool, force: bool) -> None:
    """Refuse to replace ``path`` unless this command wrote it (or ``force``).

    Ours means: its journal names it, or it has exactly our shape (CSV header / first JSONL
    record starting with our columns; SQLite with our ``application_id``). An empty file
    holds nothing to lose. A symlink or another user's file is refused even with ``force``.
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    check_private(path, info, "output", replaced=True)
    if force or journaled or info.st_size == 0 or _has_our_shape(path, fmt):
        return
    raise CliError(
        f"{path} exists and was not written by vclaim-async check; choose another --out, "
        "or add --force to replace it"
    )


def _has_our_shape(path: Path, fmt: OutputFormat) -> bool:
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    if fmt == "sqlite":
        # Read the header directly: opening an unrelated database could touch its -wal/-shm.
        return head.startswith(_SQLITE_MAGIC) and head[68:72] == APPLICATION_ID.to_bytes(4, "big")
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").rstrip("\r")
    if fmt == "csv":
        cells = next(csv.reader([first]), [])
        return tuple(cells[: len(OUTPUT_COLUMNS)]) == OUTPUT_COLUMNS
    try:
        data = json.loads(first)
    except ValueError:
        return False
    return isinstance(data, dict) and tuple(list(data)[: len(OUTPUT_COLUMNS)]) == OUTPUT_COLUMNS


# -- writing -------------------------------------------------------------------------------


class Writer(Protocol):
    def write_many(self, records: Sequence[Record]) -> None: ...

    def close(self) -> None: ...


class _TextWriter:
    """Appends whole batches with one ``write`` each, so a kill never leaves half a row."""

    def __init__(self, fd: int, fmt: OutputFormat, columns: Sequence[str]) -> None:
        self._fd, self._fmt, self._columns = fd, fmt, columns

    def write_many(self, records: Sequence[Record]) -> None:
        if not records:
            return
        if self._fmt == "csv":
            text = _csv_text(record.values() for record in records)
        else:
            text = "".join(_json_line(self._columns, record) for record in records)
        data = text.encode("utf-8")
        while data:
            written = os.write(self._fd, data)
            data = data[written:]

    def close(self) -> None:
        os.close(self._fd)


class _SqliteWriter:
    def __init__(self, path: Path, columns: Sequence[str], *, create: bool) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        # The output is rebuilt from the journal after any interruption: speed over durability.
        self._db.execute("PRAGMA synchronous=OFF")
        if create:
            self._db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            typed = ", ".join(
                f"{sql_identifier(name)} {_SQL_TYPES.get(name, 'TEXT')}"
                + (" NOT NULL" if name in _NOT_NULL else "")
                for name in columns
            )
            self._db.execute(f"CREATE TABLE results ({typed})")
        names = ", ".join(sql_identifier(name) for name in columns)
        marks = ", ".join("?" for _ in columns)
        self._insert = f"INSERT OR REPLACE INTO results({names}) VALUES ({marks})"

    def write_many(self, records: Iterable[Record]) -> None:
        self._db.execute("BEGIN")
        self._db.executemany(self._insert, (record.values() for record in records))
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()


def columns_for(extra: Sequence[str]) -> tuple[str, ...]:
    """Output columns: ours, then the carried input columns."""
    return (*OUTPUT_COLUMNS, *extra)


def rebuild_output(
    path: Path, fmt: OutputFormat, records: Iterable[Record], extra: Sequence[str] = ()
) -> tuple[int, int]:
    """Write ``records`` to ``path`` from scratch, atomically (a private temp file, a rename).

    Returns the new file's ``(st_dev, st_ino)``, for :func:`open_writer`.
    """
    columns = columns_for(extra)
    temp = private_temp(path)
    try:
        if fmt == "sqlite":
            writer = _SqliteWriter(temp, columns, create=True)
            writer.write_many(records)
            writer.close()
        else:
            with temp.open("w", encoding="utf-8", newline="") as fh:
                if fmt == "csv":
                    fh.write(_csv_line(columns))
                    rows = csv.writer(fh)
                    rows.writerows([csv_cell(v) for v in record.values()] for record in records)
                else:
                    fh.writelines(_json_line(columns, record) for record in records)
        info = temp.stat()
        os.replace(temp, path)
    except BaseException:
        remove(temp)
        raise
    if fmt == "sqlite":
        # A stale WAL next to the old file must never be applied to the new one.
        for suffix in SQLITE_SIDE_FILES:
            remove(path.with_name(path.name + suffix))
    return info.st_dev, info.st_ino


def open_writer(
    path: Path, fmt: OutputFormat, identity: tuple[int, int], extra: Sequence[str] = ()
) -> Writer:
    """Open ``path`` (just rebuilt by :func:`rebuild_output`) to append batches to."""
    columns = columns_for(extra)
    fd = open_append(path, identity)
    if fmt == "sqlite":
        os.close(fd)
        return _SqliteWriter(path, columns, create=False)
    return _TextWriter(fd, fmt, columns)


def remove_stale_temps(path: Path) -> None:
    """Remove temp files a killed run left beside ``path`` (ours: regular, owned, private)."""
    for temp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            check_private(temp, temp.lstat(), "temp file")
        except (CliError, OSError):
            continue
        remove(temp)
