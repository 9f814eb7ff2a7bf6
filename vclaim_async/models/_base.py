"""Shared msgspec settings for every VClaim model.

Response models ignore fields they do not know (BPJS adds fields without notice) and keep
BPJS's camelCase names on the wire while Python code uses snake_case. Request models forbid
unknown fields and send every key the catalog lists.
"""

from __future__ import annotations

import msgspec

__all__ = ["Request", "Response"]


class Response(msgspec.Struct, rename="camel", frozen=True, kw_only=True):
    """Base for decoded answers: camelCase on the wire, unknown fields ignored."""


class Request(msgspec.Struct, rename="camel", forbid_unknown_fields=True, kw_only=True):
    """Base for request bodies: camelCase on the wire, unknown fields refused.

    Every field is sent, empty ones as ``""``: the catalog's bodies list every key.
    """
