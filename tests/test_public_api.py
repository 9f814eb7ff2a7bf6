"""The public surface: ``__all__`` complete and sorted (httpx's test_exported_members)."""

from __future__ import annotations

import types
from importlib import metadata

import vclaim_async


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then everything else.
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_all_lists_every_public_name_and_nothing_else() -> None:
    public = {
        name
        for name, value in vars(vclaim_async).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(vclaim_async.__all__) == public | {"__version__"}
    for name in vclaim_async.__all__:
        assert hasattr(vclaim_async, name), name


def test_all_is_sorted() -> None:
    assert vclaim_async.__all__ == sorted(vclaim_async.__all__, key=_isort_key)


def test_the_version_is_the_installed_distribution_version() -> None:
    assert vclaim_async.__version__ == metadata.version("vclaim-async")
    assert vclaim_async.__version__ != "0+unknown"


def test_the_wsrs_kit_lists_its_public_names_sorted() -> None:
    # create_router and TaskSink are loaded on first use (FastAPI is the optional extra).
    import vclaim_async.antrean.wsrs as wsrs

    public = {
        name
        for name, value in vars(wsrs).items()
        if name.isidentifier()
        and not name.startswith("_")
        and not isinstance(value, types.ModuleType)
    } - {"annotations", "TYPE_CHECKING", "Any"}
    assert set(wsrs.__all__) == public | {"create_router", "TaskSink"}
    assert wsrs.__all__ == sorted(wsrs.__all__, key=_isort_key)
    for name in wsrs.__all__:
        assert getattr(wsrs, name) is not None, name
