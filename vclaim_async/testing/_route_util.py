"""Small helpers the simulator's routes share: unwrapping bodies, BPJS-style refusals."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from ._simulator import Reply, not_found
from ._state import SimState

__all__ = [
    "JNS_PELAYANAN",
    "bad_date",
    "between",
    "field",
    "missing",
    "month_of",
    "plain_or_encrypted",
    "unwrap",
]

#: How BPJS names a jnsPelayanan code in answers.
JNS_PELAYANAN = {"1": "R.Inap", "2": "R.Jalan"}


def unwrap(body: Any, *keys: str) -> dict[str, Any] | Reply:
    """The object at ``body[keys[0]][keys[1]]...``, or a 201 naming the missing wrapper."""
    value = body
    path = []
    for key in keys:
        path.append(key)
        if not isinstance(value, Mapping) or not isinstance(value.get(key), Mapping):
            return not_found(f"Format request tidak valid: {'.'.join(path)} tidak ditemukan")
        value = value[key]
    return dict(value)


def field(data: Mapping[str, Any], dotted: str) -> Any:
    """``data["a"]["b"]`` for ``"a.b"``; None when any step is missing."""
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def missing(data: Mapping[str, Any], *fields: str) -> Reply | None:
    """A 201 naming the first required field that is absent or blank, as BPJS words it."""
    for dotted in fields:
        value = field(data, dotted)
        if value is None or value == [] or (isinstance(value, str) and not value.strip()):
            return not_found(f"{dotted} tidak boleh kosong")
    return None


def listing(rows: list[Any], *keys: str) -> Reply:
    """``rows`` under the nested ``keys`` (``"lpk", "list"`` -> ``{"lpk": {"list": rows}}``),
    or BPJS's 201 "no data" when there are none."""
    if not rows:
        return not_found("Data Tidak Ditemukan")
    payload: Any = rows
    for key in reversed(keys):
        payload = {key: payload}
    return Reply(payload=payload)


def bad_date(value: object) -> bool:
    """True unless ``value`` is a real ``yyyy-MM-dd`` date."""
    if not isinstance(value, str) or len(value) != 10:
        return True
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return True
    return False


def between(day: str | None, first: str, last: str) -> bool:
    """``first <= day <= last`` on ISO dates (strings compare in date order)."""
    return day is not None and first <= day <= last


def month_of(bulan: str, tahun: str) -> str | None:
    """``"YYYY-MM"`` for path segments ``bulan``/``tahun`` (padded or not), else None."""
    if not (bulan.isdigit() and tahun.isdigit() and len(tahun) == 4 and 1 <= int(bulan) <= 12):
        return None
    return f"{tahun}-{int(bulan):02d}"


def plain_or_encrypted(state: SimState, value: str) -> Reply:
    """A string answer whose encryption is unverified: plain unless the state says otherwise."""
    return Reply(payload=value, plain=not state.encrypt_unverified)
