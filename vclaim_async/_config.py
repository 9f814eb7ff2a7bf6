"""The frozen client configuration; the only module that reads ``os.environ``."""

from __future__ import annotations

import dataclasses
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal
from urllib.parse import urlsplit

__all__ = [
    "BASE_URLS",
    "FORM_CONTENT_TYPE",
    "JSON_CONTENT_TYPE",
    "RetryPolicy",
    "VClaimConfig",
]

#: Where VClaim 2.0 lives, per environment (protocol notes §1.3).
BASE_URLS: Mapping[str, str] = MappingProxyType(
    {
        "production": "https://apijkn.bpjs-kesehatan.go.id/vclaim-rest",
        "development": "https://apijkn-dev.bpjs-kesehatan.go.id/vclaim-rest-dev",
    }
)

#: The write content type exactly as the TrustMark catalog prints it (the body is still JSON).
FORM_CONTENT_TYPE = "Application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

Environment = Literal["production", "development"]


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How reads are retried: capped exponential backoff with jitter, bounded twice.

    ``attempts`` counts the first try. The wait before retry *n* is
    ``min(initial_backoff * 2**(n-1) + uniform(0, jitter), max_backoff)``; no attempt starts
    after ``deadline`` seconds from the first. Writes are never re-sent once they may have
    reached BPJS, whatever this policy says.
    """

    attempts: int = 4
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    jitter: float = 0.5
    deadline: float = 60.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")
        for name in ("initial_backoff", "max_backoff", "jitter", "deadline"):
            if getattr(self, name) < 0:
                raise ValueError(f"RetryPolicy.{name} must not be negative")

    @classmethod
    def none(cls) -> RetryPolicy:
        """One attempt, no retries."""
        return cls(attempts=1, initial_backoff=0.0, max_backoff=0.0, jitter=0.0)


@dataclass(frozen=True, kw_only=True)
class VClaimConfig:
    """Everything a :class:`~vclaim_async.VClaimClient` needs, fixed once built.

    ``secret`` and ``user_key`` never appear in ``repr()``. Either ``base_url`` or
    ``environment`` picks the server; ``base_url`` wins when both are given.
    """

    cons_id: str
    secret: str = field(repr=False)
    user_key: str = field(repr=False)
    base_url: str | None = None
    environment: Environment = "development"
    #: The hospital's BPJS code ("koders", ``ppkPelayanan``), the default for SEP inserts.
    ppk_pelayanan: str | None = None
    #: Seconds added to the local UTC clock for ``X-timestamp`` (the reference's ``addTime``).
    time_offset: int = 0
    #: Measure the offset from the server's ``Date`` header when the gateway refuses a timestamp.
    auto_time_offset: bool = False
    max_concurrency: int = 10
    connect_timeout: float = 10.0
    timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    write_content_type: str = FORM_CONTENT_TYPE
    #: Catalog operation name -> path template, for when BPJS moves a path before we release.
    path_overrides: Mapping[str, str] = field(default_factory=dict)
    #: A custom TLS context (e.g. a private CA bundle). Verification stays on unless ``verify_tls``.
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)
    #: Turning TLS verification off is possible only explicitly, and is logged as a warning.
    verify_tls: bool = True
    user_agent: str = "vclaim-async"
    #: Several processes, one quota: with a Redis URL the client shares a RedisLimiter.
    redis_url: str | None = field(default=None, repr=False)
    #: Requests on the wire across all processes (default: ``max_concurrency``).
    shared_max_in_flight: int | None = None
    #: Requests started per second across all processes (default: no rate limit).
    shared_per_second: float | None = None

    def __post_init__(self) -> None:
        for name in ("cons_id", "secret", "user_key"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"VClaimConfig.{name} must be a non-empty string")
            if any(c in value for c in "\r\n"):
                raise ValueError(f"VClaimConfig.{name} must not contain line breaks")
        if self.base_url is None and self.environment not in BASE_URLS:
            raise ValueError(
                f"VClaimConfig.environment must be one of {sorted(BASE_URLS)}, "
                f"got {self.environment!r}"
            )
        if self.base_url is not None and not self.base_url.startswith(("https://", "http://")):
            raise ValueError("VClaimConfig.base_url must start with https:// or http://")
        host = urlsplit(self.url).hostname or ""
        if host.endswith("bpjs-kesehatan.go.id") and not self.url.startswith("https://"):
            # Patient data never crosses the internet in clear text.
            raise ValueError("BPJS hosts must be reached over https://")
        if not isinstance(self.time_offset, int) or isinstance(self.time_offset, bool):
            raise ValueError("VClaimConfig.time_offset must be a whole number of seconds")
        if self.max_concurrency < 1:
            raise ValueError("VClaimConfig.max_concurrency must be at least 1")
        if self.connect_timeout <= 0 or self.timeout <= 0:
            raise ValueError("VClaimConfig timeouts must be positive")
        if self.ppk_pelayanan is not None and not self.ppk_pelayanan.strip():
            raise ValueError("VClaimConfig.ppk_pelayanan must not be blank")
        self._check_shared()
        # A read-only copy, so a caller's dict cannot change a frozen config later.
        object.__setattr__(self, "path_overrides", MappingProxyType(dict(self.path_overrides)))

    def _check_shared(self) -> None:
        shared = (self.shared_max_in_flight, self.shared_per_second)
        if self.redis_url is None and any(v is not None for v in shared):
            raise ValueError("VClaimConfig.shared_* settings need redis_url (VCLAIM_REDIS_URL)")
        if self.shared_max_in_flight is not None and self.shared_max_in_flight < 1:
            raise ValueError("VClaimConfig.shared_max_in_flight must be at least 1")
        if self.shared_per_second is not None and not self.shared_per_second > 0:
            raise ValueError("VClaimConfig.shared_per_second must be positive")

    @property
    def url(self) -> str:
        """The base URL requests are joined to, without a trailing slash."""
        base = self.base_url if self.base_url is not None else BASE_URLS[self.environment]
        return base.rstrip("/")

    def replace(self, **changes: object) -> VClaimConfig:
        """A copy with some fields changed (the config itself is frozen)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> VClaimConfig:
        """Build a config from ``VCLAIM_*`` variables; keyword arguments override them.

        Reads ``VCLAIM_CONS_ID``, ``VCLAIM_SECRET``, ``VCLAIM_USER_KEY``, ``VCLAIM_BASE_URL`` or
        ``VCLAIM_ENV``, ``VCLAIM_PPK``, ``VCLAIM_TIME_OFFSET`` and, for several processes
        sharing one quota, ``VCLAIM_REDIS_URL``, ``VCLAIM_SHARED_MAX_IN_FLIGHT`` and
        ``VCLAIM_SHARED_PER_SECOND``. Raises :class:`ValueError`
        naming exactly the variables that are missing.
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        required = {"cons_id": "VCLAIM_CONS_ID", "secret": "VCLAIM_SECRET"}
        required["user_key"] = "VCLAIM_USER_KEY"
        missing = [
            var for name, var in required.items() if name not in overrides and not env.get(var)
        ]
        base_given = "base_url" in overrides or "environment" in overrides
        if not base_given and not env.get("VCLAIM_BASE_URL") and not env.get("VCLAIM_ENV"):
            missing.append("VCLAIM_BASE_URL or VCLAIM_ENV")
        if missing:
            raise ValueError("missing environment variables: " + ", ".join(missing))
        for name, var in required.items():
            if var in env:
                values[name] = env[var]
        if env.get("VCLAIM_BASE_URL"):
            values["base_url"] = env["VCLAIM_BASE_URL"]
        if env.get("VCLAIM_ENV"):
            values["environment"] = env["VCLAIM_ENV"]
        if env.get("VCLAIM_PPK"):
            values["ppk_pelayanan"] = env["VCLAIM_PPK"]
        if env.get("VCLAIM_TIME_OFFSET"):
            raw = env["VCLAIM_TIME_OFFSET"]
            try:
                values["time_offset"] = int(raw)
            except ValueError:
                raise ValueError(
                    f"VCLAIM_TIME_OFFSET must be a whole number of seconds, got {raw!r}"
                ) from None
        values.update(_shared_from_env(env))
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @staticmethod
    def env_is_configured(environ: Mapping[str, str] | None = None) -> bool:
        """True when the ``VCLAIM_*`` variables needed to reach BPJS are all set."""
        env = os.environ if environ is None else environ
        needed = ("VCLAIM_CONS_ID", "VCLAIM_SECRET", "VCLAIM_USER_KEY")
        has_base = bool(env.get("VCLAIM_BASE_URL") or env.get("VCLAIM_ENV"))
        return has_base and all(env.get(v) for v in needed)


def _shared_from_env(env: Mapping[str, str]) -> dict[str, object]:
    """The shared-limiter settings (see docs/several-processes.md)."""
    values: dict[str, object] = {}
    if env.get("VCLAIM_REDIS_URL"):
        values["redis_url"] = env["VCLAIM_REDIS_URL"]
    for name, var, kind in (
        ("shared_max_in_flight", "VCLAIM_SHARED_MAX_IN_FLIGHT", int),
        ("shared_per_second", "VCLAIM_SHARED_PER_SECOND", float),
    ):
        raw = env.get(var)
        if raw:
            try:
                values[name] = kind(raw)
            except ValueError:
                raise ValueError(f"{var} must be a number, got {raw!r}") from None
    return values
