"""``X-timestamp`` and ``X-signature``: made fresh for every attempt, never stored.

signature = base64(HMAC-SHA256(key=secret, msg=cons_id + "&" + timestamp)), standard alphabet
with padding, sent as is (protocol notes §1.1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable

from ._config import Secret

__all__ = [
    "SENSITIVE_HEADERS",
    "SignedHeaders",
    "hmac_sha256_b64",
    "make_timestamp",
    "sign",
    "signed_headers",
]

#: Request headers whose values are credentials (lower-case); masked in every repr.
SENSITIVE_HEADERS = frozenset({"user_key", "x-signature", "x-cons-id", "authorization"})


class SignedHeaders(dict[str, str]):
    """The headers of one attempt; ``repr()`` masks the credentials.

    Tracebacks that capture locals (Sentry, rich ``show_locals``) print this dict.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        shown = {k: "***" if k.lower() in SENSITIVE_HEADERS else v for k, v in self.items()}
        return f"SignedHeaders({shown!r})"


def make_timestamp(offset: int = 0, *, clock: Callable[[], float] = time.time) -> str:
    """Whole UTC epoch seconds plus ``offset``, as BPJS reads ``X-timestamp``.

    ``int()`` floors (for positive times); rounding could put the stamp up to half a
    second in the future.
    """
    return str(int(clock()) + offset)


def hmac_sha256_b64(key: str, message: str) -> str:
    """base64(HMAC-SHA256(key, message)), the primitive the catalog's own example checks."""
    digest = hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def sign(cons_id: str, secret: str, timestamp: str) -> Secret:
    """The ``X-signature`` value for one request, masked in ``repr()``."""
    return Secret(hmac_sha256_b64(secret, f"{cons_id}&{timestamp}"))


def signed_headers(cons_id: str, secret: str, user_key: str, timestamp: str) -> SignedHeaders:
    """The four authentication headers every VClaim request carries."""
    return SignedHeaders(
        {
            "X-cons-id": cons_id,
            "X-timestamp": timestamp,
            "X-signature": sign(cons_id, secret, timestamp),
            "user_key": user_key,
        }
    )
