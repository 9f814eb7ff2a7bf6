"""What every ``vclaim-async`` subcommand shares: exit codes, one-line errors, the client."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._client import VClaimClient
from ._config import VClaimConfig

if TYPE_CHECKING:
    from .testing import VClaimSimulator

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
    "open_session",
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

#: The sandbox serves the default seed's participants; the first 100 are ``VClaimSimulator()``'s.
SANDBOX_PARTICIPANTS = 1000


class CliError(Exception):
    """An error the command reports in one line (``vclaim-async: error: ...``) and exits on."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


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
) -> AsyncIterator[Session]:
    """An open client: against BPJS (from ``VCLAIM_*``) or, with ``sandbox``, the simulator."""
    overrides: dict[str, object] = {}
    if max_concurrency is not None:
        overrides["max_concurrency"] = max_concurrency
    if not sandbox:
        async with VClaimClient(config_from_env(**overrides)) as client:
            yield Session(client, None)
        return
    from .testing import VClaimSimulator

    # record=False: a long sandbox run must not keep every request in memory.
    simulator = VClaimSimulator(participant_count=SANDBOX_PARTICIPANTS, record=False)
    async with simulator as sim:
        low, high = sandbox_latency
        if high > 0:
            sim.faults.delay(".*", (low, high) if high > low else high, times=None)
        async with VClaimClient(sim.config(**overrides)) as client:
            yield Session(client, sim)
