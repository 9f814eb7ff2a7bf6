"""vclaim-async: an asyncio client for BPJS Kesehatan's VClaim REST API 2.0."""

from ._bulk import CheckProgress, CheckResult, CheckStream, EligibilitySummary
from ._cache import Cache, MemoryCache
from ._catalog import CATALOG, Endpoint
from ._client import VClaimClient
from ._config import BASE_URLS, RetryPolicy, VClaimConfig
from ._hooks import CallEvent, Hook
from ._limiter import Limiter
from .errors import (
    APIError,
    AuthenticationError,
    DecodeError,
    DecryptError,
    GatewayError,
    HTTPStatusError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
    TLSError,
    TransportError,
    VClaimConnectionError,
    VClaimError,
    VClaimTimeoutError,
)
from .models.peserta import Peserta

__version__ = "0.1.0.dev0"

__all__ = [
    "BASE_URLS",
    "CATALOG",
    "APIError",
    "AuthenticationError",
    "Cache",
    "CallEvent",
    "CheckProgress",
    "CheckResult",
    "CheckStream",
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
    "RetryPolicy",
    "TLSError",
    "TransportError",
    "VClaimClient",
    "VClaimConfig",
    "VClaimConnectionError",
    "VClaimError",
    "VClaimTimeoutError",
    "__version__",
]
