"""pytest fixtures for code that uses vclaim-async (loaded through the ``pytest11`` entry point).

``vclaim_simulator`` is a running :class:`VClaimSimulator`; ``vclaim_client`` is an open
:class:`~vclaim_async.VClaimClient` bound to it. Both need pytest-asyncio; without it the
plugin defines nothing, so installing vclaim-async never breaks anyone's test run.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator

if importlib.util.find_spec("pytest_asyncio") is not None:
    import pytest_asyncio

    from .._client import VClaimClient
    from ._simulator import VClaimSimulator

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
