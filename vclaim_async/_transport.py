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
import zlib
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
)
from yarl import URL

from . import _signing
from ._config import JSON_CONTENT_TYPE, RetryPolicy, VClaimConfig, _is_loopback
from ._limiter import CALL_DEADLINE, Limiter, Slot, WaitTimeout
from ._redact import redact
from .errors import (
    AuthenticationError,
    DecodeError,
    GatewayError,
    HTTPStatusError,
    OutcomeUnknownError,
    RateLimitError,
    ResponseTooLargeError,
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

logger = logging.getLogger(__name__)

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
    #: The bound this call was made with; the envelope applies it to the LZ-string output.
    max_response_bytes: int | None = None


class Body(bytes):
    """An answer's bytes; ``repr()`` shows only the length (locals in tracebacks)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} bytes>"


class _Call:
    """One call's options and its clock, shared by its attempts and by everything it waits for."""

    __slots__ = ("deadline", "limit", "policy", "sent", "started", "timeout")

    def __init__(self, config: VClaimConfig) -> None:
        self.policy: RetryPolicy = config.retry
        self.timeout: float = config.timeout
        self.limit: int = config.max_response_bytes
        #: The deadline counts from the call, queueing included: a call that waited for a
        #: slot has that much less time for its attempts.
        self.started = time.monotonic()
        outer = CALL_DEADLINE.get()
        own = self.started + self.policy.deadline
        #: ``time.monotonic()`` by which the call must end (the cache's clock, if it started it).
        self.deadline: float = own if outer is None else min(own, outer)
        #: When the last attempt left (``time.monotonic()``): a lost write's settle window
        #: counts from there.
        self.sent: float | None = None

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


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
        self._secrets = (config.secret, config.user_key)
        #: Extra seconds measured from the server's clock (auto_time_offset), on top of the
        #: configured ``time_offset``.
        self.measured_offset = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        #: Give-backs of slots whose caller left while their request was on the wire.
        self._background: set[asyncio.Task[None]] = set()

    @property
    def semaphore(self) -> asyncio.Semaphore:
        return self._semaphore

    def _backoff(self, policy: RetryPolicy, attempt: int, exc: BaseException | None) -> float:
        """Seconds to wait after failed attempt number ``attempt``."""
        delay: float = policy.initial_backoff * 2 ** (attempt - 1)
        delay = min(delay + random.uniform(0, policy.jitter), policy.max_backoff)
        if isinstance(exc, HTTPStatusError) and exc.retry_after is not None:
            # The gateway said when; never beyond our own cap.
            delay = min(max(delay, exc.retry_after), policy.max_backoff)
        return delay

    async def request(
        self,
        endpoint: Endpoint,
        path: str,
        body: bytes | None = None,
        *,
        options: VClaimConfig | None = None,
    ) -> Answer:
        """Send one operation, retrying as the policy and the operation allow.

        ``options`` (a client view's config) supplies this call's ``timeout``, ``retry`` and
        ``max_response_bytes``; everything else comes from the transport's own config.
        """
        call = _Call(options or self._config)
        try:
            # Most calls succeed at once: tenacity's loop is built only for those that do not.
            return await self._send(endpoint, path, body, 1, call)
        except VClaimError as exc:
            first = exc
        first.attempts = 1
        policy = call.policy
        idempotent = endpoint.idempotent
        delay = self._backoff(policy, 1, first)
        retryable = is_retryable(first, idempotent=idempotent)
        if policy.attempts < 2 or not retryable or delay >= call.remaining():
            if retryable and policy.attempts > 1:
                _log_give_up(endpoint, first, call)
            final = self._final(endpoint, path, body, first, call)
            if final is first:
                raise first
            raise final from first
        _log_retry(endpoint, 1, first, delay)
        await (self._sleep or asyncio.sleep)(delay)
        return await self._retry(endpoint, path, body, call)

    async def _retry(
        self, endpoint: Endpoint, path: str, body: bytes | None, call: _Call
    ) -> Answer:
        """Attempts 2..n under tenacity: capped jittered backoff, bounded by count and time."""
        policy = call.policy
        idempotent = endpoint.idempotent
        attempts = 1
        kwargs: dict[str, object] = {}
        if self._sleep is not None:
            kwargs["sleep"] = self._sleep

        def wait(state: RetryCallState) -> float:
            # Tenacity counts from its own first attempt, which is our second.
            exc = state.outcome.exception() if state.outcome else None
            return self._backoff(policy, state.attempt_number + 1, exc)

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            _log_retry(endpoint, state.attempt_number + 1, exc, _next_sleep(state))

        retrying = AsyncRetrying(
            stop=stop_after_attempt(policy.attempts - 1) | stop_before_delay(call.remaining()),
            wait=wait,
            before_sleep=before_sleep,
            retry=retry_if_exception(lambda e: is_retryable(e, idempotent=idempotent)),
            reraise=True,
            **kwargs,  # type: ignore[arg-type]
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    answer = await self._send(endpoint, path, body, attempts, call)
        except VClaimError as exc:
            exc.attempts = attempts
            if is_retryable(exc, idempotent=idempotent):
                _log_give_up(endpoint, exc, call)
            final = self._final(endpoint, path, body, exc, call)
            if final is exc:
                raise
            raise final from exc
        return answer

    def _final(
        self, endpoint: Endpoint, path: str, body: bytes | None, exc: VClaimError, call: _Call
    ) -> VClaimError:
        """The error to raise once retrying is over: a write that may have landed says so."""
        if endpoint.idempotent or not _may_have_landed(exc):
            return exc
        unknown = OutcomeUnknownError(
            "the write may have reached BPJS but no answer arrived; it was not re-sent "
            f"({type(exc).__name__}: {_reason(exc)})",
            endpoint=endpoint.name,
            method=endpoint.method,
            path=path,
            body=body,
        )
        unknown.attempts = exc.attempts
        unknown.sent_at = call.sent
        return unknown

    async def _send(
        self,
        endpoint: Endpoint,
        path: str,
        body: bytes | None,
        attempt: int,
        call: _Call,
    ) -> Answer:
        config = self._config
        url = self._base + path
        # A shared limiter's slot is taken inside the local one, for the wire time only; the
        # call's deadline bounds the wait for either.
        slot = Slot(self._semaphore, self._limiter, call.deadline)
        try:
            await slot.__aenter__()
        except WaitTimeout as exc:
            raise VClaimTimeoutError(
                f"{exc}; the call's deadline of {call.policy.deadline:g} s has passed",
                endpoint=endpoint.name,
                sent=False,
                waited_for=exc.waited_for,
            ) from None
        try:
            # The deadline bounds the whole call, so this attempt gets only what is left of it.
            budget = min(call.timeout, call.remaining())
            if budget <= 0:
                raise VClaimTimeoutError(
                    f"deadline of {call.policy.deadline:g} s reached",
                    endpoint=endpoint.name,
                    sent=False,
                )
            timeout = (
                self._timeout
                if budget == config.timeout
                else aiohttp.ClientTimeout(
                    total=budget, sock_connect=min(budget, config.connect_timeout)
                )
            )
            # Signed inside the slot: a stamp made before a long wait could expire.
            timestamp = _signing.make_timestamp(
                config.time_offset + self.measured_offset, clock=self._clock
            )
            headers = _signing.signed_headers(
                config.cons_id, config.secret, config.user_key, timestamp
            )
            headers["Accept"] = "application/json"
            # Only what _read_bounded can inflate under a bound.
            headers["Accept-Encoding"] = "gzip, deflate"
            headers["User-Agent"] = config.user_agent
            # The catalog's pages name a content type for reads too, though no body is sent.
            headers["Content-Type"] = (
                config.write_content_type if body is not None else JSON_CONTENT_TYPE
            )
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            t0 = time.monotonic()
            call.sent = t0
            wire = self._wire(endpoint, url, body, headers, timeout, call.limit)
            try:
                if self._limiter is None:
                    status, data, date, retry_after = await wire
                else:
                    status, data, date, retry_after = await self._finished_on_cancel(wire, slot)
            except (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError) as exc:
                raise TLSError(
                    f"TLS failed for {config.host}: {type(exc).__name__}",
                    endpoint=endpoint.name,
                ) from _detached(exc)
            except aiohttp.ConnectionTimeoutError as exc:
                raise VClaimTimeoutError(
                    "connect timeout", endpoint=endpoint.name, sent=False
                ) from _detached(exc)
            except aiohttp.ClientConnectorError as exc:
                reason = exc.os_error.strerror or type(exc).__name__
                raise VClaimConnectionError(
                    f"cannot connect to {config.host}: {reason}",
                    endpoint=endpoint.name,
                    sent=False,
                ) from _detached(exc)
            except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
                raise VClaimTimeoutError(
                    f"no answer within {budget:g} s", endpoint=endpoint.name
                ) from _detached(exc)
            except aiohttp.ClientError as exc:
                raise VClaimConnectionError(
                    f"connection failed: {type(exc).__name__}", endpoint=endpoint.name
                ) from _detached(exc)
            finally:
                self.in_flight -= 1
        finally:
            await slot.__aexit__(None, None, None)
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
        if not 200 <= status < 300:
            secrets = (*self._secrets, headers["X-signature"])
            self._check_status(endpoint, status, data, date, _retry_after(retry_after), secrets)
        return Answer(
            status, data, timestamp, attempt, call.elapsed(), date, max_response_bytes=call.limit
        )

    async def _wire(
        self,
        endpoint: Endpoint,
        url: str,
        body: bytes | None,
        headers: dict[str, str],
        timeout: aiohttp.ClientTimeout,
        limit: int,
    ) -> tuple[int, Body, str | None, str | None]:
        """One request on the wire: status, bounded body, Date and Retry-After."""
        async with self._session.request(
            endpoint.method,
            # Segments are percent-encoded by the resources; stop yarl re-quoting them.
            URL(url, encoded=True),
            data=body,
            headers=headers,
            timeout=timeout,
            ssl=self._ssl,
            proxy=self._config.proxy,
            allow_redirects=False,
            # Inflated by us under the size bound, never by aiohttp without one.
            auto_decompress=False,
        ) as resp:
            data = await _read_bounded(resp, limit, endpoint.name)
            return resp.status, data, resp.headers.get("Date"), resp.headers.get("Retry-After")

    async def _finished_on_cancel(
        self, wire: Coroutine[Any, Any, tuple[int, Body, str | None, str | None]], slot: Slot
    ) -> tuple[int, Body, str | None, str | None]:
        """``await wire``; a caller cancelled meanwhile leaves the request to finish alone.

        BPJS works on a request it received whether or not anyone still waits, and counts it
        against the quota: its shared slot (and local one) is given back when its answer
        arrives (or its timeout ends it), not when the caller left. The caller is not held.
        """
        task = asyncio.ensure_future(wire)
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.done():
                raise
            slot.detach()
            background = self._background

            def finished(done: asyncio.Future[Any]) -> None:
                if not done.cancelled():
                    done.exception()  # retrieved: nobody waits for it any more
                give_back = asyncio.get_running_loop().create_task(slot.give_back())
                background.add(give_back)
                give_back.add_done_callback(background.discard)

            task.add_done_callback(finished)
            raise

    def _check_status(
        self,
        endpoint: Endpoint,
        status: int,
        data: bytes,
        date: str | None,
        retry_after: float | None,
        secrets: tuple[str, ...],
    ) -> None:
        text = excerpt(data, secrets=secrets)
        name = endpoint.name
        if 300 <= status < 400:
            raise HTTPStatusError(
                "redirect not followed (VClaim never redirects; check base_url)",
                status=status,
                excerpt=text,
                endpoint=name,
            )
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
                self._limiter.rate_limited(self._backoff(self._config.retry, 1, error429))
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
    """The ``ssl`` argument for aiohttp; warns about every way TLS protection is lost."""
    host = config.host
    if config.url.startswith("http://") and not _is_loopback(host):
        logger.warning(
            "vclaim: plain http:// to %s sends patient data and credentials unencrypted", host
        )
    if not config.verify_tls:
        logger.warning(
            "vclaim: TLS certificate verification is OFF for %s; never do this in production",
            host,
        )
        return False
    context = config.ssl_context
    if context is not None and (context.verify_mode == ssl.CERT_NONE or not context.check_hostname):
        logger.warning(
            "vclaim: the ssl_context for %s does not verify certificates or host names", host
        )
    return context if context is not None else True


def _reason(exc: VClaimError) -> str:
    """An error's own message, without the endpoint/attempts suffix ``str()`` adds."""
    return str(exc.args[0]) if exc.args else type(exc).__name__


def _log_retry(endpoint: Endpoint, attempt: int, exc: BaseException | None, delay: float) -> None:
    status = getattr(exc, "status", None)
    logger.info(
        "vclaim %s: attempt %d failed (%s%s); retrying in %.2f s",
        endpoint.name,
        attempt,
        type(exc).__name__,
        f", HTTP {status}" if status is not None else "",
        delay,
    )


def _log_give_up(endpoint: Endpoint, exc: VClaimError, call: _Call) -> None:
    status = getattr(exc, "status", None)
    logger.warning(
        "vclaim %s: giving up after %d attempt(s) in %.1f s (%s%s)",
        endpoint.name,
        exc.attempts or 1,
        call.elapsed(),
        type(exc).__name__,
        f", HTTP {status}" if status is not None else "",
    )


def _detached(exc: BaseException) -> BaseException:
    """``exc`` with its traceback (and its causes') dropped.

    aiohttp's frames hold the request headers, user_key and signature among them; a tracker
    that captures locals would print them.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__
    return exc


async def _read_bounded(resp: aiohttp.ClientResponse, limit: int, endpoint: str) -> Body:
    """The answer's bytes, decoded from gzip/deflate, never more than ``limit`` of either."""
    status = resp.status
    encoding = resp.headers.get("Content-Encoding", "").strip().lower()
    declared = resp.content_length
    if declared is not None and declared > limit:
        raise ResponseTooLargeError(
            what="declared Content-Length",
            limit=limit,
            received=declared,
            status=status,
            endpoint=endpoint,
        )
    if encoding in ("", "identity") and declared is not None:
        # The usual answer: its length is known and within bounds.
        return Body(await resp.read())
    inflater: zlib._Decompress | None = None
    if encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding not in ("", "identity", "deflate"):
        raise DecodeError(
            f"unsupported Content-Encoding {encoding[:40]!r}", status=status, endpoint=endpoint
        )
    chunks: list[bytes] = []
    wire = size = 0
    try:
        async for chunk in resp.content.iter_any():
            wire += len(chunk)
            if wire > limit:
                raise ResponseTooLargeError(
                    what="wire bytes", limit=limit, received=wire, status=status, endpoint=endpoint
                )
            if encoding == "deflate" and inflater is None:
                # RFC 9110 says zlib-wrapped; some servers send raw deflate.
                raw = not chunk or (chunk[0] & 0x0F) != 8
                inflater = zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
            if inflater is None:
                chunks.append(chunk)
                continue
            out = inflater.decompress(chunk, limit + 1 - size)
            size += len(out)
            chunks.append(out)
            if size > limit or inflater.unconsumed_tail:
                raise ResponseTooLargeError(
                    what="decoded bytes",
                    limit=limit,
                    received=size,
                    status=status,
                    endpoint=endpoint,
                )
            if inflater.unused_data:
                raise DecodeError(
                    f"data after the end of the {encoding} stream",
                    status=status,
                    endpoint=endpoint,
                )
        if inflater is not None:
            if not inflater.eof:
                raise DecodeError(f"truncated {encoding} stream", status=status, endpoint=endpoint)
            chunks.append(inflater.flush())
    except zlib.error as exc:
        raise DecodeError(
            f"bad {encoding} stream: {exc}", status=status, endpoint=endpoint
        ) from None
    return Body(b"".join(chunks))


def _next_sleep(state: RetryCallState) -> float:
    action = state.next_action
    return float(action.sleep) if action is not None else 0.0
