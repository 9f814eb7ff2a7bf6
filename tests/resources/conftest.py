"""Resource tests run against the simulator fixture the package ships (``vclaim_simulator``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import FAST_RETRY
from vclaim_async import VClaimClient
from vclaim_async.testing import VClaimSimulator


@pytest.fixture
def sim(vclaim_simulator: VClaimSimulator) -> VClaimSimulator:
    return vclaim_simulator


@pytest.fixture
async def client(sim: VClaimSimulator) -> AsyncIterator[VClaimClient]:
    # As ``vclaim_client``, with retries that do not sleep: fault tests stay fast.
    async with VClaimClient(sim.config(retry=FAST_RETRY)) as c:
        yield c
