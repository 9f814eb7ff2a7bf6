"""The simulator refuses like the gateway, encrypts like BPJS and fails on request."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import aiohttp
import pytest

from vclaim_async import (
    AuthenticationError,
    DecryptError,
    GatewayError,
    RetryPolicy,
    VClaimClient,
    VClaimConfig,
    _crypto,
    _lzstring,
    _signing,
)
from vclaim_async.testing import Fault, VClaimSimulator

NO_RETRY = RetryPolicy.none()


async def raw_get(sim: VClaimSimulator, path: str, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{sim.base_url}/{path}", headers=headers) as resp,
    ):
        return resp.status, await resp.text()


def good_headers(sim: VClaimSimulator, ts: str | None = None) -> dict[str, str]:
    stamp = ts or str(int(time.time()))
    return _signing.signed_headers(sim.cons_id, sim.secret, sim.user_key, stamp)


async def test_answer_is_encrypted_with_the_request_timestamp(sim: VClaimSimulator) -> None:
    card = sim.participants.cards()[0]
    headers = good_headers(sim)
    status, text = await raw_get(sim, f"Peserta/nokartu/{card}/tglSEP/2024-01-02", headers)
    assert status == 200
    assert "\\/" in text or "/" not in text.split('"response":')[1]  # BPJS-style escaping
    import json

    envelope = json.loads(text)
    assert envelope["metaData"] == {"code": "200", "message": "OK"}
    lz = _crypto.decrypt(envelope["response"], sim.cons_id, sim.secret, headers["X-timestamp"])
    payload = json.loads(_lzstring.decompress_from_encoded_uri_component(lz))
    assert payload["peserta"]["noKartu"] == card


@pytest.mark.parametrize(
    ("mutate", "text"),
    [
        (lambda h: h.pop("X-signature"), "Authentication parameters missing"),
        (lambda h: h.pop("user_key"), "Authentication parameters missing"),
        (lambda h: h.update(user_key="f" * 32), "Authentication failed"),
        (lambda h: h.update({"X-cons-id": "999"}), "Authentication failed"),
        (lambda h: h.update({"X-signature": "AAAA"}), "Authentication failed"),
    ],
    ids=["no-signature", "no-user-key", "wrong-user-key", "wrong-cons-id", "bad-signature"],
)
async def test_gateway_refusals(sim: VClaimSimulator, mutate, text: str) -> None:  # type: ignore[no-untyped-def]
    headers = good_headers(sim)
    mutate(headers)
    status, body = await raw_get(
        sim, f"Peserta/nokartu/{sim.participants.cards()[0]}/tglSEP/2024-01-02", headers
    )
    assert (status, body) == (403, text)


@pytest.mark.parametrize("skew", [-61, 61, 3600])
async def test_timestamp_outside_window_is_refused(sim: VClaimSimulator, skew: int) -> None:
    stamp = str(int(time.time()) + skew)
    status, body = await raw_get(
        sim, f"Peserta/nokartu/{sim.participants.cards()[0]}/tglSEP/2024-01-02",
        good_headers(sim, stamp),
    )  # fmt: skip
    assert (status, body) == (403, "Authentication failed")


async def test_client_with_wrong_secret_gets_authentication_error(sim: VClaimSimulator) -> None:
    async with VClaimClient(sim.config(secret="wrong")) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.peserta.by_card(sim.participants.cards()[0])
    assert info.value.status == 403
    assert info.value.excerpt == "Authentication failed"
    assert info.value.attempts == 1


async def test_client_clock_skew_and_offset(sim: VClaimSimulator) -> None:
    card = sim.participants.cards()[0]
    skewed = VClaimClient(sim.config(), clock=lambda: time.time() - 600)
    async with skewed:
        with pytest.raises(AuthenticationError):
            await skewed.peserta.by_card(card)
    fixed = VClaimClient(sim.config(time_offset=600), clock=lambda: time.time() - 600)
    async with fixed:
        assert (await fixed.peserta.by_card(card)).no_kartu == card
    auto = VClaimClient(sim.config(auto_time_offset=True), clock=lambda: time.time() - 600)
    async with auto:
        assert (await auto.peserta.by_card(card)).no_kartu == card
        assert abs(auto.transport.measured_offset - 600) <= 2


async def test_unknown_path_is_no_mapping_rule(sim: VClaimSimulator) -> None:
    status, body = await raw_get(sim, "Nope/x", good_headers(sim))
    assert (status, body) == (404, "No Mapping Rule matched")


async def test_scripted_502_then_success(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards()[0]
    fault = sim.faults.fail("Peserta/nokartu", status=502, times=3)
    peserta = await client.peserta.by_card(card)
    assert peserta.no_kartu == card
    assert fault.hits == 3
    assert len(sim.requests) == 4


async def test_scripted_502_exhausts_retries(sim: VClaimSimulator) -> None:
    sim.faults.fail("Peserta", status=502, times=None)
    async with VClaimClient(
        sim.config(retry=RetryPolicy(attempts=3, initial_backoff=0, jitter=0))
    ) as c:
        with pytest.raises(GatewayError) as info:
            await c.peserta.by_card(sim.participants.cards()[0])
    assert info.value.status == 502
    assert "502 Bad Gateway" in info.value.excerpt
    assert info.value.attempts == 3


async def test_delay_fault_delays(sim: VClaimSimulator, client: VClaimClient) -> None:
    sim.faults.delay("Peserta", 0.3, times=1)
    started = time.monotonic()
    await client.peserta.by_card(sim.participants.cards()[0])
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize("kind", ["garbage", "wrong_key"])
async def test_bad_ciphertext_is_a_decrypt_error(sim: VClaimSimulator, kind: str) -> None:
    sim.faults.add(Fault(kind, "Peserta", times=None))
    async with VClaimClient(sim.config(retry=NO_RETRY)) as client:
        with pytest.raises(DecryptError):
            await client.peserta.by_card(sim.participants.cards()[0])


async def test_seeded_registry_is_deterministic() -> None:
    a = VClaimSimulator(seed=7, participant_count=20)
    b = VClaimSimulator(seed=7, participant_count=20)
    c = VClaimSimulator(seed=8, participant_count=20)
    assert a.participants.cards() == b.participants.cards()
    assert a.participants.cards() != c.participants.cards()
    assert len(a.participants) == 20
    assert all(len(card) == 13 for card in a.participants.cards())
    assert all(len(nik) == 16 for nik in a.participants.niks())


async def test_plugin_fixtures(
    vclaim_simulator: VClaimSimulator, vclaim_client: VClaimClient
) -> None:
    card = vclaim_simulator.participants.cards(active=True)[0]
    peserta = await vclaim_client.peserta.by_card(card)
    assert peserta.is_active


def test_demo_command_prints_participants() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vclaim_async", "demo"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "AKTIF" in result.stdout
    assert "NotFoundError" in result.stdout
    assert "retried" in result.stdout


async def test_simulator_command_serves_until_interrupted() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "vclaim_async", "simulator", "--port", "0",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    lines: dict[str, str] = {}
    try:
        while "sample card numbers" not in lines:
            line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
            assert line, "simulator exited early"
            if "=" in line:
                key, _, value = line.strip().partition("=")
                lines[key] = value
            elif line.startswith("sample card numbers"):
                lines["sample card numbers"] = line.split(":", 1)[1].strip()
        config = VClaimConfig(
            cons_id=lines["VCLAIM_CONS_ID"], secret=lines["VCLAIM_SECRET"],
            user_key=lines["VCLAIM_USER_KEY"], base_url=lines["VCLAIM_BASE_URL"],
        )  # fmt: skip
        card = lines["sample card numbers"].split(", ")[0]
        async with VClaimClient(config) as client:
            assert (await client.peserta.by_card(card)).no_kartu == card
    finally:
        proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(proc.wait(), 30)
    assert proc.returncode in (0, 130, -signal.SIGINT)
    _ = os.environ


async def test_a_fault_can_name_the_catalog_operation_instead_of_a_path(
    sim: VClaimSimulator,
) -> None:
    fault = sim.faults.fail(operation="peserta.by_nik", status=503, times=None)
    person = next(iter(sim.participants))
    async with VClaimClient(sim.config(retry=NO_RETRY)) as client:
        assert (await client.peserta.by_card(person.no_kartu)).no_kartu == person.no_kartu
        assert person.nik is not None
        with pytest.raises(GatewayError) as info:
            await client.peserta.by_nik(person.nik)
    assert info.value.status == 503
    assert fault.hits == 1
    with pytest.raises(ValueError, match="no catalog operation"):
        sim.faults.fail(operation="peserta.by_kartu")
