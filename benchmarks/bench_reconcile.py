"""What ``sep.insert(reconcile=True)`` costs in requests, on the simulator.

    python benchmarks/bench_reconcile.py [--inserts 500] [--lose 0.5]

Counts requests, not time: N inserts with no faults, then N inserts where a share of the
answers is lost after the SEP landed. Prints one markdown row per run for RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
from collections import Counter

from vclaim_async import OutcomeUnknownError, RetryPolicy, VClaimClient
from vclaim_async.models.enums import JnsPelayanan
from vclaim_async.models.sep import SepRujukan
from vclaim_async.testing import Fault, VClaimSimulator

DAY = datetime.date(2024, 4, 1)
POLICY = RetryPolicy(attempts=3, initial_backoff=0.0, max_backoff=0.0, jitter=0.0)


async def measure(inserts: int, lose: float) -> dict[str, float]:
    async with VClaimSimulator(participant_count=int(inserts * 1.6) + 50, seed=5) as sim:
        active = set(sim.participants.cards(active=True))
        referrals = {
            r.extra["no_kartu"]: n
            for n, r in sim.state.referrals().items()
            if r.extra.get("no_kartu") in active and not r.extra.get("rs")
        }
        cards = sorted(referrals)[:inserts]
        assert len(cards) == inserts, f"only {len(cards)} participants with a referral"
        if lose:
            sim.faults.add(Fault("lose_answer", r"SEP/2\.0/insert", times=None, probability=lose))
        async with VClaimClient(sim.config(max_concurrency=20, retry=POLICY)) as client:

            async def one(card: str) -> object:
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

            results = await asyncio.gather(*(one(c) for c in cards), return_exceptions=True)
        kinds = Counter(
            "insert" if r.path.endswith("SEP/2.0/insert")
            else "history" if "HistoriPelayanan" in r.path
            else "day list" if "Monitoring/Kunjungan" in r.path
            else "sep get" if r.method == "GET" and "/SEP/" in r.path
            else "other"
            for r in sim.requests
        )  # fmt: skip
        duplicates = max(Counter(r.no_kartu for r in sim.state.seps.values()).values())
    unknown = sum(isinstance(r, OutcomeUnknownError) for r in results)
    return {
        "requests": len(sim.requests),
        "inserts sent": kinds["insert"],
        "history reads": kinds["history"],
        "SEP reads": kinds["sep get"],
        "day lists": kinds["day list"],
        "unsettled": unknown,
        "max SEPs per visit": duplicates,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inserts", type=int, default=500)
    parser.add_argument("--lose", type=float, default=0.5)
    args = parser.parse_args()
    print("| run | requests | per insert | inserts sent | history reads | SEP reads "
          "| day lists | unsettled | max SEPs per visit |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for lose in (0.0, args.lose):
        m = asyncio.run(measure(args.inserts, lose))
        label = f"{args.inserts} inserts, " + (f"{lose:.0%} answers lost" if lose else "no faults")
        print(
            f"| {label} | {m['requests']:.0f} | {m['requests'] / args.inserts:.2f} "
            f"| {m['inserts sent']:.0f} | {m['history reads']:.0f} | {m['SEP reads']:.0f} "
            f"| {m['day lists']:.0f} | {m['unsettled']:.0f} | {m['max SEPs per visit']:.0f} |"
        )


if __name__ == "__main__":
    main()
