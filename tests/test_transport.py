"""Transport behaviour: retries, signing per attempt, the cap, sessions, cancellation."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from tests._fixtures import load_fixture
from tests.conftest import FAST_RETRY, MOCK_BASE, mock_config
from vclaim_async import (
    AuthenticationError,
    Endpoint,
    GatewayError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
    RetryPolicy,
    VClaimClient,
    VClaimConnectionError,
    VClaimTimeoutError,
)
from vclaim_async._transport import is_retryable
from vclaim_async.errors import ResponseTooLargeError
from vclaim_async.testing import VClaimSimulator

CARD = "0001234567890"
PATH = f"Peserta/nokartu/{CARD}/tglSEP/2024-01-02"
URL_ = f"{MOCK_BASE}/{PATH}"
OK_BODY = json.dumps(
    {
        "metaData": {"code": "200", "message": "OK"},
        "response": load_fixture("responses/peserta/by-card.json"),  # a full Peserta answer
    }
).encode()
WRITE = Endpoint("test.write", "POST", "SEP/2.0/insert")
WRITE_URL = f"{MOCK_BASE}/SEP/2.0/insert"

FAILURES: dict[str, dict[str, Any]] = {
    "502": {"status": 502, "body": "<html><h1>502 Bad Gateway</h1></html>"},
    "503": {"status": 503, "body": "<html>503</html>"},
    "504": {"status": 504, "body": "<html>504</html>"},
    "429": {"status": 429, "body": "Usage limit exceeded", "content_type": "text/plain"},
    "timeout": {"exception": asyncio.TimeoutError()},
    "read-timeout": {"exception": aiohttp.ServerTimeoutError("read")},
    "disconnect": {"exception": aiohttp.ServerDisconnectedError()},
}
FINAL_ERROR = {
    "502": GatewayError, "503": GatewayError, "504": GatewayError, "429": RateLimitError,
    "timeout": VClaimTimeoutError, "read-timeout": VClaimTimeoutError,
    "disconnect": VClaimConnectionError,
}  # fmt: skip


def ticking_clock() -> Any:
    counter = itertools.count(1_700_000_000)
    return lambda: float(next(counter))


def sent_headers(m: aioresponses, method: str, url: str) -> list[dict[str, str]]:
    return [call.kwargs["headers"] for call in m.requests[(method, URL(url))]]


@pytest.mark.parametrize("kind", list(FAILURES))
@pytest.mark.parametrize("failures", [0, 1, 2, 3])
async def test_read_retry_table(kind: str, failures: int) -> None:
    with aioresponses() as m:
        for _ in range(failures):
            m.get(URL_, **FAILURES[kind])
        m.get(URL_, status=200, body=OK_BODY)
        async with VClaimClient(mock_config(), clock=ticking_clock()) as client:
            value, answer = await client.peserta._send(
                "peserta.by_card", {"no_kartu": CARD, "tgl_sep": "2024-01-02"},
                model=dict,
            )  # fmt: skip
        headers = sent_headers(m, "GET", URL_)
    assert value is not None
    assert answer.attempts == failures + 1
    assert len(headers) == failures + 1
    # Every attempt is signed afresh: its own timestamp and its own signature.
    assert len({h["X-timestamp"] for h in headers}) == failures + 1
    assert len({h["X-signature"] for h in headers}) == failures + 1
    assert answer.timestamp == headers[-1]["X-timestamp"]


@pytest.mark.parametrize("kind", list(FAILURES))
async def test_read_gives_up_after_policy_attempts(kind: str) -> None:
    with aioresponses() as m:
        for _ in range(4):
            m.get(URL_, **FAILURES[kind])
        async with VClaimClient(mock_config()) as client:
            with pytest.raises(FINAL_ERROR[kind]) as info:
                await client.peserta.by_card(CARD, "2024-01-02")
        assert len(m.requests[("GET", URL(URL_))]) == 4
    assert info.value.attempts == 4


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (401, "Unauthorized", AuthenticationError),
        (403, "Authentication failed", AuthenticationError),
        (404, "No Mapping Rule matched", GatewayError),
        (500, "<html>Runtime Error</html>", GatewayError),
    ],
)
async def test_non_retryable_statuses_are_sent_once(status: int, body: str, error: type) -> None:
    with aioresponses() as m:
        m.get(URL_, status=status, body=body, content_type="text/plain")
        async with VClaimClient(mock_config()) as client:
            with pytest.raises(error) as info:
                await client.peserta.by_card(CARD, "2024-01-02")
        assert len(m.requests[("GET", URL(URL_))]) == 1
    assert info.value.status == status
    assert body.strip("<>/html") in info.value.excerpt or info.value.excerpt


async def test_business_error_is_not_retried() -> None:
    with aioresponses() as m:
        m.get(URL_, status=200, body=b'{"metaData":{"code":"201","message":"Tidak ada"}}')
        async with VClaimClient(mock_config()) as client:
            with pytest.raises(Exception, match="201"):
                await client.peserta.by_card(CARD, "2024-01-02")
        assert len(m.requests[("GET", URL(URL_))]) == 1


@pytest.mark.parametrize("kind", ["502", "503", "504", "timeout", "disconnect"])
async def test_write_that_may_have_landed_is_never_resent(kind: str) -> None:
    with aioresponses() as m:
        m.post(WRITE_URL, **FAILURES[kind])
        m.post(WRITE_URL, status=200, body=OK_BODY)
        async with VClaimClient(mock_config()) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await client.transport.request(WRITE, "SEP/2.0/insert", b'{"request":{}}')
        assert len(m.requests[("POST", URL(WRITE_URL))]) == 1
    assert info.value.body == b'{"request":{}}'
    assert info.value.method == "POST"
    assert info.value.attempts == 1


async def test_write_refused_by_rate_limit_is_retried() -> None:
    with aioresponses() as m:
        m.post(WRITE_URL, **FAILURES["429"])
        m.post(WRITE_URL, status=200, body=OK_BODY)
        async with VClaimClient(mock_config()) as client:
            answer = await client.transport.request(WRITE, "SEP/2.0/insert", b"{}")
    assert answer.attempts == 2


async def test_write_retried_when_connection_never_opened() -> None:
    # A port nobody listens on: the request provably never left this machine.
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    config = mock_config(base_url=f"http://127.0.0.1:{port}/vclaim-rest")
    async with VClaimClient(config) as client:
        with pytest.raises(VClaimConnectionError) as info:
            await client.transport.request(WRITE, "SEP/2.0/insert", b"{}")
    assert info.value.sent is False
    assert info.value.attempts == FAST_RETRY.attempts
    assert not isinstance(info.value, OutcomeUnknownError)


def test_is_retryable_table() -> None:
    def http(status: int) -> Exception:
        cls = RateLimitError if status == 429 else GatewayError
        return cls("x", status=status)

    table = [
        (http(502), True, True), (http(503), True, True), (http(504), True, True),
        (http(429), True, True), (http(500), False, False), (http(404), False, False),
        (http(502), False, False), (http(503), False, False), (http(429), False, True),
        (VClaimTimeoutError("t"), True, True), (VClaimTimeoutError("t"), False, False),
        (VClaimTimeoutError("t", sent=False), False, True),
        (VClaimConnectionError("c"), True, True), (VClaimConnectionError("c"), False, False),
        (VClaimConnectionError("c", sent=False), False, True),
        (AuthenticationError("a", status=403), True, False),
        (ValueError("v"), True, False),
    ]  # fmt: skip
    for exc, idempotent, expected in table:
        assert is_retryable(exc, idempotent=idempotent) is expected, (exc, idempotent)


async def test_deadline_bounds_total_time() -> None:
    policy = RetryPolicy(
        attempts=50, initial_backoff=0.05, max_backoff=0.05, jitter=0, deadline=0.2
    )
    with aioresponses() as m:
        for _ in range(50):
            m.get(URL_, **FAILURES["502"])
        async with VClaimClient(mock_config(retry=policy)) as client:
            with pytest.raises(GatewayError) as info:
                await client.peserta.by_card(CARD, "2024-01-02")
    assert info.value.attempts is not None
    assert 2 <= info.value.attempts <= 6


async def test_cap_never_exceeded_under_100_calls(sim: VClaimSimulator) -> None:
    sim.faults.delay("Peserta", 0.02)
    cards = sim.participants.cards()
    async with VClaimClient(sim.config(max_concurrency=10, retry=FAST_RETRY)) as client:
        results = await asyncio.gather(
            *(client.peserta.by_card(cards[i % len(cards)]) for i in range(100))
        )
        assert client.transport.peak_in_flight == 10
    assert len(results) == 100
    assert sim.peak_in_flight == 10


async def test_backoff_sleep_does_not_hold_a_slot(sim: VClaimSimulator) -> None:
    a, b = sim.participants.cards()[:2]
    sim.faults.fail(a, status=502, times=1)
    policy = RetryPolicy(attempts=2, initial_backoff=0.3, max_backoff=0.3, jitter=0)
    async with VClaimClient(sim.config(max_concurrency=1, retry=policy)) as client:
        first = asyncio.create_task(client.peserta.by_card(a))
        await asyncio.sleep(0.05)
        second = await asyncio.wait_for(client.peserta.by_card(b), timeout=0.25)
        assert not first.done()  # still backing off, yet the only slot was free
        await first
    order = [r.path.split("/")[4] for r in sim.requests]
    assert order == [a, b, a]
    assert second.no_kartu == b


async def test_borrowed_session_is_not_closed(sim: VClaimSimulator) -> None:
    async with aiohttp.ClientSession() as session:
        async with VClaimClient(sim.config(), session=session) as client:
            await client.peserta.by_card(sim.participants.cards()[0])
        assert not session.closed
    own = VClaimClient(sim.config())
    async with own:
        created = own._session
        assert created is not None
    assert created.closed


async def test_client_must_be_opened() -> None:
    client = VClaimClient(mock_config())
    with pytest.raises(RuntimeError, match="async with"):
        await client.peserta.by_card(CARD, "2024-01-02")


async def test_cancelling_in_flight_calls_releases_everything(sim: VClaimSimulator) -> None:
    sim.faults.hang("Peserta", times=None)
    cards = sim.participants.cards()
    async with VClaimClient(sim.config(max_concurrency=10)) as client:
        tasks = [asyncio.create_task(client.peserta.by_card(cards[i % 50])) for i in range(200)]
        await asyncio.sleep(0.2)
        assert client.transport.in_flight == 10
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results)
        assert client.transport.in_flight == 0
        semaphore = client.transport.semaphore
        assert not semaphore.locked()
        sim.faults.clear()
        # The pool is usable again: the slots were all given back.
        ok = await asyncio.gather(*(client.peserta.by_card(c) for c in cards[:10]))
        assert len(ok) == 10


async def test_hang_past_timeout_is_a_timeout(sim: VClaimSimulator) -> None:
    sim.faults.hang("Peserta", times=None)
    config = sim.config(timeout=0.2, retry=RetryPolicy(attempts=2, initial_backoff=0, jitter=0))
    async with VClaimClient(config) as client:
        with pytest.raises(VClaimTimeoutError) as info:
            await client.peserta.by_card(sim.participants.cards()[0])
    assert info.value.attempts == 2


async def test_one_pooled_session_reuses_connections(sim: VClaimSimulator) -> None:
    cards = sim.participants.cards()
    async with VClaimClient(sim.config(max_concurrency=5)) as client:
        for _ in range(3):
            await asyncio.gather(*(client.peserta.by_card(c) for c in cards[:40]))
    # 120 look-ups over keep-alive connections: never more connections than the cap.
    assert len(sim.requests) == 120
    assert 1 <= len(sim.connections) <= 5


async def test_request_headers_on_reads_and_writes() -> None:
    with aioresponses() as m:
        m.get(URL_, status=200, body=OK_BODY)
        m.post(WRITE_URL, status=200, body=OK_BODY)
        async with VClaimClient(mock_config()) as client:
            await client.peserta.by_card(CARD, "2024-01-02")
            await client.transport.request(WRITE, "SEP/2.0/insert", b'{"request":{}}')
        get = m.requests[("GET", URL(URL_))][0].kwargs
        post = m.requests[("POST", URL(WRITE_URL))][0].kwargs
    assert get["data"] is None
    assert get["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert post["data"] == b'{"request":{}}'
    assert post["headers"]["Content-Type"] == "Application/x-www-form-urlencoded"
    for headers in (get["headers"], post["headers"]):
        assert headers["X-cons-id"] == "1234"
        assert headers["user_key"] == "0123456789abcdef0123456789abcdef"
        assert headers["X-timestamp"].isdigit()
    assert post["allow_redirects"] is False


async def test_path_segments_go_out_exactly_as_encoded(sim: VClaimSimulator) -> None:
    async with VClaimClient(sim.config(retry=FAST_RETRY)) as client:
        with pytest.raises(NotFoundError):
            await client.referensi.list_obat_prb("tab, 100 mg")
    assert sim.requests[-1].path.endswith("/referensi/obatprb/tab%2C%20100%20mg")


async def test_with_options_is_a_view_sharing_the_pool(sim: VClaimSimulator) -> None:
    card = sim.participants.cards()[0]
    async with VClaimClient(sim.config(retry=FAST_RETRY)) as client:
        fast = client.with_options(timeout=0.2, retry=RetryPolicy.none())
        assert fast.transport is client.transport  # one session, pool and semaphore
        assert fast.peserta is not client.peserta  # resources bind to the view
        assert (fast.config.timeout, fast.config.retry.attempts) == (0.2, 1)
        assert client.config.timeout == sim.config().timeout  # the client is unchanged
        sim.faults.hang("Peserta", times=1)
        with pytest.raises(VClaimTimeoutError) as info:
            await fast.peserta.by_card(card)
        assert info.value.attempts == 1
        async with fast:  # closing a view leaves the client's session open
            pass
        assert (await client.peserta.by_card(card)).no_kartu == card
        assert client._session is not None and not client._session.closed


async def test_with_options_bounds_the_answer_size(sim: VClaimSimulator) -> None:
    card = sim.participants.cards()[0]
    async with VClaimClient(sim.config(retry=FAST_RETRY)) as client:
        size = len((await client.peserta._send("peserta.by_card", {"no_kartu": card,
                    "tgl_sep": "2024-01-02"}, model=dict))[1].body)  # fmt: skip
        small = client.with_options(max_response_bytes=size - 1)
        with pytest.raises(ResponseTooLargeError) as info:
            await small.peserta.by_card(card, "2024-01-02")
        assert info.value.limit == size - 1
        assert info.value.attempts == 1  # never retried
        assert (await client.peserta.by_card(card)).no_kartu == card


async def test_retries_logged_at_info_and_giving_up_at_warning(
    sim: VClaimSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    card = sim.participants.cards()[0]
    sim.faults.fail("Peserta", status=503, times=None)
    policy = RetryPolicy(attempts=3, initial_backoff=0.01, max_backoff=0.01, jitter=0)
    with caplog.at_level(logging.INFO, logger="vclaim_async"):
        async with VClaimClient(sim.config(retry=policy)) as client:
            with pytest.raises(GatewayError):
                await client.peserta.by_card(card)
    records = [r for r in caplog.records if r.name.startswith("vclaim_async")]
    retries = [r for r in records if r.levelno == logging.INFO and "retrying" in r.getMessage()]
    gave_up = [r for r in records if r.levelno == logging.WARNING]
    assert [r.getMessage().split(": ")[0] for r in retries] == ["vclaim peserta.by_card"] * 2
    assert all("HTTP 503" in r.getMessage() for r in retries)
    assert len(gave_up) == 1 and "giving up after 3 attempt(s)" in gave_up[0].getMessage()
    text = " ".join(r.getMessage() for r in records)
    assert card not in text and card[4:-4] not in text


async def test_outcome_unknown_names_its_endpoint_once() -> None:
    with aioresponses() as m:
        m.post(WRITE_URL, **FAILURES["502"])
        async with VClaimClient(mock_config()) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await client.transport.request(WRITE, "SEP/2.0/insert", b"{}")
    assert str(info.value).count(WRITE.name) == 1
