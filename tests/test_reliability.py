"""Reliability guarantees: TLS, redaction, hooks, cancellation, and a fuzzed decode chain."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import logging
import ssl
from collections import Counter
from pathlib import Path

import msgspec
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FAST_RETRY
from vclaim_async import (
    CallEvent,
    NotFoundError,
    RetryPolicy,
    TLSError,
    VClaimClient,
    VClaimConfig,
    VClaimError,
    _crypto,
    _envelope,
    _lzstring,
)
from vclaim_async.models.peserta import PesertaPayload
from vclaim_async.testing import Fault, VClaimSimulator

# -- TLS -------------------------------------------------------------------------------------


def _self_signed(tmp: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a fresh self-signed cert for 127.0.0.1, and a client trusting it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vclaim-test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cafile=str(cert_path))
    return server, client


async def test_tls_is_verified_by_default_and_custom_context_accepted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server_ctx, client_ctx = _self_signed(tmp_path)
    async with VClaimSimulator(ssl_context=server_ctx) as sim:
        card = sim.participants.cards()[0]
        assert sim.base_url.startswith("https://")
        async with VClaimClient(sim.config()) as client:
            with pytest.raises(TLSError) as info:
                await client.peserta.by_card(card)
        assert info.value.attempts == 1  # a certificate failure is never retried
        assert sim.requests == []
        async with VClaimClient(sim.config(ssl_context=client_ctx)) as client:
            assert (await client.peserta.by_card(card)).no_kartu == card
        with caplog.at_level(logging.WARNING, logger="vclaim_async"):
            async with VClaimClient(sim.config(verify_tls=False)) as client:
                assert (await client.peserta.by_card(card)).no_kartu == card
        assert any("verification is OFF" in r.getMessage() for r in caplog.records)


def test_bpjs_hosts_require_https() -> None:
    with pytest.raises(ValueError, match="https"):
        VClaimConfig(
            cons_id="1", secret="s", user_key="u",
            base_url="http://apijkn.bpjs-kesehatan.go.id/vclaim-rest",
        )  # fmt: skip


# -- redaction -------------------------------------------------------------------------------


async def test_debug_logs_and_errors_carry_no_secrets_or_identifiers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret, user_key = "S3cr3t-Value-xyz", "feedfacecafebeef0123456789abcdef"
    async with VClaimSimulator(secret=secret, user_key=user_key) as sim:
        cards = sim.participants.cards()[:20]
        niks = sim.participants.niks()[:5]
        sim.faults.fail("Peserta", status=502, times=3)
        sim.faults.add(Fault("wrong_key", cards[5], times=1))
        signatures: list[str] = []
        messages: list[str] = []
        with caplog.at_level(logging.DEBUG):
            async with VClaimClient(sim.config(retry=FAST_RETRY)) as client:
                for number in [*cards, *niks, "0009999999999", "3671999999999999"]:
                    call = client.peserta.by_nik if len(number) == 16 else client.peserta.by_card
                    try:
                        await call(number)
                    except VClaimError as exc:
                        messages.append(str(exc))
                        messages.append(repr(exc))
                for bad in ["36719999999999999", "0009999999999x"]:
                    with pytest.raises(ValueError) as info:
                        await client.peserta.by_card(bad)
                    messages.append(str(info.value))
        signatures = [r.headers["X-signature"] for r in sim.requests]
        names = [p.nama for p in sim.participants if p.no_kartu in cards]
    assert len(messages) >= 4
    text = "\n".join([r.getMessage() for r in caplog.records] + messages)
    assert "DEBUG" in {r.levelname for r in caplog.records}
    forbidden = [secret, user_key, *signatures, *cards, *niks, "0009999999999",
                 "3671999999999999", "36719999999999999", *[n for n in names if n]]  # fmt: skip
    leaks = [item for item in forbidden if item and item in text]
    assert leaks == []
    assert "*****" in text  # identifiers appear masked, so logs stay useful


def test_api_error_message_is_masked_but_evidence_kept() -> None:
    body = b'{"metaData":{"code":"201","message":"No.Kartu 0001234567890 tidak ada"}}'
    with pytest.raises(NotFoundError) as info:
        _envelope.parse_envelope(200, body)
    assert "0001234567890" not in str(info.value)
    assert "0001*****7890" in str(info.value)
    assert info.value.message == "No.Kartu 0001234567890 tidak ada"


# -- observability hooks ---------------------------------------------------------------------


async def test_hooks_report_calls_without_identifiers(sim: VClaimSimulator) -> None:
    events: list[CallEvent] = []
    counter: Counter[tuple[str, str]] = Counter()

    def count(event: CallEvent) -> None:
        counter[(event.operation, event.error or "ok")] += 1

    def broken(event: CallEvent) -> None:
        raise RuntimeError("metrics backend down")

    card = sim.participants.cards()[0]
    sim.faults.fail("Peserta", status=502, times=2)
    async with VClaimClient(
        sim.config(retry=FAST_RETRY), hooks=[events.append, count, broken]
    ) as client:
        await client.peserta.by_card(card)
        with pytest.raises(NotFoundError):
            await client.peserta.by_card("0009999999999")
    first, second = events
    assert (first.operation, first.status, first.code, first.attempts) == (
        "peserta.by_card", 200, "200", 3,
    )  # fmt: skip
    assert first.ok
    assert first.latency > 0
    assert (second.code, second.error, second.attempts) == ("201", "NotFoundError", 1)
    assert counter == {("peserta.by_card", "ok"): 1, ("peserta.by_card", "NotFoundError"): 1}
    assert card not in repr(events)


# -- cancellation ----------------------------------------------------------------------------


async def test_cancelling_1000_in_flight_calls(sim: VClaimSimulator) -> None:
    sim.faults.hang("Peserta", times=None)
    cards = sim.participants.cards()
    async with VClaimClient(sim.config(max_concurrency=20)) as client:
        tasks = [
            asyncio.create_task(client.peserta.by_card(cards[i % len(cards)])) for i in range(1000)
        ]
        await asyncio.sleep(0.3)
        assert client.transport.in_flight == 20
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results)
        assert client.transport.in_flight == 0
        semaphore = client.transport.semaphore
        # Every slot is free again: acquire them all without waiting.
        for _ in range(20):
            await asyncio.wait_for(semaphore.acquire(), 0.01)
        for _ in range(20):
            semaphore.release()
        connector = client._session.connector if client._session else None
        assert connector is not None
        assert len(connector._acquired) == 0  # no connection left checked out
        sim.faults.clear()
        assert len(await asyncio.gather(*(client.peserta.by_card(c) for c in cards[:20]))) == 20


# -- fuzzing the decode chain ----------------------------------------------------------------

CREDS = {"cons_id": "1234", "secret": "pwd", "timestamp": "433223232"}


def _chain(body: bytes) -> object:
    env = _envelope.parse_envelope(200, body)
    text, decrypted = _envelope.payload_text(env.response, encrypted=True, **CREDS)
    return _envelope.decode_payload(text, decrypted, env.response, PesertaPayload)


def _encrypted(lz: str) -> str:
    return _crypto.encrypt(lz, **CREDS)


response_values = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.integers(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
    # Valid AES around damaged or random LZ-strings, and around random JSON text.
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$",
            min_size=1, max_size=80).map(_encrypted),
    st.text(max_size=80).map(
        lambda t: _encrypted(_lzstring.compress_to_encoded_uri_component(t))
    ),
    st.binary(min_size=16, max_size=64).map(lambda b: __import__("base64").b64encode(b).decode()),
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    code=st.one_of(st.sampled_from(["200", 200, "201", "", None]), st.text(max_size=4)),
    response=response_values,
    meta_key=st.sampled_from(["metaData", "metadata", "meta"]),
)
def test_decode_chain_only_raises_vclaim_errors(
    code: object, response: object, meta_key: str
) -> None:
    body = msgspec.json.encode({meta_key: {"code": code, "message": "x"}, "response": response})
    with contextlib.suppress(VClaimError):
        _chain(body)


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200))
def test_arbitrary_bytes_only_raise_vclaim_errors(body: bytes) -> None:
    with contextlib.suppress(VClaimError):
        _chain(body)


@pytest.mark.parametrize("kind", ["reset", "truncate", "empty", "garbage", "wrong_key"])
async def test_each_broken_answer_is_typed(sim: VClaimSimulator, kind: str) -> None:
    sim.faults.add(Fault(kind, "Peserta", times=None))
    async with VClaimClient(sim.config(retry=RetryPolicy(attempts=2, initial_backoff=0))) as c:
        with pytest.raises(VClaimError) as info:
            await c.peserta.by_card(sim.participants.cards()[0])
    # Resets are retried (reads), broken-but-complete answers are not.
    assert info.value.attempts == (2 if kind == "reset" else 1)
