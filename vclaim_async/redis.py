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
import collections
import contextlib
import hmac
import itertools
import logging
import os
import secrets
import socket
import time
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._limiter import WAITING, Outage, within

if TYPE_CHECKING:
    from ._config import VClaimConfig

__all__ = ["RedisCache", "RedisLimiter"]

logger = logging.getLogger(__name__)

# KEYS: holders, queue, seen, ticket, cooldown, rate, hand (this process's hand-over list).
# ARGV: name, limit, lease ms, stale ms, emission interval ms (0: no rate), burst, longest
# cool-down ms. Returns {1, 0, 0} when `name` now holds a slot, else {0, ms worth waiting
# before asking again, 1 when that is a cool-down}. Uncontended, it runs 7 commands.
_ACQUIRE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local name = ARGV[1]
local limit, lease, stale = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local interval, burst, longest = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
-- A slot handed over while this process could not hear it: claim it now.
if tonumber(redis.call('ZSCORE', KEYS[1], name) or 0) > now then
  redis.call('ZADD', KEYS[1], now + lease, name)
  redis.call('LREM', KEYS[7], 0, name)
  return {1, 0, 0}
end
-- Nobody holds off longer than a 429 can make them: a forged hour heals at once.
local cool = redis.call('PTTL', KEYS[5])
if cool > longest then
  redis.call('PEXPIRE', KEYS[5], longest)
  cool = longest
end
local held = redis.call('ZCARD', KEYS[1])
if held >= limit then
  -- Full: drop lapsed leases (killed holders) and leases no live holder can have (forged
  -- or from another lease setting) before believing it.
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '(' .. (now + lease + 1000), '+inf')
  held = redis.call('ZCARD', KEYS[1])
end
if cool > 0 or held >= limit or interval > 0 or redis.call('EXISTS', KEYS[2]) == 1 then
  -- Someone waits, or this one must: a ticket on the first ask keeps its place, and free
  -- slots go to the lowest tickets. Silent waiters (killed or gone) leave the queue.
  local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - stale, 'LIMIT', 0, 64)
  if #gone > 0 then
    redis.call('ZREM', KEYS[2], unpack(gone))
    redis.call('ZREM', KEYS[3], unpack(gone))
  end
  if not redis.call('ZSCORE', KEYS[2], name) then
    redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), name)
  end
  redis.call('ZADD', KEYS[3], now, name)
  for i = 2, 4 do redis.call('PEXPIRE', KEYS[i], lease + stale) end
  if cool > 0 then return {0, cool, 1} end
  if held >= limit or redis.call('ZRANK', KEYS[2], name) >= limit - held then
    return {0, 0, 0}
  end
  if interval > 0 then
    -- GCRA: tat is when the bucket would be empty again; up to `burst` may go at once.
    local tat = math.max(tonumber(redis.call('GET', KEYS[6]) or 0), now)
    local early = tat - now - (burst - 1) * interval
    if early > 0 then return {0, early, 0} end
    redis.call('SET', KEYS[6], tat + interval, 'PX', tat + interval - now)
  end
  redis.call('ZREM', KEYS[2], name)
  redis.call('ZREM', KEYS[3], name)
end
redis.call('ZADD', KEYS[1], now + lease, name)
redis.call('PEXPIRE', KEYS[1], lease + 1000)
return {1, 0, 0}
"""

# KEYS: holders, queue, seen, cooldown. ARGV: name, limit, hand-over list prefix, claim ms,
# stale ms, rate (1: a rate limit applies), leaving (1: a waiter gives up its place).
# Frees the slot and hands it straight to the first live waiter: the waiter's own name goes
# into the holders with a short claim deadline and onto its process's hand-over list, where
# that process's BLPOP takes it (the pop is the claim). With a cool-down or a rate limit to
# respect, it only wakes the waiter (an empty string), which then asks through _ACQUIRE.
# Uncontended, it runs 2 commands.
_RELEASE = """
local name = ARGV[1]
redis.call('ZREM', KEYS[1], name)
if ARGV[7] == '1' then
  redis.call('ZREM', KEYS[2], name)
  redis.call('ZREM', KEYS[3], name)
  redis.call('LREM', ARGV[3] .. string.match(name, '^[^:]*'), 0, name)
end
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local free = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1])
if free <= 0 then return 0 end
local claim, stale = tonumber(ARGV[4]), tonumber(ARGV[5])
local direct = ARGV[6] == '0' and redis.call('PTTL', KEYS[4]) <= 0
for _, waiter in ipairs(redis.call('ZRANGE', KEYS[2], 0, free - 1)) do
  local list = ARGV[3] .. string.match(waiter, '^[^:]*')
  local seen = tonumber(redis.call('ZSCORE', KEYS[3], waiter) or 0)
  if direct and seen > now - stale then
    redis.call('ZREM', KEYS[2], waiter)
    redis.call('ZREM', KEYS[3], waiter)
    redis.call('ZADD', KEYS[1], now + claim, waiter)
    redis.call('RPUSH', list, waiter)
  else
    redis.call('RPUSH', list, '')
  end
  redis.call('LTRIM', list, -16, -1)
  redis.call('PEXPIRE', list, claim + stale)
end
return 0
"""

# KEYS: holders. ARGV: lease ms, holder... Extends the leases this process still holds.
_RENEW = """
local t = redis.call('TIME')
local expiry = t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expiry, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 1000)
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


#: TCP keepalive for every Redis socket: a peer that vanished without a FIN (a NAT that
#: dropped the flow, a powered-off host) is found by the kernel within about 20 s even when
#: nothing is being sent.
_KEEPALIVE: dict[int, int] = {
    option: value
    for option, value in (
        (getattr(socket, "TCP_KEEPIDLE", None), 10),
        (getattr(socket, "TCP_KEEPINTVL", None), 3),
        (getattr(socket, "TCP_KEEPCNT", None), 3),
    )
    if option is not None
}

#: redis-py PINGs a pooled connection idle longer than this before using it again.
HEALTH_CHECK_INTERVAL = 15.0


def _connect(url: str, timeout: float, *, block: float = 0.0) -> Any:
    """A client whose commands give up after ``timeout`` (a slow Redis counts as down).

    Every connection has a connect and a read timeout, TCP keepalive and a health check (a
    PING before reusing a connection idle for ``HEALTH_CHECK_INTERVAL``). A pooled
    connection that died with an earlier outage is reconnected once, at once, rather than
    reported as a new outage. Callers beyond the pool queue for a connection: that is our
    own burst, not a slow Redis (each command still has ``timeout``), so they may wait ten
    times as long. ``block``: the longest a blocking command (BLPOP) of this client waits
    on the server, added to the read timeout.
    """
    import redis.asyncio as aioredis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError

    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=64,
        timeout=timeout * 10,
        socket_timeout=timeout + block,
        socket_connect_timeout=timeout,
        socket_keepalive=True,
        socket_keepalive_options=_KEEPALIVE,
        health_check_interval=HEALTH_CHECK_INTERVAL,
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    )
    return aioredis.Redis(connection_pool=pool)


def _errors() -> tuple[type[BaseException], ...]:
    """What "Redis is down or slow" looks like: never passed on to the caller."""
    import redis.exceptions

    return (redis.exceptions.RedisError, OSError, asyncio.TimeoutError)


def _is_timeout(exc: BaseException) -> bool:
    import redis.exceptions

    return isinstance(exc, (redis.exceptions.TimeoutError, asyncio.TimeoutError))


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
    """A name for this consumer's shared state, keyed by its secret: no consumer id in clear.

    The base URL is part of it: development and production with the same credentials (or a
    hospital's two sites) never share a quota or a cache by accident.
    """
    digest = hmac.new(
        config.secret.encode(),
        f"vclaim-async/{purpose}/v2:{config.cons_id}\0{config.url}".encode(),
        "sha256",
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
      consumer id, the base URL and the secret with HMAC, so Redis never shows the consumer
      id and development never shares production's quota.
    - ``lease``: seconds a slot stays taken if its holder dies (a ``kill -9``); live
      holders renew it every third of that, so long requests keep theirs. Every process
      sharing a key must use the same lease: a longer one looks forged and is dropped.
    - ``fail_closed``: when Redis is unreachable, wait for it instead of going on under the
      local cap alone (the default, with one WARNING per outage).
    - ``timeout``: seconds one Redis command may take before Redis counts as down;
      ``retry_interval``: how often it is probed again meanwhile; ``poll``: the longest a
      waiter goes without asking again (a released slot is handed over at once anyway).

    A slot handed to a waiting process is that process's only if it takes it within
    :attr:`claim` seconds; a process that cannot hear Redis any more (a blackholed
    connection) finds out within ``poll + timeout`` seconds, says so in one WARNING, and
    polls until a new connection answers. A cancelled caller leaves nothing held: a slot
    its acquire won after the cancellation is given back one round trip later.

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
        #: Seconds a slot handed to a waiting process stays reserved for it; unclaimed by
        #: then (the process died or cannot hear Redis), it is free again.
        self.claim = max(3.0, 2 * (poll + timeout))
        #: A waiter silent this long has left the queue (it asks at least every ``poll``).
        self._stale_ms = max(1000, round(poll * 5000))
        #: The longest shared cool-down honoured: the bound client's ``retry.max_backoff``
        #: (at least the default policy's), whatever a key in Redis says.
        self._longest_ms = 60_000
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
        #: This process's name in Redis: holder and waiter names are ``token:number``, so
        #: they stay this size however many times slots change hands.
        self._token = secrets.token_hex(6)
        self._counter = itertools.count()
        self._redis: Any = None
        #: A client of its own for the blocking hand-over wait (BLPOP), read timeout widened.
        self._blocking: Any = None
        self._scripts: dict[str, Any] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._renewer: asyncio.Task[None] | None = None
        self._turn: asyncio.Lock | None = None
        #: Held slots by name, with when (monotonic) each is next due for renewal.
        self._held: dict[str, float] = {}
        #: Names of waiters that gave up; a hand-over to one of them is no forgery.
        self._retired: collections.deque[str] = collections.deque(maxlen=64)
        #: Slots whose release failed (Redis away): given back once it answers again, so
        #: an outage costs their lease only if Redis lost them too.
        self._unreleased: collections.deque[str] = collections.deque(maxlen=1024)
        self._deaf = False
        self._warned_foreign = False

    @property
    def key(self) -> str | None:
        """The Redis key prefix in use (None until a client has bound it)."""
        return self._names[0].rsplit(":", 1)[0] if self._names else self._key

    def bind(self, config: VClaimConfig) -> None:
        base = self._key or "vclaim:{" + derived_key(config, "limiter") + "}"
        names = tuple(
            f"{base}:{part}"
            for part in ("holders", "queue", "seen", "ticket", "cooldown", "rate", "hand")
        )
        if self._names and self._names != names:
            raise ValueError("this RedisLimiter is already bound to another consumer id")
        self._names = names
        # A 429's pause is the gateway's Retry-After capped by the retry policy's max_backoff;
        # a client that never retries (RetryPolicy.none()) still honours the default cap.
        longest = max(config.retry.max_backoff, type(config.retry)().max_backoff)
        self._longest_ms = round(longest * 1000)

    # -- connections -----------------------------------------------------------------------

    def _client(self) -> Any:
        if self._pid != os.getpid():
            self._reset()
        if not self._names:
            raise RuntimeError("RedisLimiter.bind(config) was not called (VClaimClient does)")
        if self._redis is None:
            self._redis = _connect(self._url, self.timeout)
            self._blocking = _connect(self._url, self.timeout, block=self.poll)
            for name, source in (
                ("acquire", _ACQUIRE),
                ("release", _RELEASE),
                ("renew", _RENEW),
                ("cool_down", _COOL_DOWN),
            ):
                self._scripts[name] = self._redis.register_script(source)
            self._turn = asyncio.Lock()
            self._renewer = asyncio.create_task(self._renew())
        return self._redis

    async def aclose(self) -> None:
        """Stop the background tasks and close the connections (reopened on next use)."""
        tasks = [t for t in (self._renewer, *self._tasks) if t is not None]
        if self._tasks:  # give-backs under way: let them finish (each is bounded)
            await asyncio.wait(list(self._tasks), timeout=self.timeout * 2)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        clients = (self._redis, self._blocking)
        self._reset()
        for conn in clients:
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
                self._failed(exc)
                ticket = None
            if ticket is not None or not self.fail_closed:
                return ticket

    async def _acquire(self, outages: int) -> str | None:
        client = self._client()
        assert self._turn is not None
        holders, queue, seen, ticket, cooldown, rate, hand = self._names
        keys = [holders, queue, seen, ticket, cooldown, rate, f"{hand}:{self._token}"]
        interval = 0 if self.per_second is None else max(1, round(1000 / self.per_second))
        # One waiter per process in the shared queue; the others queue behind it locally.
        async with self._turn:
            if self.outage.outages != outages:
                return None  # Redis went while this call queued here: no timeout of its own
            name = f"{self._token}:{next(self._counter)}"
            args = [
                name,
                self.max_in_flight,
                round(self.lease * 1000),
                self._stale_ms,
                interval,
                self.burst,
                self._longest_ms,
            ]
            pending: asyncio.Future[Any] | None = None
            try:
                while True:
                    pending = asyncio.ensure_future(
                        self._scripts["acquire"](keys=keys, args=args, client=client)
                    )
                    # Shielded: cancelled now, it still ends, and _leave gives back a slot
                    # it won. The answer decides; the order of two connections would not.
                    granted, wait_ms, cooling = await asyncio.shield(pending)
                    pending = None
                    self.outage.ok()
                    if granted:
                        self._held[name] = time.monotonic() + self.lease / 3
                        return name
                    WAITING.set("cool-down" if cooling else "shared slot")
                    wait = min(wait_ms / 1000, self.poll) if wait_ms > 0 else self.poll
                    if await self._hand_over(keys[6], name, max(wait, 0.01)):
                        self._held[name] = time.monotonic()  # renewed at the next tick
                        return name
            except BaseException:
                # Cancelled (a deadline, wait_for) or failed while queued: leave the queue
                # and give back whatever reached this name, once the last answer is in.
                self._retired.append(name)
                self._spawn(self._leave(name, pending))
                raise

    async def _hand_over(self, hand: str, name: str, wait: float) -> bool:
        """Wait up to ``wait`` s for a slot handed to ``name``; True when it came."""
        try:
            popped = await self._blocking.blpop([hand], timeout=wait)
        except self._errors as exc:
            # A refused or reset connection is an outage, which the next command reports; a
            # connection that takes the command and never answers is the deaf one.
            if not self._deaf and not self.outage.down and _is_timeout(exc):
                self._deaf = True
                logger.warning(
                    "vclaim: the hand-over connection to %s stopped answering (%s); "
                    "polling until a new one answers",
                    self.outage.what,
                    type(exc).__name__,
                )
            await asyncio.sleep(wait)  # poll meanwhile, never in a tight loop
            return False
        if self._deaf:
            self._deaf = False
            logger.info("vclaim: the hand-over connection to %s answers again", self.outage.what)
        if popped is None:
            return False
        try:
            value = popped[1].decode()
        except (UnicodeDecodeError, AttributeError, IndexError):
            value = None
        if value == name:
            return True
        if value == "" or value in self._retired:
            return False  # a wake-up, or a hand-over to a waiter that left (given back)
        if not self._warned_foreign:
            self._warned_foreign = True
            logger.warning(
                "vclaim: ignored a hand-over on %s that this process never asked for "
                "(forged, or written by another program); check who may write to it",
                self.outage.what,
            )
        return False

    async def _leave(self, name: str, pending: asyncio.Future[Any] | None) -> None:
        if pending is not None:
            with contextlib.suppress(*self._errors, asyncio.CancelledError):
                await pending
        self._held.pop(name, None)
        await self._release(name, leaving=True)

    async def release(self, ticket: object) -> None:
        holder = str(ticket)
        if self._held.pop(holder, None) is None:
            return  # not a slot of this process's (or given back already)
        try:
            await self._release(holder, leaving=False)
        except asyncio.CancelledError:
            # Cancelled while giving back: give back again in the background (freeing a
            # slot twice frees it once).
            self._spawn(self._release(holder, leaving=False))
            raise

    async def _release(self, holder: str, *, leaving: bool) -> None:
        if self._redis is None:
            return
        if self.outage.down:
            # Never the probe that finds Redis back (a caller's acquire is): kept for then,
            # unless its lease (claim deadline) lapses first.
            self._unreleased.append(holder)
            return
        holders, queue, seen, _, cooldown, _, hand = self._names
        try:
            await self._scripts["release"](
                keys=[holders, queue, seen, cooldown],
                args=[
                    holder,
                    self.max_in_flight,
                    hand + ":",
                    round(self.claim * 1000),
                    self._stale_ms,
                    0 if self.per_second is None else 1,
                    1 if leaving else 0,
                ],
                client=self._redis,
            )
            self.outage.ok()
        except self._errors as exc:
            self._failed(exc)
            self._unreleased.append(holder)

    def _failed(self, exc: BaseException) -> None:
        """Redis is down or slow: one WARNING per outage, and after a timeout the idle pooled
        connections go too (a NAT that forgot one flow forgot the others: each would cost
        another ``timeout`` to find out)."""
        self.outage.failed(exc)
        if _is_timeout(exc):
            for client in (self._redis, self._blocking):
                if client is not None:
                    self._spawn(client.connection_pool.disconnect(inuse_connections=False))

    def rate_limited(self, seconds: float) -> None:
        if seconds > 0 and self._names:
            self._spawn(self._cool_down(min(round(seconds * 1000), self._longest_ms)))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)  # a strong reference until it is done
        task.add_done_callback(self._tasks.discard)

    async def _cool_down(self, ms: int) -> None:
        if self.outage.down:
            return
        try:
            client = self._client()
            await self._scripts["cool_down"](keys=[self._names[4]], args=[ms], client=client)
            self.outage.ok()
            logger.info("vclaim: BPJS answered 429; all processes pause %.1f s", ms / 1000)
        except self._errors as exc:
            self._failed(exc)

    # -- background ------------------------------------------------------------------------

    async def _renew(self) -> None:
        """Keep the leases of live requests: a long request must not lose its slot.

        A slot taken by hand-over holds only until its claim deadline, so it is renewed at
        the next tick; the others every third of the lease.
        """
        lease_ms = round(self.lease * 1000)
        tick = min(self.lease, self.claim) / 3
        while True:
            await asyncio.sleep(tick)
            # Background work never probes an unreachable Redis: callers' acquires do.
            while self._unreleased and self._redis is not None and not self.outage.down:
                await self._release(self._unreleased.popleft(), leaving=True)
            now = time.monotonic()
            due = [name for name, when in self._held.items() if when <= now]
            if not due or self._redis is None or self.outage.down:
                continue
            try:
                await self._scripts["renew"](
                    keys=[self._names[0]], args=[lease_ms, *due], client=self._redis
                )
                self.outage.ok()
            except self._errors as exc:
                self._failed(exc)
                continue
            for name in due:
                if name in self._held:
                    self._held[name] = now + self.lease / 3


class RedisCache:
    """An eligibility cache shared by every process, for ``VClaimClient(cache=...)``.

    Keys are HMACs and values AES-GCM ciphertexts, both keyed from the client's secret, so
    Redis holds neither a readable card number or NIK nor readable patient data. ``ttl`` is
    the longest an answer is reused (never past the end of its service day in Asia/Jakarta);
    the sealed value carries that expiry itself, so an entry kept longer in Redis is refused.
    Keys derive from the consumer id, the base URL and the secret. ``timeout`` bounds a whole
    read or write, the wait for a pooled connection included. When Redis is unreachable or
    hung the cache reads as empty: look-ups go to BPJS, with one WARNING per outage.
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
            # ``timeout`` bounds the whole read, a wait for a pooled connection included: a
            # Redis that accepts and never answers costs each look-up that much, no more.
            value: bytes | None = await within(self._client().get(self.prefix + key), self.timeout)
        except self._errors as exc:
            self.outage.failed(exc)
            return None
        self.outage.ok()
        return value

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        if not self.outage.may_try():
            return
        try:
            await within(
                self._client().set(self.prefix + key, value, px=max(1, round(ttl * 1000))),
                self.timeout,
            )
        except self._errors as exc:
            self.outage.failed(exc)
            return
        self.outage.ok()

    async def aclose(self) -> None:
        redis, self._redis = self._redis, None
        if redis is not None:
            with contextlib.suppress(*self._errors):  # closing must not fail for an outage
                await redis.aclose(close_connection_pool=True)
