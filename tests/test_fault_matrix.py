"""A bulk run through a flaky gateway: every input accounted for, every failure typed."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from vclaim_async import RetryPolicy, VClaimClient, VClaimError
from vclaim_async.models.peserta import PesertaPayload
from vclaim_async.testing import VClaimSimulator

LOOKUPS = 10_000
CAP = 50
POLICY = RetryPolicy(attempts=4, initial_backoff=0.005, max_backoff=0.02, jitter=0.005)


@pytest.mark.slow  # seconds of CPU: .ci/run runs it with -m slow
async def test_10000_lookups_under_502s_timeouts_and_resets() -> None:
    # max_recorded=None: the check below counts every request, more than the default keeps.
    async with VClaimSimulator(participant_count=500, seed=99, max_recorded=None) as sim:
        sim.faults.mix("Peserta", {"502": 0.20, "hang": 0.05, "reset": 0.02})
        cards = sim.participants.cards()
        config = sim.config(max_concurrency=CAP, timeout=0.25, retry=POLICY)
        outcomes: list[tuple[int, object, int]] = []
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(LOOKUPS):
            queue.put_nowait(i)

        async with VClaimClient(config) as client:

            async def worker() -> None:
                while not queue.empty():
                    i = queue.get_nowait()
                    try:
                        value, answer = await client.peserta._send(
                            "peserta.by_card",
                            {"no_kartu": cards[i % len(cards)], "tgl_sep": "2024-05-01"},
                            model=PesertaPayload,
                        )
                        outcomes.append((i, value, answer.attempts))
                    except VClaimError as exc:
                        outcomes.append((i, exc, exc.attempts or 0))

            await asyncio.gather(*(worker() for _ in range(CAP)))
            peak = client.transport.peak_in_flight

        kinds = Counter(type(o).__name__ for _, o, _ in outcomes)
        attempts = Counter(a for _, _, a in outcomes)
        served = len(sim.requests)

    # Every input is accounted for exactly once, and nothing untyped escaped.
    assert sorted(i for i, _, _ in outcomes) == list(range(LOOKUPS))
    assert set(kinds) <= {"PesertaPayload", "GatewayError", "VClaimTimeoutError",
                          "VClaimConnectionError"}  # fmt: skip
    assert kinds["PesertaPayload"] >= LOOKUPS * 0.97
    # Attempts stay within the policy, the cap is never exceeded.
    assert max(attempts) <= POLICY.attempts
    assert min(attempts) >= 1
    assert peak <= CAP
    assert sim.peak_in_flight <= CAP
    # The faults really fired: about 27 % of first attempts failed, so many more requests.
    assert served > LOOKUPS * 1.25
    print(f"\nfault matrix: {dict(kinds)}, attempts {dict(sorted(attempts.items()))}, "
          f"requests {served}, peak in flight {peak}")  # fmt: skip
