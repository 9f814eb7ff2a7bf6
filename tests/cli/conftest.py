from __future__ import annotations

import pytest

from vclaim_async.cli.common import SANDBOX_PARTICIPANTS
from vclaim_async.testing import VClaimSimulator


@pytest.fixture(scope="module")
def registry() -> VClaimSimulator:
    """The sandbox's participants (not started: only the registry is read)."""
    return VClaimSimulator(participant_count=SANDBOX_PARTICIPANTS)
