"""An async worker that shares one ``VClaimClient`` across jobs taken from an ``asyncio.Queue``.

    python examples/worker.py --sandbox                          # on the built-in simulator
    python examples/worker.py 0001234567890 3671234567890123     # on BPJS, VCLAIM_* set

Each job is a clinic's list of patients to check before the day starts. A few worker tasks
take jobs from the queue; all of them use the same client, so there is one connection pool
and one concurrency cap (``max_concurrency``) for the whole process, however many jobs run at
once. It asks BPJS with ``VClaimConfig.from_env()`` and stops, naming the missing variables,
when the configuration is incomplete; only ``--sandbox`` starts the built-in simulator. In a
real service the queue would be fed by a message broker or a web request.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from vclaim_async import CheckResult, VClaimClient, VClaimConfig


@dataclass
class Job:
    """A batch of identifiers to check, and where its results go."""

    name: str
    identifiers: list[str]
    results: list[CheckResult] = field(default_factory=list)


@contextlib.asynccontextmanager
async def open_client(
    args: argparse.Namespace,
) -> AsyncIterator[tuple[VClaimClient, list[str]]]:
    """A client (the simulator with ``--sandbox``, else BPJS) and the identifiers to check."""
    if args.sandbox:
        from vclaim_async.testing import VClaimSimulator

        print("--sandbox: using the built-in simulator (synthetic participants)", file=sys.stderr)
        async with VClaimSimulator(participant_count=200) as sim:
            sim.faults.delay(".*", (0.01, 0.05))  # a little latency, as BPJS has
            async with VClaimClient(sim.config(max_concurrency=8)) as client:
                cards = sim.participants.cards()
                yield client, [*cards, "0009999999999", "12345", *sim.participants.niks()[:5]]
        return
    try:
        config = VClaimConfig.from_env(max_concurrency=8)
    except ValueError as exc:  # names exactly the missing variables
        raise SystemExit(f"{exc} (or pass --sandbox to use the built-in simulator)") from None
    async with VClaimClient(config) as client:
        yield client, args.identifiers


async def worker(name: str, client: VClaimClient, jobs: asyncio.Queue[Job]) -> None:
    """Take jobs until cancelled; one job's failure never stops the worker."""
    while True:
        job = await jobs.get()
        try:
            # Per job, at most 4 look-ups at once; the client caps the process at 8 overall.
            async with client.peserta.check_many(job.identifiers, concurrency=4) as results:
                async for result in results:
                    job.results.append(result)
            print(f"{name}: {job.name} done ({len(job.results)} checked)", file=sys.stderr)
        except Exception as exc:  # a bug or a broken job: log it and take the next one
            print(f"{name}: {job.name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        finally:
            jobs.task_done()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("identifiers", nargs="*", help="card numbers or NIKs (on BPJS)")
    parser.add_argument("--sandbox", action="store_true", help="use the built-in simulator")
    args = parser.parse_args()
    async with open_client(args) as (client, identifiers):
        if not identifiers:
            print("give card numbers or NIKs as arguments", file=sys.stderr)
            return 2
        jobs: asyncio.Queue[Job] = asyncio.Queue()
        clinics = ["INT", "ANA", "OBG", "BED", "MAT", "GIG"]
        batches = [
            Job(f"poli {clinic}", identifiers[n :: len(clinics)])
            for n, clinic in enumerate(clinics)
        ]
        for job in batches:
            jobs.put_nowait(job)
        workers = [asyncio.create_task(worker(f"worker-{n}", client, jobs)) for n in range(3)]
        try:
            await jobs.join()
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
    for job in batches:
        counts = {s: sum(r.status == s for r in job.results) for s in ("active", "inactive")}
        other = len(job.results) - sum(counts.values())
        print(f"{job.name:<9} active {counts['active']:>3}  inactive {counts['inactive']:>3}  "
              f"not found/invalid/error {other:>3}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
