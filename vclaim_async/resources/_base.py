"""What every resource shares: a handle on the client's request method."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._client import VClaimClient

__all__ = ["Resource"]


class Resource:
    """A namespace of catalog operations on one client (``client.peserta``, ``client.sep``...)."""

    __slots__ = ("_client",)

    def __init__(self, client: VClaimClient) -> None:
        self._client = client
