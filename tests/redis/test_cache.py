"""The eligibility cache: in-process and on the real Redis server, sealed and short-lived."""

from __future__ import annotations

import asyncio
import datetime
import logging
from collections.abc import Mapping

import pytest

from vclaim_async import (
    Cache,
    CallEvent,
    GatewayError,
    MemoryCache,
    NotFoundError,
    RetryPolicy,
    VClaimClient,
)
from vclaim_async._cache import time_to_live
from vclaim_async._validate import JAKARTA, today_jakarta
from vclaim_async.redis import RedisCache
from vclaim_async.testing import VClaimSimulator

from .conftest import ThrowawayRedis


def _served(sim: VClaimSimulator) -> int:
    return sum(r.path.split("/")[2] == "Peserta" for r in sim.requests)


def _client(sim: VClaimSimulator, cache: Cache, events: list[CallEvent]) -> VClaimClient:
    return VClaimClient(sim.config(retry=RetryPolicy.none()), cache=cache, hooks=[events.append])


async def _redis_values(url: str, prefix: str) -> Mapping[bytes, bytes]:
    import redis.asyncio as aioredis

    store = aioredis.Redis.from_url(url)
    try:
        return {k: await store.get(k) async for k in store.scan_iter(match=prefix + "*")}
    finally:
        await store.aclose()


async def test_processes_share_answers_and_redis_holds_nothing_readable(
    redis_url: str, prefix: str
) -> None:
    async with VClaimSimulator() as sim:
        card = sim.participants.cards()[0]
        nik = sim.participants.niks()[0]
        events: list[CallEvent] = []
        # Two clients with their own RedisCache objects: two processes, as far as Redis knows.
        async with (
            _client(sim, RedisCache(redis_url, prefix=prefix), events) as one,
            _client(sim, RedisCache(redis_url, prefix=prefix), events) as two,
        ):
            first = await one.peserta.by_card(card)
            again = await two.peserta.by_card(card)
            await one.peserta.by_nik(nik)
            by_nik = await two.peserta.by_nik(nik)
        assert again == first
        assert by_nik.nik == nik
        assert _served(sim) == 2
        assert [e.cache for e in events] == ["miss", "hit", "miss", "hit"]
        assert [e.attempts for e in events] == [1, 0, 1, 0]
    stored = await _redis_values(redis_url, prefix)
    assert len(stored) == 2
    for name, value in stored.items():
        for secret in (card, nik, first.nama or "", sim.cons_id):
            assert secret.encode() not in name
            assert secret.encode() not in value
        assert b"noKartu" not in value  # sealed: no JSON to read


async def test_a_value_opens_only_under_its_own_key_and_secret(redis_url: str, prefix: str) -> None:
    import redis.asyncio as aioredis

    async with VClaimSimulator() as sim:
        card, other = sim.participants.cards()[:2]
        events: list[CallEvent] = []
        async with _client(sim, RedisCache(redis_url, prefix=prefix), events) as client:
            await client.peserta.by_card(card)
            await client.peserta.by_card(other)
            store = aioredis.Redis.from_url(redis_url)
            names = [k async for k in store.scan_iter(match=prefix + "*")]
            a, b = [await store.get(n) for n in names]
            # Swap the two sealed values: neither opens under the other's key.
            await store.set(names[0], b)
            await store.set(names[1], a)
            await store.aclose()
            await client.peserta.by_card(card)
            await client.peserta.by_card(other)
        assert _served(sim) == 4
        # Another secret derives other keys: it finds nothing of this consumer's.
        async with VClaimClient(
            sim.config(secret="another-secret", retry=RetryPolicy.none()),
            cache=RedisCache(redis_url, prefix=prefix),
        ) as stranger:
            assert stranger._eligibility is not None
            assert stranger._eligibility.key("peserta.by_card", {"a": "b"}) != (
                client._eligibility.key("peserta.by_card", {"a": "b"})  # type: ignore[union-attr]
            )


async def test_ten_concurrent_look_ups_of_one_card_send_one_request() -> None:
    async with VClaimSimulator() as sim:
        sim.faults.delay("Peserta", 0.1, times=None)
        card = sim.participants.cards()[0]
        events: list[CallEvent] = []
        async with _client(sim, MemoryCache(), events) as client:
            found = await asyncio.gather(*(client.peserta.by_card(card) for _ in range(10)))
        assert _served(sim) == 1
        assert len({p.no_kartu for p in found}) == 1
        assert sorted(e.cache or "" for e in events) == ["joined"] * 9 + ["miss"]


async def test_a_joined_look_up_survives_the_leader_s_cancellation() -> None:
    async with VClaimSimulator() as sim:
        sim.faults.delay("Peserta", 0.2, times=1)
        card = sim.participants.cards()[0]
        async with _client(sim, MemoryCache(), []) as client:
            leader = asyncio.create_task(client.peserta.by_card(card))
            await asyncio.sleep(0.05)
            follower = asyncio.create_task(client.peserta.by_card(card))
            await asyncio.sleep(0.05)
            leader.cancel()
            peserta = await follower
        assert peserta.no_kartu == card


async def test_fresh_bypasses_and_refreshes() -> None:
    async with VClaimSimulator() as sim:
        card = sim.participants.cards()[0]
        events: list[CallEvent] = []
        async with _client(sim, MemoryCache(), events) as client:
            await client.peserta.by_card(card)
            await client.peserta.by_card(card, fresh=True)
            await client.peserta.by_card(card)
        assert _served(sim) == 2
        assert [e.cache for e in events] == ["miss", "fresh", "hit"]


async def test_no_data_and_errors_are_never_cached() -> None:
    async with VClaimSimulator() as sim:
        card = sim.participants.cards()[0]
        unknown = "0009999999999"
        async with _client(sim, MemoryCache(), []) as client:
            for _ in range(2):
                with pytest.raises(NotFoundError):
                    await client.peserta.by_card(unknown)
            sim.faults.fail("Peserta", status=502, times=1)
            with pytest.raises(GatewayError):
                await client.peserta.by_card(card)
            await client.peserta.by_card(card)
        assert len(sim.requests) == 4


async def test_answers_expire_and_never_outlive_their_service_day() -> None:
    yesterday = (today_jakarta() - datetime.timedelta(days=1)).isoformat()
    async with VClaimSimulator() as sim:
        card = sim.participants.cards()[0]
        async with _client(sim, MemoryCache(ttl=0.2), []) as client:
            await client.peserta.by_card(card)
            await client.peserta.by_card(card)
            assert _served(sim) == 1
            await asyncio.sleep(0.3)
            await client.peserta.by_card(card)
            assert _served(sim) == 2
            # Yesterday's service day is over: its answer is not kept at all.
            await client.peserta.by_card(card, yesterday)
            await client.peserta.by_card(card, yesterday)
            assert _served(sim) == 4


async def test_redis_entries_carry_the_time_to_live(redis_url: str, prefix: str) -> None:
    import redis.asyncio as aioredis

    cache = RedisCache(redis_url, ttl=30, prefix=prefix)
    async with VClaimSimulator() as sim, _client(sim, cache, []) as client:
        await client.peserta.by_card(sim.participants.cards()[0])
    store = aioredis.Redis.from_url(redis_url)
    (name,) = [k async for k in store.scan_iter(match=prefix + "*")]
    assert 0 < await store.pttl(name) <= 30_000
    await store.aclose()


@pytest.mark.parametrize(
    ("moment", "ttl", "expected"),
    [
        (datetime.datetime(2024, 3, 1, 9, 0, tzinfo=JAKARTA), 600, 600),
        (datetime.datetime(2024, 3, 1, 23, 59, tzinfo=JAKARTA), 600, 60),
        # 23:30 UTC is already 06:30 on 2 March in Jakarta: 1 March's answers are over.
        (datetime.datetime(2024, 3, 1, 23, 30, tzinfo=datetime.timezone.utc), 600, -23_400),
        (datetime.datetime(2024, 2, 29, 12, 0, tzinfo=JAKARTA), 600, 600),
    ],
)
def test_time_to_live_stops_at_the_end_of_the_jakarta_day(
    moment: datetime.datetime, ttl: float, expected: float
) -> None:
    assert time_to_live(ttl, "2024-03-01", moment.timestamp()) == expected


async def test_memory_cache_is_bounded() -> None:
    async with VClaimSimulator() as sim:
        a, b, c = sim.participants.cards()[:3]
        cache = MemoryCache(max_entries=2)
        async with _client(sim, cache, []) as client:
            for card in (a, b, a, c, a, b):  # b is the least recently used when c arrives
                await client.peserta.by_card(card)
                assert len(cache) <= 2
        assert _served(sim) == 4


async def test_redis_down_reads_as_empty_with_one_warning(
    throwaway: ThrowawayRedis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="vclaim_async")
    async with VClaimSimulator() as sim:
        card = sim.participants.cards()[0]
        cache = RedisCache(throwaway.url, timeout=0.5, retry_interval=0.1)
        async with _client(sim, cache, []) as client:
            for _ in range(3):
                await client.peserta.by_card(card)
            assert _served(sim) == 3
            assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
            throwaway.start()
            await asyncio.sleep(0.2)
            for _ in range(3):
                await client.peserta.by_card(card)
            assert _served(sim) == 4  # the probe finds it empty, then answers are shared
            assert any("reachable again" in r.getMessage() for r in caplog.records)


async def test_a_burst_beyond_the_connection_pool_waits_rather_than_fails(
    redis_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="vclaim_async")
    async with VClaimSimulator(participant_count=150) as sim:
        cards = sim.participants.cards()
        # A generous command timeout: this is about the pool, not a slow (loaded) machine.
        cache = RedisCache(redis_url, prefix=prefix, timeout=5.0)
        async with _client(sim, cache, []) as client:
            # 150 look-ups at once ask Redis together: more than its 64 pooled connections.
            for _ in range(2):
                await asyncio.gather(*(client.peserta.by_card(c) for c in cards))
        assert _served(sim) == len(cards)
    assert not [r for r in caplog.records if "unreachable" in r.getMessage()]
