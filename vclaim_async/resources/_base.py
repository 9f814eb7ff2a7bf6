"""The one seam between resources and the network: ``Resource._request``.

A resource method names its catalog operation, its path parameters, its body and its model in
one call; this module turns that into transport -> envelope -> model and tells the hooks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, TypeVar, overload

import msgspec

from .. import _signing
from .._cache import CACHE_STATE
from .._envelope import DIALECTS, decode_answer
from .._hooks import CallEvent
from ..errors import APIError, VClaimError, _scrub_error

if TYPE_CHECKING:
    from .._catalog import Endpoint
    from .._client import ServiceClient, VClaimClient
    from .._config import VClaimConfig
    from .._transport import Answer

__all__ = ["Resource"]

T = TypeVar("T")

logger = logging.getLogger(__name__)

_encoder = msgspec.json.Encoder()


class Resource:
    """A namespace of catalog operations on one client (``client.peserta``, ``client.sep``...)."""

    __slots__ = ("_client",)

    #: Typed as VClaim's client for its resources; any service's client serves the seam.
    _client: VClaimClient

    def __init__(self, client: ServiceClient) -> None:
        self._client = client  # type: ignore[assignment]

    @overload
    async def _request(
        self,
        operation: str,
        params: Mapping[str, str],
        *,
        model: type[T],
        body: msgspec.Struct | None = None,
        nullable: Literal[False] = False,
    ) -> T: ...

    @overload
    async def _request(
        self,
        operation: str,
        params: Mapping[str, str],
        *,
        model: type[T],
        body: msgspec.Struct | None = None,
        nullable: Literal[True],
    ) -> T | None: ...

    async def _request(
        self,
        operation: str,
        params: Mapping[str, str],
        *,
        model: type[T],
        body: msgspec.Struct | None = None,
        nullable: bool = False,
    ) -> T | None:
        """Send catalog ``operation`` and decode its answer into ``model``.

        ``params`` fill the row's path template (already checked and percent-encoded);
        ``nullable=True`` lets a ``null`` answer through as None instead of a DecodeError.
        """
        value, _ = await self._send(operation, params, model=model, body=body, nullable=nullable)
        return value

    async def _send(
        self,
        operation: str,
        params: Mapping[str, str],
        *,
        model: type[T],
        body: msgspec.Struct | None = None,
        nullable: bool = False,
    ) -> tuple[T | None, Answer]:
        """As :meth:`_request`, also returning the raw answer (attempts, timestamp)."""
        client = self._client
        endpoint = client.endpoint(operation)
        path = endpoint.path.format_map(params)
        data = None if body is None else _encoder.encode(body)
        config = client.config
        started = time.monotonic()
        answer: Answer | None = None
        try:
            answer = await client.transport.request(endpoint, path, data, options=config)
            value = decode_answer(
                answer.status,
                answer.body,
                timestamp=answer.timestamp,
                encrypted=endpoint.encrypted,
                model=model,
                cons_id=config.cons_id,
                secret=config.secret,
                nullable=nullable,
                endpoint=endpoint.name,
                secrets=(config.secret, config.user_key),
                max_length=answer.max_response_bytes,
                dialect=DIALECTS[endpoint.service],
            )
        except VClaimError as exc:
            _scrub(config, exc, answer)
            exc.endpoint = exc.endpoint or operation
            if answer is not None:
                exc.attempts = answer.attempts
            _emit(client, endpoint, started, answer, exc)
            raise
        _emit(client, endpoint, started, answer, None)
        return value, answer


def _scrub(config: VClaimConfig, exc: VClaimError, answer: Answer | None) -> None:
    """Cut the credentials out of an error, as a gateway echoing the request may put them."""
    secrets: tuple[str, ...] = (config.secret, config.user_key)
    if answer is not None:
        secrets += (_signing.sign(config.cons_id, config.secret, answer.timestamp),)
    _scrub_error(exc, secrets)


def _emit(
    client: VClaimClient,
    endpoint: Endpoint,
    started: float,
    answer: Answer | None,
    error: VClaimError | None,
) -> None:
    hooks = client._hooks
    if not hooks:
        return
    status = answer.status if answer is not None else getattr(error, "status", None)
    if error is None:
        code: str | None = "200"
    else:
        code = error.code if isinstance(error, APIError) else None
    attempts = answer.attempts if answer is not None else None
    if attempts is None:
        attempts = (error.attempts if error is not None else None) or 1
    event = CallEvent(
        operation=endpoint.name,
        method=endpoint.method,
        status=status,
        code=code,
        attempts=attempts,
        latency=time.monotonic() - started,
        error=None if error is None else type(error).__name__,
        cache=CACHE_STATE.get(),
    )
    for hook in hooks:
        try:
            hook(event)
        except Exception:
            # A broken metrics hook must never break a hospital's eligibility check.
            logger.exception("vclaim: hook %r failed", hook)
