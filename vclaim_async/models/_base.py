"""Shared msgspec settings for every VClaim model.

Response models ignore fields they do not know (BPJS adds fields without notice) and keep
BPJS's camelCase names on the wire while Python code uses snake_case. Request models forbid
unknown fields and send every key the catalog lists.

Which answer fields are required
--------------------------------
A response field is **required** (no default, not ``Optional``) when every source we have
says a successful answer carries it: the ssecd/jkn TypeScript types (``src/vclaim/*.ts``,
tested against the BPJS dev server) type it without ``?:`` or ``| null``, and no sample in
the protocol notes or the catalog shows it null or absent. Code reading such a field needs no
``None``-guard; an answer without it is a :class:`~vclaim_async.DecodeError` naming the field
and its JSON path (never its value), raised before any caller sees a half-filled model.

A field stays **optional** (``X | None = None``) when a source marks it optional or nullable,
when a sample shows it null or absent, when it is filled only in some cases by definition
(an accident's details, a death date, an SPRI's originating SEP, a discharge date of an open
stay), or when one Struct serves two answers and one of them lacks it. Each such field says
why in a one-line comment. The users' reference document (REFDOC in the protocol notes) is not
evidence of absence: its examples are abbreviated and partly invented (protocol notes §4).

BPJS quirks kept as they are: history rows (``HistoriPelayanan``) and COB, discharge-update
and rujukan-khusus dates stay strings (``"2023-01-00"`` and ``""`` occur); amounts and
capacities are ``str | int | float``; list answers keep BPJS's ``list`` key as ``items``.
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
