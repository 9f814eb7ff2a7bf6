"""What every ``vclaim-async`` subcommand shares: exit codes, argument types, safe printing,
the client.

Exit codes (the table in ``docs/cli.md`` is this one; ``tests/cli/test_parser.py`` checks it):

====  ======================================================================================
0     success
1     failed: credentials missing or refused, unreadable/empty/binary input, a file the
      command refuses to touch, BPJS or the network failing
2     bad command-line arguments (always; argparse's own code)
3     ``check`` finished, but some rows ended in an error: rerun the same command
130   interrupted (Ctrl-C); 143 terminated (SIGTERM): rerun the same command to resume
====  ======================================================================================
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import re
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from .. import _validate
from .._client import VClaimClient
from .._config import VClaimConfig, cache_from_env

if TYPE_CHECKING:
    from ..testing import VClaimSimulator

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "SANDBOX_PARTICIPANTS",
    "CliError",
    "Session",
    "clean",
    "echo",
    "open_session",
    "parse_date",
    "stop_on_signals",
]

#: Success.
EXIT_OK = 0
#: Failed: missing or refused credentials, an unreadable input, BPJS or the network failing.
EXIT_FAILED = 1
#: Bad command-line arguments (argparse's own code).
EXIT_USAGE = 2
#: ``check`` finished, but some rows ended in an error; rerun the same command to retry them.
EXIT_PARTIAL = 3
#: Interrupted by Ctrl-C (SIGINT) / terminated (SIGTERM); ``check`` resumes with the same command.
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

#: ``check`` keeps cached answers this long (each still ends with its service day).
CACHE_DAY_SECONDS = 86_400.0

#: The sandbox serves the default seed's participants; the first 100 are ``VClaimSimulator()``'s.
SANDBOX_PARTICIPANTS = 1000


class CliError(Exception):
    """An error the command reports in one line (``vclaim-async: error: ...``) and exits on."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


# -- printing ------------------------------------------------------------------------------

# C0 controls but tab and newline, DEL and C1: ESC/CSI sequences could drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")


def clean(text: str, *, one_line: bool = False) -> str:
    """``text`` without control characters (server text must never drive the terminal)."""
    text = _CONTROL.sub("", text)
    return " ".join(text.split()) if one_line else text


def escape_c1(json_text: str) -> str:
    """JSON text with DEL and C1 controls escaped (``json.dumps`` escapes only C0 ones)."""
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def echo(text: str = "", *, file: TextIO | None = None) -> None:
    """Print ``text`` with control characters removed."""
    print(clean(text), file=file if file is not None else sys.stdout, flush=True)


# -- argument types ------------------------------------------------------------------------

_RELATIVE = re.compile(r"[+-]\d{1,4}")


def parse_date(text: str, *, today: datetime.date | None = None) -> datetime.date:
    """``today``, ``tomorrow``, ``yesterday``, ``+N``/``-N`` days or ``YYYY-MM-DD``.

    Relative dates count from today in Asia/Jakarta, where BPJS's service dates live.
    """
    base = today if today is not None else _validate.today_jakarta()
    word = text.strip().lower()
    offsets = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if word in offsets:
        return base + datetime.timedelta(days=offsets[word])
    if _RELATIVE.fullmatch(word):
        return base + datetime.timedelta(days=int(word))
    try:
        return _validate.as_date(text.strip(), "--date")
    except ValueError:
        raise ValueError(
            f"--date must be today, tomorrow, yesterday, +N, -N or YYYY-MM-DD, got {text!r}"
        ) from None


def date_arg(text: str) -> datetime.date:
    """argparse type for ``--date``."""
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    return _bounded_int(text, low=1)


def count_int(text: str) -> int:
    """argparse type: a whole number of at least 0."""
    return _bounded_int(text, low=0)


def port_int(text: str) -> int:
    """argparse type: a TCP port, 0 (any free port) to 65535."""
    return _bounded_int(text, low=0, high=65535)


def _bounded_int(text: str, *, low: int, high: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
    if high is not None and value > high:
        raise argparse.ArgumentTypeError(f"must be at most {high}, got {value}")
    return value


# -- the client ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """An open client and, in sandbox mode, the simulator it talks to."""

    client: VClaimClient
    sim: VClaimSimulator | None


def config_from_env(**overrides: object) -> VClaimConfig:
    """The client config from ``VCLAIM_*``; a :class:`CliError` naming what is missing."""
    if not VClaimConfig.env_is_configured():
        try:
            VClaimConfig.from_env()
        except ValueError as exc:
            missing = str(exc)
        else:  # pragma: no cover - env_is_configured and from_env agree
            missing = "incomplete configuration"
        raise CliError(
            f"no BPJS credentials ({missing}); set them to reach BPJS, "
            "or add --sandbox to use the built-in simulator"
        )
    try:
        return VClaimConfig.from_env(None, **overrides)
    except ValueError as exc:
        raise CliError(f"bad BPJS configuration: {exc}") from None


def check_credentials(sandbox: bool) -> None:
    """Fail early, before touching any file, when BPJS cannot be reached for lack of config."""
    if not sandbox:
        config_from_env()


@contextlib.asynccontextmanager
async def open_session(
    *,
    sandbox: bool,
    max_concurrency: int | None = None,
    sandbox_latency: tuple[float, float] = (0.0, 0.0),
    cache_for_the_day: bool = False,
) -> AsyncIterator[Session]:
    """An open client: against BPJS (from ``VCLAIM_*``) or, with ``sandbox``, the simulator.

    With ``VCLAIM_CACHE_URL`` the client shares a Redis eligibility cache (also in the
    sandbox); ``cache_for_the_day`` keeps answers for their whole service day unless
    ``VCLAIM_CACHE_TTL`` says otherwise (a rerun of a nightly ``check`` asks BPJS again
    only for what it does not know yet).
    """
    overrides: dict[str, object] = {}
    if max_concurrency is not None:
        overrides["max_concurrency"] = max_concurrency
    try:
        cache = cache_from_env()
    except ValueError as exc:
        raise CliError(f"bad BPJS configuration: {exc}") from None
    if cache_for_the_day and "cache_url" in cache and "cache_ttl" not in cache:
        overrides["cache_ttl"] = CACHE_DAY_SECONDS
    if not sandbox:
        async with VClaimClient(config_from_env(**overrides)) as client:
            yield Session(client, None)
        return
    from ..testing import VClaimSimulator

    # record=False: a long sandbox run must not keep every request in memory.
    simulator = VClaimSimulator(participant_count=SANDBOX_PARTICIPANTS, record=False)
    async with simulator as sim:
        low, high = sandbox_latency
        if high > 0:
            sim.faults.delay(".*", (low, high) if high > low else high, times=None)
        async with VClaimClient(sim.config(**cache, **overrides)) as client:
            yield Session(client, sim)


@contextlib.contextmanager
def stop_on_signals(job: asyncio.Task[object], seen: list[signal.Signals]) -> Iterator[None]:
    """While inside, the first SIGINT or SIGTERM cancels ``job`` and is recorded in ``seen``.

    The command then stops cleanly (its journal committed) and reports which signal it was.
    """
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []

    def interrupt(signum: signal.Signals) -> None:
        if not seen:
            seen.append(signum)
            job.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not available on every platform (Windows): Ctrl-C then arrives as KeyboardInterrupt.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, interrupt, signum)
            handled.append(signum)
    try:
        yield
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
