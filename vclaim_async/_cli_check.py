"""``vclaim-async check``: eligibility for every row of a file, resumable, with progress.

The run is journaled (see :mod:`vclaim_async._journal`): the same command resumes an
interrupted run, checks only the rows not finished yet (and those that ended in an error), and
leaves an output holding every input row exactly once, in input order.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from . import _validate
from ._bulk import CheckKind, CheckProgress
from ._cli_common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_TERMINATED,
    EXIT_USAGE,
    CliError,
    check_credentials,
    open_session,
)
from ._cli_input import InputError, InputFile
from ._journal import (
    SCHEMA_VERSION,
    Journal,
    OutputFormat,
    Record,
    journal_path,
    open_writer,
    output_format,
    rebuild_output,
)
from .errors import AuthenticationError, GatewayError, RateLimitError, TransportError

__all__ = ["add_parser", "run_check"]

#: Stop (and keep what is done) after this many transport/gateway failures in a row.
BREAKER_MIN = 25
#: The sandbox's default answer latency, so a demo run looks like a real one.
SANDBOX_LATENCY = (0.02, 0.15)
PLAIN_PROGRESS_SECONDS = 2.0
TICK_SECONDS = 0.1

EPILOG = """\
examples:
  vclaim-async check --sandbox examples/sample-cards.csv --out results.csv
  vclaim-async check patients.csv --out results.jsonl --date 2024-03-01 --concurrency 5
  vclaim-async check niks.txt --kind nik --out niks.sqlite

input:
  A CSV file (the card/NIK column is found by a header such as noKartu, no_kartu, kartu, nik
  or card, or else as the column whose values are mostly 13 or 16 digits; --column names it)
  or plain text with one identifier per line. Malformed rows are reported, not fatal.

output (.csv, .jsonl or .sqlite), one row per input row:
  input, row (line in the input), kind (card/nik), status (active, inactive, not_found,
  invalid, error), status_text, name, class, type, prb, tgl_tat, error_code, error_message,
  attempts, latency_ms

credentials:
  VCLAIM_CONS_ID, VCLAIM_SECRET, VCLAIM_USER_KEY, and VCLAIM_BASE_URL or VCLAIM_ENV. Without
  them nothing is sent to BPJS; --sandbox checks against the built-in simulator instead.

resuming:
  Every finished row is journaled in OUTPUT.journal.sqlite. After Ctrl-C, a crash or kill -9,
  run the same command again: finished rows are not checked again, rows that ended in an
  error are retried, and the output ends up with every input row exactly once, in input
  order. --fresh starts over.

exit status:
  0 every row checked (active, inactive, not found or invalid input)
  1 failed: no credentials, credentials refused, unreadable input, BPJS unreachable
  2 bad arguments
  3 finished, but some rows ended in an error (rerun the same command to retry them)
  130 interrupted (Ctrl-C); 143 terminated (SIGTERM): rerun the same command to resume
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "check",
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
        metavar="YYYY-MM-DD",
        help="service date (tglSEP) for every row (default: today in Asia/Jakarta)",
    )
    parser.add_argument(
        "--concurrency",
        type=_positive_int,
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
        "--ordered",
        action="store_true",
        help="write rows in input order as they finish (a slow row holds back later ones)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="discard this output's journal and start over"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress display")
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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _latency(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    try:
        bounds = (float(low), float(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not seconds or LOW-HIGH seconds: {text!r}") from None
    if bounds[0] < 0 or bounds[1] < bounds[0]:
        raise argparse.ArgumentTypeError(f"not a valid range of seconds: {text!r}")
    return bounds


# -- the plan: what this invocation has to do -----------------------------------------------


@dataclass(frozen=True)
class _Plan:
    source: InputFile
    output: Path
    fmt: OutputFormat
    date: datetime.date
    rows: int
    resumed: bool


def _open_journal(args: argparse.Namespace, output: Path) -> tuple[Journal, _Plan]:
    try:
        fmt = output_format(output)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    date: datetime.date | None = None
    if args.date is not None:
        try:
            date = _validate.as_date(args.date, "--date")
        except ValueError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
    input_path = Path(args.input)
    try:
        source = InputFile.open(input_path, column=args.column)
    except InputError as exc:
        raise CliError(str(exc)) from None
    if input_path.resolve() == output.resolve():
        raise CliError("--out must not be the input file", EXIT_USAGE)
    if not output.parent.is_dir():
        raise CliError(f"output directory does not exist: {output.parent}")
    fingerprint = source.fingerprint()
    rows = source.count()
    journal = Journal(journal_path(output))
    try:
        plan = _agree(journal, args, source, output, fmt, date, fingerprint, rows)
    except BaseException:
        journal.close()
        raise
    return journal, plan


def _agree(
    journal: Journal,
    args: argparse.Namespace,
    source: InputFile,
    output: Path,
    fmt: OutputFormat,
    date: datetime.date | None,
    fingerprint: str,
    rows: int,
) -> _Plan:
    """Start a journal, or check that this command really continues the one it holds."""
    wanted = {
        "schema": SCHEMA_VERSION,
        "input_sha256": fingerprint,
        "rows": str(rows),
        "column": str(source.column),
        "kind": args.kind,
    }
    meta = journal.meta()
    if args.fresh or not meta:
        journal.reset()
        chosen = date or _validate.today_jakarta()
        journal.set_meta(
            {
                **wanted,
                "service_date": chosen.isoformat(),
                "input": str(Path(args.input).resolve()),
                "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            }
        )
        return _Plan(source, output, fmt, chosen, rows, resumed=False)
    where = f"the journal {journal.path}"
    if meta.get("schema") != SCHEMA_VERSION:
        raise CliError(f"{where} was written by another version; add --fresh to start over")
    if meta.get("input_sha256") != fingerprint:
        raise CliError(f"the input changed since {where} was started; add --fresh to start over")
    for key, flag in (("kind", "--kind"), ("column", "--column")):
        if meta.get(key) != wanted[key]:
            raise CliError(
                f"{flag} differs from the run in {where}; use the same options to resume, "
                "or add --fresh to start over"
            )
    journaled = datetime.date.fromisoformat(meta["service_date"])
    if date is not None and date != journaled:
        raise CliError(
            f"{where} is for service date {journaled}; rerun with --date {journaled} to "
            "resume it, or add --fresh to start over"
        )
    return _Plan(source, output, fmt, journaled, rows, resumed=True)


# -- progress --------------------------------------------------------------------------------


class _Display(Protocol):
    def update(self, progress: CheckProgress) -> None: ...

    def tick(self) -> None: ...

    def stop(self) -> None: ...


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    return str(datetime.timedelta(seconds=round(seconds)))


class _Quiet:
    def update(self, progress: CheckProgress) -> None:
        pass

    def tick(self) -> None:
        pass

    def stop(self) -> None:
        pass


class _PlainDisplay:
    """A progress line on stderr every couple of seconds (no identifiers in it)."""

    def __init__(self, total: int, before: int, stream: TextIO) -> None:
        self._total, self._before, self._stream = total, before, stream
        self._latest: CheckProgress | None = None
        self._printed = time.monotonic()

    def update(self, progress: CheckProgress) -> None:
        self._latest = progress

    def tick(self) -> None:
        if time.monotonic() - self._printed >= PLAIN_PROGRESS_SECONDS:
            self._print()

    def stop(self) -> None:
        self._print()

    def _print(self) -> None:
        self._printed = time.monotonic()
        p = self._latest
        if p is None:
            return
        done = self._before + p.done
        share = f" ({done / self._total:.0%})" if self._total else ""
        eta = None if p.rate <= 0 else (self._total - done) / p.rate
        print(
            f"vclaim-async: {done:,}/{self._total:,} rows{share} · {p.rate:,.0f}/s · "
            f"ETA {_eta(eta)} · errors {p.errors:,}",
            file=self._stream,
            flush=True,
        )


class _RichDisplay:
    """A live progress bar on stderr: done/total, rate, ETA and the error count."""

    def __init__(self, total: int, before: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[errors]}"),
            console=Console(stderr=True),
        )
        self._before = before
        self._task = self._progress.add_task(
            "check", total=total, completed=before, rate="  0/s", errors="errors 0"
        )
        self._progress.start()

    def update(self, progress: CheckProgress) -> None:
        errors = f"errors {progress.errors:,}"
        self._progress.update(
            self._task,
            completed=self._before + progress.done,
            rate=f"{progress.rate:,.0f}/s",
            errors=f"[red]{errors}[/]" if progress.errors else errors,
        )

    def tick(self) -> None:
        pass

    def stop(self) -> None:
        self._progress.stop()


def _display(args: argparse.Namespace, total: int, before: int) -> _Display:
    if args.quiet:
        return _Quiet()
    if sys.stderr.isatty():
        with contextlib.suppress(ImportError):
            return _RichDisplay(total, before)
    return _PlainDisplay(total, before, sys.stderr)


# -- the run ---------------------------------------------------------------------------------


def _note(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(f"vclaim-async: {text}", file=sys.stderr, flush=True)


async def run_check(args: argparse.Namespace) -> int:
    check_credentials(args.sandbox)
    output = Path(args.out) if args.out else Path(f"{Path(args.input).stem}-results.csv")
    journal, plan = _open_journal(args, output)
    try:
        return await _run(args, journal, plan)
    finally:
        journal.close()


async def _run(args: argparse.Namespace, journal: Journal, plan: _Plan) -> int:
    finished = journal.finished_rows()
    before = sum(n for status, n in journal.counts().items() if status != "error")
    pending = plan.rows - before
    _note(
        args,
        f"{plan.rows:,} rows in {plan.source.path} ({plan.source.describe()}); "
        f"service date {plan.date}" + (" · sandbox: synthetic data" if args.sandbox else ""),
    )
    if plan.resumed:
        _note(args, f"resuming: {before:,} rows already done (journal {journal.path})")
    rebuild_output(plan.output, plan.fmt, journal.records(errors=False))
    writer = open_writer(plan.output, plan.fmt)
    journal.start_run(pending)
    rows_by_index: dict[int, int] = {}

    def identifiers() -> Iterator[str]:
        # Read lazily by the check's producer: rows already finished are skipped, not sent.
        index = 0
        for row, value in plan.source.rows():
            if row < len(finished) * 8 and finished[row >> 3] >> (row & 7) & 1:
                continue
            rows_by_index[index] = row
            index += 1
            yield value

    display = _display(args, plan.rows, before)
    started = time.monotonic()
    outcome = "interrupted"

    async def check() -> None:
        latency = args.sandbox_latency if args.sandbox else (0.0, 0.0)
        async with open_session(
            sandbox=args.sandbox, max_concurrency=args.concurrency, sandbox_latency=latency
        ) as opened:
            sim = opened.sim
            if sim is not None:
                journal.request_counter = lambda: sim.served
            kind: CheckKind = args.kind
            stream = opened.client.peserta.check_many(
                identifiers(),
                plan.date,
                kind=kind,
                ordered=args.ordered,
                # --concurrency caps the client; check_many's default workers (twice the cap)
                # keep the slots busy while some items wait in retry backoff.
                on_progress=display.update,
            )
            breaker = max(BREAKER_MIN, 3 * opened.client.config.max_concurrency)
            failures = 0
            async with stream:
                async for result in stream:
                    row = rows_by_index.pop(result.index)
                    error = result.error
                    if isinstance(error, AuthenticationError):
                        # Credentials are wrong for every row: stop rather than fail them all.
                        raise CliError(
                            f"BPJS refused the credentials ({error}); check VCLAIM_CONS_ID, "
                            "VCLAIM_SECRET, VCLAIM_USER_KEY and the clock (VCLAIM_TIME_OFFSET), "
                            "then rerun the same command to resume"
                        )
                    record = Record.of(row, result)
                    writer.write(record)
                    journal.add(record)
                    transient = (TransportError, GatewayError, RateLimitError)
                    failures = failures + 1 if isinstance(error, transient) else 0
                    if failures >= breaker:
                        raise CliError(
                            f"stopped after {failures} failed look-ups in a row (last: "
                            f"{record.error_code} {record.error_message}); is BPJS reachable? "
                            "Rerun the same command to resume; failed rows are tried again"
                        )

    async def tick() -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            journal.commit_if_due()
            display.tick()

    job = asyncio.create_task(check())
    ticker = asyncio.create_task(tick())
    received: list[signal.Signals] = []
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []

    def interrupt(signum: signal.Signals) -> None:
        if not received:
            received.append(signum)
            job.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not available on every platform (Windows): Ctrl-C then arrives as KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, interrupt, signum)
            handled.append(signum)
    try:
        try:
            await job
            outcome = "completed"
        except asyncio.CancelledError:
            if not received:
                raise
        except CliError:
            outcome = "aborted"
            raise
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
        display.stop()
        writer.close()
        journal.finish_run(outcome)
    elapsed = time.monotonic() - started
    checked = journal.checked_this_run
    if outcome == "completed":
        # In input order, from the journal: the file a person or a script reads next.
        rebuild_output(plan.output, plan.fmt, journal.records())
        journal.set_meta({"completed_at": datetime.datetime.now(datetime.timezone.utc).isoformat()})
    counts = journal.counts()
    _summary(args, plan, journal, counts, checked, elapsed, interrupted=outcome != "completed")
    if outcome != "completed":
        return EXIT_TERMINATED if received == [signal.SIGTERM] else EXIT_INTERRUPTED
    return EXIT_PARTIAL if counts.get("error") else EXIT_OK


# -- the summary -----------------------------------------------------------------------------

_LABELS = (
    ("active", "active"),
    ("inactive", "inactive"),
    ("not_found", "not found"),
    ("invalid", "invalid input"),
    ("error", "errors"),
)


def _summary(
    args: argparse.Namespace,
    plan: _Plan,
    journal: Journal,
    counts: dict[str, int],
    checked: int,
    elapsed: float,
    *,
    interrupted: bool,
) -> None:
    rows = [(label, counts.get(status, 0)) for status, label in _LABELS]
    done = sum(counts.values())
    rows.append(("total", done))
    rate = checked / elapsed if elapsed > 0 else 0.0
    lines = [
        f"service date {plan.date} · {checked:,} rows checked this run in {elapsed:.1f} s "
        f"({rate:,.0f}/s)",
        f"output {plan.output} · journal {journal.path}",
    ]
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
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        print(f"\n{title}")
        for label, count in rows:
            print(f"  {label:<14} {count:>9,}")
        for line in lines:
            print(line)
        return
    table = Table(title=title, title_justify="left")
    table.add_column("outcome")
    table.add_column("rows", justify="right")
    for label, count in rows:
        style = "red" if label == "errors" and count else None
        table.add_row(label, f"{count:,}", style=style, end_section=label == "errors")
    console = Console()
    console.print(table)
    for line in lines:
        console.print(line, highlight=False, markup=False)
