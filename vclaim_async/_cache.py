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
import struct
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
from ._limiter import CALL_DEADLINE, within
from ._transport import is_retryable
from ._validate import JAKARTA
from .errors import VClaimError, VClaimTimeoutError
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
    # The base URL is in it: development and production never read each other's answers.
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=config.cons_id.encode(),
        info=b"vclaim-async/cache/v2/" + purpose + b"\0" + config.url.encode(),
    ).derive(config.secret.encode())


#: Sealed layout: nonce (12) + AES-GCM of [version (1), expiry (8, epoch s, big-endian
#: double), service date (10, ISO), JSON]. The expiry and the date are authenticated: an entry
#: made persistent in the store, or copied to another day's key, does not open.
_VERSION = 2
_HEAD = struct.Struct(">Bd10s")


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

    def seal(self, key: str, peserta: Peserta, *, expires: float, service_date: str) -> bytes:
        """``peserta`` sealed under ``key``, good until ``expires`` (epoch s) for that day."""
        nonce = os.urandom(12)
        head = _HEAD.pack(_VERSION, expires, service_date.encode("ascii"))
        # The key is the associated data: a value copied under another key does not open.
        return nonce + self._aead.encrypt(nonce, head + msgspec.json.encode(peserta), key.encode())

    def open(self, key: str, sealed: bytes, *, service_date: str) -> Peserta | None:
        """The answer sealed in ``sealed``, or None if it is unreadable, expired or not
        for ``service_date`` (whatever time to live the store gave it)."""
        try:
            plain = self._aead.decrypt(sealed[:12], sealed[12:], key.encode())
            version, expires, day = _HEAD.unpack_from(plain)
            if version != _VERSION or day != service_date.encode("ascii"):
                logger.debug("vclaim: cache entry for another layout or day ignored")
                return None
            if not self._client._clock() < expires:
                logger.debug("vclaim: expired cache entry ignored")
                return None
            return _decoder.decode(plain[_HEAD.size :])
        except (InvalidTag, ValueError, struct.error, msgspec.DecodeError):
            # Another secret's entry, or an older layout: a miss, not an error.
            logger.debug("vclaim: unreadable cache entry ignored")
            return None

    async def _read(self, key: str, operation: str, deadline: float) -> bytes | None:
        """The store's entry for ``key``; the call's deadline bounds the wait for it."""
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise asyncio.TimeoutError
            return await within(self.store.get(key), remaining)
        except asyncio.TimeoutError:
            raise VClaimTimeoutError(
                "the call's deadline passed while reading the cache",
                endpoint=operation,
                sent=False,
                waited_for="cache",
            ) from None

    async def lookup(
        self,
        operation: str,
        params: Mapping[str, str],
        fetch: Fetch,
        *,
        fresh: bool,
        options: VClaimConfig | None = None,
    ) -> Peserta:
        """One look-up: from the store, by joining the same look-up in flight, or by asking.

        ``options`` (the calling view's config) sets this call's deadline, which bounds the
        cache read, the join and the request; a joiner whose leader fails on something worth
        retrying asks on its own while its deadline lasts.
        """
        key = self.key(operation, params)
        service_date = params["tgl_sep"]
        started = time.monotonic()
        policy = (options or self._client.config).retry
        outer = CALL_DEADLINE.get()
        deadline = started + policy.deadline if outer is None else outer
        token = CALL_DEADLINE.set(deadline)
        try:
            while not fresh:
                sealed = await self._read(key, operation, deadline)
                if sealed is not None:
                    peserta = self.open(key, sealed, service_date=service_date)
                    if peserta is not None:
                        self._event(operation, started, "hit")
                        return peserta
                flight = self._flights.get(key)
                if flight is None:
                    break
                try:
                    peserta = await within(asyncio.shield(flight), deadline - time.monotonic())
                except _LeaderCancelled:
                    continue  # the caller sending it gave up: look again, maybe lead
                except asyncio.TimeoutError:
                    raise VClaimTimeoutError(
                        f"waited {time.monotonic() - started:.2f} s for the same look-up "
                        f"in flight; the call's deadline of {policy.deadline:g} s has passed",
                        endpoint=operation,
                        sent=False,
                        waited_for="single flight",
                    ) from None
                except VClaimError as exc:
                    if is_retryable(exc, idempotent=True) and time.monotonic() < deadline:
                        continue  # the leader ran out of its own time: ask on ours
                    raise
                self._event(operation, started, "joined")
                return peserta
            return await self._lead(key, operation, params, fetch, fresh=fresh)
        finally:
            CALL_DEADLINE.reset(token)

    async def _lead(
        self, key: str, operation: str, params: Mapping[str, str], fetch: Fetch, *, fresh: bool
    ) -> Peserta:
        future: asyncio.Future[Peserta] = asyncio.get_running_loop().create_future()
        if not fresh:
            self._flights[key] = future
        try:
            token = CACHE_STATE.set("fresh" if fresh else "miss")
            try:
                peserta = await fetch(operation, params)
            finally:
                CACHE_STATE.reset(token)
        except BaseException as exc:
            gone = isinstance(exc, asyncio.CancelledError)
            future.set_exception(_LeaderCancelled() if gone else exc)
            # Joined callers re-raise it; none may be waiting, so mark it seen.
            future.exception()
            if self._flights.get(key) is future:
                del self._flights[key]
            raise
        # Joiners have their answer before it is stored: a slow store delays only this call.
        future.set_result(peserta)
        if self._flights.get(key) is future:
            del self._flights[key]
        now = self._client._clock()
        ttl = time_to_live(self.store.ttl, params["tgl_sep"], now)
        if ttl > 0:
            sealed = self.seal(key, peserta, expires=now + ttl, service_date=params["tgl_sep"])
            await self.store.set(key, sealed, ttl)
        return peserta

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
    return await cache.lookup(operation, params, fetch, fresh=fresh, options=client.config)
