"""Tolerant decoding: one null field must not make a whole answer unreadable.

A response model types a field as always present when every source we have says BPJS sends
it (``models/_base.py``). BPJS has surprised that evidence before (an outpatient history row
with ``"kelasRawat": null``), and one such row made a participant's whole history, and with it
the settling of a lost SEP insert, unreadable. So, unless ``VClaimConfig.strict_decoding`` is
set, an answer that fails to decode **only** because a required field is ``null`` or missing is
decoded again with that field set to an empty value of its type:

========================  =====================
the field's type          decoded as
========================  =====================
``str``                   ``""``
``int`` / ``float``       ``0`` / ``0.0``
``bool``                  ``False``
a list                    ``[]``
an object (a Struct)      its own fields, each defaulted the same way
``date``                  ``datetime.date.min`` (``0001-01-01``): never a plausible day
========================  =====================

**Identifiers are never defaulted**: a null or missing ``no*`` field (``noSep``, ``noKartu``,
``noRujukan``, ``noSEP``, ``noMR`` ...) or ``nik`` is still a DecodeError, since an empty SEP
or card number is worse than no answer.

Each repaired field is named by its JSON path (``$.histori[0].kelasRawat``), never its value:
one WARNING per answer is logged and the call's hook event carries the paths in
``CallEvent.defaulted``. A wrong value that is not null (a number where text belongs, a date
that is not a date) is never repaired: that is still a :class:`~vclaim_async.DecodeError`.
"""

from __future__ import annotations

import contextvars
import logging
import re
from typing import Any, TypeVar

import msgspec

__all__ = ["DEFAULTED", "MAX_REPAIRS", "redecode"]

T = TypeVar("T")

logger = logging.getLogger("vclaim_async")

#: The most fields one answer may have repaired; past that the answer is not the model at all.
MAX_REPAIRS = 64

#: The paths repaired while decoding the current call's answer (read by the hook emitter).
DEFAULTED: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "vclaim_defaulted", default=()
)

_EXPECTED_NULL = re.compile(r"^Expected `([^`]+)`, got `null`(?: - at `(\$[^`]*)`)?$")
_MISSING = re.compile(r"^Object missing required field `([^`]+)`(?: - at `(\$[^`]*)`)?$")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")

_EMPTY: dict[str, Any] = {
    "str": "",
    "int": 0,
    "float": 0.0,
    "bool": False,
    "array": [],
    "object": {},
    "date": "0001-01-01",
}

_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}


def _steps(path: str) -> list[str | int]:
    # findall gives ("name", "") for ".name" and ("", "3") for "[3]"; the path starts at "$".
    return [name if name else int(index) for name, index in _STEP.findall(path[1:])]


def _parent(root: Any, steps: list[str | int]) -> Any:
    node = root
    for step in steps:
        node = node[step]
    return node


_IDENTIFIER = re.compile(r"^(no[A-Z].*|nik)$")


def _identifier(path: str) -> bool:
    steps = _steps(path)
    return bool(steps) and isinstance(steps[-1], str) and bool(_IDENTIFIER.match(steps[-1]))


def _repair(data: Any, message: str) -> tuple[Any, str] | None:
    """``data`` with the one field ``message`` complains about defaulted, and its path."""
    if found := _MISSING.match(message):
        name, at = found.group(1), found.group(2) or "$"
        if _IDENTIFIER.match(name):
            return None
        target = _parent(data, _steps(at))
        if not isinstance(target, dict):
            return None
        # Set it to null: the next round names its type, and defaults it.
        target[name] = None
        return data, f"{at}.{name}"
    if found := _EXPECTED_NULL.match(message):
        kinds, at = found.group(1), found.group(2) or "$"
        empty = next((_EMPTY[k.strip()] for k in kinds.split("|") if k.strip() in _EMPTY), _MISSING)
        steps = _steps(at)
        if empty is _MISSING or not steps or _identifier(at):
            return None  # a type with no honest empty value, or the whole answer is null
        parent = _parent(data, steps[:-1])
        parent[steps[-1]] = msgspec.json.decode(msgspec.json.encode(empty))
        return data, at
    return None


def redecode(text: str, model: type[T], error: msgspec.ValidationError) -> T | None:
    """``text`` decoded into ``model`` with null or missing required fields defaulted.

    None when the answer has another problem (the caller then raises its DecodeError). On
    success the repaired paths are in :data:`DEFAULTED` and one WARNING names them.
    """
    try:
        data = msgspec.json.decode(text)
    except msgspec.DecodeError:
        return None
    decoder = _decoders.get(model)
    if decoder is None:
        decoder = _decoders.setdefault(model, msgspec.json.Decoder(model))
    repaired: list[str] = []
    message = str(error)
    while len(repaired) < MAX_REPAIRS:
        try:
            fixed = _repair(data, message)
        except (KeyError, IndexError, TypeError):
            return None
        if fixed is None:
            return None
        data, path = fixed
        if path not in repaired:
            repaired.append(path)
        try:
            result: T = decoder.decode(msgspec.json.encode(data))
        except msgspec.ValidationError as again:
            message = str(again)
            continue
        name = getattr(model, "__name__", str(model))
        fields = [p for p in repaired if not _is_parent_of_later(p, repaired)]
        logger.warning(
            "vclaim: %s answer had %d required field(s) null or missing, decoded with empty "
            "defaults: %s",
            name,
            len(fields),
            ", ".join(fields),
        )
        DEFAULTED.set(DEFAULTED.get() + tuple(fields))
        return result
    return None


def _is_parent_of_later(path: str, paths: list[str]) -> bool:
    # A missing object defaulted to {} is reported by its own fields, not twice.
    return any(other != path and other.startswith(path + ".") for other in paths)
