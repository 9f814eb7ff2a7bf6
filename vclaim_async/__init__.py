"""vclaim-async: an asyncio client for BPJS Kesehatan's VClaim REST API 2.0."""

from ._bulk import CheckProgress, CheckResult, CheckStream, EligibilitySummary
from ._catalog import CATALOG, Endpoint
from ._client import VClaimClient
from ._config import BASE_URLS, RetryPolicy, VClaimConfig
from ._hooks import CallEvent, Hook
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
    ResponseTooLargeError,
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
    "NotFoundError",
    "OutcomeUnknownError",
    "Peserta",
    "RateLimitError",
    "ResponseTooLargeError",
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
