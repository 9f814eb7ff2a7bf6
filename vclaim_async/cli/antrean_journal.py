"""``vclaim-async antrean tasks``: its input (a CSV of task events), journal and output.

The journal (``OUTPUT.journal.sqlite``, stdlib sqlite3 in WAL mode, created 0600 through
:mod:`.files`, the same ``application_id`` as ``check``'s) holds one row per input row with its
state. An event's row says ``sending`` (committed) *before* the request leaves, and its outcome
(committed) as soon as it is known. So after ``kill -9`` a rerun knows exactly which events
may have been sent without an answer recorded, and looks those up with ``getlisttask`` before
sending anything (:class:`~vclaim_async.antrean.reporter.TaskReporter`'s ``uncertain``).
The output file is derived from the journal (rebuilt atomically at the end of every run).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import hashlib
import io
import json
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..antrean.reporter import DONE, FINAL, TaskEvent, TaskResult
from .common import CliError
from .files import check_private, private_temp, remove
from .journal import open_journal
from .output import csv_cell

__all__ = [
    "OUTPUT_COLUMNS",
    "EventRow",
    "TaskJournal",
    "read_events",
    "write_output",
]

SCHEMA_VERSION = "tasks-1"
#: Rows an input may hold (a day of a large hospital is a few tens of thousands).
MAX_ROWS = 1_000_000
_MAX_CELL = 256
_WIB = datetime.timezone(datetime.timedelta(hours=7))
#: Statuses a row can end in without an error (``duplicate``: the same event as an earlier row).
OK_STATUSES = frozenset(DONE | {"duplicate"})

OUTPUT_COLUMNS: tuple[str, ...] = (
    "row",
    "kodebooking",
    "taskid",
    "waktu",
    "waktu_ms",
    "jenisresep",
    "status",
    "error_code",
    "error_message",
    "requests",
)

_ALIASES = {
    "kodebooking": "kodebooking",
    "kode_booking": "kodebooking",
    "booking": "kodebooking",
    "taskid": "taskid",
    "task_id": "taskid",
    "task": "taskid",
    "waktu": "waktu",
    "time": "waktu",
    "jenisresep": "jenisresep",
    "jenis_resep": "jenisresep",
}


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


@dataclass(frozen=True, slots=True)
class EventRow:
    """One input row: the event, or why it is not one."""

    row: int
    event: TaskEvent | None
    raw: tuple[str, str, str, str]
    problem: str | None = None


def parse_waktu(text: str, *, assume_wib: bool) -> int:
    """Epoch ms, or an ISO 8601 time with an offset (``2024-05-06T08:05:00+07:00``)."""
    value = text.strip()
    if value.isdigit():
        if len(value) <= 11:
            raise ValueError(f"waktu {value} looks like seconds; give epoch milliseconds")
        return int(value)
    try:
        moment = datetime.datetime.fromisoformat(value.replace(" WIB", "").replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            "waktu must be epoch milliseconds or an ISO 8601 time such as 2024-05-06T08:05:00+07:00"
        ) from None
    if moment.tzinfo is None:
        if not assume_wib:
            raise ValueError("waktu has no timezone; add +07:00 (WIB) or run with --assume-wib")
        moment = moment.replace(tzinfo=_WIB)
    return round(moment.timestamp() * 1000)


def read_events(path: Path, *, assume_wib: bool) -> tuple[list[EventRow], str]:
    """Every row of ``path`` (a UTF-8 CSV with a header) and the file's SHA-256."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"input file not found: {path}") from None
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None
    if b"\x00" in data:
        raise CliError(f"{path} is not a text file; give a CSV of task events")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(f"{path} is not UTF-8 text (bad byte at offset {exc.start})") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise CliError(f"{path} is empty")
    names = [_ALIASES.get(_norm(h), "") for h in header]
    missing = [n for n in ("kodebooking", "taskid", "waktu") if n not in names]
    if missing:
        raise CliError(
            f"{path} has no {', '.join(missing)} column; the header needs kodebooking, taskid, "
            "waktu and optionally jenisresep"
        )
    where = {name: names.index(name) for name in set(names) if name}
    rows: list[EventRow] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise CliError(f"{path} has more than {MAX_ROWS:,} rows; split it")
        raw = tuple(
            (cells[where[n]] if n in where and where[n] < len(cells) else "")[:_MAX_CELL]
            for n in ("kodebooking", "taskid", "waktu", "jenisresep")
        )
        kb, task, waktu, resep = raw
        try:
            taskid = int(task.strip())
            event = TaskEvent.of(kb, taskid, parse_waktu(waktu, assume_wib=assume_wib), resep)
        except (TypeError, ValueError) as exc:
            rows.append(EventRow(number, None, (kb, task, waktu, resep), str(exc)))
            continue
        rows.append(EventRow(number, event, (kb, task, waktu, resep)))
    return rows, hashlib.sha256(data).hexdigest()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
    outcome TEXT NOT NULL DEFAULT 'running', requests INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS events (
    row INTEGER PRIMARY KEY,
    kodebooking TEXT NOT NULL, taskid TEXT NOT NULL, waktu TEXT NOT NULL, jenisresep TEXT,
    waktu_ms INTEGER,
    status TEXT NOT NULL, error_code TEXT, error_message TEXT,
    requests INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class TaskJournal:
    """The rows of one ``antrean tasks`` input and where each stands; commits per change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = open_journal(path, _SCHEMA)
        self.run_id: int | None = None

    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def unfinished(self) -> bool:
        row = self._db.execute("SELECT outcome FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return row is not None and row[0] != "completed"

    def start(self, rows: Sequence[EventRow], fingerprint: str, meta: dict[str, str]) -> None:
        """A new journal for ``rows`` (forgetting any other run)."""
        with self._transaction():
            for table in ("meta", "runs", "events"):
                self._db.execute(f"DELETE FROM {table}")
            self._db.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?)",
                list({**meta, "schema": SCHEMA_VERSION, "input_sha256": fingerprint}.items()),
            )
            seen: dict[tuple[str, int, int], int] = {}
            times: dict[tuple[str, int], dict[int, int]] = {}
            for r in rows:
                if r.event is not None:
                    key2 = (r.event.kodebooking, r.event.taskid)
                    times.setdefault(key2, {}).setdefault(r.event.waktu, r.row)
            values = []
            for r in rows:
                status, message, ms = "pending", r.problem, None
                if r.event is None:
                    status = "invalid"
                else:
                    ms = r.event.waktu
                    key = (r.event.kodebooking, r.event.taskid, r.event.waktu)
                    clash = times[(r.event.kodebooking, r.event.taskid)]
                    if len(clash) > 1:
                        status = "invalid"
                        message = (
                            f"task {r.event.taskid} of this booking is given with different "
                            f"times (rows {', '.join(map(str, sorted(clash.values())))})"
                        )
                    elif key in seen:
                        status, message = "duplicate", f"the same event as row {seen[key]}"
                    else:
                        seen[key] = r.row
                kb, task, waktu, resep = r.raw
                values.append(
                    (r.row, kb, task, waktu, resep or None, ms, status, None, message, _now())
                )
            self._db.executemany(
                "INSERT INTO events(row, kodebooking, taskid, waktu, jenisresep, waktu_ms, "
                "status, error_code, error_message, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                values,
            )

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def start_run(self) -> None:
        self._db.execute("UPDATE runs SET outcome = 'killed' WHERE outcome = 'running'")
        cursor = self._db.execute("INSERT INTO runs(started_at) VALUES (?)", (_now(),))
        self.run_id = int(cursor.lastrowid or 0)

    def finish_run(self, outcome: str, requests: int) -> None:
        self._db.execute(
            "UPDATE runs SET finished_at = ?, outcome = ?, requests = ? WHERE id = ?",
            (_now(), outcome, requests, self.run_id),
        )

    def work(
        self,
    ) -> tuple[
        list[TaskEvent], dict[str, dict[int, int]], dict[str, set[int]], dict[tuple[str, int], int]
    ]:
        """Events still to report, what each visit has recorded, what may have been sent,
        and the row of each (kodebooking, taskid) still open."""
        todo: list[TaskEvent] = []
        recorded: dict[str, dict[int, int]] = {}
        uncertain: dict[str, set[int]] = {}
        rows: dict[tuple[str, int], int] = {}
        refused: set[tuple[str, int]] = set()
        cursor = self._db.execute(
            "SELECT row, kodebooking, taskid, waktu_ms, jenisresep, status FROM events "
            "WHERE waktu_ms IS NOT NULL AND status != 'duplicate' ORDER BY row"
        )
        for row, kb, task, ms, resep, status in cursor:
            event = TaskEvent.of(kb, int(task), int(ms), resep)
            key = (event.kodebooking, event.taskid)
            if status in DONE:
                recorded.setdefault(event.kodebooking, {})[event.taskid] = event.waktu
            elif status in FINAL:
                refused.add(key)
            else:
                todo.append(event)
                rows[key] = row
                if status in ("sending", "unknown"):  # may be at BPJS: look it up first
                    uncertain.setdefault(event.kodebooking, set()).add(event.taskid)
        return (
            [e for e in todo if (e.kodebooking, e.taskid) not in refused],
            recorded,
            uncertain,
            rows,
        )

    def sending(self, row: int) -> None:
        self._db.execute(
            "UPDATE events SET status = 'sending', updated_at = ? WHERE row = ?", (_now(), row)
        )

    def settle(self, row: int, result: TaskResult) -> None:
        error = result.error
        code = getattr(error, "code", None) if error is not None else None
        message = getattr(error, "message", None) if error is not None else None
        if error is not None and message is None:
            message = str(error)
        if message is None and result.note:
            message = result.note
        status: str = result.status
        if status == "held" and self._status(row) == "sending":
            status = "sending"  # may still have been sent: keep it uncertain
        self._db.execute(
            "UPDATE events SET status = ?, error_code = ?, error_message = ?, "
            "requests = requests + ?, updated_at = ? WHERE row = ?",
            (
                status,
                None if code is None else str(code),
                message,
                result.requests,
                _now(),
                row,
            ),
        )

    def _status(self, row: int) -> str:
        (status,) = self._db.execute("SELECT status FROM events WHERE row = ?", (row,)).fetchone()
        return str(status)

    def counts(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT status, count(*) FROM events GROUP BY status"))

    def rows(self) -> Iterator[tuple[object, ...]]:
        cursor = self._db.execute(
            "SELECT row, kodebooking, taskid, waktu, waktu_ms, jenisresep, status, error_code, "
            "error_message, requests FROM events ORDER BY row"
        )
        yield from cursor

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()


def ensure_ours(path: Path, *, journaled: bool, force: bool) -> None:
    """Refuse to replace an output this command did not write (unless ``force``)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    check_private(path, info, "output", replaced=True)
    if force or journaled or info.st_size == 0:
        return
    with path.open("rb") as fh:
        first = fh.readline(4096).decode("utf-8", "replace").strip()
    if first.startswith("{"):
        with contextlib.suppress(ValueError):
            if tuple(json.loads(first))[: len(OUTPUT_COLUMNS)] == OUTPUT_COLUMNS:
                return
    elif tuple(next(csv.reader([first]), [])) == OUTPUT_COLUMNS:
        return
    raise CliError(
        f"{path} exists and was not written by vclaim-async antrean tasks; choose another "
        "--out, or add --force to replace it"
    )


def write_output(path: Path, journal: TaskJournal) -> None:
    """The output from the journal, atomically: a private temp file renamed over ``path``."""
    jsonl = path.suffix.lower() in (".jsonl", ".ndjson")
    temp = private_temp(path)
    try:
        with temp.open("w", encoding="utf-8", newline="") as fh:
            if jsonl:
                for values in journal.rows():
                    record = dict(zip(OUTPUT_COLUMNS, values, strict=True))
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                writer = csv.writer(fh)
                writer.writerow(OUTPUT_COLUMNS)
                writer.writerows(
                    [csv_cell(v) for v in values]  # type: ignore[arg-type]
                    for values in journal.rows()
                )
        os.replace(temp, path)
    except BaseException:
        remove(temp)
        raise
