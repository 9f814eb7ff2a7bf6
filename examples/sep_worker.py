"""A SEP worker: a queue of SEP jobs, several workers, redelivery after a crash, lost answers.

    python examples/sep_worker.py --sandbox

Admission desks put SEP jobs on a queue; a few workers issue them with one shared client. The
queue here is in memory and behaves like a broker with acknowledgements (Redis streams, SQS,
RabbitMQ): a job taken and not acknowledged (its worker crashed) is delivered again.

Issuing a SEP twice is the failure that matters, so:

* every insert uses ``reconcile=True``: a lost answer is settled from that participant's own
  service history, read across a settle window counted from when the lost attempt was sent
  (BPJS may perform an insert seconds after the client gave up, and its history may show it
  seconds later); the insert is re-sent only when the history proves it never landed;
* a job delivered again first asks ``client.sep.get_landed(...)`` whether its SEP exists
  (its earlier delivery may have issued it just before the crash), and sends nothing while a
  row of that participant, day and service type could be it;
* an ``OutcomeUnknownError`` whose ``.landed`` names the SEP is acknowledged with that number
  (the SEP exists; only its detail could not be read);
* one that could not be settled (the history endpoint is down) puts the job back for later:
  it is never re-sent blind, and the admission is not refused;
* one with ``.candidates`` (two matching SEPs, or rows that could be this visit) goes to a
  person, with the numbers.

``--sandbox`` runs it on the built-in simulator with slow inserts (performed after the client
gave up), a lagging history, lost answers, a Monitoring outage and workers crashing after an
insert and in the middle of one; its
timings are BPJS's scaled down about five times, and so is the settle window it passes. There
is no production mode: feed ``run()`` from your own queue.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import sys
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vclaim_async import OutcomeUnknownError, VClaimClient, VClaimError
from vclaim_async.models.enums import JnsPelayanan
from vclaim_async.models.sep import SepRujukan

if TYPE_CHECKING:
    from vclaim_async.testing import VClaimSimulator


@dataclass
class SepJob:
    """One admission's SEP request, as the desk queued it."""

    id: str
    no_kartu: str
    tgl_sep: datetime.date
    no_rujukan: str
    tgl_rujukan: datetime.date
    ppk_rujukan: str
    poli: str
    diag_awal: str
    no_mr: str
    deliveries: int = 0


@dataclass
class Outcome:
    """What became of every job."""

    issued: dict[str, str] = field(default_factory=dict)  # job id -> noSep
    needs_review: dict[str, tuple[str, ...]] = field(default_factory=dict)  # two candidates
    failed: dict[str, str] = field(default_factory=dict)  # BPJS refused it (a bad request)
    unsettled: list[str] = field(default_factory=list)  # gave up after max deliveries


class JobQueue:
    """An in-memory queue with acknowledgements: an unacknowledged job is delivered again."""

    def __init__(self, jobs: list[SepJob], *, retry_delay: float) -> None:
        self._ready: deque[SepJob] = deque(jobs)
        self._taken: dict[str, SepJob] = {}
        self._delayed = 0
        self._retry_delay = retry_delay

    async def get(self) -> SepJob | None:
        """The next job, or None when every job is acknowledged."""
        while not self._ready:
            if not self._taken and not self._delayed:
                return None
            await asyncio.sleep(0.005)
        job = self._ready.popleft()
        job.deliveries += 1
        self._taken[job.id] = job
        return job

    def ack(self, job: SepJob) -> None:
        self._taken.pop(job.id, None)

    def redeliver(self, job: SepJob, *, later: bool = False) -> None:
        """Put a taken job back (at once after a crash, or after a delay)."""
        self._taken.pop(job.id, None)
        if not later:
            self._ready.append(job)
            return
        self._delayed += 1
        asyncio.get_running_loop().call_later(self._retry_delay, self._release, job)

    def _release(self, job: SepJob) -> None:
        self._delayed -= 1
        self._ready.append(job)


class NotYetKnown(Exception):
    """Whether a job's SEP exists cannot be told now (the history did not answer)."""


class NeedsReview(Exception):
    """More than one SEP matches the job's visit: a person must keep one and delete the rest."""

    def __init__(self, candidates: tuple[str, ...]) -> None:
        super().__init__(f"{len(candidates)} SEPs match this visit")
        self.candidates = candidates


class WorkerCrash(Exception):
    """Stands for a worker process dying between issuing a SEP and acknowledging the job."""


async def issue(
    client: VClaimClient, job: SepJob, *, user: str, settle: float | None = None
) -> str:
    """Issue ``job``'s SEP exactly once; its number."""
    if job.deliveries > 1:
        # An earlier delivery may have issued it before its worker died: look before sending.
        try:
            landed = await client.sep.get_landed(
                no_kartu=job.no_kartu,
                tgl_sep=job.tgl_sep,
                jns_pelayanan=JnsPelayanan.RAWAT_JALAN,
                poli=job.poli,
                no_rujukan=job.no_rujukan,
                # Its earlier delivery may have landed moments ago: wait out the history lag.
                settle=settle if settle is not None else client.sep.settle_window,
            )
        except VClaimError as exc:
            raise NotYetKnown(job.id) from exc
        if len(landed.matches) == 1:
            return landed.matches[0]
        if landed.matches or landed.candidates:
            raise NeedsReview(landed.matches + landed.candidates)
    sep = await client.sep.insert(
        no_kartu=job.no_kartu,
        tgl_sep=job.tgl_sep,
        jns_pelayanan=JnsPelayanan.RAWAT_JALAN,
        kls_rawat="3",
        no_mr=job.no_mr,
        rujukan=SepRujukan(
            asal_rujukan="1",
            tgl_rujukan=job.tgl_rujukan,
            no_rujukan=job.no_rujukan,
            ppk_rujukan=job.ppk_rujukan,
        ),
        diag_awal=job.diag_awal,
        poli=job.poli,
        no_telp="081200000000",
        user=user,
        dpjp_layan="31486",
        reconcile=True,
        settle=settle,
    )
    if not sep.no_sep:  # an answer without its number cannot be acknowledged
        raise NotYetKnown(job.id)
    return sep.no_sep


async def worker(
    client: VClaimClient,
    queue: JobQueue,
    outcome: Outcome,
    *,
    user: str,
    max_deliveries: int,
    crash_on: set[str],
    settle: float | None = None,
    crash_mid_insert: frozenset[str] = frozenset(),
) -> None:
    """Take jobs until none is left; a crash leaves the current job unacknowledged.

    A job in ``crash_on`` kills its worker after its SEP was issued; one in
    ``crash_mid_insert`` kills it 0.05 s into the insert, while the request is at BPJS.
    """
    while (job := await queue.get()) is not None:
        if job.id in crash_mid_insert and job.deliveries == 1:
            sending = asyncio.ensure_future(issue(client, job, user=user, settle=settle))
            await asyncio.sleep(0.05)
            sending.cancel()  # the process dies; the insert it sent may still land at BPJS
            await asyncio.gather(sending, return_exceptions=True)
            queue.redeliver(job)
            raise WorkerCrash(job.id)
        try:
            no_sep = await issue(client, job, user=user, settle=settle)
        except OutcomeUnknownError as exc:
            if exc.landed:
                # The SEP exists (the history showed it); only its detail was unreadable.
                outcome.issued[job.id] = exc.landed
                queue.ack(job)
            elif exc.candidates:
                _review(outcome, queue, job, exc.candidates)
            else:
                _later(outcome, queue, job, max_deliveries)
            continue
        except NotYetKnown:
            _later(outcome, queue, job, max_deliveries)
            continue
        except NeedsReview as exc:
            _review(outcome, queue, job, exc.candidates)
            continue
        except VClaimError as exc:
            outcome.failed[job.id] = str(exc)
            queue.ack(job)
            continue
        if job.id in crash_on and job.deliveries == 1:
            queue.redeliver(job)  # the broker notices the dead worker and delivers it again
            raise WorkerCrash(job.id)
        outcome.issued[job.id] = no_sep
        queue.ack(job)


def _review(outcome: Outcome, queue: JobQueue, job: SepJob, candidates: tuple[str, ...]) -> None:
    outcome.needs_review[job.id] = candidates
    queue.ack(job)


def _later(outcome: Outcome, queue: JobQueue, job: SepJob, max_deliveries: int) -> None:
    """Settle later, when the history answers; never re-send blind."""
    if job.deliveries >= max_deliveries:
        outcome.unsettled.append(job.id)
        queue.ack(job)
    else:
        queue.redeliver(job, later=True)


async def run(
    client: VClaimClient,
    jobs: list[SepJob],
    *,
    user: str,
    workers: int = 4,
    max_deliveries: int = 5,
    retry_delay: float = 1.0,
    crash_on: frozenset[str] = frozenset(),
    settle: float | None = None,
    crash_mid_insert: frozenset[str] = frozenset(),
) -> Outcome:
    """Issue every job's SEP with ``workers`` workers; a crashed worker is replaced.

    ``settle`` is passed to every insert (None: the client's default window).
    """
    queue = JobQueue(jobs, retry_delay=retry_delay)
    outcome = Outcome()
    crashes = set(crash_on)

    async def supervised() -> None:
        while True:
            try:
                await worker(
                    client,
                    queue,
                    outcome,
                    user=user,
                    max_deliveries=max_deliveries,
                    crash_on=crashes,
                    settle=settle,
                    crash_mid_insert=crash_mid_insert,
                )
                return
            except WorkerCrash as crash:
                print(f"worker crashed on {crash}; starting a new one", file=sys.stderr)

    await asyncio.gather(*(supervised() for _ in range(workers)))
    return outcome


def demo_jobs(sim: VClaimSimulator, count: int) -> list[SepJob]:
    """``count`` outpatient SEP jobs for active simulator participants with an FKTP referral."""
    active = set(sim.participants.cards(active=True))
    referrals = {
        r.extra["no_kartu"]: n
        for n, r in sim.state.referrals().items()
        if r.extra.get("no_kartu") in active and not r.extra.get("rs")
    }
    day = datetime.date(2024, 3, 1)
    return [
        SepJob(
            id=f"job-{i}",
            no_kartu=card,
            tgl_sep=day,
            no_rujukan=no_rujukan,
            tgl_rujukan=day - datetime.timedelta(days=3),
            ppk_rujukan="0301U001",
            poli="INT",
            diag_awal="I10",
            no_mr=f"MR-{i:04d}",
        )
        for i, (card, no_rujukan) in enumerate(sorted(referrals.items())[:count])
    ]


async def _sandbox() -> int:
    from vclaim_async.testing import Fault, VClaimSimulator

    async with VClaimSimulator(participant_count=60, seed=7) as sim:
        jobs = demo_jobs(sim, 20)
        # A third of the inserts are performed 0.2-0.6 s after they arrive (the client gives
        # up after 0.1 s), the history shows a SEP up to 1 s after it was issued, a quarter
        # of the other answers are lost after the SEP landed, and Monitoring is down a while.
        sim.faults.slow_writes(after=(0.2, 0.6), probability=0.3)
        sim.faults.add(Fault("lose_answer", operation="sep.insert", times=None, probability=0.25))
        sim.faults.lag_history((0.0, 1.0))
        sim.faults.fail(r"HistoriPelayanan", status=503, times=12)
        async with VClaimClient(sim.config(max_concurrency=4, timeout=0.1)) as client:
            outcome = await run(
                client,
                jobs,
                user="sep-worker",
                retry_delay=0.05,
                crash_on=frozenset({"job-3"}),
                crash_mid_insert=frozenset({"job-7"}),
                settle=2.5,  # BPJS's timing scaled down: the default is timeout + 15 s
            )
        per_visit = len(sim.state.seps)
    for job_id, reason in sorted(outcome.failed.items()):
        print(f"{job_id} failed: {reason}", file=sys.stderr)
    for job_id, no_sep in sorted(outcome.issued.items()):
        print(f"{job_id} {no_sep}")
    print(
        f"issued {len(outcome.issued)}, review {len(outcome.needs_review)}, "
        f"failed {len(outcome.failed)}, unsettled {len(outcome.unsettled)}, "
        f"SEPs on the simulator {per_visit}",
        file=sys.stderr,
    )
    return 0 if len(outcome.issued) == len(jobs) == per_visit else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox", action="store_true", help="run on the built-in simulator")
    args = parser.parse_args()
    if not args.sandbox:
        parser.error("this example only runs with --sandbox; feed run() from your own queue")
    return asyncio.run(_sandbox())


if __name__ == "__main__":
    sys.exit(main())
