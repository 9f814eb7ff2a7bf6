"""Every write endpoint, as it goes over the wire: method, path, content type, exact JSON body.

The expected bodies are written out from the protocol notes §3 (wrappers, key spelling, every
key the catalog lists) as files under ``tests/fixtures/requests/``, not produced by our
encoder, and compared with what the simulator recorded.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests._fixtures import FIXTURES, load_fixture
from tests.conftest import FAST_RETRY
from tests.resources.world import CALLS, World, build_world
from vclaim_async import CATALOG, VClaimClient
from vclaim_async._config import FORM_CONTENT_TYPE
from vclaim_async.testing import VClaimSimulator


def expected_body(name: str, world: World) -> Any:
    """The recorded sample ``tests/fixtures/requests/<name>.json`` for this world.

    A value ``"$attr"`` in the sample stands for the world's ``attr`` (the card, the SEP number
    the simulator issued...); everything else is the literal wire value.
    """

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, str) and value.startswith("$"):
            return getattr(world, value[1:])
        return value

    return fill(load_fixture(f"requests/{name}.json"))


WRITES = [row.name for row in CATALOG.values() if row.method != "GET"]


def test_every_write_endpoint_has_an_expected_body() -> None:
    samples = sorted(p.stem for p in (FIXTURES / "requests").glob("*.json"))
    assert samples == sorted(WRITES)


@pytest.mark.parametrize("name", WRITES)
async def test_write_goes_over_the_wire_as_the_catalog_says(
    sim: VClaimSimulator, client: VClaimClient, name: str
) -> None:
    world = await build_world(sim, client)
    before = len(sim.requests)
    await CALLS[name](client, world)
    row = CATALOG[name]
    sent = [r for r in sim.requests[before:] if r.method != "GET"]
    assert len(sent) == 1, "a write is sent exactly once"
    request = sent[0]
    assert request.method == row.method
    assert request.path == "/vclaim-rest/" + row.path
    assert request.content_type == FORM_CONTENT_TYPE
    assert request.json() == expected_body(name, world)


async def test_write_content_type_can_be_overridden(sim: VClaimSimulator) -> None:
    config = sim.config(retry=FAST_RETRY, write_content_type="application/json")
    async with VClaimClient(config) as client:
        world = await build_world(sim, client)
        await client.sep.delete(world.no_sep, "1001")
    assert sim.requests[-1].method == "DELETE"
    assert sim.requests[-1].content_type == "application/json"


@pytest.mark.parametrize("name", [n for n in WRITES if CATALOG[n].method == "DELETE"])
async def test_delete_carries_its_body(
    sim: VClaimSimulator, client: VClaimClient, name: str
) -> None:
    world = await build_world(sim, client)
    await CALLS[name](client, world)
    deletes = [r for r in sim.requests if r.method == "DELETE"]
    assert deletes and deletes[-1].body.startswith(b'{"request":')
