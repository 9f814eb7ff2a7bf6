"""The seam for a limiter shared by several processes (one BPJS quota, many workers).

A :class:`Limiter` is asked for a slot after the client's own semaphore is held and gives it
back before the semaphore is released, so it covers exactly the bytes on the wire: never a
backoff sleep, decryption or decoding. Without one (the default) the semaphore alone caps a
client. :class:`~vclaim_async.redis.RedisLimiter` is the implementation that ships.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sys
import time
from collections.abc import Awaitable
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from ._config import VClaimConfig

__all__ = ["CALL_DEADLINE", "WAITING", "Limiter", "Outage", "Slot", "WaitTimeout", "within"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: What a waiting call waits for inside a limiter, for the timeout error that ends the wait.
#: A limiter sets it (in the caller's own context) when it knows better than "shared slot",
#: e.g. "cool-down" while every process holds off after a 429.
WAITING: contextvars.ContextVar[str] = contextvars.ContextVar(
    "vclaim_waiting", default="shared slot"
)

#: The ``time.monotonic()`` by which the current call must end, when something above the
#: transport (the cache's single flight) started the call's clock before the transport did.
CALL_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "vclaim_call_deadline", default=None
)

if sys.version_info >= (3, 11):

    async def within(awaitable: Awaitable[T], seconds: float) -> T:
        """``await awaitable``, cancelled after ``seconds`` with :class:`TimeoutError`.

        Runs in the caller's task (no task of its own), so context variables the awaited
        code sets stay visible to the caller.
        """
        async with asyncio.timeout(seconds):
            return await awaitable

else:  # pragma: no cover - Python 3.10

    async def within(awaitable: Awaitable[T], seconds: float) -> T:
        """``await awaitable``, cancelled after ``seconds`` with :class:`TimeoutError`."""
        return await asyncio.wait_for(awaitable, seconds)


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


class WaitTimeout(TimeoutError):
    """A call's deadline passed while it waited for ``waited_for`` (nothing was sent).

    The transport turns it into a :class:`~vclaim_async.errors.VClaimTimeoutError` whose
    ``waited_for`` says the same.
    """

    def __init__(self, waited_for: str, waited: float) -> None:
        super().__init__(f"waited {waited:.2f} s for a {waited_for}")
        self.waited_for = waited_for
        self.waited = waited


class Slot:
    """One call's hold on the local semaphore and then on the shared limiter, in that order.

    With a ``deadline`` (a ``time.monotonic()`` value) neither wait outlasts it: past it,
    :class:`WaitTimeout` says which one it was. A cancelled caller holds nothing afterwards:
    the limiter itself gives back a slot its acquire won after the cancellation.
    """

    __slots__ = ("_deadline", "_detached", "_limiter", "_semaphore", "_ticket")

    def __init__(
        self,
        semaphore: asyncio.Semaphore,
        limiter: Limiter | None,
        deadline: float | None = None,
    ) -> None:
        self._semaphore = semaphore
        self._limiter = limiter
        self._deadline = deadline
        self._ticket: object = None
        self._detached = False

    async def __aenter__(self) -> None:
        semaphore, deadline = self._semaphore, self._deadline
        started = time.monotonic()
        if deadline is None or not semaphore.locked():
            await semaphore.acquire()  # free: no timer needed
        else:
            try:
                await within(semaphore.acquire(), deadline - started)
            except (asyncio.TimeoutError, TimeoutError):
                raise WaitTimeout("local slot", time.monotonic() - started) from None
        limiter = self._limiter
        if limiter is None:
            return
        try:
            if deadline is None:
                self._ticket = await limiter.acquire()
                return
            token = WAITING.set("shared slot")
            try:
                self._ticket = await within(limiter.acquire(), deadline - time.monotonic())
            except (asyncio.TimeoutError, TimeoutError):
                raise WaitTimeout(WAITING.get(), time.monotonic() - started) from None
            finally:
                WAITING.reset(token)
        except BaseException:
            semaphore.release()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._detached:
            await self.give_back()

    def detach(self) -> None:
        """The slot now belongs to a request finishing in the background: ``__aexit__``
        leaves it, and that request's own :meth:`give_back` frees it."""
        self._detached = True

    async def give_back(self) -> None:
        """Release the shared slot (if any), then the local one."""
        try:
            if self._ticket is not None and self._limiter is not None:
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
