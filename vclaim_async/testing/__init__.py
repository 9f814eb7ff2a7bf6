"""Test doubles users import: the VClaim simulator and its pytest fixtures."""

from ._participants import ParticipantRegistry
from ._simulator import (
    DEFAULT_CONS_ID,
    DEFAULT_SECRET,
    DEFAULT_USER_KEY,
    Fault,
    FaultPlan,
    RecordedRequest,
    Reply,
    SimRequest,
    VClaimSimulator,
)
from ._state import Record, SepRecord, SimState

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
    "SepRecord",
    "SimRequest",
    "SimState",
    "VClaimSimulator",
]
