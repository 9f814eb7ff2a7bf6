"""WS RS tokens: HMAC-signed, expiring, bound to a username; and a brake on password guessing.

Why our own HMAC token and not a JWT library: the token is opaque to Mobile JKN (it only
echoes it in ``x-token``) and read back only by the server that issued it, so none of what a
JWT library brings (algorithm negotiation, foreign issuers, key discovery) is used, and its
one classic failure, accepting an algorithm the header names, cannot happen to a format with one
fixed algorithm. What remains is thirty lines over :mod:`hmac`: no new dependency. The format
is ``base64url(payload) "." base64url(HMAC-SHA256(key, payload))`` where the payload is the
JSON ``{"u": username, "iat": ms, "exp": ms, "n": nonce}`` (epoch milliseconds). The
signature is compared with :func:`hmac.compare_digest`, and so is the username against
``x-username``.

The key is random per process unless given: several worker processes behind one URL must share
one ``key`` (or every token is refused by the workers that did not issue it).

Time is an input: both classes take ``clock`` (epoch seconds, :func:`time.time` by default).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

import msgspec

__all__ = ["LoginGuard", "TokenCheck", "TokenSigner"]


class TokenCheck(enum.Enum):
    """The outcome of :meth:`TokenSigner.verify`."""

    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"  # missing, malformed, forged, or issued to another username


class _Payload(msgspec.Struct, frozen=True):
    u: str
    iat: int
    exp: int
    n: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Issues and checks tokens valid ``ttl`` seconds for one username."""

    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        key: bytes | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if ttl <= 0:
            raise ValueError("token ttl must be positive")
        if key is not None and len(key) < 32:
            raise ValueError("token key must be at least 32 bytes")
        self._key = key if key is not None else secrets.token_bytes(32)
        self._ttl = ttl
        self._clock = clock
        self._decoder = msgspec.json.Decoder(_Payload)

    @property
    def ttl(self) -> float:
        """Seconds a token stays valid."""
        return self._ttl

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())

    def issue(self, username: str) -> str:
        """A new token for ``username``, valid from now for ``ttl`` seconds."""
        now = self._clock()
        payload = _Payload(
            u=username,
            iat=int(now * 1000),
            exp=int((now + self._ttl) * 1000),
            n=_b64(secrets.token_bytes(9)),
        )
        body = _b64(msgspec.json.encode(payload))
        return f"{body}.{self._sign(body)}"

    def verify(self, token: str | None, username: str | None) -> TokenCheck:
        """Whether ``token`` is ours, unexpired, and was issued to ``username``."""
        if not token or not username or len(token) > 1024:
            return TokenCheck.INVALID
        body, dot, signature = token.partition(".")
        if not dot or not body.isascii() or not signature.isascii():
            return TokenCheck.INVALID
        if not hmac.compare_digest(self._sign(body).encode(), signature.encode()):
            return TokenCheck.INVALID
        try:
            payload = self._decoder.decode(_unb64(body))
        except (ValueError, msgspec.DecodeError):  # pragma: no cover - we signed it
            return TokenCheck.INVALID
        if not hmac.compare_digest(payload.u.encode(), username.encode()):
            return TokenCheck.INVALID
        if self._clock() * 1000 >= payload.exp:
            return TokenCheck.EXPIRED
        return TokenCheck.VALID


class LoginGuard:
    """Slows down repeated wrong passwords, per username.

    The first ``free_attempts`` failures cost nothing. After that, each failure closes the
    username for ``base_delay * 2**(n - free_attempts)`` seconds (capped at ``max_delay``), and
    a login during that time is refused without looking at the password, with the same reply as
    a wrong one. A success reopens the username. Usernames are kept as SHA-256 digests, at most
    ``max_tracked`` of them (the oldest forgotten first), so a flood of invented usernames
    cannot grow memory without bound.
    """

    def __init__(
        self,
        *,
        free_attempts: int = 5,
        base_delay: float = 1.0,
        max_delay: float = 300.0,
        max_tracked: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._free = free_attempts
        self._base = base_delay
        self._max = max_delay
        self._max_tracked = max_tracked
        self._clock = clock
        self._failures: OrderedDict[bytes, tuple[int, float]] = OrderedDict()

    @staticmethod
    def _key(username: str) -> bytes:
        return hashlib.sha256(username.encode("utf-8", "surrogatepass")).digest()

    def retry_after(self, username: str) -> float:
        """Seconds before ``username`` may try again (0: now)."""
        entry = self._failures.get(self._key(username))
        if entry is None:
            return 0.0
        failures, until = entry
        return max(0.0, until - self._clock()) if failures > self._free else 0.0

    def failed(self, username: str) -> None:
        """Count a wrong password for ``username``."""
        key = self._key(username)
        failures = self._failures.pop(key, (0, 0.0))[0] + 1
        delay = 0.0
        if failures > self._free:
            delay = min(self._max, self._base * 2 ** (failures - self._free - 1))
        self._failures[key] = (failures, self._clock() + delay)
        while len(self._failures) > self._max_tracked:
            self._failures.popitem(last=False)

    def succeeded(self, username: str) -> None:
        """Forget the failures of ``username``."""
        self._failures.pop(self._key(username), None)
