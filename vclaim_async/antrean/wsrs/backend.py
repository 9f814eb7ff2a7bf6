"""The hospital's half of the kit: :class:`WsRsBackend`, one method per service plus three look-ups.

The kit (the router) authenticates, validates, applies the UAT rules of
:mod:`vclaim_async.antrean.wsrs.rules` and writes the envelope; a backend only reads and writes
the hospital's data. Every method gets typed, validated input and returns a typed result or a
:class:`~vclaim_async.antrean.wsrs.models.Refusal` (build it with
:func:`~vclaim_async.antrean.wsrs.rules.refuse` to keep the rule's reply text).

What a backend must still do itself, because only it can do it atomically:

- :meth:`WsRsBackend.ambil_antrean`: in one transaction, refuse a second active booking of the
  same patient on the same day and poli (``Rule.DUPLICATE_BOOKING``), a referral number already
  booked (``Rule.DUPLICATE_REFERRAL``) and a full session (``Rule.QUOTA_EXHAUSTED``), then take
  the next queue number. The kit checks these first from :class:`Session` counts, but two
  requests at once both pass a read-only check.
- :meth:`WsRsBackend.batal_antrean` / :meth:`WsRsBackend.checkin_antrean`: change the booking
  only while it is still booked (``UPDATE ... WHERE state = 'booked'``); the kit has checked the
  state a moment before, but a check-in and a cancel can cross.

An exception from any method becomes a 201 reply with a generic text and an incident id in the
log (never HTTP 5xx, which Mobile JKN shows as "Gagal terhubung ke server").
"""

from __future__ import annotations

import datetime
from typing import Protocol

from .models import (
    Booking,
    BookingFacts,
    BookingOrder,
    BookingRequest,
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

__all__ = ["WsRsBackend"]


class WsRsBackend(Protocol):
    """The hospital's data behind the eleven WS RS services."""

    async def find_session(
        self, kodepoli: str, kodedokter: int, tanggal: datetime.date, jampraktek: str
    ) -> Session | Refusal:
        """The doctor's session on ``tanggal``, or ``Rule.POLI_UNKNOWN`` (no such poli),
        ``Rule.POLI_CLOSED`` (the poli has no session that day) or ``Rule.NO_SCHEDULE``."""
        ...

    async def find_patient(self, request: BookingRequest) -> str | None:
        """The patient's medical-record number (``norm``), or ``None`` (the kit answers 202)."""
        ...

    async def find_booking(self, kodebooking: str) -> BookingFacts | None:
        """A booking made through Ambil Antrean, or ``None`` (``Rule.BOOKING_UNKNOWN``)."""
        ...

    async def status_antrean(self, request: StatusRequest, session: Session) -> QueueStatus:
        """B2: the session's queue (the kit adds names and quotas from ``session``)."""
        ...

    async def ambil_antrean(self, order: BookingOrder) -> Booking | Refusal:
        """B3: record the booking and take the next queue number, atomically (see above)."""
        ...

    async def sisa_antrean(self, request: KodeBookingRequest) -> RemainingQueue | Refusal:
        """B4: the patients still ahead of this booking (``waktutunggu`` in seconds)."""
        ...

    async def batal_antrean(self, request: CancelRequest) -> Refusal | None:
        """B5: cancel, only while still booked."""
        ...

    async def checkin_antrean(self, request: CheckinRequest) -> Refusal | None:
        """B6: record the arrival, only while still booked."""
        ...

    async def pasien_baru(self, request: NewPatientRequest) -> NewPatient | Refusal:
        """B7: create the medical record of a patient who got a 202."""
        ...

    async def jadwal_operasi_rs(self, request: SurgeryScheduleRequest) -> list[Surgery] | Refusal:
        """B8: the hospital's surgery schedule between two dates (may be empty)."""
        ...

    async def jadwal_operasi_pasien(
        self, request: PatientSurgeryRequest
    ) -> list[PatientSurgery] | Refusal:
        """B9: one participant's surgery bookings (may be empty)."""
        ...

    async def ambil_antrean_farmasi(self, request: KodeBookingRequest) -> PharmacyTicket | Refusal:
        """B10: a pharmacy queue number for this visit."""
        ...

    async def status_antrean_farmasi(self, request: KodeBookingRequest) -> PharmacyStatus | Refusal:
        """B11: the pharmacy queue of this visit."""
        ...
