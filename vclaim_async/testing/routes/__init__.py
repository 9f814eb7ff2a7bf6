"""The simulator's VClaim routes, one module per resource, each handler under its catalog name.

Importing this package registers every handler in :data:`ROUTES`. :func:`resolve` finds the
route for a request the way the simulator dispatches it: catalog order, first match wins.
"""

from __future__ import annotations

import functools
from urllib.parse import unquote

from ..._catalog import CATALOGS
from . import antrean, lpk, monitoring, peserta, prb, referensi, rencana_kontrol, rujukan, sep
from ._base import ROUTES, SERVICE_ROUTES, Route

__all__ = ["ROUTES", "SERVICE_ROUTES", "Route", "resolve", "table"]

del antrean, lpk, monitoring, peserta, prb, referensi, rencana_kontrol, rujukan, sep


@functools.cache
def table(service: str = "vclaim") -> tuple[Route, ...]:
    """Every registered route of ``service``, in catalog order (the order :func:`resolve`
    tries them)."""
    routes = SERVICE_ROUTES[service]
    return tuple(routes[name] for name in CATALOGS[service] if name in routes)


def resolve(method: str, path: str, service: str = "vclaim") -> tuple[Route, dict[str, str]] | None:
    """The route serving ``method`` and ``path`` (after the service prefix) and its parameters,
    percent-decoded and named as the catalog names them; None when no route matches."""
    for candidate in table(service):
        if candidate.method != method:
            continue
        for pattern in candidate.patterns:
            match = pattern.fullmatch(path)
            if match is not None:
                groups = match.groupdict().items()
                return candidate, {k: unquote(v) for k, v in groups if v is not None}
    return None
