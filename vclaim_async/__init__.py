"""vclaim-async: an asyncio client for BPJS Kesehatan's VClaim REST API 2.0."""

from importlib import metadata as _metadata

from ._bulk import CheckProgress, CheckResult, CheckStream, EligibilitySummary
from ._cache import Cache, MemoryCache
from ._catalog import CATALOG, Endpoint
from ._client import VClaimClient
from ._config import BASE_URLS, RetryPolicy, VClaimConfig
from ._hooks import CallEvent, Hook
from ._limiter import Limiter
from ._validate import DateLike
from .errors import (
    AlreadyRecordedError,
    APIError,
    AuthenticationError,
    DecodeError,
    DecryptError,
    GatewayError,
    HTTPStatusError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
    ResponseTooLargeError,
    TaskRuleError,
    TLSError,
    TransportError,
    VClaimConnectionError,
    VClaimError,
    VClaimTimeoutError,
)
from .models.peserta import Peserta

try:
    # pyproject.toml is the one place the version is written.
    __version__ = _metadata.version("vclaim-async")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0+unknown"

__all__ = [
    "BASE_URLS",
    "CATALOG",
    "APIError",
    "AlreadyRecordedError",
    "AuthenticationError",
    "Cache",
    "CallEvent",
    "CheckProgress",
    "CheckResult",
    "CheckStream",
    "DateLike",
    "DecodeError",
    "DecryptError",
    "EligibilitySummary",
    "Endpoint",
    "GatewayError",
    "HTTPStatusError",
    "Hook",
    "Limiter",
    "MemoryCache",
    "NotFoundError",
    "OutcomeUnknownError",
    "Peserta",
    "RateLimitError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "TLSError",
    "TaskRuleError",
    "TransportError",
    "VClaimClient",
    "VClaimConfig",
    "VClaimConnectionError",
    "VClaimError",
    "VClaimTimeoutError",
    "__version__",
]
