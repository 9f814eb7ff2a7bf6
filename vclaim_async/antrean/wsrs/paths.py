"""The eleven WS RS services and the paths they are served at.

A service is named by its SIMRS Khanza path (the de-facto default, protocol notes §4.1); a
hospital that registered other URLs with BPJS maps each name to its own path.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["KHANZA_PATHS", "SERVICES", "resolve_paths"]

#: The services, by the name SIMRS Khanza gives their path (``auth`` is the token service).
SERVICES: tuple[str, ...] = (
    "auth",
    "statusantrean",
    "ambilantrean",
    "sisaantrean",
    "batalantrean",
    "checkinantrean",
    "pasienbaru",
    "jadwaloperasirs",
    "jadwaloperasipasien",
    "ambilantreanfarmasi",
    "statusantreanfarmasi",
)

#: SIMRS Khanza's paths: each service at ``/<its name>``.
KHANZA_PATHS: Mapping[str, str] = MappingProxyType({name: f"/{name}" for name in SERVICES})


def resolve_paths(paths: Mapping[str, str] | None) -> dict[str, str]:
    """Khanza's paths with ``paths`` over them; every path starts with ``/``, none repeats.

    Raises ``ValueError`` for an unknown service name, an empty path or a path used twice.
    """
    resolved = dict(KHANZA_PATHS)
    for name, path in (paths or {}).items():
        if name not in resolved:
            raise ValueError(f"unknown WS RS service {name!r}; known: {', '.join(SERVICES)}")
        if not isinstance(path, str) or not path.strip("/ "):
            raise ValueError(f"empty path for WS RS service {name!r}")
        resolved[name] = "/" + path.strip().lstrip("/")
    if len(set(resolved.values())) != len(resolved):
        raise ValueError("two WS RS services share one path")
    return resolved
