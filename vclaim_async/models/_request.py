"""The base of request bodies: field types checked and dates and flags coerced when built.

A nested part such as ``Skdp(no_surat=12345)`` is refused at once with a ``TypeError`` instead
of going out as a number; a date field takes a ``DateLike`` and a flag a ``bool``, stored in
their wire form (``"2024-03-01"``, ``"1"``) so msgspec can still decode a recorded body.
"""

from __future__ import annotations

import datetime
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, NewType

import msgspec

from .. import _validate
from . import _base

__all__ = ["DateField", "FlagField", "Request", "wire_flag"]

if TYPE_CHECKING:
    #: A date in a request body: a ``datetime.date`` or ``"YYYY-MM-DD"``; stored as the string.
    DateField = datetime.date | str
    #: A yes/no field: ``True``/``False`` (or the wire's ``"1"``/``"0"``); stored as the string.
    FlagField = bool | str
else:
    # At run time the wire type, so msgspec can still decode a recorded body into the model,
    # and a marker the base class recognises to coerce the value.
    DateField = NewType("DateField", str)
    FlagField = NewType("FlagField", str)


_Check = Callable[[object], bool]


class Request(_base.Request, kw_only=True):
    """Base for request bodies: camelCase on the wire, unknown fields refused, types checked.

    Every field is sent, empty ones as ``""``: the catalog's bodies list every key. Subclasses
    that coerce (codes, dates, flags) do so in ``__post_init__`` and then call this one.
    """

    _checks: ClassVar[dict[type, tuple[tuple[str, object, str, _Check], ...]]] = {}

    def __post_init__(self) -> None:
        cls = type(self)
        checks = Request._checks.get(cls)
        if checks is None:
            checks = tuple(
                (f.name, f.type, _describe(f.type), _checker(f.type))
                for f in msgspec.structs.fields(cls)
            )
            Request._checks[cls] = checks
        for name, tp, expected, check in checks:
            value = getattr(self, name)
            if tp is DateField:
                # "" is how BPJS spells an absent date; anything else must be a real date.
                value = _validate.optional_body_date(value, f"{cls.__name__}.{name}")
                setattr(self, name, value)
            elif tp is FlagField:
                value = wire_flag(value, f"{cls.__name__}.{name}")
                setattr(self, name, value)
            if not check(value):
                raise TypeError(
                    f"{cls.__name__}.{name} must be {expected}, got {type(value).__name__}"
                )


def wire_flag(value: object, what: str) -> str:
    """A flag as BPJS sends it: ``True`` -> ``"1"``; the wire's own ``"0"``/``"1"`` kept."""
    if isinstance(value, str) and value in ("0", "1"):
        return "1" if value == "1" else "0"
    return _validate.flag(value, what)


def _checker(tp: object) -> _Check:
    """A predicate for values of annotation ``tp``; anything unusual is let through."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        parts = [_checker(arg) for arg in typing.get_args(tp)]
        return lambda v: any(p(v) for p in parts)
    if tp is type(None):
        return lambda v: v is None
    if tp is bool:
        return lambda v: isinstance(v, bool)
    if tp is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if tp is float:
        return lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    if tp is datetime.date:
        return lambda v: isinstance(v, datetime.date) and not isinstance(v, datetime.datetime)
    if origin is list:
        (item,) = typing.get_args(tp) or (object,)
        each = _checker(item)
        return lambda v: isinstance(v, list) and all(each(x) for x in v)
    if isinstance(tp, type) and (tp is str or issubclass(tp, msgspec.Struct)):
        return lambda v: isinstance(v, tp)
    return lambda v: True


def _describe(tp: object) -> str:
    name = getattr(tp, "__name__", None)
    return f"a {name}" if name and typing.get_origin(tp) is None else str(tp)
