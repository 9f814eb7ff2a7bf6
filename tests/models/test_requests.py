"""Every request case of the ``test_requests_*`` modules against its recorded catalog body.

Each area module lists its cases (object, fixture); the three wire checks run here once over
all of them, and every request body class must have a case.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from tests._fixtures import load_fixture
from tests.models import (
    test_requests_lpk,
    test_requests_prb,
    test_requests_rencana_kontrol,
    test_requests_rujukan,
    test_requests_sep,
)
from tests.models._helpers import add_unknown_key_innermost, structs, wire
from vclaim_async.models._base import Request

CASES = [
    *test_requests_sep.CASES,
    *test_requests_rujukan.CASES,
    *test_requests_rencana_kontrol.CASES,
    *test_requests_prb.CASES,
    *test_requests_lpk.CASES,
]


def test_every_request_body_class_has_a_wire_case() -> None:
    covered = {type(c[1]) for c in CASES}
    top_level = {cls for cls in structs(Request) if cls.__name__.endswith("Request")}
    assert top_level - covered == set()


def test_case_ids_are_unique() -> None:
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("obj", "fixture"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_request_encodes_to_catalog_body(obj: msgspec.Struct, fixture: str) -> None:
    assert wire(obj) == load_fixture(fixture)


@pytest.mark.parametrize(("obj", "fixture"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_request_decodes_back_from_catalog_body(obj: msgspec.Struct, fixture: str) -> None:
    assert msgspec.json.decode(json.dumps(load_fixture(fixture)), type=type(obj)) == obj


@pytest.mark.parametrize(("obj", "fixture"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_request_rejects_unknown_fields(obj: msgspec.Struct, fixture: str) -> None:
    body: dict[str, Any] = add_unknown_key_innermost(load_fixture(fixture))
    with pytest.raises(msgspec.ValidationError, match="unknown field `unknownField`"):
        msgspec.json.decode(json.dumps(body), type=type(obj))
