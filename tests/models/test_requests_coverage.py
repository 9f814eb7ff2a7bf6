"""Every request body class has a recorded wire case in one of the ``test_requests_*`` modules."""

from __future__ import annotations

from tests.models import (
    test_requests_lpk,
    test_requests_prb,
    test_requests_rencana_kontrol,
    test_requests_rujukan,
    test_requests_sep,
)
from tests.models._helpers import structs
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
