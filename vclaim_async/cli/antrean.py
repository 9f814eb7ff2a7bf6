"""``vclaim-async antrean``: Antrean RS from the command line.

* ``antrean tasks --input events.csv`` reports every task event of a file with
  :class:`~vclaim_async.antrean.reporter.TaskReporter`, journaled and resumable like ``check``
  (:mod:`.antrean_journal`): after Ctrl-C, a crash or ``kill -9`` the same command finishes the
  run, and every event ends recorded at BPJS exactly once.
* ``antrean referensi poli|dokter`` and ``antrean dashboard --date ...`` print BPJS's answer as
  a table (or JSON).

Credentials come from ``VCLAIM_CONS_ID``, ``VCLAIM_SECRET``, ``VCLAIM_ANTREAN_USER_KEY`` and
``VCLAIM_ANTREAN_BASE_URL`` (or ``VCLAIM_ENV``); ``--sandbox`` uses the built-in simulator.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import signal
import sys
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..antrean.reporter import TaskEvent, TaskReporter, TaskResult
from ..errors import AuthenticationError
from .antrean_journal import OK_STATUSES, TaskJournal, ensure_ours, read_events, write_output
from .antrean_uat import register_uat
from .common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_TERMINATED,
    EXIT_USAGE,
    CliError,
    date_arg,
    echo,
    positive_int,
    stop_on_signals,
)
from .display import print_summary
from .files import SQLITE_SIDE_FILES, remove
from .journal import journal_path
from .lookup import render

if TYPE_CHECKING:
    from ..antrean import AntreanClient
    from ..testing import VClaimSimulator

__all__ = ["register", "run_tasks"]

_SANDBOX_HELP = "use the built-in simulator (synthetic data, no credentials)"
_CREDENTIALS = (
    "credentials:\n"
    "  VCLAIM_CONS_ID and VCLAIM_SECRET (as for VClaim), VCLAIM_ANTREAN_USER_KEY, and\n"
    "  VCLAIM_ANTREAN_BASE_URL or VCLAIM_ENV (production|development). Without them nothing\n"
    "  is sent; --sandbox uses the built-in simulator instead.\n"
)

TASKS_EPILOG = f"""\
examples:
  vclaim-async antrean tasks --input events.csv
  vclaim-async antrean tasks --input events.csv --out sent.csv --concurrency 4
  vclaim-async antrean tasks --sandbox --input examples/task-events.csv

input (UTF-8 CSV with a header; comma, semicolon or tab separated):
  kodebooking, taskid (1-7 or 99), waktu (epoch milliseconds, or ISO 8601 with an offset
  such as 2024-05-06T08:05:00+07:00; with --assume-wib a time without one is WIB), and
  optionally jenisresep (Tidak ada, Racikan, Non racikan).

what is sent:
  For each visit (kodebooking), the events BPJS does not hold yet, in task order, one after
  another; visits in parallel. A time not after its predecessor's is refused before anything
  is sent (status invalid); a task whose predecessor is not in the file or at BPJS is held.
  208 (TaskId=N sudah ada) counts as recorded. An answer that was lost is looked up with
  getlisttask before the event is sent again. Nothing is sent after task 99.

output (.csv or .jsonl), one row per input row, created 0600:
  row, kodebooking, taskid, waktu, waktu_ms, jenisresep, status (sent, already, found,
  duplicate; invalid, held, refused, after_99, unknown, failed), error_code, error_message,
  requests. CSV cells a spreadsheet would run as a formula start with a '.

resuming:
  Each event is journaled in OUTPUT.journal.sqlite as "sending" before it is sent and with
  its outcome after. After Ctrl-C, a crash or kill -9, run the same command again: events
  recorded are not sent again, events that may have been sent (sending, unknown) are looked
  up with getlisttask first, and held or failed ones are tried again. --fresh discards an
  unfinished run.

{_CREDENTIALS}
exit status:
  0 every event is recorded at BPJS; 1 failed (credentials, input, BPJS unreachable);
  2 bad arguments; 3 finished, but some events are not recorded (see their status; rerun
  to retry held, unknown and failed ones); 130 interrupted; 143 terminated
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``antrean`` group: tasks, referensi, dashboard and the WS RS kit's ``uat``."""
    common = _common()
    group = sub.add_parser(
        "antrean",
        parents=[common],
        help="Antrean RS: report task events (resumable), referentials, the dashboard, UAT",
        description="Antrean RS (BPJS's outpatient queue service) from the command line.",
        epilog=_CREDENTIALS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    inner = group.add_subparsers(
        dest="antrean_command", metavar="COMMAND", help="tasks, referensi, dashboard or uat"
    )
    inner.required = True
    _add_tasks(inner, common)
    _add_referensi(inner, common)
    _add_dashboard(inner, common)
    register_uat(inner, common)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log to stderr: -v progress (info), -vv everything (debug)",
    )
    common.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        type=str.lower,
        default=argparse.SUPPRESS,
        help="log level on stderr (default: warning); never logs identifiers or secrets",
    )
    return common


def _add_tasks(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "tasks",
        parents=[common],
        help="report the task events of a CSV file to Antrean RS (resumable)",
        description="Report every task event (updatewaktu) of a CSV file: in order per visit,\n"
        "each once, journaled so that the same command resumes after any interruption.",
        epilog=TASKS_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--input", required=True, metavar="FILE", help="the events CSV")
    parser.add_argument(
        "--out", metavar="FILE", help="results: .csv or .jsonl (default: INPUT-NAME-tasks.csv)"
    )
    parser.add_argument(
        "--concurrency", type=positive_int, default=8, metavar="N", help="visits in parallel"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=2.0,
        metavar="S",
        help="seconds to let BPJS list a task whose answer was lost before looking (default 2)",
    )
    parser.add_argument(
        "--assume-wib", action="store_true", help="read times without an offset as WIB (+07:00)"
    )
    parser.add_argument("--fresh", action="store_true", help="discard an unfinished run")
    parser.add_argument(
        "--keep-journal", action="store_true", help="keep the journal after a complete run"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace an --out file this command did not write"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="errors only")
    parser.add_argument("--sandbox", action="store_true", help=_SANDBOX_HELP)
    parser.set_defaults(func=run_tasks)


def _add_referensi(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "referensi",
        parents=[common],
        help="HFIS referentials: poli (with sub-specialties) or dokter",
        description="Print BPJS's HFIS poli or doctor list as a table.",
        epilog="examples:\n  vclaim-async antrean referensi poli\n"
        "  vclaim-async antrean referensi dokter --json\n\n" + _CREDENTIALS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("list", choices=("poli", "dokter"), help="which list")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.add_argument("--sandbox", action="store_true", help=_SANDBOX_HELP)
    parser.set_defaults(func=run_referensi)


def _add_dashboard(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "dashboard",
        parents=[common],
        help="BPJS's waiting-time dashboard for a date (per poli)",
        description="Print BPJS's waiting-time dashboard (dashboard/waktutunggu) of a date:\n"
        "one row per poli, the six intervals in seconds (sums and averages).",
        epilog="examples:\n  vclaim-async antrean dashboard --date today\n"
        "  vclaim-async antrean dashboard --date 2024-05-06 --waktu server --json\n\n"
        + _CREDENTIALS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--date",
        type=date_arg,
        required=True,
        metavar="DATE",
        help="today, yesterday, -N or YYYY-MM-DD (Asia/Jakarta)",
    )
    parser.add_argument(
        "--waktu",
        choices=("rs", "server"),
        default="rs",
        help="times the hospital sent (rs, default) or BPJS received (server)",
    )
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.add_argument("--sandbox", action="store_true", help=_SANDBOX_HELP)
    parser.set_defaults(func=run_dashboard)


# -- the client --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AntreanSession:
    client: AntreanClient
    sim: VClaimSimulator | None


def _check_credentials(sandbox: bool) -> None:
    """Fail before touching any file when Antrean RS cannot be reached for lack of config."""
    if sandbox:
        return
    from ..antrean import AntreanConfig

    if not AntreanConfig.env_is_configured():
        try:
            AntreanConfig.from_env()
        except ValueError as exc:
            missing = str(exc)
        else:  # pragma: no cover - env_is_configured and from_env agree
            missing = "incomplete configuration"
        raise CliError(
            f"no Antrean RS credentials ({missing}); set them to reach BPJS, "
            "or add --sandbox to use the built-in simulator"
        )


@contextlib.asynccontextmanager
async def antrean_session(
    *,
    sandbox: bool,
    max_concurrency: int | None = None,
    bookings: Iterable[tuple[str, datetime.date]] = (),
) -> AsyncIterator[AntreanSession]:
    """An open Antrean client: BPJS (from the environment) or the simulator (``sandbox``).

    In the sandbox, ``bookings`` are seeded first (as Mobile JKN bookings), so that task
    events for them are accepted.
    """
    from ..antrean import AntreanClient, AntreanConfig

    overrides: dict[str, object] = {}
    if max_concurrency is not None:
        overrides["max_concurrency"] = max_concurrency
    if not sandbox:
        try:
            config = AntreanConfig.from_env(None, **overrides)
        except ValueError as exc:
            raise CliError(f"bad Antrean RS configuration: {exc}") from None
        async with AntreanClient(config) as client:
            yield AntreanSession(client, None)
        return
    from ..testing import VClaimSimulator

    async with VClaimSimulator(record=False) as sim:
        for kodebooking, day in bookings:
            if kodebooking not in sim.antrean_state.bookings:
                sim.antrean_state.add_booking(kodebooking, tanggal=day)
        async with AntreanClient(sim.antrean_config(**overrides)) as client:
            yield AntreanSession(client, sim)


# -- referensi and dashboard ----------------------------------------------------------------


async def run_referensi(args: argparse.Namespace) -> int:
    _check_credentials(args.sandbox)
    async with antrean_session(sandbox=args.sandbox) as session:
        referensi = session.client.referensi
        found: object = await (
            referensi.list_poli() if args.list == "poli" else referensi.list_dokter()
        )
    render(found, as_json=args.json)
    return EXIT_OK


async def run_dashboard(args: argparse.Namespace) -> int:
    _check_credentials(args.sandbox)
    async with antrean_session(sandbox=args.sandbox) as session:
        found: object = await session.client.dashboard.per_tanggal(args.date, waktu=args.waktu)
    render(found, as_json=args.json)
    return EXIT_OK


# -- tasks ----------------------------------------------------------------------------------

_FORMATS = (".csv", ".jsonl", ".ndjson")


def _note(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        echo(f"vclaim-async: {text}", file=sys.stderr)


async def run_tasks(args: argparse.Namespace) -> int:
    _check_credentials(args.sandbox)
    journal, output, resumed = _prepare(args)
    try:
        code = await _TasksRun(args, journal, output, resumed).run()
    finally:
        journal.close()
    if code == EXIT_OK and not args.keep_journal:
        # Only now, with the output complete; side files first (a stale WAL must not replay).
        for suffix in (*SQLITE_SIDE_FILES, ""):
            remove(journal.path.with_name(journal.path.name + suffix))
    return code


def _prepare(args: argparse.Namespace) -> tuple[TaskJournal, Path, bool]:
    """Read the input, vet the files, and start the journal or resume the run it holds."""
    if args.settle < 0:
        raise CliError("--settle must be 0 or more seconds", EXIT_USAGE)
    source = Path(args.input)
    output = Path(args.out) if args.out else Path(f"{source.stem}-tasks.csv")
    if output.suffix.lower() not in _FORMATS:
        raise CliError(
            f"cannot tell the output format of {output.name!r}: use .csv or .jsonl", EXIT_USAGE
        )
    if source.resolve() == output.resolve():
        raise CliError("--out must not be the input file", EXIT_USAGE)
    rows, fingerprint = read_events(source, assume_wib=args.assume_wib)
    if not rows:
        raise CliError(f"{source} has no task events (only a header)")
    if not output.parent.is_dir():
        raise CliError(f"output directory does not exist: {output.parent}")
    jpath = journal_path(output)
    if not jpath.exists() and not jpath.is_symlink():
        # Before the journal exists, so that a refusal leaves nothing behind.
        ensure_ours(output, journaled=False, force=args.force)
    journal = TaskJournal(jpath)
    try:
        meta = journal.meta()
        ensure_ours(output, journaled=bool(meta), force=args.force)
        same = meta.get("input_sha256") == fingerprint and meta.get("assume_wib") == str(
            args.assume_wib
        )
        if meta and journal.unfinished() and not same and not args.fresh:
            raise CliError(
                f"the journal {jpath} holds an unfinished run of another input or options; "
                "rerun that, or add --fresh to start over"
            )
        resumed = bool(meta) and same and not args.fresh
        if not resumed:
            journal.start(
                rows,
                fingerprint,
                {
                    "assume_wib": str(args.assume_wib),
                    "input": str(source.resolve()),
                    "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                },
            )
    except BaseException:
        journal.close()
        raise
    return journal, output, resumed


class _TasksRun:
    def __init__(
        self, args: argparse.Namespace, journal: TaskJournal, output: Path, resumed: bool
    ) -> None:
        self.args, self.journal, self.output, self.resumed = args, journal, output, resumed
        self.signals: list[signal.Signals] = []
        self.requests = 0

    async def run(self) -> int:
        args, journal = self.args, self.journal
        todo, recorded, uncertain, rows = journal.work()
        if self.resumed:
            _note(
                args,
                f"resuming: {len(todo):,} events to report"
                + (f", {sum(map(len, uncertain.values())):,} to look up first" if uncertain else "")
                + f" (journal {journal.path})",
            )
        journal.start_run()
        started = time.monotonic()
        outcome = "aborted"  # until the run says otherwise (an error, e.g. credentials)
        try:
            outcome = await self._supervise(todo, recorded, uncertain, rows)
        finally:
            journal.finish_run(outcome, self.requests)
            write_output(self.output, journal)
        counts = journal.counts()
        not_ok = sum(n for status, n in counts.items() if status not in OK_STATUSES)
        if outcome != "completed":
            code = EXIT_TERMINATED if self.signals == [signal.SIGTERM] else EXIT_INTERRUPTED
        else:
            code = EXIT_PARTIAL if not_ok else EXIT_OK
        if not args.quiet:
            self._summary(counts, time.monotonic() - started, outcome, code)
        return code

    async def _supervise(
        self,
        todo: list[TaskEvent],
        recorded: dict[str, dict[int, int]],
        uncertain: dict[str, set[int]],
        rows: dict[tuple[str, int], int],
    ) -> str:
        job = asyncio.create_task(self._report(todo, recorded, uncertain, rows))
        with stop_on_signals(job, self.signals):
            try:
                await job
            except asyncio.CancelledError:
                if not self.signals:
                    raise
                return "interrupted"
        return "completed"

    async def _report(
        self,
        todo: list[TaskEvent],
        recorded: dict[str, dict[int, int]],
        uncertain: dict[str, set[int]],
        rows: dict[tuple[str, int], int],
    ) -> None:
        if not todo:
            return
        bookings = {e.kodebooking: e.when.date() for e in todo}
        async with antrean_session(
            sandbox=self.args.sandbox,
            max_concurrency=self.args.concurrency,
            bookings=bookings.items(),
        ) as session:
            reporter = TaskReporter(
                session.client.antrean, max_visits=self.args.concurrency, settle=self.args.settle
            )
            journal = self.journal

            async def sending(event: TaskEvent) -> None:
                journal.sending(rows[(event.kodebooking, event.taskid)])

            async def settled(result: TaskResult) -> None:
                self.requests += result.requests
                journal.settle(rows[(result.event.kodebooking, result.event.taskid)], result)

            try:
                async for _ in reporter.report(
                    todo,
                    recorded=recorded,
                    uncertain=uncertain,
                    on_sending=sending,
                    on_result=settled,
                ):
                    pass
            except AuthenticationError as exc:
                raise CliError(
                    f"BPJS refused the credentials ({exc}); check VCLAIM_CONS_ID, VCLAIM_SECRET, "
                    "VCLAIM_ANTREAN_USER_KEY and the clock, then rerun the same command"
                ) from None

    def _summary(self, counts: dict[str, int], elapsed: float, outcome: str, code: int) -> None:
        order = (
            "sent",
            "already",
            "found",
            "duplicate",
            "invalid",
            "held",
            "refused",
            "after_99",
            "unknown",
            "failed",
            "sending",
            "pending",
        )
        table = [(status, counts[status]) for status in order if counts.get(status)]
        table.append(("total", sum(counts.values())))
        lines = [
            f"{self.requests:,} requests this run in {elapsed:.1f} s",
            f"output {self.output} · journal {self.journal.path}"
            + (
                " (removed: every event is recorded)"
                if code == EXIT_OK and not self.args.keep_journal
                else ""
            ),
        ]
        if outcome != "completed":
            lines.append("interrupted: rerun the same command to resume")
        elif code == EXIT_PARTIAL:
            lines.append(
                "some events are not recorded (see status and error_message); rerun the same "
                "command to retry held, unknown and failed ones"
            )
        print_summary(
            "antrean tasks" + (" (interrupted)" if outcome != "completed" else ""),
            table,
            lines,
        )
