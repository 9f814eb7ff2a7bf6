"""Argument checks made before anything is sent, and path-segment encoding.

Resources check their arguments here and request models check their fields here, so a bad
value never reaches BPJS. Messages name the argument and never echo an identifier that could
be a card number or NIK.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterator
from typing import TypeVar
from urllib.parse import quote

from ._redact import mask

__all__ = [
    "JAKARTA",
    "DateLike",
    "as_date",
    "body_date",
    "card_number",
    "code",
    "date_range",
    "date_segment",
    "digits",
    "flag",
    "mask",
    "month",
    "months_between",
    "nik",
    "optional_body_date",
    "optional_code",
    "path_segment",
    "text",
    "today_jakarta",
]

E = TypeVar("E", bound=enum.Enum)

#: What a date argument accepts: a ``datetime.date`` or an ISO ``YYYY-MM-DD`` string.
DateLike = datetime.date | str

#: Asia/Jakarta (WIB) is UTC+7 with no daylight saving, so no tz database is needed.
JAKARTA = datetime.timezone(datetime.timedelta(hours=7), "WIB")

_DIGITS = re.compile(r"[0-9]+")
# Path characters, backslash and control characters (C0, DEL and C1).
_BAD_SEGMENT = re.compile(r"[/?#%\\\x00-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s")


def digits(value: object, length: int, what: str) -> str:
    """``value`` as a string of exactly ``length`` ASCII digits, or ValueError."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str of {length} digits, got {type(value).__name__}")
    if len(value) != length or not _DIGITS.fullmatch(value):
        if not _DIGITS.fullmatch(value):
            shown = f"{len(value)} characters"
        else:
            shown = (
                f"{len(value)} digits ({mask(value)})" if len(value) > 8 else f"{len(value)} digits"
            )
        raise ValueError(f"{what} must be exactly {length} digits, got {shown}")
    return value


def card_number(value: object) -> str:
    """A JKN card number: 13 digits."""
    return digits(value, 13, "card number (noKartu)")


def nik(value: object) -> str:
    """A national identity number: 16 digits."""
    return digits(value, 16, "NIK")


def today_jakarta(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in Asia/Jakarta, where BPJS's service dates live."""
    moment = now if now is not None else datetime.datetime.now(datetime.timezone.utc)
    return moment.astimezone(JAKARTA).date()


def as_date(value: object, what: str) -> datetime.date:
    """A ``datetime.date`` (or an ISO ``YYYY-MM-DD`` string) as a date."""
    if isinstance(value, datetime.datetime):
        raise TypeError(f"{what} must be a date, not a datetime")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(f"{what} must be a date in YYYY-MM-DD form, got {value!r}")
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{what} is not a real date: {value!r}") from None
    raise TypeError(f"{what} must be a datetime.date or 'YYYY-MM-DD', got {type(value).__name__}")


def date_segment(value: object, what: str = "date") -> str:
    """A date as the ``yyyy-MM-dd`` path segment VClaim expects."""
    return as_date(value, what).isoformat()


def path_segment(value: object, what: str, *, spaces: bool = False) -> str:
    """A path parameter (a BPJS number, a code or a search keyword), checked and percent-encoded.

    Refuses ``/ ? # % \\``, control characters, a lone ``.`` and any ``..``: each would change
    which resource the request names. Whitespace is refused too, except inside a search keyword
    (``spaces=True``: ``"tab 100 mg"`` goes out as ``tab%20100%20mg``), where only leading or
    trailing whitespace is.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{what} must not be empty")
    if spaces and value != value.strip():
        raise ValueError(f"{what} must have no leading or trailing whitespace")
    if _BAD_SEGMENT.search(value) or value == "." or ".." in value:
        raise ValueError(f"{what} contains characters not allowed in a path segment")
    if not spaces and _SPACE.search(value):
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
            shown = mask(value) if len(value) > 8 else repr(value)
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
    return date_segment(value, what)


def optional_body_date(value: object, what: str) -> str:
    """A date for a request body, or ``""`` when not given."""
    if value is None or value == "":
        return ""
    return body_date(value, what)


def date_range(start: object, end: object, what: str) -> tuple[datetime.date, datetime.date]:
    """Two dates in order; a reversed range is refused rather than silently empty."""
    first = as_date(start, f"{what} start")
    last = as_date(end, f"{what} end")
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
