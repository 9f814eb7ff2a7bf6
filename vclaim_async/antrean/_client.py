"""``AntreanClient``: Antrean RS on the shared core (transport, signing, limiter, hooks)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Mapping

import aiohttp

from .._catalog import ANTREAN_CATALOG, Endpoint
from .._client import ServiceClient
from .._config import AntreanConfig, VClaimConfig
from .._hooks import Hook
from .._limiter import Limiter
from .resources import (
    AntreanResource,
    DashboardResource,
    JadwalDokterResource,
    ReferensiResource,
)

__all__ = ["AntreanClient"]


class AntreanClient(ServiceClient):
    """An asyncio client for BPJS Antrean RS (WS BPJS, "Antrol").

    ``async with AntreanClient(AntreanConfig.from_env()) as client:`` opens one pooled aiohttp
    session and closes it on exit; everything but the catalog, the user key and the envelope
    dialect is VClaim's: per-attempt signing, retries that never re-send a write blindly, the
    semaphore, an optional shared ``limiter``, ``hooks``, deadlines and bounded reads. A
    ``session`` passed in is borrowed and never closed.
    """

    config_type: type[VClaimConfig] = AntreanConfig
    catalog: Mapping[str, Endpoint] = ANTREAN_CATALOG
    _resource_names = ("referensi", "jadwal_dokter", "antrean", "dashboard")

    config: AntreanConfig

    def __init__(
        self,
        config: AntreanConfig,
        *,
        session: aiohttp.ClientSession | None = None,
        clock: Callable[[], float] = time.time,
        hooks: Iterable[Hook] = (),
        limiter: Limiter | None = None,
    ) -> None:
        super().__init__(config, session=session, clock=clock, hooks=hooks, limiter=limiter)

    @functools.cached_property
    def referensi(self) -> ReferensiResource:
        """HFIS references: poli, doctors, fingerprint poli and patients."""
        return ReferensiResource(self)

    @functools.cached_property
    def jadwal_dokter(self) -> JadwalDokterResource:
        """Doctor schedules in HFIS."""
        return JadwalDokterResource(self)

    @functools.cached_property
    def antrean(self) -> AntreanResource:
        """Registrations and task times."""
        return AntreanResource(self)

    @functools.cached_property
    def dashboard(self) -> DashboardResource:
        """The waiting-time dashboard."""
        return DashboardResource(self)
