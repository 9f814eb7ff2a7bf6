"""The public surface: ``__all__`` complete and sorted (httpx's test_exported_members)."""

from __future__ import annotations

import types
from importlib import metadata

import pytest

import vclaim_async
import vclaim_async.antrean
import vclaim_async.errors


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then everything else.
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


PACKAGES = [vclaim_async, vclaim_async.antrean]


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_all_lists_every_public_name_and_nothing_else(package: types.ModuleType) -> None:
    public = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    extra = {"__version__"} if package is vclaim_async else set()
    assert set(package.__all__) == public | extra
    for name in package.__all__:
        assert hasattr(package, name), name


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_all_is_sorted(package: types.ModuleType) -> None:
    assert package.__all__ == sorted(package.__all__, key=_isort_key)


def test_the_antrean_contract_names_exist() -> None:
    # Other tools (the task reporter, the WS RS kit) code against exactly these names.
    from vclaim_async.antrean import AntreanClient, AntreanConfig, TaskId

    assert issubclass(vclaim_async.errors.AlreadyRecordedError, vclaim_async.APIError)
    assert issubclass(vclaim_async.errors.TaskRuleError, vclaim_async.APIError)
    assert [int(t) for t in TaskId] == [1, 2, 3, 4, 5, 6, 7, 99]
    assert AntreanClient.config_type is AntreanConfig


def test_the_version_is_the_installed_distribution_version() -> None:
    assert vclaim_async.__version__ == metadata.version("vclaim-async")
    assert vclaim_async.__version__ != "0+unknown"
