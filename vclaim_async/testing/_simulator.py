"""``VClaimSimulator``: a loopback VClaim 2.0 server for tests and demos.

It checks the four authentication headers and the signature like the gateway (403,
text/plain), answers in BPJS's envelope with the payload LZ-compressed and AES-encrypted under
the request's own timestamp, and can be told to fail: gateway error pages, delays, hangs,
resets, truncated or garbled answers, and writes that land while their answer is lost.

It runs on the caller's event loop (``async with VClaimSimulator() as sim``) or on its own
thread and loop for synchronous tests (``with VClaimSimulator().in_thread() as sim``). The
routes live in ``testing/routes/``, one module per resource, under catalog operation names.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime
import hmac
import ipaddress
import json
import logging
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from .. import _crypto, _lzstring, _signing, _validate
from .._config import AntreanConfig, RetryPolicy, VClaimConfig
from ._antrean_state import AntreanState
from ._faults import FaultPlan
from ._participants import ParticipantRegistry
from ._record import RecordedRequest, RequestLog
from ._state import SimState
from .routes import resolve
from .routes._base import Handler, Reply, SimRequest

__all__ = [
    "DEFAULT_ANTREAN_USER_KEY",
    "DEFAULT_CONS_ID",
    "DEFAULT_SECRET",
    "DEFAULT_USER_KEY",
    "VClaimSimulator",
    "is_loopback",
]

logger = logging.getLogger(__name__)

DEFAULT_CONS_ID = "12345"
DEFAULT_SECRET = "simulator-secret"
DEFAULT_USER_KEY = "0123456789abcdef0123456789abcdef"
#: Antrean RS has its own user key at BPJS; the simulator checks it on ``/antreanrs``.
DEFAULT_ANTREAN_USER_KEY = "fedcba9876543210fedcba9876543210"

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
# The gateway's timestamp is seconds since the epoch; more than 12 digits is not a time.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def is_loopback(host: str) -> bool:
    """True when ``host`` only listens on this machine (an unresolved name is not trusted)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
        max_recorded: int | None = 10_000,
        max_recorded_bytes: int | None = 64 * 1024 * 1024,
        ssl_context: ssl.SSLContext | None = None,
        antrean_user_key: str = DEFAULT_ANTREAN_USER_KEY,
        antrean_service: str = "antreanrs",
    ) -> None:
        self.cons_id = cons_id
        self.secret = secret
        self.user_key = user_key
        self.antrean_user_key = antrean_user_key
        self.host = host
        self.port = port
        self.service = service.strip("/")
        self.antrean_service = antrean_service.strip("/")
        self.timestamp_window = timestamp_window
        self.clock = clock
        self.ppk_pelayanan = ppk_pelayanan
        self.record = record
        self.ssl_context = ssl_context
        self.participants = ParticipantRegistry(seed=seed, count=participant_count)
        self.faults = FaultPlan(seed)
        #: The newest requests (at most ``max_recorded`` and ``max_recorded_bytes``), oldest
        #: first; a request the gateway refuses (no route, bad credentials) is kept without
        #: its body.
        self.requests = RequestLog(max_recorded, max_recorded_bytes)
        #: Requests that reached a route (passed the gateway checks), by method and route.
        self.served = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        #: Client (address, port) pairs seen: one per TCP connection a client opened.
        self.connections: set[tuple[str, int]] = set()
        #: Held while a route runs; hold it from another thread to change state in several steps.
        self.lock = threading.RLock()
        #: Routes added with :meth:`route`, tried after the built-in ones.
        self._extra_routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        #: Slow writes still to be performed (Fault kind "slow_write").
        self._slow_work: set[asyncio.Future[Reply]] = set()
        self.app = web.Application()
        self.app.router.add_route("*", "/{tail:.*}", self._dispatch)
        #: In-memory VClaim state (SEPs, referrals, ...) the routes share; tests inspect it.
        self.state = SimState(self.participants, ppk_pelayanan=ppk_pelayanan, today=self._today)
        #: Antrean RS state (HFIS referentials, bookings, ``task_events``), served on
        #: ``/antreanrs`` with the same credentials and :attr:`antrean_user_key`.
        self.antrean_state = AntreanState(
            now_ms=lambda: int(self.clock() * 1000), ppk=ppk_pelayanan
        )

    def _today(self) -> datetime.date:
        moment = datetime.datetime.fromtimestamp(self.clock(), tz=datetime.timezone.utc)
        return _validate.today_jakarta(moment)

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> VClaimSimulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        if not self.is_loopback:
            logger.warning("%s", self.exposure_warning())
        self._closing = asyncio.Event()
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, ssl_context=self.ssl_context)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()  # a port in use or an address not ours: leave nothing open
            raise
        # With port 0 the OS picked a free port: read it back from the listening socket.
        sockets = getattr(site._server, "sockets", None) or ()
        if sockets:
            self.port = sockets[0].getsockname()[1]
        self._runner = runner

    async def close(self) -> None:
        # A slow write not yet performed never is: closing is the server going away.
        for work in list(self._slow_work):
            work.cancel()
        self._closing.set()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    @contextlib.contextmanager
    def in_thread(self, *, timeout: float = 10.0) -> Iterator[VClaimSimulator]:
        """Serve from a thread with its own event loop, for synchronous tests.

        ``with VClaimSimulator().in_thread() as sim:`` returns once the simulator listens, so
        a sync test (FastAPI's ``TestClient``, Django, Flask) can call an app that talks to
        ``sim.base_url``. Faults, participants and the request record are locked and safe to
        use from the test's thread; hold ``sim.lock`` to change ``sim.state`` while requests
        may be in flight. ``timeout`` bounds start-up and shut-down.
        """
        ready = threading.Event()
        failure: list[BaseException] = []
        handles: dict[str, Any] = {}

        async def serve() -> None:
            stop = asyncio.Event()
            try:
                await self.start()
            except BaseException as exc:  # reported to the caller's thread below
                failure.append(exc)
                ready.set()
                return
            handles["loop"], handles["stop"] = asyncio.get_running_loop(), stop
            ready.set()
            try:
                await stop.wait()
            finally:
                await self.close()

        thread = threading.Thread(
            target=asyncio.run, args=(serve(),), name="vclaim-simulator", daemon=True
        )
        thread.start()
        if not ready.wait(timeout):
            raise TimeoutError(f"the simulator did not start within {timeout} s")
        if failure:
            thread.join(timeout)
            raise failure[0]
        try:
            yield self
        finally:
            handles["loop"].call_soon_threadsafe(handles["stop"].set)
            thread.join(timeout)

    @property
    def is_loopback(self) -> bool:
        """True when the simulator only listens on this machine (see :func:`is_loopback`)."""
        return is_loopback(self.host)

    def exposure_warning(self) -> str:
        """What to say when bound beyond loopback: anyone who reaches it learns the secrets."""
        return (
            f"the VClaim simulator is listening on {self.host}, which is not a loopback "
            "address: anyone who can reach it can read its credentials and synthetic "
            "patients. Bind it to 127.0.0.1 unless that is what you want."
        )

    @property
    def base_url(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"{scheme}://{host}:{self.port}/{self.service}"

    @property
    def antrean_base_url(self) -> str:
        """The Antrean RS base URL (``.../antreanrs``) on the same port."""
        return self.base_url.rsplit("/", 1)[0] + f"/{self.antrean_service}"

    def antrean_config(self, **overrides: Any) -> AntreanConfig:
        """An Antrean RS client config for this simulator (fast retries, strict decoding;
        override anything)."""
        values: dict[str, Any] = {
            "cons_id": self.cons_id,
            "secret": self.secret,
            "user_key": self.antrean_user_key,
            "base_url": self.antrean_base_url,
            "retry": RetryPolicy(attempts=4, initial_backoff=0.01, max_backoff=0.05, jitter=0.01),
            "timeout": 5.0,
            "strict_decoding": True,
        }
        values.update(overrides)
        return AntreanConfig(**values)

    def config(self, **overrides: Any) -> VClaimConfig:
        """A client config for this simulator (fast retries, strict decoding; override anything)."""
        values: dict[str, Any] = {
            "cons_id": self.cons_id,
            "secret": self.secret,
            "user_key": self.user_key,
            "base_url": self.base_url,
            "ppk_pelayanan": self.ppk_pelayanan,
            "retry": RetryPolicy(attempts=4, initial_backoff=0.01, max_backoff=0.05, jitter=0.01),
            "timeout": 5.0,
            # Tests decode strictly, so a model that drifts from the simulator fails loudly.
            "strict_decoding": True,
        }
        values.update(overrides)
        return VClaimConfig(**values)

    def env(self) -> dict[str, str]:
        """The ``VCLAIM_*`` variables that make ``VClaimConfig.from_env()`` reach this simulator.

        For apps configured from the environment: ``monkeypatch.setenv(name, value)`` for each.
        """
        return {
            "VCLAIM_BASE_URL": self.base_url,
            "VCLAIM_CONS_ID": self.cons_id,
            "VCLAIM_SECRET": self.secret,
            "VCLAIM_USER_KEY": self.user_key,
            "VCLAIM_PPK": self.ppk_pelayanan,
            "VCLAIM_ANTREAN_USER_KEY": self.antrean_user_key,
            "VCLAIM_ANTREAN_BASE_URL": self.antrean_base_url,
        }

    # -- routes ------------------------------------------------------------------------------

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        """Add a handler for ``method`` and a path regex with named groups to this simulator.

        The built-in routes (``testing/routes/``) are tried first; this is for paths the
        catalog does not have.
        """

        def register(handler: Handler) -> Handler:
            regex = re.compile(pattern + r"/?", re.IGNORECASE)
            self._extra_routes.append((method.upper(), regex, handler))
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
        service = "vclaim"
        if raw_path.startswith(f"/{self.antrean_service}/"):
            service, prefix = "antrean", f"/{self.antrean_service}/"
        known = raw_path.startswith(prefix)
        user_key = self.antrean_user_key if service == "antrean" else self.user_key
        if self.record and self.requests.maxlen != 0:
            # A refused request's body is not kept: anyone could post megabytes unsigned.
            kept = known and self._authenticate(request, user_key) is None
            self.requests.append(
                RecordedRequest(
                    request.method,
                    raw_path,
                    request.headers.get("Content-Type"),
                    body if kept else b"",
                    dict(request.headers),
                )
            )
        if not known:
            return _text(404, _GATEWAY_TEXTS[404])
        path = raw_path[len(prefix) :]
        found = self._find(request.method, path, service)
        faults = self.faults.pick(request.method, path, found[2] if found else None)
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

        refused = self._authenticate(request, user_key)
        if refused is not None:
            return refused
        timestamp = request.headers["X-timestamp"]

        if found is not None:
            handler, params, _ = found
            try:
                parsed = json.loads(body) if body.strip() else None
            except ValueError:
                if service == "antrean":
                    return _envelope_response(
                        {"metadata": {"code": 201, "message": "Format request tidak valid"}}
                    )
                return _envelope_response(
                    {"metaData": {"code": "201", "message": "Format request tidak valid"}}
                )
            if terminal is not None and terminal.kind == "empty":
                return web.Response(status=200, body=b"", content_type="application/json")
            self.served += 1
            sim_request = SimRequest(request.method, path, params, parsed, self)
            if terminal is not None and terminal.kind == "slow_write":
                # BPJS finishes the work late, whether or not the client is still waiting.
                work = asyncio.ensure_future(
                    self._slow(handler, sim_request, terminal.seconds(self.faults.rng))
                )
                self._slow_work.add(work)
                work.add_done_callback(self._slow_work.discard)
                reply = await asyncio.shield(work)
                if not terminal.answer:
                    return await self._drop(request, False)
            else:
                with self.lock:
                    reply = await handler(sim_request)
            if terminal is not None and terminal.kind in ("reset", "lose_answer"):
                return await self._drop(request, terminal.kind == "reset")
            envelope = self._encode(
                reply, timestamp, terminal.kind if terminal else None, service=service
            )
            if terminal is not None and terminal.kind == "truncate":
                cut = envelope[: max(1, len(envelope) // 2)]
                return web.Response(status=200, body=cut, content_type="application/json")
            return web.Response(status=200, body=envelope, content_type="application/json")
        return _text(404, _GATEWAY_TEXTS[404])

    async def _slow(self, handler: Handler, request: SimRequest, seconds: float) -> Reply:
        await self._sleep(seconds)
        with self.lock:
            return await handler(request)

    def _find(
        self, method: str, path: str, service: str = "vclaim"
    ) -> tuple[Handler, dict[str, str], str | None] | None:
        """The handler, path parameters and catalog operation (None for an added route)."""
        resolved = resolve(method, path, service)
        if resolved is not None:
            return resolved[0].handler, resolved[1], resolved[0].name
        if service != "vclaim":
            return None
        for extra_method, regex, handler in self._extra_routes:
            match = regex.fullmatch(path)
            if match is not None and extra_method == method:
                groups = match.groupdict().items()
                return handler, {k: unquote(v) for k, v in groups if v is not None}, None
        return None

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

    def _authenticate(self, request: web.Request, user_key: str) -> web.Response | None:
        headers = request.headers
        needed = ("X-cons-id", "X-timestamp", "X-signature", "user_key")
        if any(not headers.get(name) for name in needed):
            return _text(403, "Authentication parameters missing")
        # As bytes: compare_digest refuses non-ASCII str, and a stray byte must be a 403.
        if not _same(headers["user_key"], user_key):
            return _text(403, _GATEWAY_TEXTS[403])
        if not _same(headers["X-cons-id"], self.cons_id):
            return _text(403, _GATEWAY_TEXTS[403])
        stamp = headers["X-timestamp"]
        if (
            not _TIMESTAMP.fullmatch(stamp)
            or abs(int(stamp) - self.clock()) > self.timestamp_window
        ):
            return _text(403, _GATEWAY_TEXTS[403])
        expected = _signing.sign(self.cons_id, self.secret, stamp)
        if not _same(headers["X-signature"], expected):
            return _text(403, _GATEWAY_TEXTS[403])
        return None

    def _encode(
        self, reply: Reply, timestamp: str, fault: str | None, *, service: str = "vclaim"
    ) -> bytes:
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
        if service == "antrean":
            # Antrean's dialect: lower-case metadata, a numeric code, writes without response.
            code: int | str = int(reply.code) if reply.code.isdigit() else reply.code
            envelope: dict[str, Any] = {"metadata": {"code": code, "message": reply.message}}
            if not (reply.bare and response is None):
                envelope["response"] = response
            return _envelope_bytes(envelope)
        return _envelope_bytes(
            {"metaData": {"code": reply.code, "message": reply.message}, "response": response}
        )


def _same(received: str, expected: str) -> bool:
    # surrogateescape: aiohttp hands undecodable header bytes over as lone surrogates.
    return hmac.compare_digest(
        received.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape")
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
