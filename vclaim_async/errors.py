"""The exceptions vclaim-async raises, split by *where* a call failed.

::

    VClaimError                      root: catch this to catch everything we raise
    ├── TransportError               no usable HTTP answer arrived
    │   ├── VClaimConnectionError    could not connect, or the connection broke
    │   │   └── TLSError             the TLS handshake or certificate check failed
    │   ├── VClaimTimeoutError       connect or total timeout
    │   └── OutcomeUnknownError      a write may have reached BPJS; it was not re-sent
    ├── HTTPStatusError              the gateway answered with a non-2xx or non-JSON body
    │   ├── GatewayError             5xx, HTML error pages, empty bodies, "No Mapping Rule matched"
    │   ├── AuthenticationError      401/403: bad cons id, signature, timestamp or user_key
    │   └── RateLimitError           429 "Usage limit exceeded"
    ├── APIError                     BPJS answered, and metaData.code is not "200"
    │   └── NotFoundError            code "201": no data, or a business-rule rejection
    └── DecodeError                  the answer could not be read (JSON, envelope, model)
        ├── DecryptError             AES, PKCS#7 or LZ-string failed for this timestamp
        └── ResponseTooLargeError    the answer exceeded max_response_bytes (never retried)

Messages never carry the consumer secret, the user key, a signature, a decrypted payload or a
full card number / NIK: this is health data. Evidence is kept on attributes instead
(``status``, ``code``, ``message``, ``excerpt`` bounded to :data:`EXCERPT_LIMIT` characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._redact import redact, scrub, scrub_tail

__all__ = [
    "EXCERPT_LIMIT",
    "APIError",
    "AuthenticationError",
    "DecodeError",
    "DecryptError",
    "GatewayError",
    "HTTPStatusError",
    "NotFoundError",
    "OutcomeUnknownError",
    "RateLimitError",
    "ResponseTooLargeError",
    "TLSError",
    "TransportError",
    "VClaimConnectionError",
    "VClaimError",
    "VClaimTimeoutError",
]

#: The most characters of a response body an exception keeps as evidence.
EXCERPT_LIMIT = 500


def excerpt(body: bytes | str, limit: int = EXCERPT_LIMIT, *, secrets: Iterable[str] = ()) -> str:
    """A bounded, printable excerpt of a response body (HTML tags and whitespace folded).

    Each of ``secrets`` is cut out first, so a gateway echoing request headers never puts a
    user key or signature into an exception.
    """
    head = body[: limit * 8]
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    text = scrub(text, secrets)[: limit * 4]
    if "<" in text and ">" in text:
        # HTML error pages: keep the words, drop the markup, as a person would read it.
        text = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"<[^>]*>", " ", text)
    text = redact(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class VClaimError(Exception):
    """Root of every exception vclaim-async raises.

    ``endpoint`` names the catalog operation (e.g. ``"peserta.by_card"``) when known and
    ``attempts`` how many times the request was sent before giving up.
    """

    endpoint: str | None
    attempts: int | None

    def __init__(self, message: str, *, endpoint: str | None = None) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.attempts = None

    def __str__(self) -> str:
        base = super().__str__()
        parts = [p for p in (self.endpoint and f"endpoint={self.endpoint}",) if p]
        if self.attempts and self.attempts > 1:
            parts.append(f"attempts={self.attempts}")
        return f"{base} ({', '.join(parts)})" if parts else base


class TransportError(VClaimError):
    """No usable HTTP answer arrived (connection or timeout)."""


class VClaimConnectionError(TransportError):
    """Connecting failed, or the connection broke before a full answer was read.

    ``sent`` is False when the request provably never left this machine (the connection was
    never established), which is what makes re-sending a write safe.
    """

    def __init__(self, message: str, *, endpoint: str | None = None, sent: bool = True) -> None:
        super().__init__(message, endpoint=endpoint)
        self.sent = sent


class TLSError(VClaimConnectionError):
    """The TLS handshake or certificate verification failed. Never retried: it will not heal."""

    def __init__(self, message: str, *, endpoint: str | None = None) -> None:
        super().__init__(message, endpoint=endpoint, sent=False)


class VClaimTimeoutError(TransportError):
    """The connect timeout, the total timeout or the call's deadline ran out.

    ``sent`` is False when the request never left this machine: a connect timeout, or a
    deadline that passed while the call still waited. ``waited_for`` then names what it
    waited for: ``"local slot"`` (the client's ``max_concurrency``), ``"shared slot"`` (a
    shared limiter's cap), ``"cool-down"`` (every process holding off after a 429),
    ``"single flight"`` (another caller's look-up of the same participant) or ``"cache"``;
    it is None for a timeout on the wire.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None = None,
        sent: bool = True,
        waited_for: str | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.sent = sent
        self.waited_for = waited_for


class OutcomeUnknownError(TransportError):
    """A write may have reached BPJS, but no answer arrived; it was deliberately not re-sent.

    Re-sending a SEP insert whose answer was lost can issue a second SEP. Check what BPJS
    holds (for a SEP: the visit monitoring or the participant's history) before trying again.
    ``method``, ``path`` and ``body`` keep what was sent; they may hold patient data, so they
    are attributes, never part of the message. ``candidates`` holds the SEP numbers when
    settling a lost SEP insert found more than one that could be it.
    """

    candidates: tuple[str, ...] = ()

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None = None,
        method: str,
        path: str,
        body: bytes | None,
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.method = method
        self.path = path
        self.body = body


class HTTPStatusError(VClaimError):
    """The gateway answered with a non-2xx status, or with a body that is not JSON."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        excerpt: str = "",
        endpoint: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.status = status
        self.excerpt = excerpt
        self.retry_after = retry_after

    def __str__(self) -> str:
        text = f"HTTP {self.status}: {super().__str__()}"
        return f"{text}: {self.excerpt}" if self.excerpt else text


class GatewayError(HTTPStatusError):
    """5xx, an HTML error page, an empty body or a gateway routing text."""


class AuthenticationError(HTTPStatusError):
    """401/403 from the gateway: wrong cons id, secret, user_key, or a timestamp it refused.

    ``clock_adjusted`` is True when, with ``auto_time_offset``, the client measured a new clock
    offset from this answer (and so tried once more).
    """

    clock_adjusted: bool = False


class RateLimitError(HTTPStatusError):
    """429 from the gateway ("Usage limit exceeded")."""


class APIError(VClaimError):
    """BPJS answered with ``metaData.code`` other than ``"200"``.

    ``code`` is always a string (BPJS sends both ``"201"`` and ``201``); ``message`` is BPJS's
    own text, usually Indonesian (e.g. "No.Kartu Tidak Sesuai"), kept exactly as sent. The
    exception's ``str()`` masks any card number or NIK inside it.
    """

    def __init__(
        self, code: str, message: str, *, status: int = 200, endpoint: str | None = None
    ) -> None:
        super().__init__(f"BPJS code {code}: {redact(message)}", endpoint=endpoint)
        self.code = code
        self.message = message
        self.status = status


class NotFoundError(APIError):
    """BPJS code ``"201"``: no data for that number or date, or a business-rule rejection."""


class DecodeError(VClaimError):
    """The answer arrived but could not be read: bad JSON, envelope or model shape."""

    def __init__(
        self, message: str, *, status: int = 200, excerpt: str = "", endpoint: str | None = None
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.status = status
        self.excerpt = excerpt


class DecryptError(DecodeError):
    """The encrypted ``response`` did not decrypt and decompress with this request's timestamp."""


class ResponseTooLargeError(DecodeError):
    """The answer was bigger than ``max_response_bytes``; reading stopped at the bound.

    ``limit`` is the bound and ``received`` how much had arrived when reading stopped (wire
    bytes, bytes after gzip/deflate, or LZ-string characters, as ``what`` says). Never retried:
    the same question gets the same answer.
    """

    def __init__(
        self,
        *,
        what: str,
        limit: int,
        received: int,
        status: int = 200,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(
            f"answer too large: {what} exceeded {limit} after {received}",
            status=status,
            endpoint=endpoint,
        )
        self.what = what
        self.limit = limit
        self.received = received


def _scrub_error(exc: VClaimError, secrets: tuple[str, ...]) -> None:
    """Cut ``secrets`` out of an error's message and evidence, whatever the server echoed."""
    exc.args = tuple(scrub(a, secrets) if isinstance(a, str) else a for a in exc.args)
    text = getattr(exc, "excerpt", None)
    if isinstance(text, str) and text:
        exc.excerpt = scrub_tail(scrub(text, secrets), secrets)  # type: ignore[attr-defined]
    if isinstance(exc, APIError):
        exc.message = scrub(exc.message, secrets)
