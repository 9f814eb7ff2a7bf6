"""Properties every answer model shares."""

from __future__ import annotations

import msgspec
import pytest

from tests.models._helpers import structs
from vclaim_async.models._base import Response


@pytest.mark.parametrize("cls", structs(Response), ids=lambda c: c.__name__)
def test_every_answer_model_is_frozen(cls: type[msgspec.Struct]) -> None:
    assert cls.__struct_config__.frozen


@pytest.mark.parametrize("cls", structs(Response), ids=lambda c: c.__name__)
def test_every_answer_model_ignores_unknown_fields(cls: type[msgspec.Struct]) -> None:
    assert not cls.__struct_config__.forbid_unknown_fields
