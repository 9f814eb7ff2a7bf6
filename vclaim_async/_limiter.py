"""The seam for a limiter shared by several processes (one BPJS quota, many workers).

A :class:`Limiter` is asked for a slot after the client's own semaphore is held and gives it
back before the semaphore is released, so it covers exactly the bytes on the wire: never a
backoff sleep, decryption or decoding. Without one (the default) the semaphore alone caps a
client. :class:`~vclaim_async.redis.RedisLimiter` is the implementation that ships.
"""

from __future__ import annotations

import asyncio
import logging
import time
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ._config import VClaimConfig

__all__ = ["Limiter", "Outage", "Slot"]

logger = logging.getLogger(__name__)


@runtime_checkable
class Limiter(Protocol):
    """What the transport needs from a shared limiter.

    ``acquire`` waits for a slot and returns a ticket (``None`` when the limiter let the call
    through without one, e.g. while its store is unreachable); ``release`` gives the ticket
    back. ``rate_limited`` is told, without waiting, that BPJS answered 429 and how many
    seconds everyone should now hold off. ``bind`` is called once by each client that uses
    it, before the first call. Neither method may raise because the shared store is down.
    """

    def bind(self, config: VClaimConfig) -> None: ...

    async def acquire(self) -> object: ...

    async def release(self, ticket: object) -> None: ...

    def rate_limited(self, seconds: float) -> None: ...

    async def aclose(self) -> None: ...


class Slot:
    """One call's hold on the local semaphore and then on the shared limiter, in that order."""

    __slots__ = ("_limiter", "_semaphore", "_ticket")

    def __init__(self, semaphore: asyncio.Semaphore, limiter: Limiter) -> None:
        self._semaphore = semaphore
        self._limiter = limiter
        self._ticket: object = None

    async def __aenter__(self) -> None:
        await self._semaphore.acquire()
        try:
            self._ticket = await self._limiter.acquire()
        except BaseException:
            self._semaphore.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._ticket is not None:
                await self._limiter.release(self._ticket)
        finally:
            self._semaphore.release()


class Outage:
    """Tracks whether a shared store is reachable: one WARNING when it goes, one when it is back.

    While it is down, :meth:`may_try` lets one caller probe it every ``retry_interval``
    seconds; everyone else goes on without it (or waits, for a fail-closed limiter).
    """

    def __init__(self, what: str, *, retry_interval: float, fallback: str) -> None:
        self.what = what
        self.fallback = fallback
        self.retry_interval = retry_interval
        self.down = False
        self.outages = 0
        self._next_probe = 0.0

    def may_try(self) -> bool:
        if not self.down:
            return True
        now = time.monotonic()
        if now < self._next_probe:
            return False
        self._next_probe = now + self.retry_interval
        return True

    def failed(self, exc: BaseException) -> None:
        self._next_probe = time.monotonic() + self.retry_interval
        if self.down:
            return
        self.down = True
        self.outages += 1
        logger.warning(
            "vclaim: %s unreachable (%s); %s until it is back",
            self.what,
            type(exc).__name__,
            self.fallback,
        )

    def ok(self) -> None:
        if self.down:
            self.down = False
            logger.warning("vclaim: %s reachable again; sharing resumes", self.what)
