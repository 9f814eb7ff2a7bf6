"""``vclaim-async check``: eligibility for every row of a file, resumable, with progress.

The run is journaled (see :mod:`.journal`): the same command resumes an interrupted run,
checks only the rows not finished yet (and those that ended in an error), and leaves an output
holding every input row exactly once, in input order. A finished run's journal never blocks
the next one: a new input or date starts fresh by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import dataclasses
import datetime
import errno
import logging
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from .._bulk import CheckKind, CheckProgress, CheckResult
from ..errors import (
    AuthenticationError,
    GatewayError,
    RateLimitError,
    TransportError,
    VClaimError,
)
from .common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_TERMINATED,
    CliError,
    check_credentials,
    date_arg,
    echo,
    open_session,
    positive_int,
    stop_on_signals,
)
from .display import make_display, print_summary
from .files import SQLITE_SIDE_FILES, OutputLock, remove
from .journal import Journal, Record
from .output import (
    Writer,
    open_writer,
    rebuild_output,
    remove_stale_temps,
)
from .plan import Plan, open_plan

__all__ = ["CheckRun", "add_parser", "run_check"]

#: Stop (and keep what is done) after this many transport/gateway failures in a row.
BREAKER_MIN = 25
#: The sandbox's default answer latency, so a demo run looks like a real one.
SANDBOX_LATENCY = (0.02, 0.15)
TICK_SECONDS = 0.1

EPILOG = """\
examples:
  vclaim-async check --sandbox examples/sample-cards.csv --out results.csv
  vclaim-async check patients.csv --out results.jsonl --date tomorrow --concurrency 5
  vclaim-async check niks.txt --kind nik --out niks.sqlite --keep-columns

input:
  A UTF-8 CSV file (the card/NIK column is found by a header such as noKartu, no_kartu, kartu,
  nik or card, or else as the column whose values are mostly 13 or 16 digits; --column names
  it) or plain text with one identifier per line. Malformed rows are reported, not fatal;
  an empty, header-only or binary file is refused, and so, before any request, is a column
  with no card number or NIK in it, or one where most rows are not (--allow-invalid).

output (.csv, .jsonl or .sqlite), one row per input row, created 0600:
  input, row (line in the input), kind (card/nik), status (active, inactive, not_found,
  invalid, error), status_text, name, class, type, prb, tgl_tat, error_code, error_message,
  attempts, latency_ms, service_date, checked_at (UTC); then, with --keep-columns, the
  input's other columns. CSV cells that a spreadsheet would run as a formula start with a ' ,
  and control characters are escaped (\\n, \\x1b); JSONL and SQLite keep values exact (null
  where BPJS gave nothing). An existing file is replaced only if this command wrote it (or
  with --force). A repeated identifier is asked once; its rows share the answer.

credentials:
  VCLAIM_CONS_ID, VCLAIM_SECRET, VCLAIM_USER_KEY, and VCLAIM_BASE_URL or VCLAIM_ENV. Without
  them nothing is sent to BPJS; --sandbox checks against the built-in simulator instead.

resuming and cron:
  Every finished row is journaled in OUTPUT.journal.sqlite before it is written to OUTPUT.
  After Ctrl-C, a crash or kill -9, run the same command again: rows already in the output
  are not checked again, rows that ended in an error are retried, and the output ends up
  with every input row exactly once, in input order. A finished run's journal never blocks
  the next: another input or date starts fresh. An unfinished run of an input that changed
  since (or of another day) is set aside with one WARNING and a fresh run starts, so cron
  never locks itself out. After a fully successful run the journal is removed
  (--keep-journal keeps it). --fresh discards an unfinished run. One check per --out at a
  time (OUTPUT.lock). VCLAIM_CACHE_URL (Redis) shares answers for the service day.

exit status:
  0 every row checked (active, inactive, not found or invalid input)
  1 failed: no credentials, credentials refused, unreadable/empty/binary input, a column
    without identifiers, another check on the same output, an output this command did not
    write, a full disk, BPJS unreachable
  2 bad arguments
  3 finished, but some rows ended in an error (rerun the same command to retry them)
  130 interrupted (Ctrl-C); 143 terminated (SIGTERM): rerun the same command to resume
"""


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "check",
        parents=[parent],
        help="check eligibility for every card number or NIK in a file (resumable)",
        description="Check BPJS eligibility for every card number or NIK in INPUT, with live\n"
        "progress, a journal that makes the run resumable, and a summary at the end.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", metavar="INPUT", help="a CSV or plain-text file")
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="results file: .csv, .jsonl or .sqlite (default: INPUT-NAME-results.csv here)",
    )
    parser.add_argument(
        "--date",
        type=date_arg,
        metavar="DATE",
        help="service date (tglSEP) for every row: today, tomorrow, yesterday, +N, -N (days) "
        "or YYYY-MM-DD, in Asia/Jakarta (default: today)",
    )
    parser.add_argument(
        "--concurrency",
        type=positive_int,
        metavar="N",
        help="look-ups in flight at most (default: 10)",
    )
    parser.add_argument(
        "--kind",
        choices=("auto", "card", "nik"),
        default="auto",
        help="read identifiers as card numbers, NIKs, or by length (13/16 digits; default)",
    )
    parser.add_argument("--column", metavar="NAME|N", help="the CSV column holding identifiers")
    parser.add_argument(
        "--keep-columns",
        action="store_true",
        help="carry the input's other columns into the output, after the result columns",
    )
    parser.add_argument(
        "--ordered",
        action="store_true",
        help="write rows in input order as they finish (a slow row holds back later ones)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="discard an unfinished run's journal and start over"
    )
    parser.add_argument(
        "--keep-journal",
        action="store_true",
        help="keep the journal after a fully successful run (default: remove it)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing --out file even if this command did not write it",
    )
    parser.add_argument(
        "--allow-invalid",
        action="store_true",
        help="check an input even when most of its rows are not card numbers or NIKs",
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="no progress or notes: the summary and errors"
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="check against the built-in simulator (synthetic participants, no credentials)",
    )
    parser.add_argument(
        "--sandbox-latency",
        type=_latency,
        default=SANDBOX_LATENCY,
        metavar="S|LOW-HIGH",
        help="seconds the simulator takes per answer, e.g. 0 or 0.02-0.15 (default)",
    )
    parser.set_defaults(func=run_check)


def _latency(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    try:
        bounds = (float(low), float(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not seconds or LOW-HIGH seconds: {text!r}") from None
    if bounds[0] < 0 or bounds[1] < bounds[0]:
        raise argparse.ArgumentTypeError(f"not a valid range of seconds: {text!r}")
    return bounds


# -- the run ---------------------------------------------------------------------------------


async def run_check(args: argparse.Namespace) -> int:
    check_credentials(args.sandbox)
    output = Path(args.out) if args.out else Path(f"{Path(args.input).stem}-results.csv")
    if not output.parent.is_dir():
        raise CliError(f"output directory does not exist: {output.parent}")
    # One run per output at a time: a second one would ask again and trample the first's files.
    with OutputLock(output):
        try:
            return await _run_locked(args, output)
        except sqlite3.Error as exc:
            raise CliError(_storage_message(output, exc)) from None
        except OSError as exc:
            if exc.errno in _STORAGE_ERRNOS:
                raise CliError(_storage_message(output, exc)) from None
            raise


async def _run_locked(args: argparse.Namespace, output: Path) -> int:
    journal, plan = open_plan(args, output)
    try:
        code = await CheckRun(args, journal, plan).run()
    finally:
        journal.close()
    if code == EXIT_OK and not args.keep_journal:
        # Only now, with the output complete: a kill before this leaves a finished journal.
        # Side files first: a stale WAL left beside a journal could be replayed into it.
        for suffix in (*SQLITE_SIDE_FILES, ""):
            remove(journal.path.with_name(journal.path.name + suffix))
    return code


#: Write failures that are the disk's, not ours: reported in one line, the run resumable.
_STORAGE_ERRNOS = frozenset(
    code
    for code in (
        errno.ENOSPC,
        errno.EIO,
        getattr(errno, "EDQUOT", None),
        errno.EROFS,
        errno.EFBIG,
    )
    if code is not None
)


def _storage_message(output: Path, exc: BaseException) -> str:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", 0))
    full = full or "full" in reason.lower()
    return (
        f"cannot write {output} or its journal: {reason}"
        + (" (the disk is full)" if full else "")
        + "; every finished row is kept in the journal: "
        + ("free some space" if full else "fix the disk")
        + " and rerun the same command to resume"
    )


class _StreakFilter(logging.Filter):
    """Drop the transport's per-call "giving up" warnings: ``check`` reports each failure
    streak once, with its true count (see :meth:`CheckRun.check`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("vclaim %s: giving up")


def _describe(error: BaseException | None) -> str:
    """An error's class (and HTTP status): enough to tell outages apart, no identifiers."""
    if error is None:
        return "unknown"
    status = getattr(error, "status", None)
    return type(error).__name__ + (f", HTTP {status}" if status is not None else "")


class CheckRun:
    """One invocation of ``check``: feed the unfinished rows, journal, then write, report.

    A result is journaled first and written to the output only once its batch has committed,
    so the output never holds a row the journal could forget.
    """

    def __init__(self, args: argparse.Namespace, journal: Journal, plan: Plan) -> None:
        self.args, self.journal, self.plan = args, journal, plan
        self._finished = journal.finished_rows()
        self.before = sum(n for status, n in journal.counts().items() if status != "error")
        self._rows_by_index: dict[int, tuple[int, tuple[str, ...]]] = {}
        self._width = len(plan.extra)
        self._writer: Writer | None = None
        self._signals: list[signal.Signals] = []
        self._service_date = plan.date.isoformat()
        #: Set once failures trip the breaker: no new rows are fed, in-flight ones finish.
        self._stopping = False
        self.streaks: list[tuple[int, str]] = []
        #: Rows answered from an earlier look-up of the same identifier: requests saved.
        self.reused = 0
        self._copied: collections.Counter[str] = collections.Counter()
        self._latest: CheckProgress | None = None
        self._started = time.monotonic()
        self.display = make_display(quiet=args.quiet, total=plan.rows, before=self.before)

    def note(self, text: str) -> None:
        if not self.args.quiet:
            echo(f"vclaim-async: {text}", file=sys.stderr)

    def warn(self, text: str) -> None:
        """A line even ``-q`` prints: something a person must know about."""
        echo(f"vclaim-async: WARNING: {text}", file=sys.stderr)

    def identifiers(self) -> Iterator[str]:
        """Unfinished rows' identifiers, read lazily: finished rows are skipped, not sent."""
        index = 0
        finished = self._finished
        for row, value, others in self.plan.source.records():
            if self._stopping:
                return  # the breaker tripped: what is in flight finishes, nothing new starts
            if row < len(finished) * 8 and finished[row >> 3] >> (row & 7) & 1:
                continue
            extra = others[: self._width] + ("",) * (self._width - len(others))
            extra = extra if self._width else ()
            # An identifier this run (or the interrupted one it resumes) already answered is
            # not asked again, however far apart: the journal (indexed) remembers, not memory.
            earlier = self.journal.answer_for(value)
            if earlier is not None:
                self._copy(earlier, row, extra)
                continue
            self._rows_by_index[index] = (row, extra)
            index += 1
            yield value

    def _copy(self, earlier: Record, row: int, extra: tuple[str, ...]) -> None:
        """Journal ``row`` with the answer ``earlier`` holds for the same identifier."""
        copy = dataclasses.replace(earlier, row=row, attempts=0, latency_ms=0.0, extra=extra)
        self.reused += 1
        self._copied[copy.status] += 1
        self._progress(self._latest)
        if self.journal.add(copy):
            self.flush()

    def _progress(self, progress: CheckProgress | None) -> None:
        """Show the engine's counts plus the rows answered from the journal."""
        self._latest = progress
        base = progress or CheckProgress(0, None, 0, 0, 0, 0, 0, 0.0)
        copied = self._copied
        self.display.update(
            dataclasses.replace(
                base,
                done=base.done + sum(copied.values()),
                active=base.active + copied["active"],
                inactive=base.inactive + copied["inactive"],
                not_found=base.not_found + copied["not_found"],
                reused=base.reused + sum(copied.values()),
                elapsed=base.elapsed or time.monotonic() - self._started,
            )
        )

    def flush(self) -> None:
        """Commit the journal batch, then (and only then) write it to the output."""
        batch = self.journal.commit()
        if self._writer is not None:
            self._writer.write_many(batch)

    def accept(self, result: CheckResult) -> Record:
        row, extra = self._rows_by_index.pop(result.index)
        record = Record.of(row, result, extra, service_date=self._service_date)
        self.reused += result.reused
        if self.journal.add(record):
            self.flush()
        return record

    async def check(self) -> None:
        args = self.args
        latency = args.sandbox_latency if args.sandbox else (0.0, 0.0)
        streak_filter = _StreakFilter()
        transport_log = logging.getLogger("vclaim_async._transport")
        transport_log.addFilter(streak_filter)
        try:
            await self._check(latency)
        finally:
            transport_log.removeFilter(streak_filter)

    async def _check(self, latency: tuple[float, float]) -> None:
        args, plan = self.args, self.plan
        async with open_session(
            sandbox=args.sandbox,
            max_concurrency=args.concurrency,
            sandbox_latency=latency,
            cache_for_the_day=True,
        ) as opened:
            sim = opened.sim
            if sim is not None:
                self.journal.request_counter = lambda: sim.served
            kind: CheckKind = args.kind
            stream = opened.client.peserta.check_many(
                self.identifiers(),
                plan.date,
                kind=kind,
                ordered=args.ordered,
                on_progress=self._progress,
            )
            breaker = max(BREAKER_MIN, 3 * opened.client.config.max_concurrency)
            failures = 0
            last: VClaimError | ValueError | None = None
            transient = (TransportError, GatewayError, RateLimitError)
            async with stream:
                async for result in stream:
                    error = result.error
                    if isinstance(error, AuthenticationError):
                        # Credentials are wrong for every row: stop rather than fail them all.
                        raise CliError(
                            f"BPJS refused the credentials ({error}); check VCLAIM_CONS_ID, "
                            "VCLAIM_SECRET, VCLAIM_USER_KEY and the clock (VCLAIM_TIME_OFFSET), "
                            "then rerun the same command to resume"
                        )
                    self.accept(result)
                    if result.reused:
                        continue  # no request was made for it: neither a failure nor a recovery
                    if isinstance(error, transient):
                        failures, last = failures + 1, error
                        # Stop feeding rows; those in flight finish and are counted too.
                        self._stopping = self._stopping or failures >= breaker
                    elif failures and not self._stopping:
                        self._report_streak(failures, last, recovered=True)
                        failures = 0
            if self._stopping:
                # Failures still in flight when it tripped are counted; one line for it all.
                raise CliError(
                    f"stopped after {failures:,} failed look-ups in a row "
                    f"(last: {_describe(last)}); is BPJS reachable? Rerun the same command "
                    "to resume; failed rows are tried again"
                )
            if failures:
                self._report_streak(failures, last, recovered=False)

    def _report_streak(
        self, count: int, last: VClaimError | ValueError | None, *, recovered: bool
    ) -> None:
        """One line per outage (not per failed call), with its true length."""
        self.streaks.append((count, _describe(last)))
        after = "; BPJS answered again after them" if recovered else ""
        echo(
            f"vclaim-async: error: {count:,} look-up{'s' if count != 1 else ''} in a row failed "
            f"(last: {_describe(last)}){after}; rerun the same command to retry those rows",
            file=sys.stderr,
        )

    async def tick(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            if self.journal.due():
                self.flush()
            self.display.tick()

    async def run(self) -> int:
        plan, journal = self.plan, self.journal
        self.note(
            f"{plan.rows:,} rows in {plan.source.path} ({plan.source.describe()}); "
            f"service date {plan.date}"
            + (" · sandbox: synthetic data" if self.args.sandbox else "")
        )
        if plan.set_aside is not None:
            self.warn(f"{plan.set_aside}; starting a fresh run (journal {journal.path})")
        if plan.resumed:
            self.note(f"resuming: {self.before:,} rows already done (journal {journal.path})")
        remove_stale_temps(plan.output)
        identity = rebuild_output(plan.output, plan.fmt, journal.records(errors=False), plan.extra)
        self._writer = open_writer(plan.output, plan.fmt, identity, plan.extra)
        journal.start_run(plan.rows - self.before)
        started = time.monotonic()
        outcome = await self._supervise()
        elapsed = time.monotonic() - started
        if outcome == "completed":
            # In input order, from the journal: the file a person or a script reads next.
            rebuild_output(plan.output, plan.fmt, journal.records(), plan.extra)
            journal.set_meta(
                {"completed_at": datetime.datetime.now(datetime.timezone.utc).isoformat()}
            )
        counts = journal.counts()
        code = EXIT_PARTIAL if counts.get("error") else EXIT_OK
        if outcome != "completed":
            code = EXIT_TERMINATED if self._signals == [signal.SIGTERM] else EXIT_INTERRUPTED
        self._summary(counts, elapsed, outcome, complete=code == EXIT_OK)
        return code

    async def _supervise(self) -> str:
        """Run the check with the ticker beside it; SIGINT/SIGTERM stop it cleanly."""
        job = asyncio.create_task(self.check())
        ticker = asyncio.create_task(self.tick())
        outcome = "interrupted"
        failed = True
        try:
            with stop_on_signals(job, self._signals):
                try:
                    await job
                    outcome = "completed"
                except asyncio.CancelledError:
                    if not self._signals:
                        raise
                except CliError:
                    outcome = "aborted"
                    raise
            failed = False
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            self.display.stop()
            self._finish(outcome, failed=failed)
        return outcome

    def _finish(self, outcome: str, *, failed: bool) -> None:
        """Commit the last batch and close the output; after a failure (a full disk, say)
        a second failure here must not hide the first, which is the one reported."""
        try:
            batch = self.journal.finish_run(outcome)
            if self._writer is not None:
                self._writer.write_many(batch)
        except (sqlite3.Error, OSError):
            if not failed:
                raise
        finally:
            if self._writer is not None:
                with contextlib.suppress(OSError, sqlite3.Error):
                    self._writer.close()

    def _summary(
        self, counts: dict[str, int], elapsed: float, outcome: str, *, complete: bool
    ) -> None:
        plan = self.plan
        labels = (
            ("active", "active"),
            ("inactive", "inactive"),
            ("not_found", "not found"),
            ("invalid", "invalid input"),
            ("error", "errors"),
        )
        rows = [(label, counts.get(status, 0)) for status, label in labels]
        done = sum(counts.values())
        rows.append(("total", done))
        checked = self.journal.checked_this_run
        rate = checked / elapsed if elapsed > 0 else 0.0
        removed = complete and not self.args.keep_journal
        saved = self.reused
        lines = [
            f"service date {plan.date} · {checked:,} rows checked this run in {elapsed:.1f} s "
            f"({rate:,.0f}/s)",
            f"requests saved: {saved:,} (repeated identifiers answered from their first look-up)",
            f"output {plan.output} · journal {self.journal.path}"
            + (" (removed: the run is complete)" if removed else ""),
        ]
        if plan.set_aside is not None:
            lines.append(f"started afresh: {plan.set_aside}")
        if self.streaks:
            worst = max(count for count, _ in self.streaks)
            lines.append(
                f"{len(self.streaks):,} failure streak(s) (longest {worst:,} look-ups in a row)"
            )
        interrupted = outcome != "completed"
        if interrupted:
            lines.append(
                f"interrupted with {plan.rows - done:,} of {plan.rows:,} rows to go: "
                "rerun the same command to resume"
            )
        elif counts.get("error"):
            lines.append(
                f"{counts['error']:,} rows ended in an error: rerun the same command to retry them"
            )
        title = "eligibility check" + (" (interrupted)" if interrupted else "")
        print_summary(title, rows, lines)
