from __future__ import annotations

import pytest

from tests.redis.conftest import prefix, redis_url  # noqa: F401  (the real Redis, for the cache)
from vclaim_async.cli.common import SANDBOX_PARTICIPANTS
from vclaim_async.testing import VClaimSimulator


@pytest.fixture(scope="module")
def registry() -> VClaimSimulator:
    """The sandbox's participants (not started: only the registry is read)."""
    return VClaimSimulator(participant_count=SANDBOX_PARTICIPANTS)
