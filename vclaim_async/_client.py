"""``VClaimClient``: the async context manager users hold, with resources as properties."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, TypeVar

import aiohttp
import msgspec

from ._cache import CACHE_STATE, Cache, EligibilityCache
from ._catalog import CATALOG, Endpoint
from ._config import VClaimConfig
from ._envelope import decode_payload, parse_envelope, payload_text
from ._hooks import CallEvent, Hook
from ._limiter import Limiter
from ._transport import Answer, Transport
from .errors import APIError, VClaimError
from .resources.lpk import LpkResource
from .resources.monitoring import MonitoringResource
from .resources.peserta import PesertaResource
from .resources.prb import PrbResource
from .resources.referensi import ReferensiResource
from .resources.rencana_kontrol import RencanaKontrolResource
from .resources.rujukan import RujukanResource
from .resources.sep import SepResource

__all__ = ["VClaimClient"]

T = TypeVar("T")

_encoder = msgspec.json.Encoder()

logger = logging.getLogger("vclaim_async")


class VClaimClient:
    """An asyncio client for BPJS VClaim 2.0.

    Use it as ``async with VClaimClient(config) as client:``. It opens one pooled aiohttp
    session sized to ``config.max_concurrency`` and closes it on exit. A ``session`` passed in
    is borrowed: it is used as is and never closed by the client. Each of ``hooks`` is called
    with a :class:`CallEvent` after every call (operation, status, BPJS code, attempts,
    latency; never an identifier), for metrics and tracing.

    ``limiter`` (e.g. :class:`~vclaim_async.redis.RedisLimiter`) caps requests across several
    processes sharing one BPJS quota; with ``config.redis_url`` set and no ``limiter`` given,
    the client builds a RedisLimiter from the config. ``cache`` (a
    :class:`~vclaim_async.MemoryCache` or :class:`~vclaim_async.redis.RedisCache`) reuses
    Peserta answers for a few minutes; off by default. The client closes both on exit.
    """

    def __init__(
        self,
        config: VClaimConfig,
        *,
        session: aiohttp.ClientSession | None = None,
        clock: Callable[[], float] = time.time,
        hooks: Iterable[Hook] = (),
        limiter: Limiter | None = None,
        cache: Cache | None = None,
    ) -> None:
        if not isinstance(config, VClaimConfig):
            raise TypeError("config must be a VClaimConfig")
        self.config = config
        self._hooks = tuple(hooks)
        # -- shared limiter and cache (docs/several-processes.md) --
        if limiter is None and config.redis_url is not None:
            from .redis import RedisLimiter

            limiter = RedisLimiter(
                config.redis_url,
                max_in_flight=config.shared_max_in_flight or config.max_concurrency,
                per_second=config.shared_per_second,
            )
        if limiter is not None:
            limiter.bind(config)
        self.limiter = limiter
        self._eligibility = None if cache is None else EligibilityCache(self, cache)
        # -- end shared --
        self._clock = clock
        self._borrowed = session
        self._session: aiohttp.ClientSession | None = None
        self._transport: Transport | None = None

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> VClaimClient:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def open(self) -> None:
        """Create the session (inside the running loop). ``async with`` calls this for you."""
        if self._transport is not None:
            return
        if self._borrowed is not None:
            session = self._borrowed
        else:
            connector = aiohttp.TCPConnector(
                limit=self.config.max_concurrency,
                limit_per_host=self.config.max_concurrency,
                keepalive_timeout=30,
            )
            session = aiohttp.ClientSession(connector=connector)
        self._session = session
        self._transport = Transport(self.config, session, clock=self._clock, limiter=self.limiter)

    async def aclose(self) -> None:
        """Close the session if the client created it; a borrowed one is left open."""
        session, self._session, self._transport = self._session, None, None
        if session is not None and session is not self._borrowed:
            await session.close()
        if self.limiter is not None:
            await self.limiter.aclose()
        if self._eligibility is not None:
            await self._eligibility.store.aclose()

    @property
    def transport(self) -> Transport:
        """The live transport; raises if the client is not open."""
        if self._transport is None:
            raise RuntimeError("VClaimClient is not open: use `async with VClaimClient(...)`")
        return self._transport

    # -- resources -------------------------------------------------------------------------

    @functools.cached_property
    def peserta(self) -> PesertaResource:
        """Participant eligibility look-ups."""
        return PesertaResource(self)

    @functools.cached_property
    def sep(self) -> SepResource:
        """SEP lifecycle, applications, discharge dates, internal referrals, fingerprints."""
        return SepResource(self)

    @functools.cached_property
    def rujukan(self) -> RujukanResource:
        """Incoming, outgoing and special referrals."""
        return RujukanResource(self)

    @functools.cached_property
    def rencana_kontrol(self) -> RencanaKontrolResource:
        """Surat kontrol and SPRI."""
        return RencanaKontrolResource(self)

    @functools.cached_property
    def referensi(self) -> ReferensiResource:
        """Reference code lists: diagnoses, clinics, facilities, doctors, regions."""
        return ReferensiResource(self)

    @functools.cached_property
    def monitoring(self) -> MonitoringResource:
        """Visits, claims, service history and Jasa Raharja reports."""
        return MonitoringResource(self)

    @functools.cached_property
    def prb(self) -> PrbResource:
        """Program Rujuk Balik (back-referrals)."""
        return PrbResource(self)

    @functools.cached_property
    def lpk(self) -> LpkResource:
        """Claim sheets (Lembar Pengajuan Klaim)."""
        return LpkResource(self)

    # -- requests --------------------------------------------------------------------------

    def endpoint(self, name: str) -> Endpoint:
        """The catalog row for ``name``, with any path override from the config applied."""
        row = CATALOG[name]
        override = self.config.path_overrides.get(name)
        if override is None:
            return row
        return Endpoint(row.name, row.method, override.strip("/"), row.encrypted, row.summary)

    async def _call(
        self, name: str, params: Mapping[str, str], *, model: type[T], body: Any = None
    ) -> T:
        value, _ = await self._call_detailed(name, params, model=model, body=body)
        if value is None:  # pragma: no cover - _call_detailed raises for null unless nullable
            raise AssertionError("unreachable")
        return value

    async def _call_nullable(
        self, name: str, params: Mapping[str, str], *, model: type[T], body: Any = None
    ) -> T | None:
        value, _ = await self._call_detailed(name, params, model=model, body=body, nullable=True)
        return value

    async def _call_detailed(
        self,
        name: str,
        params: Mapping[str, str],
        *,
        model: type[T],
        body: Any = None,
        nullable: bool = False,
    ) -> tuple[T | None, Answer]:
        """Send one catalog operation and decode its answer; also return the raw answer."""
        endpoint = self.endpoint(name)
        path = endpoint.path.format_map(params)
        data = None if body is None else _encoder.encode(body)
        started = time.monotonic()
        answer: Answer | None = None
        try:
            answer = await self.transport.request(endpoint, path, data)
            value = self._decode(endpoint, answer, model, nullable)
        except VClaimError as exc:
            exc.endpoint = exc.endpoint or name
            if answer is not None:
                exc.attempts = answer.attempts
            self._emit(endpoint, started, answer, exc)
            raise
        self._emit(endpoint, started, answer, None)
        return value, answer

    def _decode(
        self, endpoint: Endpoint, answer: Answer, model: type[T], nullable: bool
    ) -> T | None:
        envelope = parse_envelope(answer.status, answer.body, endpoint=endpoint.name)
        text, decrypted = payload_text(
            envelope.response,
            encrypted=endpoint.encrypted,
            cons_id=self.config.cons_id,
            secret=self.config.secret,
            timestamp=answer.timestamp,
        )
        if text is None and nullable:
            return None
        return decode_payload(text, decrypted, envelope.response, model)

    def _emit(
        self,
        endpoint: Endpoint,
        started: float,
        answer: Answer | None,
        error: VClaimError | None,
    ) -> None:
        if not self._hooks:
            return
        status = answer.status if answer is not None else getattr(error, "status", None)
        if error is None:
            code: str | None = "200"
        else:
            code = error.code if isinstance(error, APIError) else None
        attempts = answer.attempts if answer is not None else None
        if attempts is None:
            attempts = (error.attempts if error is not None else None) or 1
        event = CallEvent(
            operation=endpoint.name,
            method=endpoint.method,
            status=status,
            code=code,
            attempts=attempts,
            latency=time.monotonic() - started,
            error=None if error is None else type(error).__name__,
            cache=CACHE_STATE.get(),
        )
        for hook in self._hooks:
            try:
                hook(event)
            except Exception:
                # A broken metrics hook must never break a hospital's eligibility check.
                logger.exception("vclaim: hook %r failed", hook)
