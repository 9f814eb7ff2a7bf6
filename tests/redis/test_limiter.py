"""RedisLimiter against the real Redis server: one quota shared by real OS processes.

In-flight requests are counted where it matters, at the server (the simulator), across all
processes at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from vclaim_async import RetryPolicy, VClaimClient, VClaimConfig
from vclaim_async.redis import RedisLimiter, derived_key
from vclaim_async.testing import VClaimSimulator

from .conftest import ThrowawayRedis, worker_command

DATE = "2024-03-01"


def _settings(sim: VClaimSimulator, redis_url: str, prefix: str, **extra: Any) -> dict[str, Any]:
    return {
        "cons_id": sim.cons_id,
        "secret": sim.secret,
        "user_key": sim.user_key,
        "base_url": sim.base_url,
        "redis_url": redis_url,
        "key": prefix,
        "date": DATE,
        **extra,
    }


async def _run_workers(settings: list[dict[str, Any]]) -> list[list[float]]:
    """Start one process per settings, release them together, return their completion times."""
    procs = [
        await asyncio.create_subprocess_exec(
            *worker_command("lookups", json.dumps(s)),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for s in settings
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = await asyncio.wait_for(proc.stdout.readline(), 60)
            assert line.strip() == b"ready", line
        for proc in procs:  # a start line for all, so slow interpreter start-up is not measured
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
        outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in procs)), 120)
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert all(p.returncode == 0 for p in procs)
    return [json.loads(out)["done"] for out, _ in outputs]


def _client(sim: VClaimSimulator, limiter: RedisLimiter | None, **config: Any) -> VClaimClient:
    values: dict[str, Any] = {"retry": RetryPolicy.none()}
    values.update(config)
    return VClaimClient(sim.config(**values), limiter=limiter)


async def test_processes_never_exceed_the_shared_cap(redis_url: str, prefix: str) -> None:
    async with VClaimSimulator(record=False) as sim:
        sim.faults.delay("Peserta", 0.05, times=None)
        cards = sim.participants.cards()[:15]
        shared = _settings(sim, redis_url, prefix, local_cap=5, max_in_flight=3, cards=cards)
        done = await _run_workers([shared] * 4)
        assert sum(map(len, done)) == 60
        # Four processes of five each would put 20 on the wire; the shared cap holds them at 3.
        assert sim.peak_in_flight == 3

        sim.peak_in_flight = 0
        alone = dict(shared, max_in_flight=0)  # the same run without the limiter: the problem
        await _run_workers([alone] * 2)
        assert sim.peak_in_flight > 3


async def test_waiters_are_served_in_turn_none_starves(redis_url: str, prefix: str) -> None:
    # 4x contention: four processes want 4 slots each, 4 exist in all.
    async with VClaimSimulator(record=False) as sim:
        sim.faults.delay("Peserta", 0.03, times=None)
        cards = sim.participants.cards()[:24]
        shared = _settings(sim, redis_url, prefix, local_cap=4, max_in_flight=4, cards=cards)
        done = await _run_workers([shared] * 4)
    first_finish = min(max(times) for times in done)
    # When the quickest process is through, every other one has had about its share too.
    for times in done:
        assert sum(t <= first_finish for t in times) >= len(cards) // 2


async def test_waiters_get_freed_slots_in_the_order_they_asked(redis_url: str, prefix: str) -> None:
    import redis.asyncio as aioredis

    config = VClaimConfig(cons_id="1234", secret="pwd", user_key="k")
    holder, *waiters = [RedisLimiter(redis_url, max_in_flight=1, key=prefix) for _ in range(5)]
    for limiter in (holder, *waiters):
        limiter.bind(config)
    # Connected last-first, so connection order cannot pass for queue order.
    for limiter in reversed(waiters):
        await limiter.release(await limiter.acquire())
        await asyncio.sleep(0.05)
    ticket = await holder.acquire()
    store = aioredis.Redis.from_url(redis_url)
    order: list[int] = []

    async def take(index: int) -> None:
        limiter = waiters[index]
        got = await limiter.acquire()
        order.append(index)
        await limiter.release(got)

    tasks = []
    for index in range(len(waiters)):
        tasks.append(asyncio.create_task(take(index)))
        while await store.zcard(prefix + ":queue") < index + 1:  # noqa: ASYNC110 - in Redis
            await asyncio.sleep(0.01)
    await holder.release(ticket)
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    await store.aclose()
    assert order == [0, 1, 2, 3]
    for limiter in (holder, *waiters):
        await limiter.aclose()


async def test_a_slot_handed_to_a_waiter_that_gave_up_comes_back(
    redis_url: str, prefix: str
) -> None:
    config = VClaimConfig(cons_id="1234", secret="pwd", user_key="k")
    holder, quitter, third = [
        RedisLimiter(redis_url, max_in_flight=1, key=prefix, lease=3.0) for _ in range(3)
    ]
    for limiter in (holder, quitter, third):
        limiter.bind(config)
    ticket = await holder.acquire()
    with pytest.raises(asyncio.TimeoutError):  # it queues, then its caller gives up
        await asyncio.wait_for(quitter.acquire(), 0.3)
    await holder.release(ticket)  # handed to the quitter's process, where nobody waits now
    # Given back at its next renewal (a third of the lease), not left to lapse after 3 s.
    got = await asyncio.wait_for(third.acquire(), 2.0)
    assert got is not None
    for limiter in (holder, quitter, third):
        await limiter.aclose()


async def test_a_killed_holder_s_slots_come_back_within_the_lease(
    redis_url: str, prefix: str
) -> None:
    holder_settings = {
        "cons_id": "1234",
        "secret": "pwd",
        "user_key": "k",
        "base_url": "http://127.0.0.1:9/vclaim-rest",
        "local_cap": 2,
        "redis_url": redis_url,
        "key": prefix,
        "max_in_flight": 2,
        "lease": 2.0,
        "slots": 2,
    }
    proc = await asyncio.create_subprocess_exec(
        *worker_command("hold", json.dumps(holder_settings)), stdout=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 60)
        assert line.strip() == b"held"
        ours = RedisLimiter(redis_url, max_in_flight=2, key=prefix, lease=2.0)
        ours.bind(VClaimConfig(cons_id="1234", secret="pwd", user_key="k"))
        # Both slots are the live holder's: a waiter gets none while it lives (and renews).
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(ours.acquire(), 1.5)
        os.kill(proc.pid, signal.SIGKILL)
        await proc.wait()
        # No release was ever sent: the slots come back only because their leases lapse.
        tickets = [await asyncio.wait_for(ours.acquire(), 10) for _ in range(2)]
        assert all(t is not None for t in tickets)
        await ours.aclose()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_a_long_request_keeps_its_slot_past_the_lease(redis_url: str, prefix: str) -> None:
    async with VClaimSimulator() as sim:
        card, other = sim.participants.cards()[:2]
        sim.faults.delay(f"Peserta/nokartu/{card}", 3.0, times=1)
        first = RedisLimiter(redis_url, max_in_flight=1, key=prefix, lease=1.0)
        second = RedisLimiter(redis_url, max_in_flight=1, key=prefix, lease=1.0)
        async with _client(sim, first) as a, _client(sim, second) as b:
            slow = asyncio.create_task(a.peserta.by_card(card, DATE))
            while sim.in_flight == 0:  # noqa: ASYNC110 - the simulator has no event for it
                await asyncio.sleep(0.01)
            # Three lease times pass while the slow request is on the wire.
            await b.peserta.by_card(other, DATE)
            await slow
        assert sim.peak_in_flight == 1


async def test_the_slot_is_free_during_retry_backoff(redis_url: str, prefix: str) -> None:
    async with VClaimSimulator() as sim:
        retried, other = sim.participants.cards()[:2]
        sim.faults.fail(f"Peserta/nokartu/{retried}", status=502, times=1)
        retry = RetryPolicy(attempts=2, initial_backoff=1.0, max_backoff=1.0, jitter=0.0)
        limiter = RedisLimiter(redis_url, max_in_flight=1, key=prefix)
        finished: list[str] = []
        async with _client(sim, limiter, retry=retry) as client:

            async def look(card: str) -> None:
                await client.peserta.by_card(card, DATE)
                finished.append(card)

            first = asyncio.create_task(look(retried))
            while not sim.requests:  # noqa: ASYNC110 - the simulator has no event for it
                await asyncio.sleep(0.005)
            await asyncio.gather(first, look(other))
        # The other look-up used the only shared slot while the 502'd one slept in backoff.
        assert finished == [other, retried]


async def test_a_429_pauses_every_process_sharing_the_key(redis_url: str, prefix: str) -> None:
    import redis.asyncio as aioredis

    async with VClaimSimulator() as sim:
        card, other = sim.participants.cards()[:2]
        sim.faults.fail("Peserta", status=429, times=1)
        retry = RetryPolicy(attempts=1, initial_backoff=3.0, max_backoff=3.0, jitter=0.0)
        first = RedisLimiter(redis_url, max_in_flight=5, key=prefix)
        second = RedisLimiter(redis_url, max_in_flight=5, key=prefix)
        async with _client(sim, first, retry=retry) as a, _client(sim, second) as b:
            with pytest.raises(Exception, match="rate limited"):
                await a.peserta.by_card(card, DATE)
            store = aioredis.Redis.from_url(redis_url)
            for _ in range(100):  # the 429 is shared in the background
                if await store.pttl(prefix + ":cooldown") > 0:
                    break
                await asyncio.sleep(0.01)
            assert 0 < await store.pttl(prefix + ":cooldown") <= 3000
            await store.aclose()
            sent = len(sim.requests)
            waiting = asyncio.create_task(b.peserta.by_card(other, DATE))
            await asyncio.sleep(0.5)
            # The other process has not sent: it honours the first one's 429.
            assert len(sim.requests) == sent
            await asyncio.wait_for(waiting, 10)
            assert len(sim.requests) == sent + 1


async def test_the_shared_pause_follows_retry_after(redis_url: str, prefix: str) -> None:
    import redis.asyncio as aioredis
    from aiohttp import web

    async def busy(request: web.Request) -> web.Response:
        return web.Response(status=429, text="Usage limit exceeded", headers={"Retry-After": "3"})

    app = web.Application()
    app.router.add_get("/{tail:.*}", busy)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    retry = RetryPolicy(attempts=1, initial_backoff=0.1, max_backoff=5.0, jitter=0.0)
    config = VClaimConfig(
        cons_id="1234",
        secret="pwd",
        user_key="k",
        base_url=f"http://127.0.0.1:{port}/vclaim-rest",
        retry=retry,
    )
    store = aioredis.Redis.from_url(redis_url)
    try:
        limiter = RedisLimiter(redis_url, max_in_flight=2, key=prefix)
        async with VClaimClient(config, limiter=limiter) as client:
            with pytest.raises(Exception, match="rate limited"):
                await client.peserta.by_card("0001234567890", DATE)
            for _ in range(100):
                if await store.pttl(prefix + ":cooldown") > 0:
                    break
                await asyncio.sleep(0.01)
            # BPJS said 3 s: the pause is the gateway's, not the 0.1 s backoff.
            assert 1000 < await store.pttl(prefix + ":cooldown") <= 3000
    finally:
        await store.aclose()
        await runner.cleanup()


async def test_per_second_limit_is_shared(redis_url: str, prefix: str) -> None:
    config = VClaimConfig(cons_id="1234", secret="pwd", user_key="k")
    limiters = [
        RedisLimiter(redis_url, max_in_flight=10, per_second=5, key=prefix) for _ in range(2)
    ]
    for limiter in limiters:
        limiter.bind(config)
    loop = asyncio.get_running_loop()
    started = loop.time()

    async def take(limiter: RedisLimiter) -> None:
        for _ in range(3):
            await limiter.release(await limiter.acquire())

    await asyncio.gather(*(take(limiter) for limiter in limiters))
    # Six starts at five per second, one at a time, span five intervals at the least.
    assert loop.time() - started >= 0.95
    for limiter in limiters:
        await limiter.aclose()


async def test_redis_down_fails_open_with_one_warning_and_recovers(
    throwaway: ThrowawayRedis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="vclaim_async")
    async with VClaimSimulator() as sim:
        sim.faults.delay("Peserta", 0.05, times=None)
        cards = sim.participants.cards()[:10]
        limiter = RedisLimiter(
            throwaway.url, max_in_flight=1, timeout=0.5, retry_interval=0.2, poll=0.05
        )
        async with _client(sim, limiter, max_concurrency=4) as client:
            # Nothing listens yet: every look-up still succeeds, under the local cap of 4.
            for _ in range(3):
                await asyncio.gather(*(client.peserta.by_card(c, DATE) for c in cards))
                await asyncio.sleep(0.1)
            assert sim.peak_in_flight > 1
            down = [r for r in caplog.records if "unreachable" in r.getMessage()]
            assert len(down) == 1
            assert down[0].levelno == logging.WARNING
            # It comes back: sharing resumes without a restart.
            throwaway.start()
            await asyncio.sleep(0.3)
            await client.peserta.by_card(cards[0], DATE)  # the probe that finds it back
            sim.peak_in_flight = 0
            await asyncio.gather(*(client.peserta.by_card(c, DATE) for c in cards))
            assert sim.peak_in_flight == 1
            assert any("reachable again" in r.getMessage() for r in caplog.records)
            # Slow counts as down: a server stuck for two seconds is not waited for.
            stuck = asyncio.create_task(_debug_sleep(throwaway.url, 2.0))
            await asyncio.sleep(0.1)
            await asyncio.gather(*(client.peserta.by_card(c, DATE) for c in cards))
            # All done while Redis is still stuck: one timeout, not one per queued call.
            assert not stuck.done()
            await stuck
            assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 2


async def test_one_warning_per_outage_whatever_the_traffic(
    throwaway: ThrowawayRedis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="vclaim_async")
    throwaway.start()
    async with VClaimSimulator() as sim:
        sim.faults.delay("Peserta", 0.02, times=None)
        cards = sim.participants.cards()[:12]
        limiter = RedisLimiter(
            throwaway.url, max_in_flight=3, timeout=0.5, retry_interval=0.2, poll=0.05
        )
        async with _client(sim, limiter, max_concurrency=6) as client:

            async def rounds(n: int) -> None:
                for _ in range(n):
                    await asyncio.gather(*(client.peserta.by_card(c, DATE) for c in cards))

            await rounds(3)  # several pooled connections, all of which the outage kills
            throwaway.stop()
            await rounds(3)
            throwaway.start()
            await asyncio.sleep(0.3)
            await rounds(3)
            assert sim.peak_in_flight == 6  # under the local cap while Redis was away
            sim.peak_in_flight = 0
            await rounds(2)
            assert sim.peak_in_flight == 3  # shared again
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("vclaim_async")]
    assert sum("unreachable" in m for m in messages) == 1, messages
    assert sum("reachable again" in m for m in messages) == 1, messages


async def _debug_sleep(url: str, seconds: float) -> None:
    import redis.asyncio as aioredis

    store = aioredis.Redis.from_url(url)
    await store.execute_command("DEBUG", "SLEEP", seconds)
    await store.aclose()


async def test_fail_closed_waits_for_redis_instead(throwaway: ThrowawayRedis) -> None:
    limiter = RedisLimiter(
        throwaway.url, max_in_flight=1, fail_closed=True, timeout=0.2, retry_interval=0.1
    )
    limiter.bind(VClaimConfig(cons_id="1234", secret="pwd", user_key="k"))
    waiting = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0.5)
    assert not waiting.done()
    throwaway.start()
    ticket = await asyncio.wait_for(waiting, 5)
    assert ticket is not None
    await limiter.release(ticket)
    await limiter.aclose()


async def test_default_key_is_derived_never_the_consumer_id(redis_url: str) -> None:
    import redis.asyncio as aioredis

    cons_id = str(900000 + os.getpid() % 99999)
    config = VClaimConfig(cons_id=cons_id, secret="s3cret", user_key="k")
    limiter = RedisLimiter(redis_url, max_in_flight=2)
    limiter.bind(config)
    key = limiter.key
    assert key is not None
    assert cons_id not in key
    other = RedisLimiter(redis_url, max_in_flight=2)
    other.bind(config.replace(secret="another"))
    assert other.key != key  # keyed by the secret: a guessed consumer id does not find it
    with pytest.raises(ValueError, match="another consumer"):
        limiter.bind(config.replace(cons_id="1111"))
    ticket = await limiter.acquire()
    store = aioredis.Redis.from_url(redis_url)
    try:
        names = [k.decode() async for k in store.scan_iter(match=key + "*")]
        assert names
        assert not any(cons_id in n for n in names)
        await limiter.release(ticket)
        await limiter.aclose()
    finally:
        for name in names:
            await store.delete(name)
        await store.aclose()


async def test_the_check_command_shares_the_quota_from_the_environment(
    redis_url: str, tmp_path: Path
) -> None:
    import redis.asyncio as aioredis

    secret = uuid.uuid4().hex  # a consumer of its own, so its derived key is this test's alone
    async with VClaimSimulator(secret=secret) as sim:
        sim.faults.delay("Peserta", 0.05, times=None)
        cards = sim.participants.cards()[:12]
        source = tmp_path / "cards.txt"
        source.write_text("\n".join(cards) + "\n", encoding="utf-8")
        env = {
            **os.environ,
            "VCLAIM_CONS_ID": sim.cons_id,
            "VCLAIM_SECRET": secret,
            "VCLAIM_USER_KEY": sim.user_key,
            "VCLAIM_BASE_URL": sim.base_url,
            "VCLAIM_REDIS_URL": redis_url,
            "VCLAIM_SHARED_MAX_IN_FLIGHT": "2",
        }
        proc = await asyncio.create_subprocess_exec(
            *[sys.executable, "-m", "vclaim_async", "check", str(source), "--date", DATE],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(proc.communicate(), 120)
        assert sim.served == len(cards), err.decode()[-2000:]
        # The command's own default is 10 at once; the environment's shared cap held it to 2.
        assert sim.peak_in_flight == 2
    config = VClaimConfig(cons_id=sim.cons_id, secret=secret, user_key="k", base_url=sim.base_url)
    base = "vclaim:{" + derived_key(config, "limiter") + "}"
    store = aioredis.Redis.from_url(redis_url)
    names = [k async for k in store.scan_iter(match=base + "*")]
    assert names  # it went through Redis under the derived key
    await store.delete(*names)
    await store.aclose()


def test_from_env_builds_the_shared_limiter(redis_url: str) -> None:
    env = {
        "VCLAIM_CONS_ID": "1234",
        "VCLAIM_SECRET": "pwd",
        "VCLAIM_USER_KEY": "k",
        "VCLAIM_ENV": "development",
        "VCLAIM_REDIS_URL": redis_url,
        "VCLAIM_SHARED_MAX_IN_FLIGHT": "7",
        "VCLAIM_SHARED_PER_SECOND": "2.5",
    }
    config = VClaimConfig.from_env(env)
    assert redis_url not in repr(config)  # a Redis URL may carry a password
    limiter = VClaimClient(config).limiter
    assert isinstance(limiter, RedisLimiter)
    assert (limiter.max_in_flight, limiter.per_second) == (7, 2.5)
    # Without a shared cap, the whole quota is one client's cap.
    del env["VCLAIM_SHARED_MAX_IN_FLIGHT"], env["VCLAIM_SHARED_PER_SECOND"]
    limiter = VClaimClient(VClaimConfig.from_env(env, max_concurrency=4)).limiter
    assert isinstance(limiter, RedisLimiter)
    assert limiter.max_in_flight == 4
    assert VClaimClient(VClaimConfig.from_env({**env, "VCLAIM_REDIS_URL": ""})).limiter is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"VCLAIM_SHARED_MAX_IN_FLIGHT": "5"}, "need redis_url"),
        ({"VCLAIM_REDIS_URL": "redis://x", "VCLAIM_SHARED_MAX_IN_FLIGHT": "five"}, "a number"),
        ({"VCLAIM_REDIS_URL": "redis://x", "VCLAIM_SHARED_MAX_IN_FLIGHT": "0"}, "at least 1"),
        ({"VCLAIM_REDIS_URL": "redis://x", "VCLAIM_SHARED_PER_SECOND": "-1"}, "positive"),
    ],
)
def test_bad_shared_settings_are_refused(env: dict[str, str], message: str) -> None:
    base = {"VCLAIM_CONS_ID": "1", "VCLAIM_SECRET": "s", "VCLAIM_USER_KEY": "k"}
    with pytest.raises(ValueError, match=message):
        VClaimConfig.from_env({**base, "VCLAIM_ENV": "development", **env})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_in_flight": 0}, "at least 1"),
        ({"max_in_flight": 1, "per_second": 0}, "positive"),
        ({"max_in_flight": 1, "lease": 0}, "lease"),
        ({"max_in_flight": 1, "key": "has space"}, "key"),
    ],
)
def test_bad_limiter_arguments_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RedisLimiter("redis://127.0.0.1:6379/15", **kwargs)
    with pytest.raises(ValueError, match="redis://"):
        RedisLimiter("http://127.0.0.1:6379", max_in_flight=1)


def test_the_core_install_does_not_import_redis() -> None:
    code = "import sys, vclaim_async; assert 'redis' not in sys.modules, 'redis imported'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_missing_redis_py_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ImportError, match=r"vclaim-async\[redis\]"):
        RedisLimiter("redis://127.0.0.1:6379/15", max_in_flight=1)
