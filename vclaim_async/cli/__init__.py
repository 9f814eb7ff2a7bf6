"""The ``vclaim-async`` command: check, peserta, sep, referensi, demo, simulator and catalog.

``main`` parses the command line and runs one subcommand. Every error ends the command with one
line on stderr (``vclaim-async: error: ...``) and an exit status from the table in
:mod:`vclaim_async.cli.common`; bad arguments always exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from .. import __version__
from ..errors import VClaimError
from . import antrean, check, lookup, tools
from .common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, CliError, clean

__all__ = ["build_parser", "main"]

EPILOG = """\
examples:
  vclaim-async check --sandbox examples/sample-cards.csv --out results.csv
  vclaim-async peserta 0001234567890 --json
  echo 3671234567890123 | vclaim-async peserta -
  vclaim-async sep get 0301R0011017V000007
  vclaim-async referensi diagnosa A09
  vclaim-async demo
  vclaim-async antrean tasks --input events.csv

credentials (for everything but --sandbox, demo and simulator):
  VCLAIM_CONS_ID, VCLAIM_SECRET, VCLAIM_USER_KEY, and VCLAIM_BASE_URL or VCLAIM_ENV
  (production|development); optional VCLAIM_PPK, VCLAIM_TIME_OFFSET, VCLAIM_TIMEOUT,
  VCLAIM_MAX_CONCURRENCY, VCLAIM_REDIS_URL (a quota shared across processes) and
  VCLAIM_CACHE_URL (shared eligibility answers). Antrean RS: the same cons id and secret,
  VCLAIM_ANTREAN_USER_KEY, and VCLAIM_ANTREAN_BASE_URL or VCLAIM_ENV.

exit status: 0 ok, 1 failed (one line on stderr says why), 2 bad arguments,
  3 check finished with some rows in error, 130 interrupted, 143 terminated.
  `COMMAND --help` says more.
"""

_LEVELS = ("debug", "info", "warning", "error")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors that point to ``--help`` (exit 2, as argparse)."""

    def error(self, message: str) -> NoReturn:
        self.exit(
            EXIT_USAGE,
            f"{self.prog}: error: {clean(message, one_line=True)} (see: {self.prog} --help)\n",
        )


def _logging_options() -> argparse.ArgumentParser:
    # SUPPRESS: given before or after the subcommand, the option keeps its value.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log to stderr: -v retries and progress (info), -vv everything (debug)",
    )
    common.add_argument(
        "--log-level",
        choices=_LEVELS,
        type=str.lower,
        default=argparse.SUPPRESS,
        help="log level on stderr (default: warning); never logs identifiers or secrets",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _logging_options()
    parser = _Parser(
        prog="vclaim-async",
        description="BPJS VClaim 2.0 from the command line: bulk eligibility checks and single\n"
        "look-ups. Credentials come from VCLAIM_* environment variables; --sandbox, `demo`\n"
        "and `simulator` use the built-in simulator instead.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"vclaim-async {__version__}")
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser
    )
    sub.required = True
    check.add_parser(sub, common)
    lookup.add_parsers(sub, common)
    tools.add_parsers(sub, common)
    antrean.register(sub)
    return parser


def _configure_logging(args: argparse.Namespace) -> None:
    level = getattr(args, "log_level", None)
    if level is None:
        verbose = getattr(args, "verbose", 0)
        if not verbose:
            return  # warnings still reach stderr through logging's last-resort handler
        level = "info" if verbose == 1 else "debug"
    logging.basicConfig(
        level=level.upper(),
        stream=sys.stderr,
        format="vclaim-async: %(levelname)s %(name)s: %(message)s",
    )


def _fail(exc: BaseException, code: int) -> int:
    print(f"vclaim-async: error: {clean(str(exc), one_line=True)}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (see the table in ``docs/cli.md``)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a bad argument (already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    _configure_logging(args)
    try:
        code: int = asyncio.run(args.func(args))
    except KeyboardInterrupt:
        print("vclaim-async: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except CliError as exc:
        return _fail(exc, exc.code)
    except ValueError as exc:
        return _fail(exc, EXIT_USAGE)
    except (VClaimError, OSError) as exc:
        return _fail(exc, EXIT_FAILED)
    return code
