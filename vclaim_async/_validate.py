"""Argument checks made before anything is sent, and path-segment encoding."""

from __future__ import annotations

import datetime
import re
from urllib.parse import quote

from ._redact import mask

__all__ = [
    "JAKARTA",
    "card_number",
    "date_segment",
    "digits",
    "mask",
    "nik",
    "path_segment",
    "today_jakarta",
]

#: Asia/Jakarta (WIB) is UTC+7 with no daylight saving, so no tz database is needed.
JAKARTA = datetime.timezone(datetime.timedelta(hours=7), "WIB")

_DIGITS = re.compile(r"[0-9]+")
_BAD_SEGMENT = re.compile(r"[/?#%\\\x00-\x1f\x7f]")


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


def path_segment(value: object, what: str) -> str:
    """A free-text path parameter, checked and percent-encoded.

    Path characters (``/ ? # %``), ``..``, control characters and leading or trailing
    whitespace are refused: they would change which resource the request names.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    if not value or value != value.strip():
        raise ValueError(f"{what} must be non-empty with no leading or trailing whitespace")
    if _BAD_SEGMENT.search(value) or value in (".", "..") or ".." in value:
        raise ValueError(f"{what} contains characters not allowed in a path segment")
    return quote(value, safe="")
