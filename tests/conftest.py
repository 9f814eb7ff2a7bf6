"""Shared fixtures, and a narrow shim that keeps aioresponses working on aiohttp >= 3.14."""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import aioresponses.core
import pytest

from vclaim_async import RetryPolicy, VClaimClient, VClaimConfig
from vclaim_async.testing import VClaimSimulator

# aioresponses 0.7.9 builds ClientResponse without the `stream_writer` argument that aiohttp
# 3.14 made required (aioresponses issue #289). Give it a stand-in writer until a fixed
# release exists; remove this block then. Users' aiohttp is never pinned because of it.
if "stream_writer" in inspect.signature(aiohttp.ClientResponse.__init__).parameters:

    class _ShimClientResponse(aiohttp.ClientResponse):
        def __init__(self, *args: Any, stream_writer: Any = None, **kwargs: Any) -> None:
            if stream_writer is None:
                stream_writer = SimpleNamespace(output_size=0)
            super().__init__(*args, stream_writer=stream_writer, **kwargs)

    aioresponses.core.ClientResponse = _ShimClientResponse  # type: ignore[misc]


VECTORS_PATH = Path(__file__).with_name("vclaim-vectors.json")


@pytest.fixture(scope="session")
def vectors() -> dict[str, Any]:
    return json.loads(VECTORS_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


FAST_RETRY = RetryPolicy(attempts=4, initial_backoff=0.0, max_backoff=0.0, jitter=0.0)

MOCK_BASE = "https://vclaim.test/vclaim-rest"


def mock_config(**overrides: Any) -> VClaimConfig:
    values: dict[str, Any] = {
        "cons_id": "1234",
        "secret": "pwd",
        "user_key": "0123456789abcdef0123456789abcdef",
        "base_url": MOCK_BASE,
        "retry": FAST_RETRY,
    }
    values.update(overrides)
    return VClaimConfig(**values)


@pytest.fixture
async def sim() -> AsyncIterator[VClaimSimulator]:
    async with VClaimSimulator() as simulator:
        yield simulator


@pytest.fixture
async def client(sim: VClaimSimulator) -> AsyncIterator[VClaimClient]:
    async with VClaimClient(sim.config(retry=FAST_RETRY)) as c:
        yield c
