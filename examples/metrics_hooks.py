"""Feed vclaim-async call events into metrics, with no patient data in them.

Each call reports its operation name, HTTP status, BPJS code, attempts and latency — never a
path, card number or NIK — so the counters below can go to Prometheus, StatsD or an
OpenTelemetry meter as they are.

    python examples/metrics_hooks.py --sandbox                 # simulator with a flaky gateway
    python examples/metrics_hooks.py 0001234567890             # on BPJS, VCLAIM_* set

Only ``--sandbox`` starts the built-in simulator; otherwise the configuration comes from
``VClaimConfig.from_env()``, and an incomplete one stops the script naming what is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections import Counter, defaultdict

from vclaim_async import CallEvent, VClaimClient, VClaimConfig, VClaimError


class Metrics:
    """A stand-in for a metrics client: call counts by outcome, and latency sums."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.attempts: Counter[str] = Counter()
        self.latency: defaultdict[str, float] = defaultdict(float)

    def __call__(self, event: CallEvent) -> None:
        outcome = "ok" if event.ok else f"{event.error} (code {event.code or '-'})"
        self.calls[(event.operation, outcome)] += 1
        self.attempts[event.operation] += event.attempts
        self.latency[event.operation] += event.latency


async def look_up(config: VClaimConfig, cards: list[str], metrics: Metrics) -> None:
    async with VClaimClient(config, hooks=[metrics]) as client:
        for number in cards:
            with contextlib.suppress(VClaimError):  # failures are counted by the hook
                await client.peserta.by_card(number)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cards", nargs="*", help="card numbers to look up (on BPJS)")
    parser.add_argument("--sandbox", action="store_true", help="use the built-in simulator")
    args = parser.parse_args()
    metrics = Metrics()
    if args.sandbox:
        from vclaim_async.testing import VClaimSimulator

        print("--sandbox: using the built-in simulator (synthetic participants)", file=sys.stderr)
        async with VClaimSimulator() as sim:
            sim.faults.fail("Peserta", status=502, times=3)  # a flaky gateway, retried
            await look_up(sim.config(), [*sim.participants.cards()[:8], "0009999999999"], metrics)
    else:
        try:
            config = VClaimConfig.from_env()
        except ValueError as exc:  # names exactly the missing variables
            raise SystemExit(f"{exc} (or pass --sandbox to use the built-in simulator)") from None
        await look_up(config, args.cards, metrics)
    for (operation, outcome), count in sorted(metrics.calls.items()):
        print(f"vclaim_calls_total{{operation={operation!r}, outcome={outcome!r}}} {count}")
    for operation, attempts in metrics.attempts.items():
        print(f"vclaim_attempts_total{{operation={operation!r}}} {attempts}")
        seconds = metrics.latency[operation]
        print(f"vclaim_latency_seconds_sum{{operation={operation!r}}} {seconds:.3f}")


if __name__ == "__main__":
    asyncio.run(main())
