"""pytest fixtures for code that uses vclaim-async (loaded through the ``pytest11`` entry point).

- ``vclaim_simulator``: a running :class:`VClaimSimulator` on the test's event loop, for
  async tests; ``vclaim_client`` is an open :class:`~vclaim_async.VClaimClient` bound to it.
  Both need pytest-asyncio; without it they are not defined, so installing vclaim-async
  never breaks anyone's test run.
- ``antrean_client``: an open :class:`~vclaim_async.antrean.AntreanClient` bound to the same
  ``vclaim_simulator`` (Antrean RS is served under ``/antreanrs``; ``sim.antrean_state``
  holds its bookings and ``task_events``).
- ``vclaim_simulator_thread``: a simulator serving from its own thread and event loop, for
  synchronous tests (FastAPI's ``TestClient``, Django, Flask). ``sim.env()`` holds the
  ``VCLAIM_*`` variables that point an app configured from the environment at it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from ._simulator import VClaimSimulator


@pytest.fixture
def vclaim_simulator_thread() -> Iterator[VClaimSimulator]:
    """A VClaim simulator serving on a free loopback port from its own thread."""
    with VClaimSimulator().in_thread() as sim:
        yield sim


if importlib.util.find_spec("pytest_asyncio") is not None:
    from collections.abc import AsyncIterator

    import pytest_asyncio

    from .._client import VClaimClient
    from ..antrean import AntreanClient

    @pytest_asyncio.fixture
    async def vclaim_simulator() -> AsyncIterator[VClaimSimulator]:
        """A running VClaim simulator on a free loopback port."""
        async with VClaimSimulator() as sim:
            yield sim

    @pytest_asyncio.fixture
    async def vclaim_client(vclaim_simulator: VClaimSimulator) -> AsyncIterator[VClaimClient]:
        """An open client bound to ``vclaim_simulator``."""
        async with VClaimClient(vclaim_simulator.config()) as client:
            yield client

    @pytest_asyncio.fixture
    async def antrean_client(vclaim_simulator: VClaimSimulator) -> AsyncIterator[AntreanClient]:
        """An open Antrean RS client bound to ``vclaim_simulator``."""
        async with AntreanClient(vclaim_simulator.antrean_config()) as client:
            yield client
