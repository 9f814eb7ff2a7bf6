"""A hostile server: every answer, however broken, large or slow, ends typed and bounded.

Each server here is a loopback aiohttp test server started by the test. No answer may escape
as anything but a ``VClaimError`` subclass, no read may exceed ``max_response_bytes`` and no
call may outlive its deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import msgspec
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vclaim_async import (
    DecodeError,
    DecryptError,
    GatewayError,
    HTTPStatusError,
    RetryPolicy,
    VClaimClient,
    VClaimConfig,
    VClaimError,
    VClaimTimeoutError,
    _crypto,
    _envelope,
    _lzstring,
)
from vclaim_async.errors import ResponseTooLargeError
from vclaim_async.models.peserta import PesertaPayload

CARD = "0001234567890"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@contextlib.asynccontextmanager
async def hostile(handler: Handler) -> AsyncIterator[tuple[TestServer, list[str]]]:
    """A loopback server answering every request with ``handler``; yields it and the paths."""
    seen: list[str] = []

    async def route(request: web.Request) -> web.StreamResponse:
        seen.append(request.path)
        return await handler(request)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", route)
    server = TestServer(app)
    await server.start_server()
    try:
        yield server, seen
    finally:
        await server.close()


def config_for(server: TestServer, **overrides: Any) -> VClaimConfig:
    values: dict[str, Any] = {
        "cons_id": "1234",
        "secret": "pwd-secret-value",
        "user_key": "userkey-abcdefabcdef",
        "base_url": str(server.make_url("/vclaim-rest")),
        "retry": RetryPolicy(attempts=2, initial_backoff=0, max_backoff=0, jitter=0),
    }
    values.update(overrides)
    return VClaimConfig(**values)


def static(body: bytes, *, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, status=status, headers=headers or {})

    return handler


def envelope(response: Any, code: Any = "200") -> bytes:
    return json.dumps({"metaData": {"code": code, "message": "OK"}, "response": response}).encode()


NESTED = b"[" * 5000 + b"]" * 5000
OK_META = b'{"metaData":{"code":"200","message":"OK"},"response":'

#: (name, status, headers, body, the error class it must end in)
CORPUS: list[tuple[str, int, dict[str, str], bytes, type[VClaimError]]] = [
    ("deep nesting in the envelope", 200, {}, b'{"extra":' + NESTED + b"}", DecodeError),
    ("deep nesting in response", 200, {}, OK_META + NESTED + b"}", DecodeError),
    ("deep nesting at top level", 200, {}, NESTED, GatewayError),
    ("metaData is a list", 200, {}, b'{"metaData":[1,2],"response":null}', GatewayError),
    ("code is an object", 200, {}, b'{"metaData":{"code":{"a":1}},"response":null}', GatewayError),
    ("huge number code", 200, {}, b'{"metaData":{"code":1' + b"0" * 400 + b"}}", DecodeError),
    ("5000-digit code", 200, {}, b'{"metaData":{"code":1' + b"0" * 5000 + b"}}", GatewayError),
    ("huge float code", 200, {}, b'{"metaData":{"code":1e999}}', GatewayError),
    ("NaN code", 200, {}, b'{"metaData":{"code":NaN},"response":null}', GatewayError),
    ("invalid UTF-8", 200, {}, b'{"metaData":{"code":"200","message":"\xff\xfe"}}', GatewayError),
    ("BOM", 200, {}, b"\xef\xbb\xbf" + envelope(None), GatewayError),
    ("truncated", 200, {}, envelope({"peserta": {"noKartu": CARD}})[:-9], GatewayError),
    ("empty body", 200, {}, b"", GatewayError),
    ("whitespace body", 200, {}, b" \r\n ", GatewayError),
    ("HTML behind 200", 200, {}, b"<html><body>Maintenance</body></html>", GatewayError),
    ("JSON string", 200, {}, b'"hello"', GatewayError),
    ("payload of wrong type", 200, {}, envelope([1, 2, 3]), DecodeError),
    ("payload string not ciphertext", 200, {}, envelope("plain text"), DecodeError),
    ("ciphertext under another key", 200, {}, envelope(_crypto.encrypt("x", "9", "k", "1")),
     DecryptError),
    ("redirect", 302, {"Location": "http://attacker.invalid/steal"}, envelope(None),
     HTTPStatusError),
    ("permanent redirect", 308, {"Location": "/elsewhere"}, b"", HTTPStatusError),
    ("unknown Content-Encoding", 200, {"Content-Encoding": "br"}, b"\x00\x01", DecodeError),
    ("broken gzip", 200, {"Content-Encoding": "gzip"}, b"\x1f\x8b\x08\x00garbage", DecodeError),
    ("truncated gzip", 200, {"Content-Encoding": "gzip"}, gzip.compress(envelope(None))[:-12],
     DecodeError),
    ("data after gzip", 200, {"Content-Encoding": "gzip"}, gzip.compress(b"{}") * 2, DecodeError),
]  # fmt: skip


@pytest.mark.parametrize(
    ("status", "headers", "body", "error"),
    [c[1:] for c in CORPUS],
    ids=[c[0] for c in CORPUS],
)
async def test_hostile_answer_ends_typed_and_is_not_retried(
    status: int, headers: dict[str, str], body: bytes, error: type[VClaimError]
) -> None:
    handler = static(body, status=status, headers=headers)
    async with hostile(handler) as (server, seen), VClaimClient(config_for(server)) as client:
        with pytest.raises(VClaimError) as info:
            await client.peserta.by_card(CARD)
    assert type(info.value) is error, repr(info.value)
    # A broken answer is not transient; and a redirect is never followed anywhere.
    assert len(seen) == 1
    assert CARD not in str(info.value)


async def test_gzip_and_deflate_answers_are_inflated() -> None:
    body = envelope({"noSep": "0301R0011117V000001"})
    params = {"no_kartu": CARD, "tgl_sep": "2024-01-02"}
    for encoding, packed in [
        ("gzip", gzip.compress(body)),
        ("deflate", zlib.compress(body)),
        ("deflate", zlib.compress(body)[2:-4]),  # raw deflate, as some servers send it
    ]:
        handler = static(packed, headers={"Content-Encoding": encoding})
        async with hostile(handler) as (server, _), VClaimClient(config_for(server)) as client:
            answer = await client.peserta._request("peserta.by_card", params, model=dict[str, str])
            assert answer == {"noSep": "0301R0011117V000001"}


def _gzip_bomb(inflated: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    parts = [packer.compress(block) for _ in range(inflated >> 20)]
    return b"".join(parts) + packer.flush()


async def test_gzip_bomb_stops_at_the_bound() -> None:
    bomb = _gzip_bomb(64 << 20)  # 64 MB inflated from ~64 KB on the wire
    limit = 1 << 20
    handler = static(bomb, headers={"Content-Encoding": "gzip"})
    async with hostile(handler) as (server, seen):
        client = VClaimClient(config_for(server, max_response_bytes=limit))
        async with client:
            with pytest.raises(ResponseTooLargeError) as info:
                await client.peserta.by_card(CARD)
    error = info.value
    assert (error.what, error.limit, error.status) == ("decoded bytes", limit, 200)
    # Reading stopped one byte past the bound: never more was held.
    assert limit < error.received <= limit + 1
    assert error.endpoint == "peserta.by_card"
    assert len(seen) == 1  # never retried


async def test_large_plain_body_is_refused_by_its_length_or_while_reading() -> None:
    limit = 4096
    big = b"x" * (limit * 10)

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"y" * 1000)
        return response

    for handler, what in [(static(big), "declared Content-Length"), (chunked, "wire bytes")]:
        async with hostile(handler) as (server, seen):
            client = VClaimClient(config_for(server, max_response_bytes=limit))
            async with client:
                with pytest.raises(ResponseTooLargeError) as info:
                    await client.peserta.by_card(CARD)
        assert info.value.what == what
        assert info.value.received > limit
        assert len(seen) == 1


def test_lz_output_and_ciphertext_are_bounded() -> None:
    # Highly repetitive text: a short LZ-string that expands far.
    lz = _lzstring.compress_to_encoded_uri_component('{"a":"' + "A" * 200_000 + '"}')
    assert len(lz) < 2000
    with pytest.raises(_lzstring.LZStringTooLongError, match="more than 10000 characters"):
        _lzstring.decompress_from_encoded_uri_component(lz, max_length=10_000)
    assert len(_lzstring.decompress_from_encoded_uri_component(lz, max_length=300_000)) > 200_000
    creds = {"cons_id": "1234", "secret": "pwd", "timestamp": "1700000000"}
    raw = msgspec.Raw(json.dumps(_crypto.encrypt(lz, **creds)).encode())
    with pytest.raises(ResponseTooLargeError) as info:
        _envelope.payload_text(raw, encrypted=True, max_length=10_000, **creds)
    assert info.value.what == "LZ-string characters"
    big = msgspec.Raw(json.dumps("QUFB" * 5000).encode())
    with pytest.raises(ResponseTooLargeError) as info:
        _envelope.payload_text(big, encrypted=True, max_length=10_000, **creds)
    assert info.value.what == "ciphertext characters"


# -- deep nesting at each level of the chain -------------------------------------------------

CREDS = {"cons_id": "1234", "secret": "pwd", "timestamp": "1700000000"}


def _chain(body: bytes, model: Any = PesertaPayload) -> object:
    env = _envelope.parse_envelope(200, body)
    text, decrypted = _envelope.payload_text(env.response, encrypted=True, **CREDS)
    return _envelope.decode_payload(text, decrypted, env.response, model)


def _sealed(text: str) -> str:
    return _crypto.encrypt(_lzstring.compress_to_encoded_uri_component(text), **CREDS)


DEEP = "[" * 20_000 + "]" * 20_000


@pytest.mark.parametrize(
    "body",
    [
        ('{"metaData":{"code":"200","message":' + DEEP + "}}").encode(),  # inside metaData
        ('{"metaData":{"code":"200"},"response":' + DEEP + "}").encode(),  # plain payload
        envelope(_sealed(DEEP)),  # the decrypted payload
        envelope(_sealed('{"peserta":{"noKartu":' + DEEP + "}}")),  # inside a model field
        envelope(_sealed(json.dumps(json.dumps(DEEP)))),  # JSON inside a JSON string
    ],
    ids=["metaData", "response", "decrypted", "model-field", "string-in-string"],
)
@pytest.mark.parametrize("model", [PesertaPayload, str, list[Any]])
def test_deep_nesting_at_every_level_is_typed(body: bytes, model: Any) -> None:
    # A RecursionError (or any foreign exception) fails this test by escaping; a str model
    # may legitimately take the decrypted text as it is.
    with contextlib.suppress(VClaimError):
        _chain(body, model)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    payload=json_values,
    depth=st.integers(min_value=0, max_value=3000),
    level=st.sampled_from(["envelope", "plain", "sealed"]),
    cut=st.integers(min_value=0, max_value=40),
)
def test_chain_with_nesting_and_damage_only_raises_vclaim_errors(
    payload: object, depth: int, level: str, cut: int
) -> None:
    text = "[" * depth + json.dumps(payload) + "]" * depth
    if level == "envelope":
        body = ('{"metaData":{"code":"200","message":"OK"},"x":' + text + "}").encode()
    elif level == "plain":
        body = ('{"metaData":{"code":"200","message":"OK"},"response":' + text + "}").encode()
    else:
        body = envelope(_sealed(text))
    for candidate in (body, body[: len(body) - cut]):
        with contextlib.suppress(VClaimError):
            _chain(candidate)


# -- deadlines -------------------------------------------------------------------------------


async def _trickle(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    while True:
        await response.write(b" ")
        await asyncio.sleep(0.1)


async def _hang_after_headers(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Length": "100"})
    await response.prepare(request)
    await asyncio.sleep(3600)
    return response  # pragma: no cover - the client gives up first


@pytest.mark.parametrize("handler", [_trickle, _hang_after_headers], ids=["trickle", "hang"])
async def test_call_ends_by_its_deadline_not_attempts_times_timeout(handler: Handler) -> None:
    # Each attempt may take 30 s, but the whole call has 0.6 s: the attempt in progress is cut.
    policy = RetryPolicy(attempts=3, initial_backoff=0, max_backoff=0, jitter=0, deadline=0.6)
    async with hostile(handler) as (server, _):
        client = VClaimClient(config_for(server, timeout=30.0, retry=policy))
        async with client:
            # A generous outer guard: without the deadline this call would run for 30 s.
            with pytest.raises(VClaimTimeoutError):
                await asyncio.wait_for(client.peserta.by_card(CARD), 10)


async def test_slow_tls_handshake_ends_by_the_deadline() -> None:
    # Accepts TCP and never says a word: the TLS handshake never finishes.
    writers: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.read()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    policy = RetryPolicy(attempts=2, initial_backoff=0, max_backoff=0, jitter=0, deadline=0.6)
    config = VClaimConfig(
        cons_id="1",
        secret="s",
        user_key="u",
        base_url=f"https://127.0.0.1:{port}/vclaim-rest",
        connect_timeout=30,
        timeout=30,
        retry=policy,
    )
    try:
        async with VClaimClient(config) as client:
            with pytest.raises(VClaimTimeoutError):
                await asyncio.wait_for(client.peserta.by_card(CARD), 10)
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()
