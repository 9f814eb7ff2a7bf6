"""Resources reach the network through one seam, ``Resource._request``, and nothing else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vclaim_async
from tests.conftest import mock_config
from vclaim_async import CallEvent, VClaimClient
from vclaim_async.testing import VClaimSimulator

PACKAGE = Path(vclaim_async.__file__).parent
RESOURCE_SOURCES = sorted((PACKAGE / "resources").glob("*.py"))


@pytest.mark.parametrize("path", RESOURCE_SOURCES, ids=[p.stem for p in RESOURCE_SOURCES])
def test_resources_use_no_private_member_of_the_client(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "_client"
            and node.attr.startswith("_")
            and not (path.stem == "_base" and node.attr == "_hooks")
        ):
            raise AssertionError(f"{path.name}:{node.lineno} uses client.{node.attr}")


def test_the_client_keeps_no_request_helpers() -> None:
    client = VClaimClient(mock_config())
    for name in ("_call", "_call_nullable", "_call_detailed", "_decode"):
        assert not hasattr(client, name), name


async def test_bulk_checks_go_through_the_seam_and_its_hooks() -> None:
    events: list[CallEvent] = []
    async with VClaimSimulator() as sim:
        cards = sim.participants.cards()[:3]
        client = VClaimClient(sim.config(), hooks=[events.append])
        async with client, client.peserta.check_many(cards) as results:
            found = [r async for r in results]
    assert len(found) == 3 and all(r.peserta is not None for r in found)
    assert [e.operation for e in events] == ["peserta.by_card"] * 3  # one event per call
