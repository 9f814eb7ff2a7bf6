"""The ``check`` command's journal and output files.

The journal (stdlib sqlite3, WAL mode, next to the output as ``<output>.journal.sqlite``) is the
source of truth: every finished row is recorded there, committed in small batches. The output
file is derived from it. When a run starts (fresh or resumed) the output is rebuilt from the
journal and then appended to as results arrive; when a run completes it is rebuilt once more, in
input order. So after any interruption (Ctrl-C, a crash, ``kill -9``) a row written to the output
but not yet journaled is dropped and checked again, and a row journaled but not yet written is
restored: every input row ends up in the output exactly once.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import IO, Literal, Protocol

from ._bulk import CheckResult
from ._redact import redact
from .errors import APIError, HTTPStatusError

__all__ = [
    "OUTPUT_COLUMNS",
    "Journal",
    "OutputFormat",
    "Record",
    "Writer",
    "journal_path",
    "open_writer",
    "output_format",
    "rebuild_output",
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
#: The journal's schema version; a journal of another version is not resumed.
SCHEMA_VERSION = "1"
#: Commit the journal after this many rows or this many seconds, whichever comes first.
BATCH_ROWS = 64
BATCH_SECONDS = 0.25


def output_format(path: Path) -> OutputFormat:
    """The output format named by ``path``'s suffix, or ValueError."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"cannot tell the output format of {path.name!r}: "
            "use a name ending in .csv, .jsonl or .sqlite"
        )
    return fmt


def journal_path(output: Path) -> Path:
    """``results.csv`` -> ``results.csv.journal.sqlite``, in the same directory."""
    return output.with_name(output.name + ".journal.sqlite")


@dataclass(frozen=True, slots=True)
class Record:
    """One output row. Field order is the output's column order."""

    input: str
    row: int
    kind: str
    status: str
    status_text: str
    name: str
    hak_kelas: str
    jenis_peserta: str
    prb: str
    tgl_tat: str
    error_code: str
    error_message: str
    attempts: int
    latency_ms: float

    @classmethod
    def of(cls, row: int, result: CheckResult) -> Record:
        summary, error = result.summary, result.error
        code = message = ""
        if isinstance(error, ValueError):
            code, message = "invalid_input", str(error)
        elif isinstance(error, APIError):
            code, message = error.code, error.message
        elif isinstance(error, HTTPStatusError):
            code, message = f"HTTP {error.status}", str(error)
        elif error is not None:
            code, message = type(error).__name__, str(error)
        peserta = result.peserta
        return cls(
            input=result.input,
            row=row,
            kind=result.kind or "",
            status=result.status,
            status_text=(summary.status or "") if summary else "",
            name=(peserta.nama or "") if peserta else "",
            hak_kelas=(summary.hak_kelas or "") if summary else "",
            jenis_peserta=(summary.jenis_peserta or "") if summary else "",
            prb=(summary.prolanis_prb or "").strip() if summary else "",
            tgl_tat=summary.tgl_tat.isoformat() if summary and summary.tgl_tat else "",
            error_code=code,
            # Error texts never carry a whole card number or NIK; mask any that slipped in.
            error_message=redact(message),
            attempts=result.attempts,
            latency_ms=round(result.latency * 1000, 1),
        )

    def as_dict(self) -> dict[str, str | int | float]:
        return dict(zip(OUTPUT_COLUMNS, astuple(self), strict=True))


#: Output column names, in order (the CSV header; the JSONL keys; the SQLite columns).
OUTPUT_COLUMNS: tuple[str, ...] = tuple(
    {"hak_kelas": "class", "jenis_peserta": "type"}.get(f.name, f.name) for f in fields(Record)
)
_RECORD_FIELDS = tuple(f.name for f in fields(Record))


# -- the journal -------------------------------------------------------------------------------

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL DEFAULT 'running',
    pending INTEGER NOT NULL,
    checked INTEGER NOT NULL DEFAULT 0,
    sandbox_requests INTEGER
);
CREATE TABLE IF NOT EXISTS results (
    row INTEGER PRIMARY KEY,
    {", ".join(f'"{name}"' for name in _RECORD_FIELDS if name != "row")},
    run INTEGER NOT NULL,
    checks INTEGER NOT NULL DEFAULT 1,
    checked_at TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class Journal:
    """Every finished row of a ``check`` run, and the runs themselves.

    ``results`` holds one row per input row (keyed by its line number) with the run that
    checked it and ``checks``, how many runs have checked it (more than 1 only for rows that
    ended in an error and were tried again). ``runs`` holds each invocation: how many rows it
    had to check, how many it finished and how it ended.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit survives the process being killed (not a power cut).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        self._in_batch = 0
        self._last_commit = time.monotonic()
        self.run_id: int | None = None
        self._run_checked = 0
        #: In sandbox mode, how many requests the simulator served: proof nothing was re-sent.
        self.request_counter: Callable[[], int] | None = None

    # -- settings --------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def set_meta(self, values: Mapping[str, str]) -> None:
        self._db.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    def reset(self) -> None:
        """Forget everything (``--fresh``)."""
        self._db.execute("BEGIN")
        for table in ("meta", "runs", "results"):
            self._db.execute(f"DELETE FROM {table}")
        self._db.execute("COMMIT")

    # -- reading ---------------------------------------------------------------------------

    def finished_rows(self) -> bytearray:
        """A bitmap of rows that need no further check (every status but ``error``)."""
        (top,) = self._db.execute("SELECT coalesce(max(row), 0) FROM results").fetchone()
        bitmap = bytearray(top // 8 + 1)
        for (row,) in self._db.execute("SELECT row FROM results WHERE status != 'error'"):
            bitmap[row >> 3] |= 1 << (row & 7)
        return bitmap

    def counts(self) -> dict[str, int]:
        """Rows per status."""
        return dict(self._db.execute("SELECT status, count(*) FROM results GROUP BY status"))

    def records(self, *, errors: bool = True) -> Iterator[Record]:
        """Every journaled row in input order (optionally without those that ended in error)."""
        columns = ", ".join(f'"{name}"' for name in _RECORD_FIELDS)
        where = "" if errors else " WHERE status != 'error'"
        cursor = self._db.execute(f"SELECT {columns} FROM results{where} ORDER BY row")
        for values in cursor:
            yield Record(*values)

    @property
    def checked_this_run(self) -> int:
        """Rows journaled by the current run."""
        return self._run_checked

    # -- writing ---------------------------------------------------------------------------

    def start_run(self, pending: int) -> int:
        # A run still "running" was killed (kill -9, a crash, a power cut): say so.
        self._db.execute("UPDATE runs SET outcome = 'killed' WHERE outcome = 'running'")
        cursor = self._db.execute(
            "INSERT INTO runs(started_at, pending) VALUES (?, ?)", (_now(), pending)
        )
        self.run_id = int(cursor.lastrowid or 0)
        self._run_checked = 0
        return self.run_id

    def add(self, record: Record) -> None:
        """Journal one finished row; committed with its batch."""
        if self._in_batch == 0:
            self._db.execute("BEGIN")
        names = ", ".join(f'"{name}"' for name in _RECORD_FIELDS)
        marks = ", ".join("?" for _ in _RECORD_FIELDS)
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in _RECORD_FIELDS if n != "row")
        self._db.execute(
            f"INSERT INTO results({names}, run, checked_at) VALUES ({marks}, ?, ?) "
            f"ON CONFLICT(row) DO UPDATE SET {updates}, run = excluded.run, "
            "checks = results.checks + 1, checked_at = excluded.checked_at",
            (*astuple(record), self.run_id, _now()),
        )
        self._in_batch += 1
        self._run_checked += 1
        if self._in_batch >= BATCH_ROWS:
            self.commit()

    def commit_if_due(self) -> None:
        """Commit a batch that has waited long enough (called by the progress ticker)."""
        if self._in_batch and time.monotonic() - self._last_commit >= BATCH_SECONDS:
            self.commit()

    def commit(self) -> None:
        if self._in_batch == 0:
            self._db.execute("BEGIN")
        if self.run_id is not None:
            requests = None if self.request_counter is None else self.request_counter()
            self._db.execute(
                "UPDATE runs SET checked = ?, sandbox_requests = ? WHERE id = ?",
                (self._run_checked, requests, self.run_id),
            )
        self._db.execute("COMMIT")
        self._in_batch = 0
        self._last_commit = time.monotonic()

    def finish_run(self, outcome: str) -> None:
        self.commit()
        self._db.execute(
            "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?",
            (_now(), outcome, self.run_id),
        )

    def close(self) -> None:
        if self._in_batch:
            self.commit()
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()


# -- the output --------------------------------------------------------------------------------


class Writer(Protocol):
    def write(self, record: Record) -> None: ...

    def close(self) -> None: ...


class _CsvWriter:
    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self._csv = csv.writer(fh)

    def write(self, record: Record) -> None:
        self._csv.writerow(astuple(record))
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


class _JsonlWriter:
    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh

    def write(self, record: Record) -> None:
        self._fh.write(json.dumps(record.as_dict(), ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


class _SqliteWriter:
    def __init__(self, path: Path, *, create: bool) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        # The output is rebuilt from the journal after any interruption: speed over durability.
        self._db.execute("PRAGMA synchronous=OFF")
        if create:
            columns = ", ".join(
                f'"{name}" INTEGER PRIMARY KEY' if name == "row" else f'"{name}"'
                for name in OUTPUT_COLUMNS
            )
            self._db.execute(f"CREATE TABLE results ({columns})")
        names = ", ".join(f'"{name}"' for name in OUTPUT_COLUMNS)
        marks = ", ".join("?" for _ in OUTPUT_COLUMNS)
        self._insert = f"INSERT OR REPLACE INTO results({names}) VALUES ({marks})"

    def write(self, record: Record) -> None:
        self._db.execute(self._insert, astuple(record))

    def write_many(self, records: Iterable[Record]) -> None:
        self._db.execute("BEGIN")
        self._db.executemany(self._insert, (astuple(r) for r in records))
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def rebuild_output(path: Path, fmt: OutputFormat, records: Iterable[Record]) -> int:
    """Write ``records`` to ``path`` from scratch, atomically (a temporary file, then a rename).

    Returns how many rows were written.
    """
    temp = path.with_name(f".{path.name}.tmp")
    _remove(temp)
    count = 0

    def counted() -> Iterator[Record]:
        nonlocal count
        for record in records:
            count += 1
            yield record

    if fmt == "sqlite":
        writer = _SqliteWriter(temp, create=True)
        writer.write_many(counted())
        writer.close()
        # A stale WAL next to the old file must never be applied to the new one.
        for suffix in ("-wal", "-shm", "-journal"):
            _remove(path.with_name(path.name + suffix))
    else:
        with temp.open("w", encoding="utf-8", newline="") as fh:
            if fmt == "csv":
                rows = csv.writer(fh)
                rows.writerow(OUTPUT_COLUMNS)
                rows.writerows(astuple(record) for record in counted())
            else:
                fh.writelines(
                    json.dumps(record.as_dict(), ensure_ascii=False) + "\n" for record in counted()
                )
    os.replace(temp, path)
    return count


def open_writer(path: Path, fmt: OutputFormat) -> Writer:
    """Open ``path`` (just rebuilt by :func:`rebuild_output`) to append rows as they arrive."""
    if fmt == "sqlite":
        return _SqliteWriter(path, create=False)
    fh = path.open("a", encoding="utf-8", newline="")
    return _CsvWriter(fh) if fmt == "csv" else _JsonlWriter(fh)
