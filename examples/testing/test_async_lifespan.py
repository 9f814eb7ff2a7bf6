"""Recipe: test a FastAPI app from an async test, with its lifespan and httpx's ASGI transport.

The simulator runs on the test's own event loop (the ``vclaim_simulator`` fixture, or
``async with VClaimSimulator() as sim:``); ``app.router.lifespan_context(app)`` does what the
server does at start-up and shut-down, so the app opens (and closes) its one VClaimClient.
No thread, no port for the app: ``httpx.ASGITransport`` calls it in-process. Copy this file
and import your own app instead.

    pytest examples/testing/test_async_lifespan.py
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from fastapi_app import app

from vclaim_async.testing import VClaimSimulator


@pytest.fixture
def sim(vclaim_simulator: VClaimSimulator, monkeypatch: pytest.MonkeyPatch) -> VClaimSimulator:
    """The simulator, with the app's environment pointing at it (and only at it)."""
    monkeypatch.delenv("VCLAIM_ENV", raising=False)
    monkeypatch.delenv("VCLAIM_SANDBOX", raising=False)
    for name, value in vclaim_simulator.env().items():
        monkeypatch.setenv(name, value)
    return vclaim_simulator


@pytest_asyncio.fixture
async def client(sim: VClaimSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            yield client


@pytest.mark.asyncio
async def test_an_active_participant_is_eligible(
    sim: VClaimSimulator, client: httpx.AsyncClient
) -> None:
    card = sim.participants.cards(active=True)[0]
    answer = await client.get(f"/eligibility/{card}", params={"date": "2024-03-01"})
    assert answer.status_code == 200
    assert answer.json()["active"] is True


@pytest.mark.asyncio
async def test_requests_share_one_client_and_its_pool(
    sim: VClaimSimulator, client: httpx.AsyncClient
) -> None:
    cards = sim.participants.cards()[:20]
    answers = await asyncio.gather(*(client.get(f"/eligibility/{card}") for card in cards))
    assert {a.status_code for a in answers} == {200}
    assert len(sim.requests) == 20
    assert len(sim.connections) <= 10  # one pooled session, not a connection per request


@pytest.mark.asyncio
async def test_a_batch_reports_each_item(sim: VClaimSimulator, client: httpx.AsyncClient) -> None:
    known = sim.participants.cards()[0]
    sim.faults.fail("Peserta", status=403, times=None)  # credentials refused for everyone
    answer = await client.post("/eligibility", json={"identifiers": [known, "12345"]})
    assert answer.status_code == 200
    statuses = [item["status"] for item in answer.json()]
    assert statuses[1] == "invalid"
    assert statuses[0] != "active"
