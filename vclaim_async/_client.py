"""``VClaimClient``: the async context manager users hold, with resources as properties."""

from __future__ import annotations

import copy
import dataclasses
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import TypeVar

import aiohttp

from ._cache import Cache, EligibilityCache
from ._catalog import CATALOG, Endpoint
from ._config import RetryPolicy, VClaimConfig
from ._hooks import Hook
from ._limiter import Limiter
from ._transport import Transport
from .resources.lpk import LpkResource
from .resources.monitoring import MonitoringResource
from .resources.peserta import PesertaResource
from .resources.prb import PrbResource
from .resources.referensi import ReferensiResource
from .resources.rencana_kontrol import RencanaKontrolResource
from .resources.rujukan import RujukanResource
from .resources.sep import SepResource

__all__ = ["ServiceClient", "VClaimClient"]

logger = logging.getLogger(__name__)

#: The cached resource properties, dropped from a view so they bind to the view.
_RESOURCES = (
    *("peserta", "sep", "rujukan", "rencana_kontrol"),
    *("referensi", "monitoring", "prb", "lpk"),
)


_C = TypeVar("_C", bound="ServiceClient")


class ServiceClient:
    """What every BPJS service client shares: config, one pooled session, the transport, the
    limiter, hooks, views (:meth:`with_options`) and the catalog look-up.

    A service is a subclass naming its config class and catalog and adding its resources as
    cached properties (:class:`VClaimClient`, :class:`~vclaim_async.antrean.AntreanClient`).
    """

    #: The config class this client takes (exactly: a sibling service's config is refused).
    config_type: type[VClaimConfig] = VClaimConfig
    #: The operations this client may call, by name.
    catalog: Mapping[str, Endpoint] = CATALOG
    #: The cached resource properties, dropped from a view so they bind to the view.
    _resource_names: tuple[str, ...] = ()

    def __init__(
        self,
        config: VClaimConfig,
        *,
        session: aiohttp.ClientSession | None = None,
        clock: Callable[[], float] = time.time,
        hooks: Iterable[Hook] = (),
        limiter: Limiter | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        expected = self.config_type
        if not isinstance(config, expected) or config.service != expected.service:
            raise TypeError(f"config must be a {expected.__name__}")
        self.config = config
        self._hooks = tuple(hooks)
        # -- shared limiter (docs/several-processes.md) --
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
        self._eligibility: EligibilityCache | None = None
        # -- end shared --
        self._clock = clock
        #: The clock and sleep of the waits the client makes between calls (the settle window
        #: of a reconciled SEP insert); tests drive them (STYLE habit 13).
        self.monotonic = monotonic
        self.sleep = sleep
        self._borrowed = session
        self._session: aiohttp.ClientSession | None = None
        self._transport: Transport | None = None
        #: The client that owns the session; a view from with_options() points at its root.
        self._root: ServiceClient = self

    def with_options(
        self: _C,
        *,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
    ) -> _C:
        """A view of this client whose calls use other options, sharing everything else.

        The view shares the session, connection pool, semaphore and hooks; it is cheap to make
        per call, e.g. ``await client.with_options(timeout=5).peserta.by_card(no)`` for an
        interactive screen while a nightly batch uses the defaults. ``timeout`` bounds each
        attempt, ``retry`` the attempts and the whole call (``retry.deadline``). Closing a view
        does nothing; the client it came from owns the session.
        """
        changes: dict[str, object] = {}
        if timeout is not None:
            changes["timeout"] = timeout
        if retry is not None:
            changes["retry"] = retry
        if max_response_bytes is not None:
            changes["max_response_bytes"] = max_response_bytes
        view = copy.copy(self)
        for name in self._resource_names:
            view.__dict__.pop(name, None)
        view.config = self.config.replace(**changes)
        return view

    # -- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self: _C) -> _C:
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
        if self._root is not self:
            await self._root.open()
            return
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
            # trust_env stays off: HTTP(S)_PROXY would see every path; see config.proxy.
            session = aiohttp.ClientSession(connector=connector)
        self._session = session
        self._transport = Transport(self.config, session, clock=self._clock, limiter=self.limiter)

    async def aclose(self) -> None:
        """Close the session if the client created it; a borrowed one is left open."""
        if self._root is not self:
            return
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
        transport = self._root._transport
        if transport is None:
            name = type(self).__name__
            raise RuntimeError(f"{name} is not open: use `async with {name}(...)`")
        return transport

    # -- requests --------------------------------------------------------------------------

    def endpoint(self, name: str) -> Endpoint:
        """The catalog row for ``name``, with any path override from the config applied."""
        row = self.catalog[name]
        override = self.config.path_overrides.get(name)
        if override is None:
            return row
        return dataclasses.replace(row, path=override.strip("/"))


class VClaimClient(ServiceClient):
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
    Peserta answers for a few minutes; off by default; with ``config.cache_url`` set and no
    ``cache`` given, the client builds a RedisCache (``config.cache_ttl``). The client closes
    both on exit. ``monotonic`` and ``sleep`` time the waits the client makes between calls
    (the settle window of ``sep.insert(..., reconcile=True)``); tests pass a clock they drive.
    """

    _resource_names = _RESOURCES

    def __init__(
        self,
        config: VClaimConfig,
        *,
        session: aiohttp.ClientSession | None = None,
        clock: Callable[[], float] = time.time,
        hooks: Iterable[Hook] = (),
        limiter: Limiter | None = None,
        cache: Cache | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(
            config,
            session=session,
            clock=clock,
            hooks=hooks,
            limiter=limiter,
            monotonic=monotonic,
            sleep=sleep,
        )
        if cache is None and config.cache_url is not None:
            from .redis import RedisCache

            cache = RedisCache(config.cache_url, ttl=config.cache_ttl or 600.0)
        self._eligibility = None if cache is None else EligibilityCache(self, cache)

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
