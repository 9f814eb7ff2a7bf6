"""Recipe: test a FastAPI app with its synchronous ``TestClient`` against the VClaim simulator.

A sync test has no running event loop, so the simulator serves from its own thread and loop:
the ``vclaim_simulator_thread`` fixture (or ``with VClaimSimulator().in_thread() as sim:``).
The app is configured the way it is in production, from ``VCLAIM_*`` variables, which
``sim.env()`` points at the simulator. Copy this file and import your own app instead.

    pytest examples/testing/test_sync_testclient.py
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from fastapi_app import app

from vclaim_async.testing import VClaimSimulator


@pytest.fixture
def sim(
    vclaim_simulator_thread: VClaimSimulator, monkeypatch: pytest.MonkeyPatch
) -> VClaimSimulator:
    """The simulator, with the app's environment pointing at it (and only at it)."""
    monkeypatch.delenv("VCLAIM_ENV", raising=False)
    monkeypatch.delenv("VCLAIM_SANDBOX", raising=False)
    for name, value in vclaim_simulator_thread.env().items():
        monkeypatch.setenv(name, value)
    return vclaim_simulator_thread


@pytest.fixture
def client(sim: VClaimSimulator) -> Iterator[TestClient]:
    """The app with its lifespan run: it builds its VClaimClient from the environment."""
    with TestClient(app) as client:
        yield client


def test_an_active_participant_is_eligible(sim: VClaimSimulator, client: TestClient) -> None:
    card = sim.participants.cards(active=True)[0]
    answer = client.get(f"/eligibility/{card}", params={"date": "2024-03-01"})
    assert answer.status_code == 200
    assert answer.json()["active"] is True
    assert sim.requests[-1].path.endswith(f"/Peserta/nokartu/{card}/tglSEP/2024-03-01")


def test_a_nik_is_looked_up_as_a_nik(sim: VClaimSimulator, client: TestClient) -> None:
    nik = sim.participants.niks()[0]
    assert client.get(f"/eligibility/{nik}").status_code == 200
    assert "/Peserta/nik/" in sim.requests[-1].path


def test_someone_bpjs_does_not_know_is_404(sim: VClaimSimulator, client: TestClient) -> None:
    card = sim.participants.cards()[0]
    sim.participants.remove(card)  # participants and state can be changed from the test
    assert client.get(f"/eligibility/{card}").status_code == 404


def test_a_gateway_hiccup_is_retried(sim: VClaimSimulator, client: TestClient) -> None:
    card = sim.participants.cards(active=True)[0]
    fault = sim.faults.fail("Peserta/nokartu", status=503, times=1)
    assert client.get(f"/eligibility/{card}").status_code == 200
    assert fault.hits == 1


def test_refused_credentials_are_the_apps_503(sim: VClaimSimulator, client: TestClient) -> None:
    sim.faults.fail("Peserta", status=403, times=None)
    answer = client.get(f"/eligibility/{sim.participants.cards()[0]}")
    assert answer.status_code == 503
