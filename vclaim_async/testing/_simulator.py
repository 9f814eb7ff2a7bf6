"""``VClaimSimulator``: a loopback VClaim 2.0 server for tests and demos.

It checks the four authentication headers and the signature like the gateway (403,
text/plain), answers in BPJS's envelope with the payload LZ-compressed and AES-encrypted under
the request's own timestamp, and can be told to fail: gateway error pages, delays, hangs,
resets, truncated or garbled answers, and writes that land while their answer is lost.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
import json
import random
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from .. import _crypto, _lzstring, _signing
from .._config import RetryPolicy, VClaimConfig
from ._participants import ParticipantRegistry

__all__ = [
    "DEFAULT_CONS_ID",
    "DEFAULT_SECRET",
    "DEFAULT_USER_KEY",
    "Fault",
    "FaultPlan",
    "RecordedRequest",
    "Reply",
    "SimRequest",
    "VClaimSimulator",
]

DEFAULT_CONS_ID = "12345"
DEFAULT_SECRET = "simulator-secret"
DEFAULT_USER_KEY = "0123456789abcdef0123456789abcdef"

_HTML_PAGES = {
    502: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    "</h1></center><hr><center>nginx</center></body></html>",
    503: "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
    "<h1>503 Service Temporarily Unavailable</h1></center></body></html>",
    504: "<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway "
    "Time-out</h1></center><hr><center>nginx</center></body></html>",
    500: "<html><head><title>Runtime Error</title></head><body><h1>Server Error in '/' "
    "Application.</h1><h2><i>Runtime Error</i></h2></body></html>",
}
_GATEWAY_TEXTS = {
    403: "Authentication failed",
    404: "No Mapping Rule matched",
    429: "Usage limit exceeded",
}

FAULT_KINDS = frozenset(
    {
        "status",  # an HTTP error page (502/503/504 HTML, 429/403/404 gateway text)
        "delay",  # answer normally after ``delay`` seconds
        "hang",  # never answer (until the client gives up or the simulator closes)
        "reset",  # send part of the answer, then drop the connection
        "truncate",  # a 200 with the JSON cut in half
        "empty",  # a 200 with an empty body
        "garbage",  # a 200 envelope whose response is random base64 ciphertext
        "wrong_key",  # a 200 envelope encrypted under another timestamp
        "lose_answer",  # do the work (a write lands), then drop the connection
    }
)


@dataclass
class Fault:
    """One scripted failure for requests whose path matches ``match`` (a regex).

    ``times`` is how many matching requests it affects (None: all of them); ``probability``
    makes it random (with the plan's seeded generator). ``delay`` may be a number of seconds
    or a ``(low, high)`` range for a uniform latency, or a function of the plan's random
    generator for any other distribution (e.g. ``lambda r: r.expovariate(1 / 0.05)``).
    """

    kind: str
    match: str = ".*"
    method: str | None = None
    times: int | None = 1
    status: int = 502
    delay: float | tuple[float, float] | Callable[[random.Random], float] = 0.0
    probability: float = 1.0
    hits: int = 0
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {sorted(FAULT_KINDS)}")
        self._pattern = re.compile(self.match, re.IGNORECASE)

    def applies(self, method: str, path: str, rng: random.Random) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if not self._pattern.search(path):
            return False
        return self.probability >= 1.0 or rng.random() < self.probability

    def seconds(self, rng: random.Random) -> float:
        if isinstance(self.delay, tuple):
            return rng.uniform(*self.delay)
        if callable(self.delay):
            return max(0.0, float(self.delay(rng)))
        return float(self.delay)


class FaultPlan:
    """The simulator's scripted failures, checked in the order they were added."""

    def __init__(self, seed: int = 0) -> None:
        self.faults: list[Fault] = []
        self.rng = random.Random(seed)

    def add(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    def fail(self, match: str = ".*", *, status: int = 502, times: int | None = 1) -> Fault:
        """Answer ``status`` (an HTML page for 5xx, the gateway's text for 4xx)."""
        return self.add(Fault("status", match, times=times, status=status))

    def delay(
        self, match: str, seconds: float | tuple[float, float], *, times: int | None = None
    ) -> Fault:
        """Answer after a delay (or a uniform random delay between two bounds)."""
        return self.add(Fault("delay", match, times=times, delay=seconds))

    def hang(self, match: str = ".*", *, times: int | None = 1) -> Fault:
        """Accept the request and never answer."""
        return self.add(Fault("hang", match, times=times))

    def mix(self, match: str, rates: Mapping[str, float], *, method: str | None = None) -> None:
        """Independent random faults at the given marginal rates, e.g. a flaky gateway.

        ``rates`` maps a fault kind (or an HTTP status such as ``"502"``) to the fraction of
        matching requests it should hit: ``{"502": 0.2, "hang": 0.05, "reset": 0.02}``. At most
        one fires per request, so the rates must add up to at most 1.
        """
        if sum(rates.values()) > 1.0 + 1e-9:
            raise ValueError("fault rates add up to more than 1")
        left = 1.0
        for kind, rate in rates.items():
            # Faults are tried in order; scale each so its share of all requests is ``rate``.
            probability = 0.0 if left <= 0 else min(1.0, rate / left)
            if kind.isdigit():
                fault = Fault("status", match, method=method, times=None, status=int(kind))
            else:
                fault = Fault(kind, match, method=method, times=None)
            fault.probability = probability
            self.add(fault)
            left -= rate

    def clear(self) -> None:
        self.faults.clear()

    def pick(self, method: str, path: str) -> list[Fault]:
        """The faults that fire for this request (at most one non-delay fault)."""
        chosen: list[Fault] = []
        for fault in self.faults:
            if fault.kind != "delay" and any(f.kind != "delay" for f in chosen):
                continue
            if fault.applies(method, path, self.rng):
                fault.hits += 1
                chosen.append(fault)
        return chosen


@dataclass(frozen=True)
class RecordedRequest:
    """What came over the wire, for tests to assert on."""

    method: str
    path: str
    content_type: str | None
    body: bytes
    headers: Mapping[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class SimRequest:
    """What a route handler sees: the path parameters, the JSON body and the simulator."""

    method: str
    path: str
    params: dict[str, str]
    body: Any
    sim: VClaimSimulator


@dataclass
class Reply:
    """A route's answer. ``payload`` is encrypted unless ``plain``; None answers ``null``."""

    payload: Any = None
    code: str = "200"
    message: str = "OK"
    plain: bool = False
    lz: str | None = None  # a precomputed LZ string for ``payload`` (the simulator caches)


Handler = Callable[[SimRequest], Awaitable[Reply]]


def not_found(message: str = "Data Tidak Ditemukan") -> Reply:
    """BPJS's "no data" answer: HTTP 200, code "201", response null."""
    return Reply(code="201", message=message)


class VClaimSimulator:
    """A faithful-enough VClaim 2.0 server on loopback.

    ``async with VClaimSimulator() as sim:`` starts it on a free port; ``sim.base_url`` is the
    URL to give a client (``sim.config()`` builds the whole :class:`VClaimConfig`).
    """

    def __init__(
        self,
        *,
        cons_id: str = DEFAULT_CONS_ID,
        secret: str = DEFAULT_SECRET,
        user_key: str = DEFAULT_USER_KEY,
        host: str = "127.0.0.1",
        port: int = 0,
        service: str = "vclaim-rest",
        seed: int = 20240101,
        participant_count: int = 100,
        timestamp_window: float = 60.0,
        clock: Callable[[], float] = time.time,
        ppk_pelayanan: str = "0301R001",
        record: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.cons_id = cons_id
        self.secret = secret
        self.user_key = user_key
        self.host = host
        self.port = port
        self.service = service.strip("/")
        self.timestamp_window = timestamp_window
        self.clock = clock
        self.ppk_pelayanan = ppk_pelayanan
        self.record = record
        self.ssl_context = ssl_context
        self.participants = ParticipantRegistry(seed=seed, count=participant_count)
        self.faults = FaultPlan(seed)
        self.requests: list[RecordedRequest] = []
        #: Requests that reached a route (passed the gateway checks), by method and route.
        self.served = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        #: Client (address, port) pairs seen: one per TCP connection a client opened.
        self.connections: set[tuple[str, int]] = set()
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self.app = web.Application()
        self.app.router.add_route("*", "/{tail:.*}", self._dispatch)
        from . import _routes

        #: In-memory VClaim state (SEPs, referrals, ...) the routes share; tests inspect it.
        self.state = _routes.install(self)

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> VClaimSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        self._closing = asyncio.Event()
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, ssl_context=self.ssl_context)
        await site.start()
        # With port 0 the OS picked a free port: read it back from the listening socket.
        sockets = getattr(site._server, "sockets", None) or ()
        if sockets:
            self.port = sockets[0].getsockname()[1]
        self._runner = runner

    async def close(self) -> None:
        self._closing.set()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    @property
    def base_url(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self.port}/{self.service}"

    def config(self, **overrides: Any) -> VClaimConfig:
        """A client config for this simulator (fast retries; override anything)."""
        values: dict[str, Any] = {
            "cons_id": self.cons_id,
            "secret": self.secret,
            "user_key": self.user_key,
            "base_url": self.base_url,
            "ppk_pelayanan": self.ppk_pelayanan,
            "retry": RetryPolicy(attempts=4, initial_backoff=0.01, max_backoff=0.05, jitter=0.01),
            "timeout": 5.0,
        }
        values.update(overrides)
        return VClaimConfig(**values)

    # -- routes ------------------------------------------------------------------------------

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Register a handler for ``method`` and a path regex with named groups."""

        def register(handler: Handler) -> Handler:
            regex = re.compile(pattern + r"/?", re.IGNORECASE)
            self._routes.append((method.upper(), regex, handler))
            return handler

        return register

    # -- the request path --------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        transport = request.transport
        peer = transport.get_extra_info("peername") if transport is not None else None
        if peer:
            self.connections.add((str(peer[0]), int(peer[1])))
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            return await self._handle(request)
        finally:
            self.in_flight -= 1

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        prefix = f"/{self.service}/"
        raw_path = request.raw_path.split("?", 1)[0]
        body = await request.read()
        if self.record:
            self.requests.append(
                RecordedRequest(
                    request.method,
                    raw_path,
                    request.headers.get("Content-Type"),
                    body,
                    dict(request.headers),
                )
            )
        if not raw_path.startswith(prefix):
            return _text(404, _GATEWAY_TEXTS[404])
        path = raw_path[len(prefix) :]
        faults = self.faults.pick(request.method, path)
        terminal = None
        for fault in faults:
            if fault.kind == "delay":
                await self._sleep(fault.seconds(self.faults.rng))
            else:
                terminal = fault
        if terminal is not None and terminal.kind == "status":
            return _status_page(terminal.status)
        if terminal is not None and terminal.kind == "hang":
            await self._hang(request)
            return _text(504, "hung request released")

        refused = self._authenticate(request)
        if refused is not None:
            return refused
        timestamp = request.headers["X-timestamp"]

        for method, regex, handler in self._routes:
            match = regex.fullmatch(path)
            if match is None or method != request.method:
                continue
            params = {k: unquote(v) for k, v in match.groupdict().items() if v is not None}
            try:
                parsed = json.loads(body) if body.strip() else None
            except ValueError:
                return _envelope_response(
                    {"metaData": {"code": "201", "message": "Format request tidak valid"}}
                )
            if terminal is not None and terminal.kind == "empty":
                return web.Response(status=200, body=b"", content_type="application/json")
            self.served += 1
            reply = await handler(SimRequest(request.method, path, params, parsed, self))
            if terminal is not None and terminal.kind in ("reset", "lose_answer"):
                return await self._drop(request, terminal.kind == "reset")
            envelope = self._encode(reply, timestamp, terminal.kind if terminal else None)
            if terminal is not None and terminal.kind == "truncate":
                cut = envelope[: max(1, len(envelope) // 2)]
                return web.Response(status=200, body=cut, content_type="application/json")
            return web.Response(status=200, body=envelope, content_type="application/json")
        return _text(404, _GATEWAY_TEXTS[404])

    async def _sleep(self, seconds: float) -> None:
        if seconds <= 1.0:
            # Latency faults: a plain sleep costs the server far less CPU than wait_for.
            await asyncio.sleep(seconds)
            return
        # Wakes early when the simulator closes, so a long wait never delays shutdown.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._closing.wait(), timeout=seconds)

    async def _hang(self, request: web.Request, limit: float = 3600.0) -> None:
        """Hold the request until the client gives up on it (or the simulator closes)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and not self._closing.is_set():
            transport = request.transport
            if transport is None or transport.is_closing():
                return
            await self._sleep(0.02)

    async def _drop(self, request: web.Request, partial: bool) -> web.StreamResponse:
        response = web.StreamResponse(status=200)
        response.content_length = 4096
        response.content_type = "application/json"
        await response.prepare(request)
        if partial:
            await response.write(b'{"metaData":{"code":"200","message":"OK"},"response":"')
        transport = request.transport
        if transport is not None:
            transport.abort()
        return response

    def _authenticate(self, request: web.Request) -> web.Response | None:
        headers = request.headers
        needed = ("X-cons-id", "X-timestamp", "X-signature", "user_key")
        if any(not headers.get(name) for name in needed):
            return _text(403, "Authentication parameters missing")
        if not hmac.compare_digest(headers["user_key"], self.user_key):
            return _text(403, _GATEWAY_TEXTS[403])
        if headers["X-cons-id"] != self.cons_id:
            return _text(403, _GATEWAY_TEXTS[403])
        stamp = headers["X-timestamp"]
        if not stamp.isdigit() or abs(int(stamp) - self.clock()) > self.timestamp_window:
            return _text(403, _GATEWAY_TEXTS[403])
        expected = _signing.sign(self.cons_id, self.secret, stamp)
        if not hmac.compare_digest(headers["X-signature"], expected):
            return _text(403, _GATEWAY_TEXTS[403])
        return None

    def _encode(self, reply: Reply, timestamp: str, fault: str | None) -> bytes:
        response: Any
        if reply.payload is None and reply.lz is None:
            response = None
        elif reply.plain:
            response = reply.payload
        else:
            lz = reply.lz
            if lz is None:
                text = (
                    reply.payload
                    if isinstance(reply.payload, str)
                    else json.dumps(reply.payload, ensure_ascii=False, separators=(",", ":"))
                )
                lz = _lzstring.compress_to_encoded_uri_component(text)
            if fault == "garbage":
                size = max(32, len(lz) // 16 * 16 + 16)
                response = base64.b64encode(self.faults.rng.randbytes(size)).decode()
            else:
                stamp = str(int(timestamp) + 1) if fault == "wrong_key" else timestamp
                response = _crypto.encrypt(lz, self.cons_id, self.secret, stamp)
        return _envelope_bytes(
            {"metaData": {"code": reply.code, "message": reply.message}, "response": response}
        )


def _envelope_bytes(envelope: Mapping[str, Any]) -> bytes:
    # BPJS escapes "/" as "\/" inside JSON strings; clients must cope, so we do it too.
    text = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    return text.replace("/", "\\/").encode("utf-8")


def _envelope_response(envelope: Mapping[str, Any]) -> web.Response:
    return web.Response(status=200, body=_envelope_bytes(envelope), content_type="application/json")


def _text(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text, content_type="text/plain", charset="us-ascii")


def _status_page(status: int) -> web.Response:
    if status in _GATEWAY_TEXTS:
        return _text(status, _GATEWAY_TEXTS[status])
    page = _HTML_PAGES.get(status, f"<html><body><h1>{status} Error</h1></body></html>")
    return web.Response(status=status, text=page, content_type="text/html")
