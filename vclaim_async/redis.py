"""Several processes, one BPJS quota: a shared limiter and a shared eligibility cache on Redis.

Needs redis-py (``pip install 'vclaim-async[redis]'``); it is imported only when one of these
classes is built, so the core install stays Redis-free.

The limiter is a counting semaphore of leased slots with a ticket queue (the fair semaphore of
*Redis in Action* §6.3, one short Lua script) and an optional GCRA rate limit (the algorithm of
go-redis/redis_rate) in the same script. Times are the Redis server's, so process clocks never
disagree. Nothing here stores a consumer id, card number or NIK in clear.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import itertools
import logging
import os
import secrets
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._limiter import Outage

if TYPE_CHECKING:
    from ._config import VClaimConfig

__all__ = ["RedisCache", "RedisLimiter"]

logger = logging.getLogger(__name__)

# KEYS: holders, queue, seen, ticket, cooldown, rate.
# ARGV: waiter, holder, limit, lease ms, stale ms, emission interval ms (0: no rate), burst.
# Returns {1, 0} when `holder` now holds a slot, else {0, ms worth waiting before asking again}.
_ACQUIRE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local limit, lease, stale = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local interval, burst = tonumber(ARGV[6]), tonumber(ARGV[7])
-- Slots of killed holders come back when their lease lapses; silent waiters leave the queue.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - stale)
if #gone > 0 then
  redis.call('ZREM', KEYS[2], unpack(gone))
  redis.call('ZREM', KEYS[3], unpack(gone))
end
-- A ticket on the first ask keeps the place: free slots go to the lowest tickets.
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), ARGV[1])
end
redis.call('ZADD', KEYS[3], now, ARGV[1])
for i = 2, 4 do redis.call('PEXPIRE', KEYS[i], lease + stale) end
local cool = redis.call('PTTL', KEYS[5])
if cool > 0 then return {0, cool} end
local free = limit - redis.call('ZCARD', KEYS[1])
if free <= 0 or redis.call('ZRANK', KEYS[2], ARGV[1]) >= free then return {0, 0} end
if interval > 0 then
  -- GCRA: tat is when the bucket would be empty again; up to `burst` may go at once.
  local tat = math.max(tonumber(redis.call('GET', KEYS[6]) or 0), now)
  local early = tat - now - (burst - 1) * interval
  if early > 0 then return {0, early} end
  redis.call('SET', KEYS[6], tat + interval, 'PX', tat + interval - now)
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[1], now + lease, ARGV[2])
redis.call('PEXPIRE', KEYS[1], lease)
return {1, 0}
"""

# KEYS: holders, queue, seen, cooldown. ARGV: holder, limit, channel prefix, lease ms, stale ms,
# rate (1: a rate limit applies). Frees the slot and hands it straight to the first live waiter
# (one message on its process's own channel, no second round trip); with a cool-down or a rate
# limit to respect, it only wakes the waiter, which then asks through _ACQUIRE.
_RELEASE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local free = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1])
if free <= 0 then return 0 end
local direct = ARGV[6] == '0' and redis.call('PTTL', KEYS[4]) <= 0
for _, waiter in ipairs(redis.call('ZRANGE', KEYS[2], 0, free - 1)) do
  local seen = tonumber(redis.call('ZSCORE', KEYS[3], waiter) or 0)
  if direct and seen > now - tonumber(ARGV[5]) then
    local holder = waiter .. ':h' .. ARGV[1]
    redis.call('ZREM', KEYS[2], waiter)
    redis.call('ZREM', KEYS[3], waiter)
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), holder)
    redis.call('PUBLISH', ARGV[3] .. waiter, holder)
  else
    redis.call('PUBLISH', ARGV[3] .. waiter, '')
  end
end
return 0
"""

# KEYS: holders. ARGV: lease ms, holder... Extends the leases this process still holds.
_RENEW = """
local t = redis.call('TIME')
local expiry = t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expiry, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 0
"""

# KEYS: cooldown. ARGV: ms. A 429's pause only ever lengthens the shared one, never cuts it.
_COOL_DOWN = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 0
"""


def _import_redis() -> Any:
    try:
        import redis.asyncio as aioredis
    except ImportError as exc:
        raise ImportError(
            "RedisLimiter and RedisCache need redis-py: pip install 'vclaim-async[redis]'"
        ) from exc
    return aioredis


def _connect(url: str, timeout: float, *, idle_ok: bool = False) -> Any:
    """A client whose commands give up after ``timeout`` (a slow Redis counts as down).

    A pooled connection that died with an earlier outage is reconnected once, at once, rather
    than reported as a new outage. Callers beyond the pool queue for a connection: that is
    our own burst, not a slow Redis (each command still has ``timeout``), so they may wait
    ten times as long. ``idle_ok`` (pub/sub): reads may wait as long as they like.
    """
    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError

    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=64,
        timeout=timeout * 10,
        socket_timeout=None if idle_ok else timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    )
    return aioredis.Redis(connection_pool=pool)


def _errors() -> tuple[type[BaseException], ...]:
    """What "Redis is down or slow" looks like: never passed on to the caller."""
    import redis.exceptions

    return (redis.exceptions.RedisError, OSError, asyncio.TimeoutError)


def _where(url: str) -> str:
    """``Redis at host:port`` for log lines: never the password a URL may carry."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"Redis at {parts.path}"
    return f"Redis at {parts.hostname}:{parts.port or 6379}"


def _check_url(url: str) -> str:
    if not isinstance(url, str) or urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ValueError("the Redis URL must start with redis://, rediss:// or unix://")
    return url


def derived_key(config: VClaimConfig, purpose: str) -> str:
    """A name for this consumer's shared state, keyed by its secret: no consumer id in clear."""
    digest = hmac.new(
        config.secret.encode(), f"vclaim-async/{purpose}/v1:{config.cons_id}".encode(), "sha256"
    )
    return digest.hexdigest()[:24]


class RedisLimiter:
    """At most ``max_in_flight`` requests on the wire across every process sharing ``key``.

    Pass it to :class:`~vclaim_async.VClaimClient` (``limiter=``). Each process still keeps
    its own ``max_concurrency``; a request takes its shared slot inside that local one and
    gives it back as soon as the answer's bytes are read.

    - ``per_second``: also at most this many requests started per second across processes
      (``burst`` of them may start together); None for no rate limit.
    - ``key``: the Redis key prefix shared by the processes; by default derived from the
      consumer id and secret with HMAC, so Redis never shows the consumer id.
    - ``lease``: seconds a slot stays taken if its holder dies (a ``kill -9``); live
      holders renew it every third of that, so long requests keep theirs.
    - ``fail_closed``: when Redis is unreachable, wait for it instead of going on under the
      local cap alone (the default, with one WARNING per outage).
    - ``timeout``: seconds one Redis command may take before Redis counts as down;
      ``retry_interval``: how often it is probed again meanwhile; ``poll``: the longest a
      waiter goes without asking again (a released slot wakes waiters at once anyway).

    The client closes it when the client closes; it reconnects if used again.
    """

    def __init__(
        self,
        url: str,
        *,
        max_in_flight: int,
        per_second: float | None = None,
        burst: int = 1,
        key: str | None = None,
        lease: float = 10.0,
        fail_closed: bool = False,
        timeout: float = 0.5,
        retry_interval: float = 1.0,
        poll: float = 0.1,
    ) -> None:
        _import_redis()  # a clear error now rather than at the first look-up
        self._url = _check_url(url)
        if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int):
            raise TypeError("max_in_flight must be an int")
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        if per_second is not None and not per_second > 0:
            raise ValueError("per_second must be positive (or None for no rate limit)")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        for name, value in (
            ("lease", lease),
            ("timeout", timeout),
            ("retry_interval", retry_interval),
            ("poll", poll),
        ):
            if not value > 0:
                raise ValueError(f"{name} must be positive")
        if key is not None and (not key or any(c.isspace() for c in key)):
            raise ValueError("key must be a non-empty string without spaces")
        self.max_in_flight = max_in_flight
        self.per_second = per_second
        self.burst = burst
        self.lease = lease
        self.fail_closed = fail_closed
        self.timeout = timeout
        self.poll = poll
        #: A waiter silent this long has left the queue (it asks at least every ``poll``).
        self._stale_ms = max(1000, round(poll * 5000))
        self._key = key
        self._names: tuple[str, ...] = ()
        self._errors = _errors()
        fallback = "waiting for it" if fail_closed else "going on under each client's own cap"
        self.outage = Outage(_where(url), retry_interval=retry_interval, fallback=fallback)
        self._pid = -1
        self._reset()

    def _reset(self) -> None:
        """Fresh per-process state: a forked worker must not share its parent's sockets."""
        self._pid = os.getpid()
        self._token = f"{secrets.token_hex(6)}"
        self._counter = itertools.count()
        self._redis: Any = None
        self._sub: Any = None
        self._scripts: dict[str, Any] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._listener: asyncio.Task[None] | None = None
        self._renewer: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        #: Set while this process's channel is subscribed: no slot is handed to a deaf waiter.
        self._listening: asyncio.Event | None = None
        self._turn: asyncio.Lock | None = None
        self._held: set[str] = set()
        #: Slots handed over by another process's release, for this process's next waiter.
        self._handed: list[str] = []

    @property
    def key(self) -> str | None:
        """The Redis key prefix in use (None until a client has bound it)."""
        return self._names[0].rsplit(":", 1)[0] if self._names else self._key

    def bind(self, config: VClaimConfig) -> None:
        base = self._key or "vclaim:{" + derived_key(config, "limiter") + "}"
        names = tuple(
            f"{base}:{part}"
            for part in ("holders", "queue", "seen", "ticket", "cooldown", "rate", "free")
        )
        if self._names and self._names != names:
            raise ValueError("this RedisLimiter is already bound to another consumer id")
        self._names = names

    # -- connections -----------------------------------------------------------------------

    def _client(self) -> Any:
        if self._pid != os.getpid():
            self._reset()
        if not self._names:
            raise RuntimeError("RedisLimiter.bind(config) was not called (VClaimClient does)")
        if self._redis is None:
            self._redis = _connect(self._url, self.timeout)
            for name, source in (
                ("acquire", _ACQUIRE),
                ("release", _RELEASE),
                ("renew", _RENEW),
                ("cool_down", _COOL_DOWN),
            ):
                self._scripts[name] = self._redis.register_script(source)
            self._wake = asyncio.Event()
            self._listening = asyncio.Event()
            self._turn = asyncio.Lock()
            self._listener = asyncio.create_task(self._listen())
            self._renewer = asyncio.create_task(self._renew())
        return self._redis

    async def aclose(self) -> None:
        """Stop the background tasks and close the connections (reopened on next use)."""
        for holder in self._handed[:]:  # handed over too late for any waiter here
            self._handed.remove(holder)
            await self.release(holder)
        tasks = [t for t in (self._listener, self._renewer, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        redis, sub = self._redis, self._sub
        self._reset()
        for conn in (redis, sub):
            if conn is not None:
                with contextlib.suppress(*self._errors):  # closing must not fail for an outage
                    await conn.aclose(close_connection_pool=True)

    # -- the Limiter protocol --------------------------------------------------------------

    async def acquire(self) -> object:
        while True:
            if not self.outage.may_try():
                if not self.fail_closed:
                    return None
                await asyncio.sleep(self.outage.retry_interval)
                continue
            outages = self.outage.outages
            try:
                ticket = await self._acquire(outages)
            except self._errors as exc:
                self.outage.failed(exc)
                ticket = None
            if ticket is not None or not self.fail_closed:
                return ticket

    async def _acquire(self, outages: int) -> str | None:
        client = self._client()
        assert self._turn is not None
        assert self._wake is not None
        assert self._listening is not None
        if not self._listening.is_set():
            await asyncio.wait_for(self._listening.wait(), self.timeout)
        holders, queue, seen, ticket, cooldown, rate, _ = self._names
        interval = 0 if self.per_second is None else max(1, round(1000 / self.per_second))
        lease_ms = round(self.lease * 1000)
        stale_ms = self._stale_ms
        # One waiter per process in the shared queue; the others queue behind it locally.
        async with self._turn:
            if self.outage.outages != outages:
                return None  # Redis went while this call queued here: no timeout of its own
            while True:
                if self._handed:
                    holder = self._handed.pop()
                    self._held.add(holder)
                    return holder
                holder = f"{self._token}:{next(self._counter)}"
                self._wake.clear()
                granted, wait_ms = await self._scripts["acquire"](
                    keys=[holders, queue, seen, ticket, cooldown, rate],
                    args=[
                        self._token,
                        holder,
                        self.max_in_flight,
                        lease_ms,
                        stale_ms,
                        interval,
                        self.burst,
                    ],
                    client=client,
                )
                self.outage.ok()
                if granted:
                    self._held.add(holder)
                    return holder
                wait = min(wait_ms / 1000, self.poll) if wait_ms > 0 else self.poll
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)

    async def release(self, ticket: object) -> None:
        holder = str(ticket)
        self._held.discard(holder)
        if self._redis is None or not self.outage.may_try():
            return  # the lease lapses by itself
        holders, queue, seen, _, cooldown, _, channel = self._names
        try:
            await self._scripts["release"](
                keys=[holders, queue, seen, cooldown],
                args=[
                    holder,
                    self.max_in_flight,
                    channel + ":",
                    round(self.lease * 1000),
                    self._stale_ms,
                    0 if self.per_second is None else 1,
                ],
                client=self._redis,
            )
            self.outage.ok()
        except self._errors as exc:
            self.outage.failed(exc)

    def rate_limited(self, seconds: float) -> None:
        if seconds > 0 and self._names:
            self._spawn(self._cool_down(round(seconds * 1000)))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)  # a strong reference until it is done
        task.add_done_callback(self._tasks.discard)

    async def _cool_down(self, ms: int) -> None:
        if not self.outage.may_try():
            return
        try:
            client = self._client()
            await self._scripts["cool_down"](keys=[self._names[4]], args=[ms], client=client)
            self.outage.ok()
            logger.info("vclaim: BPJS answered 429; all processes pause %.1f s", ms / 1000)
        except self._errors as exc:
            self.outage.failed(exc)

    # -- background ------------------------------------------------------------------------

    async def _renew(self) -> None:
        """Keep the leases of live requests: a long request must not lose its slot."""
        lease_ms = round(self.lease * 1000)
        while True:
            await asyncio.sleep(self.lease / 3)
            if self._handed and self._turn is not None and not self._turn.locked():
                # Handed over after its waiter left: give it back rather than let it lapse.
                for holder in self._handed[:]:
                    self._handed.remove(holder)
                    await self.release(holder)
            held = list(self._held)
            if not held or self._redis is None or not self.outage.may_try():
                continue
            try:
                await self._scripts["renew"](
                    keys=[self._names[0]], args=[lease_ms, *held], client=self._redis
                )
                self.outage.ok()
            except self._errors as exc:
                self.outage.failed(exc)

    async def _listen(self) -> None:
        """Wake this process's waiter as soon as a freed slot is its turn."""
        # Its own connection without a socket timeout: a quiet channel is not an outage.
        self._sub = _connect(self._url, self.timeout, idle_ok=True)
        while True:
            pubsub = self._sub.pubsub()
            try:
                await pubsub.subscribe(f"{self._names[6]}:{self._token}")
                if self._listening is not None:
                    self._listening.set()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
                    if message is None or self._wake is None:
                        continue
                    holder = message["data"].decode() if message["data"] else ""
                    if holder and self._turn is not None and not self._turn.locked():
                        self._spawn(self.release(holder))  # nobody here waits any more
                    elif holder:
                        self._handed.append(holder)
                    self._wake.set()
            except self._errors:
                # The acquire path reports the outage and goes on without Redis meanwhile.
                if self._listening is not None:
                    self._listening.clear()
                await asyncio.sleep(self.outage.retry_interval)
            finally:
                await pubsub.aclose()


class RedisCache:
    """An eligibility cache shared by every process, for ``VClaimClient(cache=...)``.

    Keys are HMACs and values AES-GCM ciphertexts, both keyed from the client's secret, so
    Redis holds neither a readable card number or NIK nor readable patient data. ``ttl`` is
    the longest an answer is reused (never past the end of its service day in Asia/Jakarta).
    When Redis is unreachable the cache reads as empty: look-ups go to BPJS, with one WARNING
    per outage.
    """

    def __init__(
        self,
        url: str,
        *,
        ttl: float = 600.0,
        prefix: str = "vclaim:cache:",
        timeout: float = 0.5,
        retry_interval: float = 1.0,
    ) -> None:
        _import_redis()  # a clear error now rather than at the first look-up
        self._url = _check_url(url)
        if not ttl > 0:
            raise ValueError("ttl must be positive")
        if not timeout > 0 or not retry_interval > 0:
            raise ValueError("timeout and retry_interval must be positive")
        self.ttl = ttl
        self.prefix = prefix
        self.timeout = timeout
        self._errors = _errors()
        self.outage = Outage(
            _where(url), retry_interval=retry_interval, fallback="looking up at BPJS"
        )
        self._redis: Any = None
        self._pid = os.getpid()

    def _client(self) -> Any:
        if self._redis is None or self._pid != os.getpid():
            self._pid = os.getpid()
            self._redis = _connect(self._url, self.timeout)
        return self._redis

    async def get(self, key: str) -> bytes | None:
        if not self.outage.may_try():
            return None
        try:
            value: bytes | None = await self._client().get(self.prefix + key)
        except self._errors as exc:
            self.outage.failed(exc)
            return None
        self.outage.ok()
        return value

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        if not self.outage.may_try():
            return
        try:
            await self._client().set(self.prefix + key, value, px=max(1, round(ttl * 1000)))
        except self._errors as exc:
            self.outage.failed(exc)
            return
        self.outage.ok()

    async def aclose(self) -> None:
        redis, self._redis = self._redis, None
        if redis is not None:
            with contextlib.suppress(*self._errors):  # closing must not fail for an outage
                await redis.aclose(close_connection_pool=True)
