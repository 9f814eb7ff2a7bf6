"""Masking identifiers for anything a person or a log collector may read.

Card numbers (13 digits) and NIKs (16 digits) are health-data identifiers: messages and logs
show ``3671********0123``, never the whole number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

__all__ = ["mask", "printable", "redact", "scrub", "scrub_tail"]

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


# C0 controls (ESC, CR, LF, TAB, ...), DEL, C1 controls (CSI 0x9b, OSC 0x9d, NEL 0x85, ...),
# the Unicode line/paragraph separators and the bidi overrides/isolates ("Trojan Source").
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\r``, ``\\x9b``).

    For server text that ends up in an exception message or a log line: an ESC or OSC sequence
    cannot recolour or retitle a terminal, a CR/LF cannot forge a second log line, a bidi
    override cannot reorder what a person reads. Text without controls comes back unchanged.
    """
    return _CONTROLS.sub(_escape, text) if _CONTROLS.search(text) else text


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret cut out, also as JSON-escaped or percent-encoded.

    A gateway that echoes the request may write a signature ``a/b=`` as ``a\\/b=`` (JSON) or
    ``a%2Fb%3D`` (a URL); each form is replaced.
    """
    for secret in secrets:
        if len(secret) < 4:
            continue  # too short to find without mangling ordinary text
        forms = {secret, secret.replace("/", "\\/"), quote(secret, safe=""), redact(secret)}
        for form in forms:
            if form in text:
                text = text.replace(form, "[redacted]")
    return text


def scrub_tail(text: str, secrets: Iterable[str], *, shortest: int = 8) -> str:
    """``text`` without a secret's first characters at its end (an excerpt cut mid-secret)."""
    body, ellipsis = (text[:-1], "…") if text.endswith("…") else (text, "")
    for secret in secrets:
        for k in range(len(secret) - 1, shortest - 1, -1):
            if body.endswith(secret[:k]):
                return body[:-k] + "[redacted]" + ellipsis
    return text
