"""``sep.insert(reconcile=True)`` on BPJS's bad morning, against the simulator.

    python benchmarks/bench_reconcile.py [--inserts 2000] [--timeout 0.5] [--concurrency 10]

Two runs with the client's **default** settle window (no ``settle=`` passed) and default retry
policy, attempt timeout ``--timeout``:

1. no faults: requests per insert (exactly 1 expected);
2. issue 17's bad morning: 30 % slow inserts (performed 1-3 s after arrival, answered late),
   10 % answers lost after the SEP landed, 10 % gateway 502 before it landed, SEP detail reads
   failing half the time (503 or garbage), a history that shows a SEP 0-5 s after it was
   performed and spells half its rows ``dd-MM-yyyy`` with clinic names.

Prints one markdown row per run for RESULTS.md: duplicate SEPs, callers with any error other
than OutcomeUnknownError, callers whose SEP landed but who were not told its number, the share
settled (an InsertedSep), OutcomeUnknownError by kind, the worst and median time of an insert
that had to be settled, and requests per insert. Counts are exact; times are wall clock.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import datetime
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vclaim_async import (
    CallEvent,
    OutcomeUnknownError,
    RetryPolicy,
    VClaimClient,
    _reconcile,
)
from vclaim_async.models.enums import JnsPelayanan
from vclaim_async.models.sep import InsertedSep, SepRujukan
from vclaim_async.testing import Fault, VClaimSimulator

DAY = datetime.date(2024, 4, 1)
#: The history reads each insert task made (set per task; the hook appends to it).
_READS: contextvars.ContextVar[list[str]] = contextvars.ContextVar("reads")


def _bad_morning(sim: VClaimSimulator) -> None:
    # At most one non-delay fault fires per request, tried in order: scale to marginal rates.
    sim.faults.slow_writes(after=(1.0, 3.0), probability=0.3)
    sim.faults.add(Fault("lose_answer", operation="sep.insert", times=None, probability=0.1 / 0.7))
    sim.faults.add(
        Fault("status", operation="sep.insert", times=None, status=502, probability=0.1 / 0.6)
    )
    sim.faults.mix(r"^SEP/[^/]+$", {"503": 0.25, "garbage": 0.25}, method="GET")
    sim.faults.lag_history((0.0, 5.0))
    sim.faults.spell_history(dates="dd-MM-yyyy", clinics="name", probability=0.5)


async def measure(inserts: int, faults: bool, timeout: float, concurrency: int) -> dict[str, float]:
    async with VClaimSimulator(participant_count=int(inserts * 1.6) + 50, seed=17) as sim:
        active = set(sim.participants.cards(active=True))
        referrals = {
            r.extra["no_kartu"]: n
            for n, r in sim.state.referrals().items()
            if r.extra.get("no_kartu") in active and not r.extra.get("rs")
        }
        cards = sorted(referrals)[:inserts]
        assert len(cards) == inserts, f"only {len(cards)} participants with a referral"
        if faults:
            _bad_morning(sim)

        def hook(event: CallEvent) -> None:
            if event.operation == "monitoring.list_histori_pelayanan":
                _READS.get().append(event.operation)

        # The client's defaults (retry policy, tolerant decoding, settle window), but the
        # attempt timeout of the scenario.
        config = sim.config(
            timeout=timeout,
            retry=RetryPolicy(),
            strict_decoding=False,
            max_concurrency=concurrency,
        )
        settle_times: list[float] = []
        async with VClaimClient(config, hooks=[hook]) as client:

            async def one(card: str) -> object:
                _READS.set([])
                started = time.monotonic()
                try:
                    return await client.sep.insert(
                        no_kartu=card,
                        tgl_sep=DAY,
                        jns_pelayanan=JnsPelayanan.RAWAT_JALAN,
                        kls_rawat="3",
                        no_mr="MR-1",
                        rujukan=SepRujukan(
                            asal_rujukan="1",
                            tgl_rujukan=DAY - datetime.timedelta(days=3),
                            no_rujukan=referrals[card],
                            ppk_rujukan="0301U001",
                        ),
                        diag_awal="I10",
                        poli="INT",
                        no_telp="0812",
                        user="bench",
                        dpjp_layan="31486",
                        reconcile=True,
                    )
                finally:
                    if _READS.get():
                        settle_times.append(time.monotonic() - started)

            wall = time.monotonic()
            results = await asyncio.gather(*(one(c) for c in cards), return_exceptions=True)
            wall = time.monotonic() - wall
        per_visit = Counter(
            (r.no_kartu, r.tgl_sep, r.jns_pelayanan) for r in sim.state.seps.values()
        )
        held = {r.no_kartu: r.no_sep for r in sim.state.seps.values()}
        requests = len(sim.requests) + sim.requests.dropped
    kinds: Counter[str] = Counter()
    lost_numbers = 0
    for card, result in zip(cards, results, strict=True):
        if isinstance(result, InsertedSep):
            kinds["settled"] += 1
            lost_numbers += result.no_sep != held.get(card)
        elif isinstance(result, OutcomeUnknownError):
            kind = "landed" if result.landed else "candidates" if result.candidates else "plain"
            kinds[f"unknown {kind}"] += 1
            if card in held and held[card] not in (result.landed, *result.candidates):
                lost_numbers += 1
        else:
            kinds["other error"] += 1
    return {
        "duplicates": sum(n - 1 for n in per_visit.values()),
        "other errors": kinds["other error"],
        "lost numbers": lost_numbers,
        "settled": kinds["settled"] / inserts,
        "unknown landed": kinds["unknown landed"],
        "unknown candidates": kinds["unknown candidates"],
        "unknown plain": kinds["unknown plain"],
        "settled calls": len(settle_times),
        "worst settle": max(settle_times, default=0.0),
        "median settle": statistics.median(settle_times) if settle_times else 0.0,
        "per insert": requests / inserts,
        "wall": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--inserts", type=int, default=2000)
    parser.add_argument("--timeout", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    window = _reconcile.default_settle(args.timeout)
    print(f"attempt timeout {args.timeout} s, default settle window {window:g} s, "
          f"max_concurrency {args.concurrency}")  # fmt: skip
    print(
        "| run | duplicate SEPs | other errors | landed SEP's number not told | settled "
        "| unknown: landed / candidates / plain | settled calls | worst settle s "
        "| median settle s | requests per insert | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for faults in (False, True):
        m = asyncio.run(measure(args.inserts, faults, args.timeout, args.concurrency))
        label = f"{args.inserts} inserts, " + ("bad morning" if faults else "no faults")
        print(
            f"| {label} | {m['duplicates']:.0f} | {m['other errors']:.0f} "
            f"| {m['lost numbers']:.0f} | {m['settled']:.1%} "
            f"| {m['unknown landed']:.0f} / {m['unknown candidates']:.0f} / "
            f"{m['unknown plain']:.0f} | {m['settled calls']:.0f} | {m['worst settle']:.1f} "
            f"| {m['median settle']:.1f} | {m['per insert']:.2f} | {m['wall']:.0f} |"
        )


if __name__ == "__main__":
    main()
