"""The frozen client configuration; the only module that reads ``os.environ``."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar, Literal
from urllib.parse import urlsplit

__all__ = [
    "ANTREAN_BASE_URLS",
    "BASE_URLS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "FORM_CONTENT_TYPE",
    "JSON_CONTENT_TYPE",
    "AntreanConfig",
    "RetryPolicy",
    "Secret",
    "VClaimConfig",
]

#: Where VClaim 2.0 lives, per environment (protocol notes §1.3).
BASE_URLS: Mapping[str, str] = MappingProxyType(
    {
        "production": "https://apijkn.bpjs-kesehatan.go.id/vclaim-rest",
        "development": "https://apijkn-dev.bpjs-kesehatan.go.id/vclaim-rest-dev",
    }
)

#: Where Antrean RS (WS BPJS) lives, per environment (Antrean protocol notes §2.1).
ANTREAN_BASE_URLS: Mapping[str, str] = MappingProxyType(
    {
        "production": "https://apijkn.bpjs-kesehatan.go.id/antreanrs",
        "development": "https://apijkn-dev.bpjs-kesehatan.go.id/antreanrs_dev",
    }
)

#: The write content type exactly as the TrustMark catalog prints it (the body is still JSON).
FORM_CONTENT_TYPE = "Application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

Environment = Literal["production", "development"]

#: The largest answer read, on the wire and after gzip/deflate, and the most characters the
#: LZ-string payload may expand to. The biggest real answer we know, a 90-day HistoriPelayanan
#: (vector 3 in tests/vclaim-vectors.json), is 44,780 bytes on the wire and 123,215 characters
#: decrypted; catalog samples are all under 10 KB. 8 MiB leaves ~68x headroom over the largest.
DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024

#: Loopback hosts, where plain http is expected (the simulator, a local stub).
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


class Secret(str):
    """A ``str`` whose ``repr()`` is masked, for credentials held in locals and attributes.

    Tracebacks that capture locals (Sentry, rich ``show_locals``) call ``repr()``; the value
    itself still formats, hashes and encodes as the plain string.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_header_value(name: str, value: object) -> None:
    """Fields sent as headers must be printable ASCII, or aiohttp fails at the first request."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"VClaimConfig.{name} must be a non-empty string")
    if any(c in value for c in "\r\n"):
        raise ValueError(f"VClaimConfig.{name} must not contain line breaks")
    if not all(" " <= c <= "~" for c in value):
        # Never echo the value: it may be a credential.
        raise ValueError(
            f"VClaimConfig.{name} must be printable ASCII (it is sent as an HTTP header)"
        )


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").rstrip(".")


def _checked_base_url(url: str) -> str:
    """``url`` with scheme and host normalised; refuses userinfo and clear-text BPJS hosts."""
    if not isinstance(url, str):
        raise ValueError("VClaimConfig.base_url must be a string")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError("VClaimConfig.base_url is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise ValueError("VClaimConfig.base_url must start with https:// or http://")
    if "@" in parts.netloc:
        # Never echo the URL: the part before '@' is a password.
        raise ValueError(
            "VClaimConfig.base_url must not carry user:password@ credentials; "
            "VClaim authenticates with cons_id, secret and user_key"
        )
    host = _host(url.strip())
    if not host:
        raise ValueError("VClaimConfig.base_url has no host")
    if (host == "bpjs-kesehatan.go.id" or host.endswith(".bpjs-kesehatan.go.id")) and (
        scheme != "https"
    ):
        # Patient data never crosses the internet in clear text.
        raise ValueError("BPJS hosts must be reached over https://")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return parts._replace(scheme=scheme, netloc=netloc).geturl()


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How reads are retried: capped exponential backoff with jitter, bounded twice.

    ``attempts`` counts the first try. The wait before retry *n* is
    ``min(initial_backoff * 2**(n-1) + uniform(0, jitter), max_backoff)``; ``deadline``
    seconds from the call bound everything: the waits for a slot and every attempt. Writes
    are never re-sent once they may have reached BPJS, whatever this policy says.
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

    #: The service this config reaches; a client accepts only its own service's config.
    service: ClassVar[str] = "vclaim"
    #: Base URL per ``environment`` for this service.
    base_urls: ClassVar[Mapping[str, str]] = BASE_URLS

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
    #: Seconds one attempt may take, answer read included; ``retry.deadline`` bounds the call.
    timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: Largest answer accepted (wire bytes, decoded bytes, LZ-string characters).
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    #: An explicit HTTP proxy (``http://host:port``); ``HTTP(S)_PROXY`` is not read.
    proxy: str | None = field(default=None, repr=False)
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
    #: A null or missing value in a field the model types as always present is a DecodeError
    #: (True), or is decoded with an empty default, logged and reported to the hooks (False).
    #: Tests keep it True (``VClaimSimulator.config()`` does) so model drift fails loudly.
    strict_decoding: bool = False
    #: A Redis URL for the shared eligibility cache (a RedisCache the client builds).
    cache_url: str | None = field(default=None, repr=False)
    #: Seconds a cached answer is reused (never past its service day); None: the cache's own
    #: default (600 s for a client; the whole service day for ``vclaim-async check``).
    cache_ttl: float | None = None

    def __post_init__(self) -> None:
        for name in ("cons_id", "secret", "user_key"):
            _check_header_value(name, getattr(self, name))
        # Masked in repr, so a traceback that captures locals never shows them.
        object.__setattr__(self, "secret", Secret(self.secret))
        object.__setattr__(self, "user_key", Secret(self.user_key))
        for name in ("user_agent", "write_content_type"):
            _check_header_value(name, getattr(self, name))
        if self.base_url is None and self.environment not in self.base_urls:
            raise ValueError(
                f"{type(self).__name__}.environment must be one of {sorted(self.base_urls)}, "
                f"got {self.environment!r}"
            )
        if self.base_url is not None:
            object.__setattr__(self, "base_url", _checked_base_url(self.base_url))
        if self.proxy is not None:
            parts = urlsplit(self.proxy)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("VClaimConfig.proxy must be an http:// or https:// URL")
        if not isinstance(self.time_offset, int) or isinstance(self.time_offset, bool):
            raise ValueError("VClaimConfig.time_offset must be a whole number of seconds")
        if self.max_concurrency < 1:
            raise ValueError("VClaimConfig.max_concurrency must be at least 1")
        if self.connect_timeout <= 0 or self.timeout <= 0:
            raise ValueError("VClaimConfig timeouts must be positive")
        if (
            not isinstance(self.max_response_bytes, int)
            or isinstance(self.max_response_bytes, bool)
            or self.max_response_bytes < 1
        ):
            raise ValueError("VClaimConfig.max_response_bytes must be a positive whole number")
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
        if self.cache_ttl is not None and not self.cache_ttl > 0:
            raise ValueError("VClaimConfig.cache_ttl must be positive")

    @property
    def url(self) -> str:
        """The base URL requests are joined to, without a trailing slash."""
        base = self.base_url if self.base_url is not None else self.base_urls[self.environment]
        return base.rstrip("/")

    @property
    def host(self) -> str:
        """The server's host name, lower-case and without a trailing dot."""
        return _host(self.url)

    def replace(self, **changes: object) -> VClaimConfig:
        """A copy with some fields changed (the config itself is frozen)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> VClaimConfig:
        """Build a config from ``VCLAIM_*`` variables; keyword arguments override them.

        Reads ``VCLAIM_CONS_ID``, ``VCLAIM_SECRET``, ``VCLAIM_USER_KEY``, ``VCLAIM_BASE_URL`` or
        ``VCLAIM_ENV``, ``VCLAIM_PPK``, ``VCLAIM_TIME_OFFSET``, ``VCLAIM_TIMEOUT``,
        ``VCLAIM_MAX_CONCURRENCY``, ``VCLAIM_MAX_RESPONSE_BYTES``, ``VCLAIM_PROXY`` and, for
        several processes sharing one quota, ``VCLAIM_REDIS_URL``,
        ``VCLAIM_SHARED_MAX_IN_FLIGHT`` and ``VCLAIM_SHARED_PER_SECOND``, and for a shared
        eligibility cache ``VCLAIM_CACHE_URL`` and ``VCLAIM_CACHE_TTL``. Raises
        :class:`ValueError` naming exactly the variables that are missing. Unlike the
        constructor (which defaults to ``"development"``), the server must be named here: a
        deployment that forgot ``VCLAIM_ENV`` fails at start-up instead of quietly talking to
        the wrong BPJS environment.
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
        numbers: dict[str, tuple[str, type[int] | type[float], str]] = {
            "time_offset": ("VCLAIM_TIME_OFFSET", int, "a whole number of seconds"),
            "timeout": ("VCLAIM_TIMEOUT", float, "a number of seconds"),
            "max_concurrency": ("VCLAIM_MAX_CONCURRENCY", int, "a whole number"),
            "max_response_bytes": ("VCLAIM_MAX_RESPONSE_BYTES", int, "a whole number of bytes"),
        }
        for name, (var, kind, what) in numbers.items():
            raw = env.get(var, "").strip()
            if not raw:
                continue
            try:
                values[name] = kind(raw)
            except ValueError:
                raise ValueError(f"{var} must be {what}, got {raw[:40]!r}") from None
        if env.get("VCLAIM_PROXY"):
            values["proxy"] = env["VCLAIM_PROXY"]
        values.update(_shared_from_env(env))
        values.update(cache_from_env(env))
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @staticmethod
    def env_is_configured(environ: Mapping[str, str] | None = None) -> bool:
        """True when the ``VCLAIM_*`` variables needed to reach BPJS are all set."""
        env = os.environ if environ is None else environ
        needed = ("VCLAIM_CONS_ID", "VCLAIM_SECRET", "VCLAIM_USER_KEY")
        has_base = bool(env.get("VCLAIM_BASE_URL") or env.get("VCLAIM_ENV"))
        return has_base and all(env.get(v) for v in needed)


@dataclass(frozen=True, kw_only=True)
class AntreanConfig(VClaimConfig):
    """Everything an :class:`~vclaim_async.antrean.AntreanClient` needs, fixed once built.

    Antrean RS uses the same ``cons_id`` and ``secret`` as VClaim and its **own** ``user_key``
    (BPJS issues one per service). ``environment`` picks ``antreanrs`` (production) or
    ``antreanrs_dev`` (development); ``base_url`` overrides it. Writes go out as
    ``application/json`` (both content types work at BPJS, protocol notes §2.3). Every other
    setting (timeouts, retries, concurrency, the shared limiter) means what it means for
    :class:`VClaimConfig`.
    """

    service: ClassVar[str] = "antrean"
    base_urls: ClassVar[Mapping[str, str]] = ANTREAN_BASE_URLS

    write_content_type: str = JSON_CONTENT_TYPE

    def __post_init__(self) -> None:
        try:
            super().__post_init__()
        except ValueError as exc:
            # The checks are VClaimConfig's; name the class the caller built.
            raise ValueError(str(exc).replace("VClaimConfig.", "AntreanConfig.")) from None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> AntreanConfig:
        """Build a config from the environment; keyword arguments override it.

        Reads ``VCLAIM_CONS_ID`` and ``VCLAIM_SECRET`` (shared with VClaim),
        ``VCLAIM_ANTREAN_USER_KEY``, and ``VCLAIM_ANTREAN_BASE_URL`` or ``VCLAIM_ENV``; the
        timeouts, concurrency, proxy and shared-limiter variables are VClaim's
        (``VCLAIM_TIMEOUT``, ``VCLAIM_MAX_CONCURRENCY``, ``VCLAIM_REDIS_URL`` ...). The VClaim
        ``VCLAIM_USER_KEY`` and ``VCLAIM_BASE_URL`` are never used for Antrean. Raises
        :class:`ValueError` naming exactly the variables that are missing.
        """
        env = os.environ if environ is None else environ
        mapped = {k: v for k, v in env.items() if k not in ("VCLAIM_USER_KEY", "VCLAIM_BASE_URL")}
        mapped.pop("VCLAIM_PPK", None)
        if env.get("VCLAIM_ANTREAN_USER_KEY"):
            mapped["VCLAIM_USER_KEY"] = env["VCLAIM_ANTREAN_USER_KEY"]
        if env.get("VCLAIM_ANTREAN_BASE_URL"):
            mapped["VCLAIM_BASE_URL"] = env["VCLAIM_ANTREAN_BASE_URL"]
        try:
            config = super().from_env(mapped, **overrides)
        except ValueError as exc:
            text = str(exc).replace("VCLAIM_USER_KEY", "VCLAIM_ANTREAN_USER_KEY")
            text = text.replace("VCLAIM_BASE_URL", "VCLAIM_ANTREAN_BASE_URL")
            raise ValueError(text) from None
        assert isinstance(config, AntreanConfig)
        return config

    @staticmethod
    def env_is_configured(environ: Mapping[str, str] | None = None) -> bool:
        """True when the variables needed to reach Antrean RS are all set."""
        env = os.environ if environ is None else environ
        needed = ("VCLAIM_CONS_ID", "VCLAIM_SECRET", "VCLAIM_ANTREAN_USER_KEY")
        has_base = bool(env.get("VCLAIM_ANTREAN_BASE_URL") or env.get("VCLAIM_ENV"))
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


def cache_from_env(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """``cache_url`` and ``cache_ttl`` from ``VCLAIM_CACHE_URL`` / ``VCLAIM_CACHE_TTL``.

    Also for a client that takes the rest of its config elsewhere (the CLI's sandbox).
    """
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    if env.get("VCLAIM_CACHE_URL"):
        values["cache_url"] = env["VCLAIM_CACHE_URL"]
    raw = env.get("VCLAIM_CACHE_TTL", "").strip()
    if raw:
        try:
            values["cache_ttl"] = float(raw)
        except ValueError:
            raise ValueError(
                f"VCLAIM_CACHE_TTL must be a number of seconds, got {raw[:40]!r}"
            ) from None
    return values
