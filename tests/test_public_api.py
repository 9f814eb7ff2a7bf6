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
