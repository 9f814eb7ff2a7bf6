"""The VClaim 2.0 catalog as data: one row per operation.

Resources build requests from these rows, the README's endpoint table is generated from them,
and the tests iterate them. ``encrypted`` is True when BPJS encrypts a 200 answer, False when it
never does (SEP delete, ``sep/cbg``) and None when sources disagree (both are handled).
``idempotent`` marks the operations that may be re-sent after a timeout or a 5xx.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["CATALOG", "Endpoint"]


@dataclass(frozen=True)
class Endpoint:
    """One catalog operation."""

    name: str
    method: str
    path: str
    encrypted: bool | None = True
    summary: str = ""

    @property
    def idempotent(self) -> bool:
        """Reads may be re-sent; a write is re-sent only when it provably never left us."""
        return self.method == "GET"


_ROWS: tuple[Endpoint, ...] = (
    Endpoint(
        "peserta.by_card",
        "GET",
        "Peserta/nokartu/{no_kartu}/tglSEP/{tgl_sep}",
        summary="Participant by card number (13 digits) on a service date",
    ),
    Endpoint(
        "peserta.by_nik",
        "GET",
        "Peserta/nik/{nik}/tglSEP/{tgl_sep}",
        summary="Participant by NIK (16 digits) on a service date",
    ),
)

#: Operation name -> row, in catalog order.
CATALOG: Mapping[str, Endpoint] = MappingProxyType({row.name: row for row in _ROWS})
