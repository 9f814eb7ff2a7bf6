"""WS RS: the service a hospital hosts for BPJS's Mobile JKN app, as a typed kit.

``create_router(backend, credentials=...)`` gives a FastAPI ``APIRouter`` with the token service
and the ten services of Antrean Online 2.0 (protocol notes §4); the hospital writes only a
:class:`WsRsBackend` over its own data. The kit authenticates (signed, expiring tokens bound to
``x-username``; wrong passwords slowed down), validates, applies the UAT business rules of
:mod:`~vclaim_async.antrean.wsrs.rules`, writes the ``{"response", "metadata"}`` envelope and logs
without identifiers. :mod:`~vclaim_async.antrean.wsrs.uat` rehearses BPJS's UAT against any WS RS.

FastAPI is needed only for ``create_router`` (``pip install 'vclaim-async[server]'``); the models,
rules, tokens and the rehearsal import without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .backend import WsRsBackend
from .models import (
    Booking,
    BookingFacts,
    BookingOrder,
    BookingRequest,
    BookingState,
    CancelRequest,
    CheckinRequest,
    KodeBookingRequest,
    NewPatient,
    NewPatientRequest,
    PatientSurgery,
    PatientSurgeryRequest,
    PharmacyStatus,
    PharmacyTicket,
    QueueStatus,
    Refusal,
    RemainingQueue,
    Session,
    StatusRequest,
    Surgery,
    SurgeryScheduleRequest,
)
from .paths import KHANZA_PATHS, SERVICES
from .rules import WIB, BookingPolicy, Rule, refuse
from .tokens import LoginGuard, TokenCheck, TokenSigner

if TYPE_CHECKING:
    from ._router import TaskSink, create_router

__all__ = [
    "KHANZA_PATHS",
    "SERVICES",
    "WIB",
    "Booking",
    "BookingFacts",
    "BookingOrder",
    "BookingPolicy",
    "BookingRequest",
    "BookingState",
    "CancelRequest",
    "CheckinRequest",
    "KodeBookingRequest",
    "LoginGuard",
    "NewPatient",
    "NewPatientRequest",
    "PatientSurgery",
    "PatientSurgeryRequest",
    "PharmacyStatus",
    "PharmacyTicket",
    "QueueStatus",
    "Refusal",
    "RemainingQueue",
    "Rule",
    "Session",
    "StatusRequest",
    "Surgery",
    "SurgeryScheduleRequest",
    "TaskSink",
    "TokenCheck",
    "TokenSigner",
    "WsRsBackend",
    "create_router",
    "refuse",
]


def __getattr__(name: str) -> Any:
    # create_router and TaskSink live beside FastAPI: imported on first use, so that the rest of
    # the kit (and the UAT rehearsal in the command line) works without the ``server`` extra.
    if name in ("create_router", "TaskSink"):
        from . import _router

        return getattr(_router, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
