"""Feed vclaim-async call events into metrics, with no patient data in them.

Each call reports its operation name, HTTP status, BPJS code, attempts and latency — never a
path, card number or NIK — so the counters below can go to Prometheus, StatsD or an
OpenTelemetry meter as they are. Runs against the built-in simulator:

    python examples/metrics_hooks.py
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, defaultdict

from vclaim_async import CallEvent, VClaimClient, VClaimError
from vclaim_async.testing import VClaimSimulator


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


async def main() -> None:
    metrics = Metrics()
    async with VClaimSimulator() as sim:
        sim.faults.fail("Peserta", status=502, times=3)  # a flaky gateway, retried
        async with VClaimClient(sim.config(), hooks=[metrics]) as client:
            for number in [*sim.participants.cards()[:8], "0009999999999"]:
                with contextlib.suppress(VClaimError):  # failures are counted by the hook
                    await client.peserta.by_card(number)
    for (operation, outcome), count in sorted(metrics.calls.items()):
        print(f"vclaim_calls_total{{operation={operation!r}, outcome={outcome!r}}} {count}")
    for operation, attempts in metrics.attempts.items():
        print(f"vclaim_attempts_total{{operation={operation!r}}} {attempts}")
        seconds = metrics.latency[operation]
        print(f"vclaim_latency_seconds_sum{{operation={operation!r}}} {seconds:.3f}")


if __name__ == "__main__":
    asyncio.run(main())
