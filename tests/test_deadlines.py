"""A call's deadline bounds everything it waits for, not only its attempts (issue 18, point 4).

Here without Redis: the local semaphore and the single flight of the in-process cache. The
shared slot, the cool-down and a hung Redis cache are in tests/redis/test_network.py.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from vclaim_async import MemoryCache, RetryPolicy, VClaimClient, VClaimTimeoutError
from vclaim_async.testing import VClaimSimulator

SHORT = RetryPolicy(attempts=2, initial_backoff=0.05, max_backoff=0.05, jitter=0.0, deadline=2)


async def test_a_queued_call_ends_by_its_deadline_and_says_it_waited_for_a_local_slot() -> None:
    async with VClaimSimulator() as sim:
        slow, other = sim.participants.cards()[:2]
        sim.faults.delay(f"Peserta/nokartu/{slow}", 6.0, times=None)
        async with VClaimClient(sim.config(max_concurrency=1, timeout=30)) as client:
            blocker = asyncio.create_task(client.peserta.by_card(slow))
            while sim.in_flight == 0:  # noqa: ASYNC110 - the simulator has no event for it
                await asyncio.sleep(0.01)
            started = time.monotonic()
            with pytest.raises(VClaimTimeoutError) as caught:
                await client.with_options(timeout=1, retry=SHORT).peserta.by_card(other)
            took = time.monotonic() - started
            blocker.cancel()
        # Before the fix it queued for the whole 6 s and then had its 2 s of attempts.
        assert took < 2.5
        assert caught.value.waited_for == "local slot"
        assert caught.value.sent is False
        assert "local slot" in str(caught.value)


async def test_a_joiner_with_a_shorter_deadline_leaves_on_time() -> None:
    async with VClaimSimulator() as sim:
        card = sim.participants.cards()[0]
        sim.faults.delay(f"Peserta/nokartu/{card}", 4.0, times=1)
        async with VClaimClient(sim.config(timeout=30), cache=MemoryCache()) as client:
            leader = asyncio.create_task(client.peserta.by_card(card))
            while sim.in_flight == 0:  # noqa: ASYNC110 - the simulator has no event for it
                await asyncio.sleep(0.01)
            started = time.monotonic()
            with pytest.raises(VClaimTimeoutError) as caught:
                await client.with_options(retry=SHORT).peserta.by_card(card)
            took = time.monotonic() - started
            assert caught.value.waited_for == "single flight"
            assert (await leader).no_kartu == card  # the leader is not disturbed
        assert took < 2.5  # before the fix: the leader's 4 s


async def test_a_joiner_with_a_longer_deadline_asks_on_its_own_when_the_leader_fails() -> None:
    async with VClaimSimulator() as sim:
        card = sim.participants.cards()[0]
        sim.faults.delay(f"Peserta/nokartu/{card}", 1.5, times=1)  # only the leader's request
        async with VClaimClient(
            sim.config(timeout=30, retry=RetryPolicy.none()), cache=MemoryCache()
        ) as client:
            impatient = client.with_options(timeout=1)
            leader = asyncio.create_task(impatient.peserta.by_card(card))
            while sim.in_flight == 0:  # noqa: ASYNC110 - the simulator has no event for it
                await asyncio.sleep(0.01)
            joiner = asyncio.create_task(client.peserta.by_card(card))
            with pytest.raises(VClaimTimeoutError):
                await leader
            # Before the fix the joiner failed with the leader's timeout after ~1 s.
            assert (await joiner).no_kartu == card
        assert sim.served == 1  # the joiner's own request (the leader's was cut off)


class _HungStore:
    """A cache store whose reads never answer (and that does not bound them itself)."""

    ttl = 600.0

    async def get(self, key: str) -> bytes | None:
        await asyncio.Event().wait()
        return None

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        return None

    async def aclose(self) -> None:
        return None


async def test_the_deadline_bounds_the_cache_read_too() -> None:
    async with VClaimSimulator() as sim:
        card = sim.participants.cards()[0]
        async with VClaimClient(sim.config(), cache=_HungStore()) as client:
            started = time.monotonic()
            with pytest.raises(VClaimTimeoutError) as caught:
                await client.with_options(retry=RetryPolicy(deadline=0.5)).peserta.by_card(card)
            took = time.monotonic() - started
        assert caught.value.waited_for == "cache"
        assert took < 1.0
        assert sim.served == 0
