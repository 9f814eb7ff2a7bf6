"""Argument checks the resources share: identifiers, codes, months, ranges, body text.

Everything here runs before a request is built, so a bad argument never reaches BPJS. Error
messages name the argument, never echo an identifier that could be a card number or NIK.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterator
from typing import TypeVar
from urllib.parse import quote

from .. import _validate

__all__ = [
    "DateLike",
    "body_date",
    "code",
    "date_range",
    "flag",
    "identifier",
    "month",
    "months_between",
    "optional_body_date",
    "optional_code",
    "text",
]

E = TypeVar("E", bound=enum.Enum)

#: What a date argument accepts: a ``datetime.date`` or an ISO ``YYYY-MM-DD`` string.
DateLike = datetime.date | str

# Path characters, backslash, any whitespace and control characters.
_BAD_IDENTIFIER = re.compile(r"[/?#%\\\s\x00-\x1f\x7f]")


def identifier(value: object, what: str) -> str:
    """A BPJS number or code used as a path segment, percent-encoded.

    Refuses ``/ ? # % \\``, ``..``, whitespace and control characters: each would change which
    resource the request names.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{what} must not be empty")
    if _BAD_IDENTIFIER.search(value) or ".." in value:
        raise ValueError(f"{what} contains characters not allowed in a path segment")
    return quote(value, safe="")


def code(kind: type[E], value: object, what: str) -> str:
    """A coded value (an enum member or its string value) as the string BPJS expects."""
    if isinstance(value, kind):
        return str(value.value)
    if isinstance(value, str):
        try:
            return str(kind(value).value)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in kind)
            # A card number passed in the wrong place must not end up whole in a message.
            shown = _validate.mask(value) if len(value) > 8 else repr(value)
            raise ValueError(f"{what} must be one of {allowed}, got {shown}") from None
    raise TypeError(f"{what} must be a {kind.__name__} or its value, got {type(value).__name__}")


def optional_code(kind: type[E], value: object, what: str) -> str:
    """As :func:`code`, with ``None`` and ``""`` sent as the empty string BPJS expects."""
    if value is None or value == "":
        return ""
    return code(kind, value, what)


def flag(value: object, what: str) -> str:
    """A yes/no field: ``True`` -> ``"1"``, ``False`` -> ``"0"``."""
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be a bool, got {type(value).__name__}")
    return "1" if value else "0"


def text(value: object, what: str, *, required: bool = True) -> str:
    """A free-text body field; ``required`` ones must not be blank."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"{what} must not be empty")
    return value


def body_date(value: object, what: str) -> str:
    """A date for a request body, as ``yyyy-MM-dd``."""
    return _validate.date_segment(value, what)


def optional_body_date(value: object, what: str) -> str:
    """A date for a request body, or ``""`` when not given."""
    if value is None or value == "":
        return ""
    return body_date(value, what)


def date_range(start: object, end: object, what: str) -> tuple[datetime.date, datetime.date]:
    """Two dates in order; a reversed range is refused rather than silently empty."""
    first = _validate.as_date(start, f"{what} start")
    last = _validate.as_date(end, f"{what} end")
    if last < first:
        raise ValueError(f"{what}: the end date is before the start date")
    return first, last


def month(bulan: object, tahun: object, *, pad: bool) -> tuple[str, str]:
    """Month and year path segments; ``pad`` writes January as ``01``."""
    if not isinstance(bulan, int) or isinstance(bulan, bool):
        raise TypeError(f"bulan must be an int from 1 to 12, got {type(bulan).__name__}")
    if not isinstance(tahun, int) or isinstance(tahun, bool):
        raise TypeError(f"tahun must be an int year, got {type(tahun).__name__}")
    if not 1 <= bulan <= 12:
        raise ValueError(f"bulan must be from 1 to 12, got {bulan}")
    if not 1900 <= tahun <= 9999:
        raise ValueError(f"tahun must be a four-digit year, got {tahun}")
    return (f"{bulan:02d}" if pad else str(bulan)), str(tahun)


def months_between(first: datetime.date, last: datetime.date) -> Iterator[tuple[int, int]]:
    """Every ``(year, month)`` from ``first``'s month to ``last``'s, in order."""
    year, mon = first.year, first.month
    while (year, mon) <= (last.year, last.month):
        yield year, mon
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
