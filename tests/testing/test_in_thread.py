"""The simulator on its own thread and loop, for synchronous tests (FastAPI's TestClient)."""

from __future__ import annotations

import asyncio
import socket
import threading

import msgspec
import pytest

from tests.conftest import FAST_RETRY
from vclaim_async import (
    NotFoundError,
    Peserta,
    RetryPolicy,
    VClaimClient,
    VClaimConfig,
    VClaimTimeoutError,
)
from vclaim_async.testing import VClaimSimulator


def lookup(config: VClaimConfig, card: str) -> Peserta:
    """A look-up from this (synchronous) thread, on a loop of its own."""

    async def run() -> Peserta:
        async with VClaimClient(config) as client:
            return await client.peserta.by_card(card, "2024-03-01")

    return asyncio.run(run())


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "vclaim-simulator"]


def test_serves_a_synchronous_caller_and_stops_cleanly() -> None:
    with VClaimSimulator().in_thread() as sim:
        assert _threads() == ["vclaim-simulator"]
        card = sim.participants.cards(active=True)[0]
        assert lookup(sim.config(), card).no_kartu == card
        assert len(sim.requests) == 1 and sim.served == 1
        port = sim.port
    assert _threads() == []
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_faults_participants_and_state_are_usable_from_the_test_thread() -> None:
    with VClaimSimulator().in_thread() as sim:
        config = sim.config(retry=FAST_RETRY)
        card = sim.participants.cards(active=True)[0]
        fault = sim.faults.fail("Peserta/nokartu", status=503, times=2)
        assert lookup(config, card).no_kartu == card
        assert fault.hits == 2 and len(sim.requests) == 3

        wire = sim.participants.get(card)
        assert wire is not None
        newcomer = sim.participants.add({**_wire(wire), "noKartu": "9999900000001", "nik": None})
        assert lookup(config, newcomer.no_kartu).nama == wire.nama
        sim.participants.remove(newcomer.no_kartu)
        with pytest.raises(NotFoundError):
            lookup(config, newcomer.no_kartu)

        with sim.lock:
            sim.state.encrypt_unverified = True
        assert sim.state.encrypt_unverified


def _wire(peserta: Peserta) -> dict[str, object]:
    return msgspec.to_builtins(peserta)  # type: ignore[no-any-return]


def test_env_points_from_env_at_the_simulator(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VCLAIM_ENV", "VCLAIM_TIME_OFFSET"):
        monkeypatch.delenv(name, raising=False)
    with VClaimSimulator().in_thread() as sim:
        env = sim.env()
        assert set(env) == {
            "VCLAIM_BASE_URL", "VCLAIM_CONS_ID", "VCLAIM_SECRET", "VCLAIM_USER_KEY", "VCLAIM_PPK",
            "VCLAIM_ANTREAN_USER_KEY", "VCLAIM_ANTREAN_BASE_URL",
        }  # fmt: skip
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        config = VClaimConfig.from_env()
        assert config.base_url == sim.base_url
        assert config.ppk_pelayanan == sim.ppk_pelayanan
        card = sim.participants.cards()[0]
        assert lookup(config, card).no_kartu == card


def test_a_start_up_failure_is_raised_in_the_calling_thread() -> None:
    with VClaimSimulator().in_thread() as first:
        taken = VClaimSimulator(port=first.port)
        with pytest.raises(OSError), taken.in_thread():
            pytest.fail("started on a port already in use")  # pragma: no cover
        assert _threads() == ["vclaim-simulator"]  # only the first one's


def test_a_hanging_request_does_not_block_shutdown() -> None:
    with VClaimSimulator().in_thread() as sim:
        sim.faults.hang("Peserta")
        config = sim.config(timeout=0.2, retry=RetryPolicy.none())
        with pytest.raises(VClaimTimeoutError):
            lookup(config, sim.participants.cards()[0])
    assert _threads() == []


def test_the_thread_fixture(vclaim_simulator_thread: VClaimSimulator) -> None:
    card = vclaim_simulator_thread.participants.cards()[0]
    assert lookup(vclaim_simulator_thread.config(), card).no_kartu == card
