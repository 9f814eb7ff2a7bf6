"""The ``check`` command's journal: the source of truth for a run, and the records it holds.

The journal (stdlib sqlite3, WAL mode, ``<output>.journal.sqlite`` beside the output) records
every finished row, committed in small batches. The output file is derived from it and only
ever lags it: a row reaches the output after its journal batch has committed (see
:class:`vclaim_async.cli.check.CheckRun`). So after any interruption, even ``kill -9``, every
row in the output is journaled, a rerun asks BPJS for none of them again, and a row journaled
but not yet written is restored when the output is rebuilt from the journal.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import operator
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from .._bulk import CheckResult
from .._redact import redact
from ..errors import APIError, HTTPStatusError
from .common import CliError
from .files import prepare_sqlite, same_file

__all__ = [
    "APPLICATION_ID",
    "OUTPUT_COLUMNS",
    "SCHEMA_VERSION",
    "Journal",
    "Record",
    "journal_path",
]

#: The journal's schema version; a journal of another version is not resumed.
SCHEMA_VERSION = "3"
#: SQLite ``application_id`` of files this command writes ("VCLA"): proof a file is ours.
APPLICATION_ID = 0x56434C41
#: Commit the journal after this many rows or this many seconds, whichever comes first.
BATCH_ROWS = 64
BATCH_SECONDS = 0.25


def journal_path(output: Path) -> Path:
    """``results.csv`` -> ``results.csv.journal.sqlite``, in the same directory."""
    return output.with_name(output.name + ".journal.sqlite")


def _stripped_card_hint(value: str) -> str | None:
    if value.isdigit() and 10 <= len(value) <= 12:
        return (
            f"{len(value)} digits: looks like a 13-digit card number that lost its leading "
            "zeros (a spreadsheet stored it as a number); format the column as text"
        )
    return None


@dataclass(frozen=True, slots=True)
class Record:
    """One output row. Field order is the output's column order; ``extra`` comes last.

    Text that BPJS did not give is ``None`` (empty in CSV, null in JSONL and SQLite).
    """

    input: str
    row: int
    kind: str | None
    status: str
    status_text: str | None
    name: str | None
    hak_kelas: str | None
    jenis_peserta: str | None
    prb: str | None
    tgl_tat: str | None
    error_code: str | None
    error_message: str | None
    attempts: int
    latency_ms: float
    service_date: str
    checked_at: str
    extra: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        row: int,
        result: CheckResult,
        extra: tuple[str, ...] = (),
        *,
        service_date: str,
        checked_at: str | None = None,
    ) -> Record:
        """The output row for ``result``; ``checked_at`` defaults to now (UTC, ISO 8601)."""
        summary, error = result.summary, result.error
        code = message = None
        if isinstance(error, ValueError):
            code = "invalid_input"
            message = _stripped_card_hint(result.input.strip()) or str(error)
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
            kind=result.kind,
            status=result.status,
            status_text=summary.status or None if summary else None,
            name=peserta.nama or None if peserta else None,
            hak_kelas=summary.hak_kelas or None if summary else None,
            jenis_peserta=summary.jenis_peserta or None if summary else None,
            prb=(summary.prolanis_prb or "").strip() or None if summary else None,
            tgl_tat=summary.tgl_tat.isoformat() if summary and summary.tgl_tat else None,
            error_code=code,
            # Error texts never carry a whole card number or NIK; mask any that slipped in.
            error_message=None if message is None else redact(message),
            attempts=result.attempts,
            latency_ms=round(result.latency * 1000, 1),
            service_date=service_date,
            checked_at=checked_at or _now(),
            extra=extra,
        )

    def values(self) -> tuple[str | int | float | None, ...]:
        """The output row: the fixed columns, then the carried input columns."""
        return (*_fixed_values(self), *self.extra)


_FIELDS = tuple(f.name for f in fields(Record) if f.name != "extra")
# Built once: dataclasses.astuple deep-copies every field, ~50x slower for flat rows like these.
_fixed_values = operator.attrgetter(*_FIELDS)
# Positional from a row of the journal (mypy cannot count a row's columns).
_record: Callable[..., Record] = Record
#: Output column names, in order (the CSV header; the JSONL keys; the SQLite columns).
OUTPUT_COLUMNS: tuple[str, ...] = tuple(
    {"hak_kelas": "class", "jenis_peserta": "type"}.get(name, name) for name in _FIELDS
)

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
    {", ".join(f'"{name}"' for name in _FIELDS if name != "row")},
    extra TEXT,
    run INTEGER NOT NULL,
    checks INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS results_input ON results(input);
"""
_NAMES = ", ".join(f'"{name}"' for name in _FIELDS)
_UPSERT = (
    f"INSERT INTO results({_NAMES}, extra, run) "
    f"VALUES ({', '.join('?' for _ in _FIELDS)}, ?, ?) "
    "ON CONFLICT(row) DO UPDATE SET "
    + ", ".join(f'"{n}" = excluded."{n}"' for n in (*_FIELDS, "extra") if n != "row")
    + ", run = excluded.run, checks = results.checks + 1"
)


def open_journal(path: Path, schema: str) -> sqlite3.Connection:
    """Open (or create, 0600) a journal database of ours at ``path`` with ``schema``.

    Shared by ``check`` and ``antrean tasks``: a file that is not a vclaim-async journal is
    refused, never taken over; WAL with NORMAL sync, so a commit survives a kill -9.
    """
    # sqlite3 follows symlinks and takes any file: check (and create 0600) first.
    identity = prepare_sqlite(path, "journal")
    db = sqlite3.connect(path, isolation_level=None)
    try:
        same_file(path, identity, "journal")
        (app_id,) = db.execute("PRAGMA application_id").fetchone()
        (tables,) = db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if app_id != APPLICATION_ID and tables:
            raise CliError(
                f"refusing journal {path}: it is not a vclaim-async journal; move it away"
            )
        # Set before WAL mode, so the id sits in the main file's header from the start.
        db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit survives the process being killed (not a power cut).
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=5000")
        db.executescript(schema)
    except BaseException:
        db.close()
        raise
    return db


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
        self._db = open_journal(path, _SCHEMA)
        self._batch: list[Record] = []
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

    def extra_columns(self) -> list[str]:
        """Names of the input columns this run carries into the output (``--keep-columns``)."""
        names: list[str] = json.loads(self.meta().get("extra_columns", "[]"))
        return names

    def reset(self) -> None:
        """Forget everything (a new run); tables are recreated, so an older schema goes too."""
        self._db.execute("BEGIN")
        for table in ("meta", "runs", "results"):
            self._db.execute(f"DROP TABLE IF EXISTS {table}")
        self._db.execute("COMMIT")
        self._db.executescript(_SCHEMA)

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
        where = "" if errors else " WHERE status != 'error'"
        cursor = self._db.execute(f"SELECT {_NAMES}, extra FROM results{where} ORDER BY row")
        for *fixed, extra in cursor:
            # The SELECT lists the fields in Record's own order.
            yield _record(*fixed, extra=tuple(json.loads(extra)) if extra else ())

    def answer_for(self, identifier: str) -> Record | None:
        """A row already answered for ``identifier`` (active, inactive or not found), if any:
        a resumed run copies it rather than asking BPJS again the same service day."""
        row = self._db.execute(
            f"SELECT {_NAMES}, extra FROM results WHERE input = ? "
            "AND status IN ('active', 'inactive', 'not_found') LIMIT 1",
            (identifier,),
        ).fetchone()
        if row is None:
            return None
        *fixed, _ = row
        return _record(*fixed)

    @property
    def checked_this_run(self) -> int:
        """Rows journaled by the current run."""
        return self._run_checked

    def unfinished(self) -> bool:
        """True when the last run did not complete (killed, interrupted, aborted)."""
        row = self._db.execute("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return row is not None and row[0] != "completed"

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

    def add(self, record: Record) -> bool:
        """Journal one finished row; True when its batch is full and should be committed."""
        if not self._batch:
            self._db.execute("BEGIN")
        extra = json.dumps(record.extra, ensure_ascii=False) if record.extra else None
        self._db.execute(_UPSERT, (*_fixed_values(record), extra, self.run_id))
        self._batch.append(record)
        self._run_checked += 1
        return len(self._batch) >= BATCH_ROWS

    def due(self) -> bool:
        """A batch has waited long enough to be committed."""
        return bool(self._batch) and time.monotonic() - self._last_commit >= BATCH_SECONDS

    def commit(self) -> Sequence[Record]:
        """Commit the batch; returns its records, now safe to write to the output."""
        if not self._batch:
            self._db.execute("BEGIN")
        if self.run_id is not None:
            requests = None if self.request_counter is None else self.request_counter()
            self._db.execute(
                "UPDATE runs SET checked = ?, sandbox_requests = ? WHERE id = ?",
                (self._run_checked, requests, self.run_id),
            )
        self._db.execute("COMMIT")
        batch, self._batch = self._batch, []
        self._last_commit = time.monotonic()
        return batch

    def finish_run(self, outcome: str) -> Sequence[Record]:
        batch = self.commit()
        self._db.execute(
            "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?",
            (_now(), outcome, self.run_id),
        )
        return batch

    def close(self) -> None:
        """Commit what is pending and close; the connection is closed even when the commit
        fails (a full disk): its rows were never written to the output, a rerun checks them."""
        try:
            if self._batch:
                try:
                    self.commit()
                except sqlite3.Error:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                    self._batch = []
                    raise
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._db.close()
