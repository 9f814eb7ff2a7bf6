"""Test doubles users import: the VClaim simulator and its pytest fixtures.

``VClaimSimulator`` runs on the caller's event loop (``async with``) or on a thread of its own
(``with VClaimSimulator().in_thread() as sim:``) for synchronous tests; ``sim.participants``,
``sim.faults`` (a :class:`FaultPlan`), ``sim.state`` (a :class:`SimState`) and ``sim.requests``
(a :class:`RequestLog`) are what tests set up and assert on. The pytest fixtures
(``vclaim_simulator``, ``vclaim_client``, ``vclaim_simulator_thread``) are in
:mod:`vclaim_async.testing.pytest_plugin`. See ``docs/testing.md``.
"""

from ._faults import Fault, FaultPlan
from ._participants import ParticipantRegistry
from ._record import RecordedRequest, RequestLog
from ._simulator import DEFAULT_CONS_ID, DEFAULT_SECRET, DEFAULT_USER_KEY, VClaimSimulator
from ._state import Record, SepRecord, SimState
from .routes._base import Reply, SimRequest, not_found

__all__ = [
    "DEFAULT_CONS_ID",
    "DEFAULT_SECRET",
    "DEFAULT_USER_KEY",
    "Fault",
    "FaultPlan",
    "ParticipantRegistry",
    "Record",
    "RecordedRequest",
    "Reply",
    "RequestLog",
    "SepRecord",
    "SimRequest",
    "SimState",
    "VClaimSimulator",
    "not_found",
]
