"""The Redis Streams queue: acknowledgement after BPJS holds an event, order across workers,
claiming a crashed worker's entries, dead letters. Shared Redis db 15, one prefix per test."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.antrean.fake_antrean import FakeAntrean
from tests.redis.conftest import prefix, redis_url  # noqa: F401 (fixtures)
from vclaim_async.antrean.queue import TaskQueue, TaskWorker
from vclaim_async.antrean.reporter import TaskReporter

WIB = datetime.timezone(datetime.timedelta(hours=7))
WORKER = Path(__file__).with_name("_worker.py")
ROOT = Path(__file__).resolve().parents[2]
BASE = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=WIB)


def at(minute: int) -> datetime.datetime:
    return BASE + datetime.timedelta(minutes=minute)


async def no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
async def queue(redis_url: str, prefix: str) -> AsyncIterator[TaskQueue]:  # noqa: F811
    q = TaskQueue.from_url(redis_url, prefix=prefix)
    await q.setup()
    yield q
    await q.aclose()


def worker(queue: TaskQueue, api: FakeAntrean, name: str, **kwargs: Any) -> TaskWorker:
    reporter = TaskReporter(api, sleep=no_sleep, settle=0.0)
    kwargs.setdefault("claim_idle", 0.0)
    kwargs.setdefault("lock_wait", 0.5)
    return TaskWorker(queue, reporter, consumer=name, **kwargs)


async def test_events_are_reported_in_order_and_acknowledged(queue: TaskQueue) -> None:
    api = FakeAntrean()
    for n in range(3):
        for i, task in enumerate((3, 4, 5, 6, 7)):
            await queue.add(f"KB-{n}", task, at(10 * i), "Racikan" if task == 5 else None)
    w = worker(queue, api, "w1")
    assert await w.read_new() == 15
    assert await queue.backlog() == 0
    for n in range(3):
        assert [u[1] for u in api.updates if u[0] == f"KB-{n}"] == [3, 4, 5, 6, 7]
    assert ("KB-0", 5, int(at(20).timestamp() * 1000), "Racikan") in api.updates
    stats = await queue.stats()
    assert stats["sent"] == 15 and stats["requests"] == 15
    # The same event added again is acknowledged without a request.
    await queue.add("KB-0", 3, at(0))
    assert await w.read_new() == 1 and len(api.updates) == 15 and await queue.backlog() == 0


async def test_order_within_a_visit_holds_whichever_worker_takes_which_entry(
    queue: TaskQueue,
) -> None:
    api = FakeAntrean()
    for i, task in enumerate((3, 4, 5)):
        await queue.add("KB-1", task, at(10 * i))
    # Worker A takes task 3's entry and stalls (or dies) before reporting it.
    taken = await queue.redis.xreadgroup(queue.group, "A", {queue.stream: ">"}, count=1)
    assert _text(taken[0][1][0][1][b"task"]) == "3"
    b = worker(queue, api, "B")
    assert await b.read_new() == 2  # entries of 4 and 5
    assert [u[1] for u in api.updates] == [3, 4, 5]  # 3 first, though B never got its entry
    assert await queue.pending() == 1  # A's entry, still A's
    assert await b.claim() == 1  # taken over, found done, acknowledged without a request
    assert len(api.updates) == 3 and await queue.backlog() == 0


async def test_a_crashed_workers_uncertain_event_is_looked_up_not_resent(queue: TaskQueue) -> None:
    api = FakeAntrean()
    await queue.add("KB-1", 3, at(0))
    await queue.add("KB-1", 4, at(10))
    # Worker A read both, wrote its intent for 3, sent it (BPJS recorded it) and was killed.
    await queue.redis.xreadgroup(queue.group, "A", {queue.stream: ">"}, count=10)
    await queue.redis.hset(queue.visit_key("KB-1"), "s3", "1")
    api.tasks["KB-1"] = {3: int(at(0).timestamp() * 1000)}
    b = worker(queue, api, "B")
    assert await b.claim() == 2
    assert [u[1] for u in api.updates] == [4]  # 3 was not sent again
    assert api.lists == 1 and await queue.backlog() == 0
    stats = await queue.stats()
    assert stats["found"] == 1 and stats["sent"] == 1


async def test_a_restarted_worker_finishes_its_own_entries_first(queue: TaskQueue) -> None:
    api = FakeAntrean()
    await queue.add("KB-1", 3, at(0))
    await queue.redis.xreadgroup(queue.group, "A", {queue.stream: ">"}, count=10)
    restarted = worker(queue, api, "A", claim_idle=3600.0)
    await restarted._own_pending()
    assert [u[1] for u in api.updates] == [3] and await queue.backlog() == 0


async def test_a_lost_answer_in_the_queue_is_checked_then_acknowledged(queue: TaskQueue) -> None:
    api = FakeAntrean(script=["lose"])
    await queue.add("KB-1", 3, at(0))
    await queue.add("KB-1", 4, at(5))
    await worker(queue, api, "w").read_new()
    assert [u[1] for u in api.updates] == [3, 4] and api.lists == 1
    assert await queue.backlog() == 0


async def test_an_unknown_outcome_stays_pending_and_is_settled_later(queue: TaskQueue) -> None:
    api = FakeAntrean(script=["lose"], list_fails=100)
    await queue.add("KB-1", 3, at(0))
    w = worker(queue, api, "w")
    await w.read_new()
    assert await queue.pending() == 1  # not acknowledged: BPJS's answer is unknown
    api.list_fails = 0
    await w.claim()
    assert len(api.updates) == 1 and await queue.backlog() == 0  # found, never re-sent


async def test_a_task_before_its_predecessor_is_held_until_it_arrives(queue: TaskQueue) -> None:
    api = FakeAntrean()
    await queue.add("KB-1", 5, at(20))  # the clinic was quicker than the desk
    w = worker(queue, api, "w")
    await w.read_new()
    assert api.updates == [] and await queue.pending() == 1
    await queue.add("KB-1", 3, at(0))
    await queue.add("KB-1", 4, at(10))
    await w.read_new()
    assert [u[1] for u in api.updates] == [3, 4, 5]
    await w.claim()
    assert await queue.backlog() == 0 and api.accepted and not await queue.dead_letters()


async def test_refused_and_inconsistent_events_go_to_the_dead_letters(queue: TaskQueue) -> None:
    api = FakeAntrean()
    api.tasks["KB-99"] = {99: int(at(0).timestamp() * 1000)}  # cancelled at BPJS
    await queue.add("KB-99", 3, at(5))
    await queue.add("KB-T", 3, at(30))
    await queue.add("KB-T", 4, at(10))  # earlier than its predecessor
    await worker(queue, api, "w").read_new()
    dead = {(d.kodebooking, d.taskid): d for d in await queue.dead_letters()}
    assert dead[("KB-99", 3)].status == "after_99"
    assert "TaskId terakhir 99" in dead[("KB-99", 3)].message
    assert dead[("KB-T", 4)].status == "invalid" and dead[("KB-T", 3)].status == "invalid"
    assert "not after task 3" in dead[("KB-T", 4)].message
    assert len(api.updates) == 1 and await queue.backlog() == 0


async def test_an_entry_held_too_often_is_given_up(queue: TaskQueue) -> None:
    api = FakeAntrean()
    await queue.add("KB-1", 4, at(0))  # 3 never comes
    w = worker(queue, api, "w", max_deliveries=2)
    await w.read_new()
    for _ in range(3):
        await w.claim()
    dead = await queue.dead_letters()
    assert [(d.taskid, d.status) for d in dead] == [(4, "gave_up")]
    assert await queue.backlog() == 0 and api.updates == []


async def test_bad_events_are_refused_before_they_are_queued(queue: TaskQueue) -> None:
    with pytest.raises(ValueError, match="naive"):
        await queue.add("KB-1", 3, datetime.datetime(2026, 12, 7, 8, 0))
    assert await queue.backlog() == 0
    api = FakeAntrean()
    await queue.add("KB-1", 3, at(0))
    await worker(queue, api, "w").read_new()
    with pytest.raises(ValueError, match="another time"):
        await queue.add("KB-1", 3, at(1))
    # A plain XADD that is not an event is dead-lettered, not retried forever.
    await queue.redis.xadd(queue.stream, {"kb": "KB-2", "task": "12", "waktu": "x"})
    await worker(queue, api, "w").read_new()
    assert [d.status for d in await queue.dead_letters()] == ["invalid"]


async def test_the_sink_for_the_ws_rs_kit_queues_an_event(queue: TaskQueue) -> None:
    await queue.sink("KB-1", 3, int(at(0).timestamp() * 1000))
    assert await queue.backlog() == 1


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def test_a_worker_that_lost_its_lease_sends_nothing_more(
    queue: TaskQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = FakeAntrean()
    await queue.add("KB-1", 3, at(0))

    async def taken(**kwargs: Any) -> int:
        return 0  # another worker holds the visit now

    monkeypatch.setattr(queue, "_renew", taken)
    await worker(queue, api, "w").read_new()
    assert api.updates == [] and await queue.pending() == 1


async def test_a_visit_another_worker_holds_is_left_for_later(queue: TaskQueue) -> None:
    api = FakeAntrean()
    await queue.add("KB-1", 3, at(0))
    await queue.redis.set(queue.lock_key("KB-1"), "someone-else", px=60_000)
    w = worker(queue, api, "w", lock_wait=0.05)
    await w.read_new()
    assert api.updates == [] and await queue.pending() == 1
    await queue.redis.delete(queue.lock_key("KB-1"))
    await w.claim()
    assert len(api.updates) == 1 and await queue.backlog() == 0


async def test_a_worker_rides_out_a_redis_restart(redis_url: str) -> None:  # noqa: F811
    import asyncio
    import shutil

    from tests.redis.conftest import ThrowawayRedis

    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server binary to start and stop a private server")
    server = ThrowawayRedis()
    server.port, server.url = 6396, "redis://127.0.0.1:6396/0"  # this lane's private port
    server.start()
    try:
        api = FakeAntrean()
        q = TaskQueue.from_url(server.url, prefix="{t}")
        w = worker(q, api, "w", block=0.05, claim_every=0.2)
        stop = asyncio.Event()
        running = asyncio.create_task(w.run(stop))
        await q.add("KB-1", 3, at(0))
        await _until(lambda: len(api.updates) == 1)
        server.stop()  # gone, and back without its data (no persistence)
        await asyncio.sleep(0.3)
        server.start()
        await q.add("KB-2", 3, at(0))
        await _until(lambda: len(api.updates) == 2)
        stop.set()
        await asyncio.wait_for(running, 10)
        await q.aclose()
    finally:
        server.stop()


async def _until(condition: Any, timeout: float = 15.0) -> None:
    import asyncio

    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.mark.slow
async def test_a_worker_killed_mid_run_and_restarted_leaves_every_event_recorded_once(
    redis_url: str,  # noqa: F811
    prefix: str,  # noqa: F811
) -> None:
    import asyncio
    import os
    import signal
    import subprocess
    import sys
    from collections import Counter

    from vclaim_async.testing import VClaimSimulator

    with VClaimSimulator().in_thread() as sim:
        day = datetime.datetime.fromtimestamp(sim.clock(), WIB).date()
        q = TaskQueue.from_url(redis_url, prefix=prefix)
        wanted = []
        for n in range(30):
            kb = sim.antrean_state.add_booking().kodebooking
            for i, task in enumerate((1, 2, 3, 4, 5) if n % 2 else (3, 4, 5, 6, 7)):
                moment = datetime.datetime.combine(day, datetime.time(7 + i, n), WIB)
                await q.add(kb, task, moment)
                wanted.append((kb, task))
        sim.faults.mix(".*", {"lose_answer": 0.1, "502": 0.05}, operation="antrean.update_waktu")
        sim.faults.delay(".*", (0.005, 0.02), operation="antrean.update_waktu")
        env = {**os.environ, **sim.env(), "PYTHONPATH": str(ROOT)}

        def start(name: str) -> subprocess.Popen[bytes]:
            return subprocess.Popen([sys.executable, str(WORKER), redis_url, prefix, name], env=env)

        workers = [start("A"), start("B")]
        try:
            await _until(lambda: len(sim.antrean_state.task_events) >= len(wanted) // 3, 120)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            await asyncio.sleep(0.5)
            workers[0] = start("A")
            for _ in range(600):
                if await q.backlog() == 0:
                    break
                await asyncio.sleep(0.2)
        finally:
            for proc in workers:
                proc.send_signal(signal.SIGTERM)
            for proc in workers:
                proc.wait(timeout=30)
        recorded = Counter((e.kodebooking, e.taskid) for e in sim.antrean_state.task_events)
        assert recorded == Counter(wanted)
        assert not sim.antrean_state.refusals
        assert await q.backlog() == 0 and await q.dead_letters() == []
        await q.aclose()


async def test_a_corrected_event_revives_a_dead_lettered_visit(queue: TaskQueue) -> None:
    api = FakeAntrean()
    await queue.add("KB-T", 3, at(30))
    await queue.add("KB-T", 4, at(10))  # a typo: before task 3
    w = worker(queue, api, "w")
    await w.read_new()
    assert {d.status for d in await queue.dead_letters()} == {"invalid"}
    await queue.add("KB-T", 4, at(40))  # corrected at the clinic
    await w.read_new()
    assert [u[1] for u in api.updates] == [3, 4] and await queue.backlog() == 0
