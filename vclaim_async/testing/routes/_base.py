"""What every route module shares: the request and reply types, the registry, BPJS-style refusals.

A handler is a module-level ``async def`` registered under its catalog operation name with
``@route("sep.insert")``. Its path pattern is derived from that catalog row's template, so the
path is written once in the package (``vclaim_async/_catalog.py``) and the handler reads its
path parameters under the resource method's own argument names (``req.params["no_kartu"]``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..._catalog import CATALOGS

if TYPE_CHECKING:
    from .._simulator import VClaimSimulator
    from .._state import SimState

__all__ = [
    "JNS_PELAYANAN",
    "ROUTES",
    "SERVICE_ROUTES",
    "Handler",
    "Reply",
    "Route",
    "SimRequest",
    "bad_date",
    "between",
    "field",
    "listing",
    "missing",
    "month_of",
    "not_found",
    "pattern_for",
    "plain_or_encrypted",
    "route",
    "unwrap",
]

#: How BPJS names a jnsPelayanan code in answers.
JNS_PELAYANAN = {"1": "R.Inap", "2": "R.Jalan"}


@dataclass
class SimRequest:
    """What a route handler sees: the path parameters, the JSON body and the simulator."""

    method: str
    path: str
    params: dict[str, str]
    body: Any
    sim: VClaimSimulator

    @property
    def state(self) -> SimState:
        """The simulator's shared in-memory state (``sim.state``)."""
        return self.sim.state


@dataclass
class Reply:
    """A route's answer. ``payload`` is encrypted unless ``plain``; None answers ``null``."""

    payload: Any = None
    code: str = "200"
    message: str = "OK"
    plain: bool = False
    #: An Antrean write answers metadata only: no ``response`` key at all.
    bare: bool = False
    lz: str | None = None  # a precomputed LZ string for ``payload`` (the simulator caches)


Handler = Callable[[SimRequest], Awaitable[Reply]]


@dataclass(frozen=True)
class Route:
    """One registered operation: its catalog name, method, path patterns and handler."""

    name: str
    method: str
    patterns: tuple[re.Pattern[str], ...]
    handler: Handler


#: VClaim operation name -> route, filled by the ``@route`` decorators of the route modules.
ROUTES: dict[str, Route] = {}
#: Service -> its operation name -> route (``"antrean"`` for Antrean RS).
SERVICE_ROUTES: dict[str, dict[str, Route]] = {"vclaim": ROUTES, "antrean": {}}

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def pattern_for(template: str, *, optional: Collection[str] = ()) -> re.Pattern[str]:
    """The regex serving a catalog path template: ``{no_kartu}`` -> ``(?P<no_kartu>[^/]+)``.

    A placeholder named in ``optional`` may be empty or absent together with its slash (BPJS
    accepts ``Sep/updtglplg/list/.../tahun/2024`` without the filter segment). Matching is
    case-insensitive, as the gateway's is, and a trailing slash is accepted.
    """
    parts: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        literal, name = template[position : match.start()], match.group(1)
        if name in optional:
            if not literal.endswith("/"):
                raise ValueError(f"optional {{{name}}} must be a whole segment in {template!r}")
            parts.append(re.escape(literal[:-1]) + f"(?:/(?P<{name}>[^/]*))?")
        else:
            parts.append(re.escape(literal) + f"(?P<{name}>[^/]+)")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts) + "/?", re.IGNORECASE)


def route(
    name: str,
    *,
    optional: Collection[str] = (),
    also: Collection[str] = (),
    service: str = "vclaim",
) -> Callable[[Handler], Handler]:
    """Register a handler for the catalog operation ``name`` of ``service``.

    ``also`` adds path templates the catalog does not carry (an older spelling some gateways
    still serve, reached through ``path_overrides``).
    """
    row = CATALOGS[service][name]  # a KeyError names a route for an operation not in the catalog
    routes = SERVICE_ROUTES[service]

    def register(handler: Handler) -> Handler:
        if name in routes:
            raise ValueError(f"two handlers for {name}")
        templates = (row.path, *also)
        patterns = tuple(pattern_for(t, optional=optional) for t in templates)
        routes[name] = Route(name, row.method, patterns, handler)
        return handler

    return register


def not_found(message: str = "Data Tidak Ditemukan") -> Reply:
    """BPJS's "no data" answer: HTTP 200, code "201", response null."""
    return Reply(code="201", message=message)


def unwrap(body: Any, *keys: str, need: tuple[str, ...] = ()) -> dict[str, Any] | Reply:
    """The object at ``body[keys[0]][keys[1]]...``, or a 201 naming the missing wrapper or
    the first field of ``need`` (dotted for nested ones) that is absent or blank."""
    value = body
    path = []
    for key in keys:
        path.append(key)
        if not isinstance(value, Mapping) or not isinstance(value.get(key), Mapping):
            return not_found(f"Format request tidak valid: {'.'.join(path)} tidak ditemukan")
        value = value[key]
    return missing(value, *need) or dict(value)


def field(data: Mapping[str, Any], dotted: str) -> Any:
    """``data["a"]["b"]`` for ``"a.b"``; None when any step is missing."""
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def missing(data: Mapping[str, Any], *fields: str) -> Reply | None:
    """A 201 naming the first required field that is absent or blank, as BPJS words it."""
    for dotted in fields:
        value = field(data, dotted)
        if value is None or value == [] or (isinstance(value, str) and not value.strip()):
            return not_found(f"{dotted} tidak boleh kosong")
    return None


def listing(rows: list[Any], *keys: str) -> Reply:
    """``rows`` under the nested ``keys`` (``"lpk", "list"`` -> ``{"lpk": {"list": rows}}``),
    or BPJS's 201 "no data" when there are none."""
    if not rows:
        return not_found("Data Tidak Ditemukan")
    payload: Any = rows
    for key in reversed(keys):
        payload = {key: payload}
    return Reply(payload=payload)


def bad_date(value: object) -> bool:
    """True unless ``value`` is a real ``yyyy-MM-dd`` date."""
    if not isinstance(value, str) or len(value) != 10:
        return True
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return True
    return False


def between(day: str | None, first: str, last: str) -> bool:
    """``first <= day <= last`` on ISO dates (strings compare in date order)."""
    return day is not None and first <= day <= last


def month_of(bulan: str, tahun: str) -> str | None:
    """``"YYYY-MM"`` for path segments ``bulan``/``tahun`` (padded or not), else None."""
    if not (bulan.isdigit() and tahun.isdigit() and len(tahun) == 4 and 1 <= int(bulan) <= 12):
        return None
    return f"{tahun}-{int(bulan):02d}"


def plain_or_encrypted(state: SimState, value: str) -> Reply:
    """A string answer whose encryption is unverified: plain unless the state says otherwise."""
    return Reply(payload=value, plain=not state.encrypt_unverified)
