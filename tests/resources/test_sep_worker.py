"""examples/sep_worker.py against the simulator: slow inserts, a lagging history, lost answers,
a Monitoring outage, a crash."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import FAST_RETRY
from vclaim_async import VClaimClient
from vclaim_async.testing import Fault, VClaimSimulator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sep_worker.py"


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sep_worker_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through it
    spec.loader.exec_module(module)
    return module


worker = _example()


def _visits(sim: VClaimSimulator) -> Counter[tuple[str, str]]:
    return Counter((r.no_kartu, r.tgl_sep) for r in sim.state.seps.values())


@pytest.mark.slow
async def test_slow_inserts_lag_lost_answers_and_crashes_issue_each_sep_once() -> None:
    """BPJS's timing scaled down ~5x: inserts performed 0.2-0.6 s after arrival (the client
    gives up after 0.1 s), a history that lags up to 1 s, lost answers, a short Monitoring
    outage, and two workers that die after their SEP landed."""
    async with VClaimSimulator(participant_count=80, seed=11) as sim:
        jobs = worker.demo_jobs(sim, 30)
        slow = sim.faults.slow_writes(after=(0.2, 0.6), probability=0.3)
        lost = sim.faults.add(
            Fault("lose_answer", operation="sep.insert", times=None, probability=0.3)
        )
        sim.faults.lag_history((0.0, 1.0))
        outage = sim.faults.fail(r"HistoriPelayanan", status=503, times=15)
        config = sim.config(retry=FAST_RETRY, max_concurrency=4, timeout=0.1)
        async with VClaimClient(config) as client:
            outcome = await worker.run(
                client,
                jobs,
                user="test",
                retry_delay=0.01,
                crash_on=frozenset({"job-2", "job-5"}),
                settle=1.5,
            )
        seps = {r.no_sep: r.no_kartu for r in sim.state.seps.values()}
    assert slow.hits > 3 and lost.hits > 3 and outage.hits == 15  # the faults really bit
    assert len(outcome.issued) == len(jobs)  # every admission got its SEP ...
    assert max(_visits(sim).values()) == 1 and len(seps) == len(jobs)  # ... exactly once
    for job in jobs:
        assert seps[outcome.issued[job.id]] == job.no_kartu  # and it is that patient's SEP
    crashed = [job for job in jobs if job.id in ("job-2", "job-5")]
    assert all(job.deliveries >= 2 for job in crashed)  # delivered again after the crash


async def test_a_worker_dying_mid_insert_never_gets_its_job_a_second_sep() -> None:
    """Every insert takes 0.3 s at BPJS and the history lags 0.5 s; two workers die 0.05 s
    into their insert. The redelivered job must wait out the lag before sending again."""
    async with VClaimSimulator(participant_count=40, seed=11) as sim:
        jobs = worker.demo_jobs(sim, 10)
        sim.faults.slow_writes(after=0.3)
        sim.faults.lag_history(0.5)
        async with VClaimClient(sim.config(retry=FAST_RETRY, timeout=2.0)) as client:
            outcome = await worker.run(
                client,
                jobs,
                user="test",
                retry_delay=0.01,
                crash_mid_insert=frozenset({"job-1", "job-6"}),
                settle=1.5,
            )
        seps = {r.no_sep: r.no_kartu for r in sim.state.seps.values()}
    assert max(_visits(sim).values()) == 1 and len(seps) == len(jobs)
    assert len(outcome.issued) == len(jobs)
    for job in jobs:
        assert seps[outcome.issued[job.id]] == job.no_kartu
    assert all(job.deliveries == 2 for job in jobs if job.id in ("job-1", "job-6"))


async def test_a_lasting_history_outage_leaves_jobs_unsettled_never_duplicated() -> None:
    async with VClaimSimulator(participant_count=40, seed=3) as sim:
        jobs = worker.demo_jobs(sim, 12)
        sim.faults.add(Fault("lose_answer", r"SEP/2\.0/insert", times=4))
        sim.faults.fail(r"(?i)monitoring/", status=503, times=None)
        async with VClaimClient(sim.config(retry=FAST_RETRY, timeout=0.2)) as client:
            outcome = await worker.run(client, jobs, user="test", retry_delay=0.01, settle=0.3)
    # The four lost answers cannot be settled while the history is down: the jobs are
    # reported, not re-sent; every other admission went through despite the outage.
    assert len(outcome.unsettled) == 4
    assert len(outcome.issued) == len(jobs) - 4
    assert len(sim.state.seps) == len(jobs)  # the four had landed: none issued twice
    assert max(_visits(sim).values()) == 1


@pytest.mark.slow
def test_the_example_runs_as_documented() -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--sandbox"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "worker crashed on job-3" in done.stderr
    assert "worker crashed on job-7" in done.stderr
    assert done.stdout.count(" 0301R001") == 20
