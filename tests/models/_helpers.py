"""Helpers shared by the model wire tests."""

from __future__ import annotations

import inspect
import json
from typing import Any

import msgspec

from vclaim_async.models import (
    lpk,
    monitoring,
    peserta,
    prb,
    referensi,
    rencana_kontrol,
    rujukan,
    sep,
)

MODULES = [peserta, referensi, sep, rujukan, rencana_kontrol, monitoring, prb, lpk]


def structs(base: type[msgspec.Struct]) -> list[type[msgspec.Struct]]:
    """Every concrete (non-generic) Struct deriving from ``base`` in the model modules."""
    found = []
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, base)
                and getattr(obj, "__parameters__", ()) == ()
            ):
                found.append(obj)
    return found


def wire(obj: msgspec.Struct) -> Any:
    return msgspec.json.decode(msgspec.json.encode(obj))


def add_unknown_key_innermost(body: dict[str, Any]) -> dict[str, Any]:
    """Copy ``body`` with an extra key in its deepest wrapper level (t_sep, request, ...)."""
    copy = json.loads(json.dumps(body))
    target = copy
    while len(target) == 1:
        (only,) = target.values()
        if not isinstance(only, dict):
            break
        target = only
    target["unknownField"] = "x"
    return copy  # type: ignore[no-any-return]


def has_wire_items(built: Any, sample: Any) -> bool:
    """True when ``built`` (from ``msgspec.to_builtins``) holds every key and value of ``sample``.

    Optional fields the sample omits come back as ``None``, so equality would be too strict.
    """
    if isinstance(sample, dict):
        return isinstance(built, dict) and all(
            key in built and has_wire_items(built[key], value) for key, value in sample.items()
        )
    if isinstance(sample, list):
        return (
            isinstance(built, list)
            and len(built) == len(sample)
            and all(has_wire_items(b, v) for b, v in zip(built, sample, strict=True))
        )
    return bool(built == sample)
