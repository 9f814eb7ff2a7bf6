"""The eligibility cache: Peserta answers reused for minutes, keyed and sealed with the secret.

Off by default. ``VClaimClient(config, cache=MemoryCache())`` keeps answers in this process;
``cache=RedisCache(url)`` shares them between processes. Either way the key is an HMAC of
(operation, identifier, service date) and the value an AES-GCM ciphertext, both under keys
derived (HKDF) from the consumer's secret, so the store holds no readable card number, NIK
or patient data. Only real answers are cached: BPJS's 201 "no data" and every error are not.
Concurrent look-ups of one participant in a process share one request (single flight).
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime
import hashlib
import hmac
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ._hooks import CallEvent
from ._validate import JAKARTA
from .models.peserta import Peserta

if TYPE_CHECKING:
    from ._client import VClaimClient
    from ._config import VClaimConfig

__all__ = ["CACHE_STATE", "Cache", "EligibilityCache", "MemoryCache", "lookup", "time_to_live"]

logger = logging.getLogger(__name__)

#: How the call being made relates to the cache ("miss"), read by the client's hook events.
CACHE_STATE: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "vclaim_cache_state", default=None
)

_decoder = msgspec.json.Decoder(Peserta)

#: How the cache asks BPJS when it has no answer: ``fetch(operation, params)``.
Fetch = Callable[[str, Mapping[str, str]], Awaitable[Peserta]]


@runtime_checkable
class Cache(Protocol):
    """Where sealed answers are kept: bytes in, bytes out, each with a time to live.

    ``ttl`` is the longest an answer may be reused. A store that cannot be reached reads as
    empty and ignores writes; it never raises to the caller.
    """

    ttl: float

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl: float) -> None: ...

    async def aclose(self) -> None: ...


class MemoryCache:
    """An in-process cache of at most ``max_entries`` answers, each reused up to ``ttl`` s.

    The least recently used entry goes first when it is full.
    """

    def __init__(self, *, ttl: float = 600.0, max_entries: int = 10_000) -> None:
        if not ttl > 0:
            raise ValueError("ttl must be positive")
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry[1]

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        self._entries[key] = (time.monotonic() + ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    async def aclose(self) -> None:
        self._entries.clear()


def time_to_live(ttl: float, service_date: str, now: float) -> float:
    """Seconds an answer for ``service_date`` may be reused: ``ttl``, cut at the end of that
    day in Asia/Jakarta (eligibility is per service day). Zero or less: do not keep it."""
    day = datetime.date.fromisoformat(service_date)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), JAKARTA)
    return min(ttl, end.timestamp() - now)


def _derive(config: VClaimConfig, purpose: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=config.cons_id.encode(),
        info=b"vclaim-async/cache/" + purpose,
    ).derive(config.secret.encode())


class _LeaderCancelled(Exception):
    """The look-up others were waiting on was cancelled by its own caller."""


class EligibilityCache:
    """One client's view of a :class:`Cache`: keys, sealing, freshness, single flight."""

    def __init__(self, client: VClaimClient, store: Cache) -> None:
        self.store = store
        self._client = client
        config = client.config
        self._index_key = _derive(config, b"index")
        self._aead = AESGCM(_derive(config, b"value"))
        self._flights: dict[str, asyncio.Future[Peserta]] = {}

    def key(self, operation: str, params: Mapping[str, str]) -> str:
        material = "\0".join([operation, *(f"{k}={params[k]}" for k in sorted(params))])
        return hmac.new(self._index_key, material.encode(), hashlib.sha256).hexdigest()[:40]

    def seal(self, key: str, peserta: Peserta) -> bytes:
        nonce = os.urandom(12)
        # The key is the associated data: a value copied under another key does not open.
        return nonce + self._aead.encrypt(nonce, msgspec.json.encode(peserta), key.encode())

    def open(self, key: str, sealed: bytes) -> Peserta | None:
        try:
            plain = self._aead.decrypt(sealed[:12], sealed[12:], key.encode())
            return _decoder.decode(plain)
        except (InvalidTag, ValueError, msgspec.DecodeError):
            # Another secret's entry, or an older layout: a miss, not an error.
            logger.debug("vclaim: unreadable cache entry ignored")
            return None

    async def lookup(
        self, operation: str, params: Mapping[str, str], fetch: Fetch, *, fresh: bool
    ) -> Peserta:
        key = self.key(operation, params)
        started = time.monotonic()
        while not fresh:
            sealed = await self.store.get(key)
            if sealed is not None:
                peserta = self.open(key, sealed)
                if peserta is not None:
                    self._event(operation, started, "hit")
                    return peserta
            flight = self._flights.get(key)
            if flight is None:
                break
            try:
                peserta = await asyncio.shield(flight)
            except _LeaderCancelled:
                continue  # the caller sending it gave up: look again, maybe lead
            self._event(operation, started, "joined")
            return peserta
        future: asyncio.Future[Peserta] = asyncio.get_running_loop().create_future()
        if not fresh:
            self._flights[key] = future
        try:
            token = CACHE_STATE.set("fresh" if fresh else "miss")
            try:
                peserta = await fetch(operation, params)
            finally:
                CACHE_STATE.reset(token)
            ttl = time_to_live(self.store.ttl, params["tgl_sep"], self._client._clock())
            if ttl > 0:
                await self.store.set(key, self.seal(key, peserta), ttl)
        except BaseException as exc:
            gone = isinstance(exc, asyncio.CancelledError)
            future.set_exception(_LeaderCancelled() if gone else exc)
            # Joined callers re-raise it; none may be waiting, so mark it seen.
            future.exception()
            raise
        else:
            future.set_result(peserta)
            return peserta
        finally:
            if self._flights.get(key) is future:
                del self._flights[key]

    def _event(self, operation: str, started: float, state: str) -> None:
        hooks = self._client._hooks
        if not hooks:
            return
        endpoint = self._client.endpoint(operation)
        event = CallEvent(
            operation=operation,
            method=endpoint.method,
            status=None,
            code="200",
            attempts=0,
            latency=time.monotonic() - started,
            error=None,
            cache=state,
        )
        for hook in hooks:
            try:
                hook(event)
            except Exception:
                logger.exception("vclaim: hook %r failed", hook)


async def lookup(
    client: VClaimClient,
    operation: str,
    params: Mapping[str, str],
    fetch: Fetch,
    *,
    fresh: bool = False,
) -> Peserta:
    """A Peserta look-up through the client's cache when it has one; ``fetch`` asks BPJS."""
    cache = client._eligibility
    if cache is None:
        return await fetch(operation, params)
    return await cache.lookup(operation, params, fetch, fresh=fresh)
