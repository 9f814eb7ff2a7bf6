"""The shared limiter and cache on real networks (issue 18): one test per finding.

Each drives a real Redis: the shared test server (db 15, a key prefix of its own) where
nothing destructive happens, a private ``redis-server`` otherwise, and a loopback proxy
(tests/redis/_proxy.py) for latency and for connections that go silent without a FIN.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from typing import Any

import pytest

from vclaim_async import RetryPolicy, VClaimClient, VClaimConfig, VClaimTimeoutError
from vclaim_async.redis import RedisCache, RedisLimiter, derived_key
from vclaim_async.testing import VClaimSimulator

from ._proxy import TcpProxy
from .conftest import ThrowawayRedis

CONFIG = VClaimConfig(cons_id="1234", secret="pwd", user_key="k")
SHORT = RetryPolicy(attempts=2, initial_backoff=0.05, max_backoff=0.05, jitter=0.0, deadline=2)


def _limiter(url: str, prefix: str, **kwargs: Any) -> RedisLimiter:
    limiter = RedisLimiter(url, key=prefix, **{"max_in_flight": 1, **kwargs})
    limiter.bind(CONFIG)
    return limiter


async def _store(url: str) -> Any:
    import redis.asyncio as aioredis

    return aioredis.Redis.from_url(url)


async def _queued(store: Any, prefix: str, count: int = 1) -> list[str]:
    for _ in range(300):
        members = [m.decode() for m in await store.zrange(prefix + ":queue", 0, -1)]
        if len(members) >= count:
            return members
        await asyncio.sleep(0.01)
    raise AssertionError("nobody queued")


# -- 1. holder names -----------------------------------------------------------------------


async def test_holder_names_keep_their_size_however_often_slots_change_hands(
    redis_url: str, prefix: str
) -> None:
    limiters = [_limiter(redis_url, prefix) for _ in range(3)]
    store = await _store(redis_url)
    longest = 0
    stop = False

    async def churn(limiter: RedisLimiter) -> None:
        while not stop:
            ticket = await limiter.acquire()
            await asyncio.sleep(0.002)
            await limiter.release(ticket)

    async def watch() -> None:
        nonlocal longest
        while not stop:
            names = await store.zrange(prefix + ":holders", 0, -1)
            longest = max([longest, *map(len, names)])
            await asyncio.sleep(0.005)

    tasks = [asyncio.create_task(churn(limiter)) for limiter in limiters]
    watcher = asyncio.create_task(watch())
    await asyncio.sleep(3.0)  # hundreds of hand-overs between three processes
    stop = True
    await asyncio.gather(*tasks, watcher)
    await store.aclose()
    for limiter in limiters:
        await limiter.aclose()
    # Before the fix every hand-over appended ':h' and the old name: kilobytes within seconds.
    assert 0 < longest <= 40


# -- 2. a silent connection ----------------------------------------------------------------


async def test_a_blackholed_connection_is_noticed_logged_once_and_the_slot_still_arrives(
    throwaway: ThrowawayRedis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vclaim_async")
    throwaway.start()
    prefix = "net:{deaf}"
    async with TcpProxy(throwaway.port) as proxy:
        holder = _limiter(throwaway.url, prefix, lease=10.0)
        deaf = _limiter(proxy.url, prefix, lease=10.0, timeout=0.3, fail_closed=True)
        ticket = await holder.acquire()
        waiting = asyncio.create_task(deaf.acquire())
        store = await _store(throwaway.url)
        await _queued(store, prefix)
        await asyncio.sleep(0.2)
        # The NAT forgets the flows: no FIN, no RST; a new connection half a second later works.
        proxy.blackhole()
        await asyncio.sleep(0.5)
        proxy.heal()
        released = time.monotonic()
        await holder.release(ticket)  # handed to the process that cannot hear it
        got = await asyncio.wait_for(waiting, 5.0)
        took = time.monotonic() - released
        await store.aclose()
        await deaf.release(got)
        for limiter in (holder, deaf):
            await limiter.aclose()
    assert got is not None  # a real slot, not "went on without Redis"
    # Noticed within poll + timeout, then it polls and claims what was handed to it; before
    # the fix the hand-over sat unheard until its 10 s lease ran out.
    assert took < 3.0
    deafness = [r for r in caplog.records if "stopped answering" in r.getMessage()]
    assert len(deafness) == 1
    assert deafness[0].levelno == logging.WARNING
    assert any("answers again" in r.getMessage() for r in caplog.records)


async def test_a_slot_handed_to_a_process_that_cannot_hear_comes_back_within_seconds(
    throwaway: ThrowawayRedis,
) -> None:
    throwaway.start()
    prefix = "net:{gone}"
    async with TcpProxy(throwaway.port) as proxy:
        holder = _limiter(throwaway.url, prefix, lease=10.0)
        lost = _limiter(proxy.url, prefix, lease=10.0, timeout=0.3, fail_closed=True)
        third = _limiter(throwaway.url, prefix, lease=10.0)
        ticket = await holder.acquire()
        cut_off = asyncio.create_task(lost.acquire())
        store = await _store(throwaway.url)
        await _queued(store, prefix)
        proxy.blackhole()  # and it stays cut off: it can neither hear nor ask
        other = asyncio.create_task(third.acquire())
        await _queued(store, prefix, 2)
        released = time.monotonic()
        await holder.release(ticket)  # handed to the cut-off process, first in the queue
        got = await asyncio.wait_for(other, 8.0)
        took = time.monotonic() - released
        await store.aclose()
        cut_off.cancel()
        await third.release(got)
        for limiter in (holder, lost, third):
            await limiter.aclose()
    # Back within the claim deadline (and the cut-off waiter's staleness), not a 10 s lease.
    assert took < 6.0


# -- 3. cancellation -----------------------------------------------------------------------


async def test_a_thousand_cancelled_callers_leave_no_slot_held(redis_url: str, prefix: str) -> None:
    async with TcpProxy(int(redis_url.rsplit(":", 1)[1].split("/")[0]), latency=0.001) as proxy:
        url = proxy.url.rsplit("/", 1)[0] + "/15"
        limiter = _limiter(url, prefix, max_in_flight=3)
        rival = _limiter(redis_url, prefix, max_in_flight=3)
        random.seed(18)

        async def use(who: RedisLimiter) -> None:
            ticket = await who.acquire()
            try:
                await asyncio.sleep(0.002)
            finally:
                await who.release(ticket)

        async def cancelled() -> None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(use(limiter), random.uniform(0, 0.006))

        rivals = [asyncio.create_task(use(rival)) for _ in range(2)]
        for _ in range(100):
            await asyncio.gather(*(cancelled() for _ in range(10)))
        await asyncio.gather(*rivals)
        await asyncio.sleep(0.1)  # about one round trip for the last give-backs, and margin
        store = await _store(redis_url)
        held = await store.zrange(prefix + ":holders", 0, -1)
        queued = await store.zrange(prefix + ":queue", 0, -1)
        await store.aclose()
        # The slots are all free again: a fresh caller gets all three at once.
        tickets = [await asyncio.wait_for(rival.acquire(), 1.0) for _ in range(3)]
        for ticket in tickets:
            await rival.release(ticket)
        await limiter.aclose()
        await rival.aclose()
    assert held == []  # before the fix 1-2 of the 3 stayed held until their lease lapsed
    assert queued == []


# -- 4. deadlines on shared waits ----------------------------------------------------------


async def test_a_call_queued_for_a_shared_slot_ends_by_its_deadline(
    redis_url: str, prefix: str
) -> None:
    async with VClaimSimulator() as sim:
        card = sim.participants.cards()[0]
        hog = RedisLimiter(redis_url, max_in_flight=1, key=prefix)
        hog.bind(sim.config())
        ticket = await hog.acquire()  # another process holds the only slot for long
        limiter = RedisLimiter(redis_url, max_in_flight=1, key=prefix)
        async with VClaimClient(sim.config(), limiter=limiter) as client:
            started = time.monotonic()
            with pytest.raises(VClaimTimeoutError) as caught:
                await client.with_options(timeout=1, retry=SHORT).peserta.by_card(card)
            took = time.monotonic() - started
        await hog.release(ticket)
        await hog.aclose()
    assert caught.value.waited_for == "shared slot"
    assert took < 2.5  # before the fix: as long as the slot stayed taken


async def test_a_forged_hour_long_cool_down_is_cut_to_max_backoff(
    redis_url: str, prefix: str
) -> None:
    store = await _store(redis_url)
    async with VClaimSimulator() as sim:
        card = sim.participants.cards()[0]
        await store.set(prefix + ":cooldown", "1", px=3_600_000)  # someone with write access
        retry = RetryPolicy(attempts=2, max_backoff=3.0, deadline=1.0)
        limiter = RedisLimiter(redis_url, max_in_flight=2, key=prefix)
        async with VClaimClient(sim.config(retry=retry), limiter=limiter) as client:
            with pytest.raises(VClaimTimeoutError) as caught:
                await client.peserta.by_card(card)
            assert caught.value.waited_for == "cool-down"
            # Cut to the longest pause a 429 could have asked for: the default max_backoff.
            assert 0 < await store.pttl(prefix + ":cooldown") <= 8_000
    await store.aclose()


async def test_a_forged_far_future_lease_does_not_stall_anyone(redis_url: str, prefix: str) -> None:
    store = await _store(redis_url)
    far = int(time.time() * 1000) + 3_600_000
    await store.zadd(prefix + ":holders", {"ffffffffffff:0": far})
    limiter = _limiter(redis_url, prefix, lease=2.0)
    ticket = await asyncio.wait_for(limiter.acquire(), 2.0)
    assert ticket is not None
    await limiter.release(ticket)
    await limiter.aclose()
    await store.aclose()


async def test_a_hung_redis_cache_costs_a_burst_its_timeout_not_the_pool_wait() -> None:
    over = asyncio.Event()
    writers: list[asyncio.StreamWriter] = []

    async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.read(1 << 20)  # accepts, reads, never answers
        await over.wait()
        writer.close()

    hung = await asyncio.start_server(hang, "127.0.0.1", 0)
    port = hung.sockets[0].getsockname()[1]
    cache = RedisCache(f"redis://127.0.0.1:{port}/0", timeout=0.5)
    try:
        started = time.monotonic()
        # A burst of 1,000 look-ups reads at once: far more than the 64 pooled connections.
        found = await asyncio.gather(*(cache.get(f"k{i}") for i in range(1000)))
        took = time.monotonic() - started
    finally:
        await cache.aclose()
        over.set()
        hung.close()
        for writer in writers:
            writer.close()
        await asyncio.sleep(0.05)
    assert found == [None] * 1000  # read as empty: the look-ups go to BPJS
    # Every read gives up after its 0.5 s, a wait for a pooled connection included; before
    # the fix the callers beyond the pool waited ten times that.
    assert took < 2.0


# -- 5. Redis as a trust boundary ----------------------------------------------------------


async def test_forged_and_undecodable_hand_overs_are_ignored_with_one_warning(
    redis_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="vclaim_async")
    holder = _limiter(redis_url, prefix)
    waiter = _limiter(redis_url, prefix)
    ticket = await holder.acquire()
    waiting = asyncio.create_task(waiter.acquire())
    store = await _store(redis_url)
    (member,) = await _queued(store, prefix)
    token = member.split(":")[0]
    # Everything someone with PUBLISH or list access might send it, as holder names or junk.
    for forged in (f"{token}:999", f"{token}:h{token}", "someone-else:1", b"\xff\xfe", ""):
        for channel in (f"{prefix}:free:{token}", f"{prefix}:hand:{token}"):
            await store.publish(channel, forged)
        await store.rpush(f"{prefix}:hand:{token}", forged)
    await asyncio.sleep(0.5)
    # The cap is full: nothing forged lets the waiter through.
    assert not waiting.done()
    await holder.release(ticket)
    got = await asyncio.wait_for(waiting, 3.0)  # it still hears the real hand-over
    assert got is not None
    await waiter.release(got)
    await store.aclose()
    for limiter in (holder, waiter):
        await limiter.aclose()
    forged_warnings = [r for r in caplog.records if "never asked for" in r.getMessage()]
    assert len(forged_warnings) == 1


async def test_a_cache_entry_made_persistent_is_refused_after_its_own_expiry(
    redis_url: str, prefix: str
) -> None:
    store = await _store(redis_url)
    async with VClaimSimulator() as sim:
        card = sim.participants.cards()[0]
        cache = RedisCache(redis_url, ttl=1.0, prefix=prefix)
        async with VClaimClient(sim.config(retry=RetryPolicy.none()), cache=cache) as client:
            await client.peserta.by_card(card)
            (name,) = [k async for k in store.scan_iter(match=prefix + "*")]
            await store.persist(name)  # someone with write access keeps it forever
            await client.peserta.by_card(card)
            assert sim.served == 1  # within its second it is good
            await asyncio.sleep(1.2)
            assert await store.exists(name)  # Redis still has it...
            await client.peserta.by_card(card)
        # ...but its own sealed expiry refuses it, whatever Redis's TTL says.
        assert sim.served == 2
    await store.aclose()


def test_keys_derive_from_the_environment_too() -> None:
    dev = VClaimConfig(cons_id="1234", secret="pwd", user_key="k", environment="development")
    prod = dev.replace(environment="production")
    assert derived_key(dev, "limiter") != derived_key(prod, "limiter")
    limiters = [RedisLimiter("redis://127.0.0.1:6379/15", max_in_flight=1) for _ in range(2)]
    limiters[0].bind(dev)
    limiters[1].bind(prod)
    assert limiters[0].key != limiters[1].key


async def test_cache_keys_derive_from_the_environment_too() -> None:
    async with VClaimSimulator() as sim:
        config = sim.config()
        other = config.replace(base_url=config.url.replace("127.0.0.1", "localhost"))
        one = VClaimClient(config, cache=RedisCache("redis://127.0.0.1:6379/15"))
        two = VClaimClient(other, cache=RedisCache("redis://127.0.0.1:6379/15"))
        params = {"no_kartu": "0001234567890", "tgl_sep": "2024-03-01"}
        assert one._eligibility is not None and two._eligibility is not None
        assert one._eligibility.key("peserta.by_card", params) != two._eligibility.key(
            "peserta.by_card", params
        )


# -- 6. lean -------------------------------------------------------------------------------


async def test_an_uncontended_call_costs_two_round_trips_and_few_commands(
    throwaway: ThrowawayRedis,
) -> None:
    import redis.asyncio as aioredis

    throwaway.start()
    async with VClaimSimulator() as sim:
        cards = sim.participants.cards()[:20]
        limiter = RedisLimiter(throwaway.url, max_in_flight=5, key="lean:{x}")
        async with VClaimClient(sim.config(retry=RetryPolicy.none()), limiter=limiter) as c:
            await c.peserta.by_card(cards[0])  # connect and load the scripts first
            monitor_client = aioredis.Redis(port=throwaway.port)
            seen: list[dict[str, Any]] = []
            async with monitor_client.monitor() as monitor:
                ready = asyncio.Event()

                async def listen() -> None:
                    ready.set()
                    async for command in monitor.listen():
                        seen.append(command)

                listener = asyncio.create_task(listen())
                await ready.wait()
                await asyncio.sleep(0.1)
                for card in cards:
                    await c.peserta.by_card(card)
                await asyncio.sleep(0.3)
                listener.cancel()
            await monitor_client.aclose()
    ours = [s for s in seen if not s["command"].upper().startswith(("PING", "MONITOR"))]
    trips = [s for s in ours if s.get("client_type") != "lua"]
    inside = [s for s in ours if s.get("client_type") == "lua"]
    assert len(trips) / len(cards) <= 3
    # Before the fix: ~26 commands per look-up inside the scripts.
    assert len(inside) / len(cards) <= 12, sorted({s["command"].split()[0] for s in inside})


async def test_a_request_cancelled_on_the_wire_keeps_its_slot_until_bpjs_answers(
    redis_url: str, prefix: str
) -> None:
    async with VClaimSimulator() as sim:
        card, other = sim.participants.cards()[:2]
        sim.faults.delay(f"Peserta/nokartu/{card}", 0.5, times=1)
        first = RedisLimiter(redis_url, max_in_flight=1, key=prefix)
        second = RedisLimiter(redis_url, max_in_flight=1, key=prefix)
        async with _client_of(sim, first) as a, _client_of(sim, second) as b:
            abandoned = asyncio.create_task(a.peserta.by_card(card))
            while sim.in_flight == 0:  # noqa: ASYNC110 - the simulator has no event for it
                await asyncio.sleep(0.01)
            abandoned.cancel()  # the caller leaves; BPJS is still working on it
            started = time.monotonic()
            await b.peserta.by_card(other)
            waited = time.monotonic() - started
            await asyncio.sleep(0.1)
            store = await _store(redis_url)
            held = await store.zrange(prefix + ":holders", 0, -1)
            await store.aclose()
        # BPJS never had two at once: the slot went with the answer, not with the caller...
        assert sim.peak_in_flight == 1
        assert waited > 0.3
        # ...and nothing stayed held once it came.
        assert held == []


def _client_of(sim: VClaimSimulator, limiter: RedisLimiter) -> VClaimClient:
    return VClaimClient(sim.config(retry=RetryPolicy.none()), limiter=limiter)


def test_every_redis_connection_has_timeouts_keepalive_and_a_health_check() -> None:
    from vclaim_async.redis import _connect

    for block in (0.0, 0.1):
        pool = _connect("redis://127.0.0.1:6379/15", 0.5, block=block).connection_pool
        options = pool.connection_kwargs
        assert options["socket_timeout"] == pytest.approx(0.5 + block)
        assert options["socket_connect_timeout"] == 0.5
        assert options["socket_keepalive"] is True
        assert options["socket_keepalive_options"]
        assert options["health_check_interval"] > 0
