"""Test doubles users import: the VClaim simulator and its pytest fixtures."""

from ._faults import Fault, FaultPlan
from ._participants import ParticipantRegistry
from ._simulator import (
    DEFAULT_CONS_ID,
    DEFAULT_SECRET,
    DEFAULT_USER_KEY,
    RecordedRequest,
    RequestLog,
    VClaimSimulator,
)
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
