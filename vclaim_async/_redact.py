"""Masking identifiers for anything a person or a log collector may read.

Card numbers (13 digits) and NIKs (16 digits) are health-data identifiers: messages and logs
show ``3671********0123``, never the whole number.
"""

from __future__ import annotations

import re

__all__ = ["mask", "redact"]

# 10+ digits standing alone: card numbers, NIKs, and anything shaped like them.
_LONG_DIGITS = re.compile(r"(?<![0-9])[0-9]{10,20}(?![0-9])")


def mask(value: str) -> str:
    """Hide the middle of a card number or NIK: ``3671********0123``."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def redact(text: str) -> str:
    """``text`` with every long digit run masked."""
    return _LONG_DIGITS.sub(lambda m: mask(m.group()), text)
