"""The simulator is safe to leave running: loud off loopback, bounded memory, no 500 on odd
credentials or timestamps."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import time

import aiohttp
import pytest

from vclaim_async import _signing
from vclaim_async.testing import RequestLog, VClaimSimulator
from vclaim_async.testing._simulator import is_loopback

# TEST-NET-1 (RFC 5737): never assigned to this machine, so binding fails after the warning
# and nothing is ever exposed.
UNASSIGNED = "192.0.2.1"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("[::1]", True),
        ("localhost", True), ("LOCALHOST", True), ("0.0.0.0", False), ("::", False),
        ("", False), ("192.168.1.10", False), ("simulator.example", False),
    ],
)  # fmt: skip
def test_loopback_is_recognised(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


async def test_a_non_loopback_bind_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    sim = VClaimSimulator(host=UNASSIGNED)
    with caplog.at_level(logging.WARNING, logger="vclaim_async"), pytest.raises(OSError):
        await sim.start()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert UNASSIGNED in warnings[0].getMessage()
    assert "not a loopback address" in warnings[0].getMessage()
    assert sim.secret not in warnings[0].getMessage()


async def test_a_loopback_bind_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="vclaim_async"):
        async with VClaimSimulator():
            pass
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_the_simulator_command_warns_on_stderr_off_loopback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vclaim_async", "simulator", "--host", UNASSIGNED, "--port", "0"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert "vclaim-async: WARNING:" in result.stderr
    assert "not a loopback address" in result.stderr
    assert "VCLAIM_SECRET" not in result.stdout  # it never got to print its credentials


async def _get(sim: VClaimSimulator, path: str) -> None:
    stamp = str(int(time.time()))
    headers = _signing.signed_headers(sim.cons_id, sim.secret, sim.user_key, stamp)
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{sim.base_url}/{path}", headers=headers) as resp,
    ):
        await resp.read()


async def test_the_request_record_keeps_only_the_newest() -> None:
    async with VClaimSimulator(max_recorded=3) as sim:
        for i in range(5):
            await _get(sim, f"referensi/poli/q{i}")
        assert len(sim.requests) == 3
        assert sim.requests.dropped == 2
        assert [r.path.rsplit("/", 1)[1] for r in sim.requests] == ["q2", "q3", "q4"]
        assert sim.requests[-1].path.endswith("/q4")
        assert sim.requests[1:] == [sim.requests[1], sim.requests[2]]
        assert sim.requests == list(sim.requests)
        sim.requests.clear()
        assert sim.requests == []


def test_the_default_record_is_bounded() -> None:
    assert VClaimSimulator().requests.maxlen == 10_000
    assert RequestLog(None).maxlen is None
    with pytest.raises(ValueError, match="0 or more"):
        RequestLog(-1)


async def test_max_recorded_zero_records_nothing() -> None:
    async with VClaimSimulator(max_recorded=0) as sim:
        await _get(sim, "referensi/poli/a")
        assert sim.requests == []
        assert sim.served == 1


async def _raw(sim: VClaimSimulator, headers: dict[str, bytes]) -> tuple[int, bytes]:
    """A GET written byte by byte, so headers can carry what an HTTP client would refuse."""
    reader, writer = await asyncio.open_connection(sim.host, sim.port)
    card = sim.participants.cards()[0]
    lines = [f"GET /{sim.service}/Peserta/nokartu/{card}/tglSEP/2024-01-02 HTTP/1.1".encode()]
    lines.append(b"Host: sim")
    lines.append(b"Connection: close")
    lines.extend(name.encode() + b": " + value for name, value in headers.items())
    writer.write(b"\r\n".join(lines) + b"\r\n\r\n")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def _headers(sim: VClaimSimulator, stamp: str) -> dict[str, bytes]:
    signed = _signing.signed_headers(sim.cons_id, sim.secret, sim.user_key, "0")
    signed["X-timestamp"] = stamp
    signed["X-signature"] = _signing.sign(sim.cons_id, sim.secret, stamp)
    return {k: v.encode("utf-8") for k, v in signed.items()}


async def test_good_raw_headers_are_accepted(sim: VClaimSimulator) -> None:
    status, _ = await _raw(sim, _headers(sim, str(int(time.time()))))
    assert status == 200


@pytest.mark.parametrize(
    "user_key", ["é" * 32, "ключ", "0123456789abcdef0123456789abcdeé"], ids=["latin", "cyr", "end"]
)
async def test_a_non_ascii_user_key_is_refused_not_a_crash(
    sim: VClaimSimulator, user_key: str
) -> None:
    headers = _headers(sim, str(int(time.time())))
    headers["user_key"] = user_key.encode("utf-8")
    assert await _raw(sim, headers) == (403, b"Authentication failed")


async def test_non_ascii_cons_id_and_signature_are_refused(sim: VClaimSimulator) -> None:
    headers = _headers(sim, str(int(time.time())))
    assert await _raw(sim, {**headers, "X-cons-id": "１２３４５".encode()}) == (
        403, b"Authentication failed",
    )  # fmt: skip
    assert await _raw(sim, {**headers, "X-signature": b"\xff\xfe"}) == (
        403, b"Authentication failed",
    )  # fmt: skip


def _fullwidth(digits: str) -> str:
    return "".join(chr(ord("０") + int(d)) for d in digits)


@pytest.mark.parametrize(
    "stamp",
    [
        pytest.param(lambda now: _fullwidth(now), id="fullwidth-digits"),
        pytest.param(lambda now: now + "²", id="superscript"),
        pytest.param(lambda now: "٣" * 10, id="arabic-indic"),
        pytest.param(lambda now: "0" + now + "00", id="13-digits"),
        pytest.param(lambda now: "+" + now, id="sign"),
        pytest.param(lambda now: now + ".0", id="fraction"),
        pytest.param(lambda now: " " + now, id="space"),
    ],
)
async def test_only_one_to_twelve_ascii_digits_are_a_timestamp(sim: VClaimSimulator, stamp) -> None:  # type: ignore[no-untyped-def]
    value: str = stamp(str(int(time.time())))
    # Signed over the odd stamp itself, so only the timestamp rule can refuse it.
    assert await _raw(sim, _headers(sim, value)) == (403, b"Authentication failed")


def test_an_ipv6_host_is_bracketed_in_the_base_url() -> None:
    assert VClaimSimulator(host="::1", port=8080).base_url == "http://[::1]:8080/vclaim-rest"
    assert VClaimSimulator(port=8080).base_url == "http://127.0.0.1:8080/vclaim-rest"


# -- what is recorded: bounded in bytes, nothing of a refused request's body ----------------


async def _post(sim: VClaimSimulator, body: bytes, *, signed: bool) -> int:
    stamp = str(int(time.time()))
    headers = (
        _signing.signed_headers(sim.cons_id, sim.secret, sim.user_key, stamp) if signed else {}
    )
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sim.base_url}/SEP/2.0/insert", headers=headers, data=body) as resp,
    ):
        await resp.read()
        return resp.status


async def test_refused_bodies_are_not_kept_and_the_record_is_bounded_in_bytes() -> None:
    big = b"x" * (1024 * 1024 - 4096)  # just under aiohttp's default 1 MiB body limit
    bound = 5 * 1024 * 1024 // 2  # room for two of them
    async with VClaimSimulator(max_recorded_bytes=bound) as sim:
        for _ in range(30):  # unauthenticated megabytes: answered 403, bodies dropped
            assert await _post(sim, big, signed=False) == 403
        assert len(sim.requests) == 30 and sim.requests.dropped == 0
        assert all(r.body == b"" for r in sim.requests)
        assert sim.requests.bytes < 30 * 4096  # paths and headers only
        for _ in range(6):  # signed, so kept: the byte bound evicts the oldest
            await _post(sim, big, signed=True)
        assert sim.requests.bytes <= bound
        kept = [r for r in sim.requests if r.body]
        assert len(kept) == 2 and sim.requests.dropped >= 4
        assert sim.requests[-1].body == big  # the newest stays


def test_the_record_bounds_in_bytes_and_count() -> None:
    from vclaim_async.testing._record import RecordedRequest

    log = RequestLog(None, max_bytes=100)
    for n in range(5):
        log.append(RecordedRequest("POST", "/p", None, bytes([n]) * 40, {}))
    assert len(log) == 2 and log.bytes <= 100 and log.dropped == 3
    assert [r.body[0] for r in log] == [3, 4]
    log.append(RecordedRequest("POST", "/p", None, b"y" * 200, {}))  # larger than the bound
    assert len(log) == 2 and log.dropped == 4
    assert VClaimSimulator().requests.max_bytes == 64 * 1024 * 1024
    with pytest.raises(ValueError, match="0 or more"):
        RequestLog(None, max_bytes=-1)


# -- the `vclaim-async simulator` command serves the bundled sample ---------------------------


def test_the_simulator_command_serves_everyone_in_the_sample(
    tmp_path: pytest.TempPathFactory,
) -> None:
    from tests.cli.helpers import SAMPLE, clean_env, read_csv

    server = subprocess.Popen(
        [sys.executable, "-m", "vclaim_async", "simulator", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(),
    )  # fmt: skip
    try:
        assert server.stdout is not None
        env = {}
        for line in server.stdout:
            name, _, value = line.strip().partition("=")
            if name.startswith("VCLAIM_"):
                env[name] = value
            if line.startswith("Ctrl-C"):
                break
        out = tmp_path / "out.csv"  # type: ignore[operator]
        result = subprocess.run(
            [sys.executable, "-m", "vclaim_async", "check", str(SAMPLE), "--out", str(out), "-q"],
            capture_output=True, text=True, timeout=120, check=False, env=clean_env(**env),
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        statuses = [r["status"] for r in read_csv(out)]
        # Only the sample's deliberate unknowns and malformed rows are not served.
        assert statuses.count("not_found") == 10 and statuses.count("invalid") == 10
        assert statuses.count("active") + statuses.count("inactive") == 280
    finally:
        server.terminate()
        server.communicate(timeout=30)
