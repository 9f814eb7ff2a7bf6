"""``vclaim-async antrean uat``: rehearse BPJS's UAT against a WS RS, playing Mobile JKN.

The logic is :func:`vclaim_async.antrean.wsrs.uat.run_uat`; this module parses the options,
prints the table (or ``--json``) and sets the exit status: 0 when every scenario passed, 1
otherwise, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import msgspec

from ..antrean.wsrs.paths import KHANZA_PATHS, resolve_paths
from ..antrean.wsrs.uat import (
    REFERENCE_PATIENT,
    REFERENCE_SESSION,
    FixtureSession,
    UatOptions,
    run_uat,
)
from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError, echo, escape_c1, positive_int

__all__ = ["register_uat"]

EPILOG = """\
examples:
  vclaim-async antrean uat http://127.0.0.1:8081 --username mjkn --password secret
  vclaim-async antrean uat https://rs.example/api-bpjsfktl --paths paths.json \\
      --kodepoli INT --kodedokter 12345 --jampraktek 08:00-12:00 --token-ttl 60 --json

--paths FILE: a JSON object from service name (auth, statusantrean, ambilantrean, sisaantrean,
  batalantrean, checkinantrean, pasienbaru, jadwaloperasirs, jadwaloperasipasien,
  ambilantreanfarmasi, statusantreanfarmasi) to the path the hospital registered.
The username and password may also come from VCLAIM_WSRS_USERNAME / VCLAIM_WSRS_PASSWORD.
exit status: 0 every scenario passed, 1 some failed or were skipped, 2 bad arguments.
"""


def register_uat(
    antrean: argparse._SubParsersAction[argparse.ArgumentParser],
    parent: argparse.ArgumentParser | None = None,
) -> None:
    """Add ``uat`` to the ``antrean`` group's subcommands."""
    parser = antrean.add_parser(
        "uat",
        parents=[parent] if parent is not None else [],
        help="rehearse BPJS's UAT against a WS RS (plays Mobile JKN)",
        description="Play Mobile JKN against a WS RS: the token, each service's positive path "
        "and each UAT refusal; print scenario, expected, got, pass. Books, checks in and "
        "cancels with synthetic patients; cancels what it booked.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("base_url", metavar="BASE_URL", help="the WS RS base URL")
    parser.add_argument("--username", help="x-username (default: $VCLAIM_WSRS_USERNAME)")
    parser.add_argument("--password", help="x-password (default: $VCLAIM_WSRS_PASSWORD)")
    parser.add_argument(
        "--paths",
        default="khanza",
        metavar="khanza|FILE",
        help="service paths: SIMRS Khanza's names (default) or a JSON file",
    )
    session = REFERENCE_SESSION
    parser.add_argument("--kodepoli", default=session[0], help=f"(default: {session[0]})")
    parser.add_argument(
        "--kodedokter", type=positive_int, default=session[1], help=f"(default: {session[1]})"
    )
    parser.add_argument("--jampraktek", default=session[2], help=f"(default: {session[2]})")
    parser.add_argument("--nomorkartu", default=REFERENCE_PATIENT[0], help="an existing patient")
    parser.add_argument("--nik", default=REFERENCE_PATIENT[1], help="the same patient's NIK")
    parser.add_argument("--norm", default=REFERENCE_PATIENT[2], help="their medical record")
    parser.add_argument(
        "--token-ttl",
        type=float,
        metavar="SECONDS",
        help="the server's token lifetime: waited out once to test the expired token",
    )
    for flag, what in (
        ("--leave", "a session on a date its doctor is on leave"),
        ("--closed", "a session on a date its poli is closed"),
        ("--ended", "a session today that is already over (registration closed)"),
    ):
        parser.add_argument(
            flag,
            type=_fixture,
            metavar="POLI,DOKTER,JAM,DATE",
            help=f"{what}: expect refusals (e.g. BED,90003,08:00-12:00,2026-12-12)",
        )
    parser.add_argument(
        "--quota-fill-max",
        type=positive_int,
        default=40,
        metavar="N",
        help="book at most N new patients to fill a session's quota (default: 40)",
    )
    parser.add_argument(
        "--timeout", type=float, default=15.0, metavar="SECONDS", help="per request"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=_uat)


def _fixture(text: str) -> FixtureSession:
    try:
        return FixtureSession.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _paths(value: str) -> dict[str, str]:
    if value == "khanza":
        return dict(KHANZA_PATHS)
    try:
        data = json.loads(Path(value).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CliError(f"--paths: cannot read {value}: {exc}", EXIT_USAGE) from exc
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise CliError("--paths: the file must hold a JSON object of strings", EXIT_USAGE)
    try:
        return resolve_paths(data)
    except ValueError as exc:
        raise CliError(f"--paths: {exc}", EXIT_USAGE) from exc


async def _uat(args: argparse.Namespace) -> int:
    username = args.username or os.environ.get("VCLAIM_WSRS_USERNAME", "")
    password = args.password or os.environ.get("VCLAIM_WSRS_PASSWORD", "")
    if not username or not password:
        raise CliError("give --username and --password (or VCLAIM_WSRS_*)", EXIT_USAGE)
    if not args.base_url.startswith(("http://", "https://")):
        raise CliError("BASE_URL must start with http:// or https://", EXIT_USAGE)
    if args.token_ttl is not None and not 0 < args.token_ttl <= 86_400:
        raise CliError("--token-ttl must be between 0 and 86400 seconds", EXIT_USAGE)
    options = UatOptions(
        base_url=args.base_url,
        username=username,
        password=password,
        paths=_paths(args.paths),
        kodepoli=args.kodepoli,
        kodedokter=args.kodedokter,
        jampraktek=args.jampraktek,
        nomorkartu=args.nomorkartu,
        nik=args.nik,
        norm=args.norm,
        token_ttl=args.token_ttl,
        quota_fill_max=args.quota_fill_max,
        on_leave=args.leave,
        poli_closed=args.closed,
        registration_closed=args.ended,
        timeout=args.timeout,
    )
    report = await run_uat(options)
    passed, failed, skipped = report.counts
    if args.json:
        data = msgspec.to_builtins(report) | {
            "ok": report.ok,
            "passed": passed,
            "failed": failed,
            "skipped": skipped,
        }
        print(escape_c1(json.dumps(data, ensure_ascii=False, indent=2)))
        return EXIT_OK if report.ok else EXIT_FAILED
    rows = [("service", "scenario", "expected", "got", "result")]
    for s in report.scenarios:
        verdict = "pass" if s.passed else "SKIP" if s.passed is None else "FAIL"
        rows.append((s.service, s.scenario, s.expected, s.got, verdict))
    widths = [min(max(len(row[i]) for row in rows), 48) for i in range(4)]
    for row in rows:
        cells = [row[i][: widths[i]].ljust(widths[i]) for i in range(4)]
        echo("  ".join([*cells, row[4]]))
    echo()
    echo(f"{passed} passed, {failed} failed, {skipped} skipped: {report.base_url}")
    if report.left_behind:
        echo(f"left behind (could not cancel): {', '.join(report.left_behind)}")
    return EXIT_OK if report.ok else EXIT_FAILED
