"""The network edge: one pooled aiohttp session, a semaphore, a tenacity retry loop.

Each attempt is signed when it is sent, and the answer carries that attempt's timestamp so it
is decrypted with the right key. The semaphore is held only while bytes are on the wire: not
during a backoff sleep, not while decrypting. aiohttp exceptions become ours here and nowhere
else.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

import aiohttp
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
)
from yarl import URL

from . import _signing
from ._config import JSON_CONTENT_TYPE, VClaimConfig
from ._limiter import Limiter, Slot
from ._redact import redact
from .errors import (
    AuthenticationError,
    GatewayError,
    HTTPStatusError,
    OutcomeUnknownError,
    RateLimitError,
    TLSError,
    TransportError,
    VClaimConnectionError,
    VClaimError,
    VClaimTimeoutError,
    excerpt,
)

if TYPE_CHECKING:
    from ._catalog import Endpoint

__all__ = ["Answer", "Transport", "is_retryable"]

logger = logging.getLogger("vclaim_async")

#: Gateway statuses that say "try again later" for a read.
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Answer:
    """One HTTP answer, with the timestamp its request was signed with."""

    status: int
    body: bytes
    timestamp: str
    attempts: int
    elapsed: float
    date: str | None = None


def is_retryable(exc: BaseException, *, idempotent: bool) -> bool:
    """The retry decision, separate from the retry loop.

    Reads retry on 429/502/503/504, timeouts and connection errors. A write is re-sent only
    when it provably never reached BPJS: the connection was never made, or the gateway
    refused it with 429 before passing it on.
    """
    if isinstance(exc, RateLimitError):
        return True
    if isinstance(exc, AuthenticationError):
        # Refused at the gateway, so never landed; worth one more try on a corrected clock.
        return exc.clock_adjusted
    if isinstance(exc, HTTPStatusError):
        return idempotent and exc.status in RETRY_STATUSES
    if isinstance(exc, TLSError):
        return False
    if isinstance(exc, (VClaimConnectionError, VClaimTimeoutError)):
        return idempotent or not exc.sent
    return False


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class Transport:
    """Sends signed requests for one client. Not shared between event loops."""

    def __init__(
        self,
        config: VClaimConfig,
        session: aiohttp.ClientSession,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        self._config = config
        self._limiter = limiter
        self._session = session
        self._clock = clock
        self._sleep = sleep
        self._base = config.url + "/"
        self._semaphore = asyncio.Semaphore(config.max_concurrency)
        self._timeout = aiohttp.ClientTimeout(
            total=config.timeout, sock_connect=config.connect_timeout
        )
        self._ssl = _ssl_setting(config)
        #: Extra seconds measured from the server's clock (auto_time_offset), on top of the
        #: configured ``time_offset``.
        self.measured_offset = 0
        self.in_flight = 0
        self.peak_in_flight = 0

    @property
    def semaphore(self) -> asyncio.Semaphore:
        return self._semaphore

    def _backoff(self, attempt: int, exc: BaseException | None) -> float:
        """Seconds to wait after failed attempt number ``attempt``."""
        policy = self._config.retry
        delay: float = policy.initial_backoff * 2 ** (attempt - 1)
        delay = min(delay + random.uniform(0, policy.jitter), policy.max_backoff)
        if isinstance(exc, HTTPStatusError) and exc.retry_after is not None:
            # The gateway said when; never beyond our own cap.
            delay = min(max(delay, exc.retry_after), policy.max_backoff)
        return delay

    async def request(self, endpoint: Endpoint, path: str, body: bytes | None = None) -> Answer:
        """Send one operation, retrying as the policy and the operation allow."""
        started = time.monotonic()
        try:
            # Most calls succeed at once: tenacity's loop is built only for those that do not.
            return await self._send(endpoint, path, body, 1, started)
        except VClaimError as exc:
            first = exc
        first.attempts = 1
        policy = self._config.retry
        idempotent = endpoint.idempotent
        delay = self._backoff(1, first)
        if (
            policy.attempts < 2
            or not is_retryable(first, idempotent=idempotent)
            or time.monotonic() - started + delay >= policy.deadline
        ):
            final = self._final(endpoint, path, body, first)
            if final is first:
                raise first
            raise final from first
        await (self._sleep or asyncio.sleep)(delay)
        return await self._retry(endpoint, path, body, started)

    async def _retry(
        self, endpoint: Endpoint, path: str, body: bytes | None, started: float
    ) -> Answer:
        """Attempts 2..n under tenacity: capped jittered backoff, bounded by count and time."""
        policy = self._config.retry
        idempotent = endpoint.idempotent
        attempts = 1
        kwargs: dict[str, object] = {}
        if self._sleep is not None:
            kwargs["sleep"] = self._sleep
        retrying = AsyncRetrying(
            stop=stop_after_attempt(policy.attempts - 1)
            | stop_before_delay(policy.deadline - (time.monotonic() - started)),
            # Tenacity counts from its own first attempt, which is our second.
            wait=lambda state: self._backoff(
                state.attempt_number + 1, state.outcome.exception() if state.outcome else None
            ),
            retry=retry_if_exception(lambda e: is_retryable(e, idempotent=idempotent)),
            reraise=True,
            **kwargs,  # type: ignore[arg-type]
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    answer = await self._send(endpoint, path, body, attempts, started)
        except VClaimError as exc:
            exc.attempts = attempts
            final = self._final(endpoint, path, body, exc)
            if final is exc:
                raise
            raise final from exc
        return answer

    def _final(
        self, endpoint: Endpoint, path: str, body: bytes | None, exc: VClaimError
    ) -> VClaimError:
        """The error to raise once retrying is over: a write that may have landed says so."""
        if endpoint.idempotent or not _may_have_landed(exc):
            return exc
        unknown = OutcomeUnknownError(
            "the write may have reached BPJS but no answer arrived; it was not re-sent "
            f"({type(exc).__name__}: {exc})",
            endpoint=endpoint.name,
            method=endpoint.method,
            path=path,
            body=body,
        )
        unknown.attempts = exc.attempts
        return unknown

    async def _send(
        self,
        endpoint: Endpoint,
        path: str,
        body: bytes | None,
        attempt: int,
        started: float,
    ) -> Answer:
        config = self._config
        url = self._base + path
        # A shared limiter's slot is taken inside the local one, for the wire time only.
        slot = self._semaphore if self._limiter is None else Slot(self._semaphore, self._limiter)
        async with slot:
            # Signed inside the slot: a stamp made before a long wait could expire.
            timestamp = _signing.make_timestamp(
                config.time_offset + self.measured_offset, clock=self._clock
            )
            headers = _signing.signed_headers(
                config.cons_id, config.secret, config.user_key, timestamp
            )
            headers["Accept"] = "application/json"
            headers["User-Agent"] = config.user_agent
            # The catalog's pages name a content type for reads too, though no body is sent.
            headers["Content-Type"] = (
                config.write_content_type if body is not None else JSON_CONTENT_TYPE
            )
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            t0 = time.monotonic()
            try:
                async with self._session.request(
                    endpoint.method,
                    # Segments are percent-encoded by the resources; stop yarl re-quoting them.
                    URL(url, encoded=True),
                    data=body,
                    headers=headers,
                    timeout=self._timeout,
                    ssl=self._ssl,
                    allow_redirects=False,
                ) as resp:
                    data = await resp.read()
                    status = resp.status
                    date = resp.headers.get("Date")
                    retry_after = resp.headers.get("Retry-After")
            except (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError) as exc:
                raise TLSError(
                    f"TLS failed for {url.split('/')[2]}: {type(exc).__name__}",
                    endpoint=endpoint.name,
                ) from exc
            except aiohttp.ConnectionTimeoutError as exc:
                raise VClaimTimeoutError(
                    "connect timeout", endpoint=endpoint.name, sent=False
                ) from exc
            except aiohttp.ClientConnectorError as exc:
                raise VClaimConnectionError(
                    f"cannot connect to {url.split('/')[2]}: {exc.os_error.strerror or exc}",
                    endpoint=endpoint.name,
                    sent=False,
                ) from exc
            except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
                raise VClaimTimeoutError(
                    f"no answer within {config.timeout:g} s", endpoint=endpoint.name
                ) from exc
            except aiohttp.ClientError as exc:
                raise VClaimConnectionError(
                    f"connection failed: {type(exc).__name__}", endpoint=endpoint.name
                ) from exc
            finally:
                self.in_flight -= 1
        if self._semaphore.locked():
            # Someone waits for the slot just freed: let them send before we decrypt.
            await asyncio.sleep(0)
        elapsed = time.monotonic() - t0
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "vclaim %s %s %s -> HTTP %d in %.1f ms (attempt %d)",
                endpoint.name,
                endpoint.method,
                redact(path),
                status,
                elapsed * 1000,
                attempt,
            )
        self._check_status(endpoint, status, data, date, _retry_after(retry_after))
        return Answer(status, data, timestamp, attempt, time.monotonic() - started, date)

    def _check_status(
        self,
        endpoint: Endpoint,
        status: int,
        data: bytes,
        date: str | None,
        retry_after: float | None,
    ) -> None:
        if 200 <= status < 300:
            return
        text = excerpt(data)
        name = endpoint.name
        if status in (401, 403):
            error = AuthenticationError(
                "the gateway refused the credentials or the timestamp",
                status=status,
                excerpt=text,
                endpoint=name,
            )
            error.clock_adjusted = self._measure_offset(date)
            raise error
        if status == 429:
            error429 = RateLimitError(
                "rate limited", status=status, excerpt=text, endpoint=name, retry_after=retry_after
            )
            if self._limiter is not None:  # one process's 429 pauses all that share the limiter
                self._limiter.rate_limited(self._backoff(1, error429))
            raise error429
        if status >= 500 or not data.lstrip().startswith(b"{"):
            raise GatewayError(
                "gateway or server error", status=status, excerpt=text, endpoint=name
            )
        # A 4xx with a JSON body: the envelope decides (it carries BPJS's own code).

    def _measure_offset(self, date: str | None) -> bool:
        """With ``auto_time_offset``, adopt the server's clock after a refused request.

        Returns True when the offset changed, so the refused request is worth one more try.
        """
        if not self._config.auto_time_offset or not date:
            return False
        try:
            server = parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return False
        skew = round(server - self._clock()) - self._config.time_offset
        # The Date header has one-second resolution: smaller differences are noise.
        if abs(skew - self.measured_offset) < 2:
            return False
        logger.info("vclaim: server clock differs by %d s; adjusting X-timestamp", skew)
        self.measured_offset = skew
        return True


def _may_have_landed(exc: VClaimError) -> bool:
    """True when a write's fate at BPJS is unknown: it left us and no answer came back."""
    if isinstance(exc, (VClaimConnectionError, VClaimTimeoutError)):
        return exc.sent
    if isinstance(exc, GatewayError):
        return exc.status in (502, 503, 504)
    return isinstance(exc, TransportError) and not isinstance(exc, OutcomeUnknownError)


def _ssl_setting(config: VClaimConfig) -> ssl.SSLContext | bool:
    if not config.verify_tls:
        logger.warning(
            "vclaim: TLS certificate verification is OFF for %s; never do this in production",
            config.url.split("/")[2],
        )
        return False
    return config.ssl_context if config.ssl_context is not None else True
