"""Typed requests, results and facts of the WS RS services (Mobile JKN → hospital).

Requests reach the backend already validated: dates are :class:`datetime.date`, ``kodedokter``
an ``int``, card numbers 13 digits and NIKs 16 digits where given. Results are what the backend
returns on success; the kit writes them into the envelope with the field names and number/string
types of the catalogue (protocol notes §4.4). A backend says "no" with :class:`Refusal`.

Facts (:class:`Session`, :class:`BookingFacts`) are what the kit needs from the backend to apply
the UAT business rules itself (:mod:`vclaim_async.antrean.wsrs.rules`): the backend only looks
them up.
"""

from __future__ import annotations

import datetime
import enum

import msgspec

__all__ = [
    "Booking",
    "BookingFacts",
    "BookingOrder",
    "BookingRequest",
    "BookingState",
    "CancelRequest",
    "CheckinRequest",
    "KodeBookingRequest",
    "NewPatient",
    "NewPatientRequest",
    "PatientSurgery",
    "PatientSurgeryRequest",
    "PharmacyStatus",
    "PharmacyTicket",
    "QueueStatus",
    "Refusal",
    "RemainingQueue",
    "Session",
    "StatusRequest",
    "Surgery",
    "SurgeryScheduleRequest",
]


# --- requests (validated; what the backend is called with) ---------------------------------


class StatusRequest(msgspec.Struct, frozen=True, kw_only=True):
    """B2 Status Antrean: one doctor's session on one day."""

    kodepoli: str
    kodedokter: int
    tanggalperiksa: datetime.date
    jampraktek: str


class BookingRequest(msgspec.Struct, frozen=True, kw_only=True):
    """B3 Ambil Antrean. ``nomorkartu``/``nomorreferensi`` are ``""`` for a non-JKN patient."""

    nomorkartu: str
    nik: str
    nohp: str
    kodepoli: str
    norm: str
    tanggalperiksa: datetime.date
    kodedokter: int
    jampraktek: str
    jeniskunjungan: int
    nomorreferensi: str


class KodeBookingRequest(msgspec.Struct, frozen=True, kw_only=True):
    """B4 Sisa Antrean, B10 Ambil Antrean Farmasi, B11 Status Antrean Farmasi."""

    kodebooking: str


class CancelRequest(msgspec.Struct, frozen=True, kw_only=True):
    """B5 Batal Antrean, with the reason the patient typed."""

    kodebooking: str
    keterangan: str


class CheckinRequest(msgspec.Struct, frozen=True, kw_only=True):
    """B6 Check In; ``waktu`` in epoch milliseconds as Mobile JKN sends it."""

    kodebooking: str
    waktu: int


class NewPatientRequest(msgspec.Struct, frozen=True, kw_only=True):
    """B7 Info Pasien Baru: the identity Mobile JKN sends after a 202."""

    nomorkartu: str
    nik: str
    nomorkk: str
    nama: str
    jeniskelamin: str
    tanggallahir: datetime.date
    nohp: str
    alamat: str
    kodeprop: str
    namaprop: str
    kodedati2: str
    namadati2: str
    kodekec: str
    namakec: str
    kodekel: str
    namakel: str
    rw: str
    rt: str


class SurgeryScheduleRequest(msgspec.Struct, frozen=True, kw_only=True):
    """B8 Jadwal Operasi RS: ``tanggalawal <= tanggalakhir`` (checked by the kit)."""

    tanggalawal: datetime.date
    tanggalakhir: datetime.date


class PatientSurgeryRequest(msgspec.Struct, frozen=True, kw_only=True):
    """B9 Jadwal Operasi Pasien: a 13-digit card number."""

    nopeserta: str


# --- facts the backend looks up for the rules ------------------------------------------------


class Session(msgspec.Struct, frozen=True, kw_only=True):
    """A doctor's practice session on one date, as the hospital's schedule (HFIS) has it.

    ``on_leave`` is HFIS's ``libur = 1`` for that date. ``taken_jkn``/``taken_nonjkn`` count the
    bookings that are not cancelled; the kit reads them for Status Antrean and the early quota
    check, and the backend checks the quota again inside its booking transaction.
    """

    kodepoli: str
    namapoli: str
    kodedokter: int
    namadokter: str
    jampraktek: str
    kuotajkn: int
    kuotanonjkn: int
    taken_jkn: int = 0
    taken_nonjkn: int = 0
    on_leave: bool = False


class BookingState(enum.Enum):
    """Where a booking stands; only ``BOOKED`` may be checked in or cancelled."""

    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    SERVED = "served"
    CANCELLED = "cancelled"


class BookingFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the kit needs to know about an existing booking (by ``kodebooking``).

    ``new_patient`` is true when the patient got the medical record through Info Pasien Baru
    for this booking: check-in then starts the wait at task 1 instead of 3 (protocol §5.2).
    """

    kodebooking: str
    tanggalperiksa: datetime.date
    state: BookingState
    new_patient: bool = False


class BookingOrder(msgspec.Struct, frozen=True, kw_only=True):
    """What the kit hands the backend to record once every rule it can check has passed.

    ``norm`` is the medical record the backend's :meth:`find_patient` returned. The backend
    still checks, in the same transaction as the insert, the rules that race (one booking per
    patient per day and poli, the same referral, the quota) and answers :class:`Refusal` with
    the rule that failed.
    """

    request: BookingRequest
    session: Session
    norm: str
    jkn: bool


# --- results ---------------------------------------------------------------------------------


class QueueStatus(msgspec.Struct, frozen=True, kw_only=True):
    """B2 answer (the kit fills names and quotas from the :class:`Session`)."""

    totalantrean: int
    sisaantrean: int
    antreanpanggil: str
    keterangan: str = ""


class Booking(msgspec.Struct, frozen=True, kw_only=True):
    """B3 answer; ``estimasidilayani`` in epoch milliseconds."""

    nomorantrean: str
    angkaantrean: int
    kodebooking: str
    norm: str
    namapoli: str
    namadokter: str
    estimasidilayani: int
    sisakuotajkn: int
    kuotajkn: int
    sisakuotanonjkn: int
    kuotanonjkn: int
    keterangan: str = ""


class RemainingQueue(msgspec.Struct, frozen=True, kw_only=True):
    """B4 answer; ``waktutunggu`` in seconds (CAT: SPM × (sisa antrean − 1))."""

    nomorantrean: str
    namapoli: str
    namadokter: str
    sisaantrean: int
    antreanpanggil: str
    waktutunggu: int
    keterangan: str = ""


class NewPatient(msgspec.Struct, frozen=True, kw_only=True):
    """B7 answer: the new medical-record number, and the message shown to the patient."""

    norm: str
    message: str = "Harap datang ke admisi untuk melengkapi data rekam medis"


class Surgery(msgspec.Struct, frozen=True, kw_only=True):
    """One item of B8; ``terlaksana`` 1 done, 0 not yet; ``lastupdate`` epoch ms."""

    kodebooking: str
    tanggaloperasi: datetime.date
    jenistindakan: str
    kodepoli: str
    namapoli: str
    terlaksana: int
    nopeserta: str
    lastupdate: int


class PatientSurgery(msgspec.Struct, frozen=True, kw_only=True):
    """One item of B9 (B8's fields without ``nopeserta`` and ``lastupdate``)."""

    kodebooking: str
    tanggaloperasi: datetime.date
    jenistindakan: str
    kodepoli: str
    namapoli: str
    terlaksana: int


class PharmacyTicket(msgspec.Struct, frozen=True, kw_only=True):
    """B10 answer."""

    jenisresep: str
    nomorantrean: int
    keterangan: str = ""


class PharmacyStatus(msgspec.Struct, frozen=True, kw_only=True):
    """B11 answer (numbers, as the catalogue types them)."""

    jenisresep: str
    totalantrean: int
    sisaantrean: int
    antreanpanggil: int
    keterangan: str = ""


class Refusal(msgspec.Struct, frozen=True, kw_only=True):
    """A business "no": ``metadata.code`` (201, or 202 for a patient without a record).

    Build one with :func:`vclaim_async.antrean.wsrs.rules.refuse` to use the reply text of a
    named rule; a backend may also give its own ``message`` (shown to the patient as is).
    """

    message: str
    code: int = 201
    rule: str | None = None
