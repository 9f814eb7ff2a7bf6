"""The UAT business rules of WS RS, each with the reply Mobile JKN shows the patient.

One module holds every rule the kit applies and its reply text (protocol notes §4.2, §4.5, §4.4
B3-B9). Texts marked UAT are the BPJS "Saran" replies of the UAT forms; the others are the
wording shared by independent WS RS implementations, and hospital policy: a hospital that wants
other words passes ``messages={Rule.X: "..."}`` to ``create_router``.

The checks are plain functions of their inputs (time is an argument, never read here), so the
router and the tests call the same code. Each returns ``None`` when the request passes and a
:class:`~vclaim_async.antrean.wsrs.models.Refusal` when it does not.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Mapping

import msgspec

from .models import BookingFacts, BookingState, Refusal, Session

__all__ = [
    "WIB",
    "BookingPolicy",
    "Rule",
    "check_booking_date",
    "check_cancel",
    "check_card",
    "check_checkin",
    "check_jeniskunjungan",
    "check_new_patient",
    "check_nik",
    "check_session",
    "check_surgery_range",
    "parse_date",
    "refuse",
]

#: Western Indonesia Time, in which BPJS decides "the same day" (protocol §5.3).
WIB = datetime.timezone(datetime.timedelta(hours=7), "WIB")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_JAMPRAKTEK = re.compile(r"(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})")


class Rule(enum.Enum):
    """A named rule: its ``metadata.code`` and reply text (``{placeholders}`` filled in)."""

    # Authentication (UAT: "berlaku untuk semua service").
    CREDENTIALS = (201, "Username atau Password Tidak Sesuai")  # UAT
    TOKEN_EXPIRED = (201, "Token Expired")  # UAT; also a missing, forged or foreign token
    # The request itself.
    BAD_REQUEST = (201, "Format request tidak sesuai: {detail}")
    DATE_FORMAT = (201, "Format Tanggal Tidak Sesuai, format yang benar adalah yyyy-mm-dd")  # UAT
    CARD_DIGITS = (201, "Nomor Kartu harus 13 digit")
    NIK_DIGITS = (201, "NIK harus 16 digit")
    NOMORKK_DIGITS = (201, "Nomor KK harus 16 digit")
    JENISKUNJUNGAN = (201, "Jenis Kunjungan tidak ditemukan")
    JAMPRAKTEK_FORMAT = (
        201,
        "Format Jam Praktek Tidak Sesuai, format yang benar adalah HH:mm-HH:mm",
    )
    # The schedule.
    POLI_UNKNOWN = (201, "Poli Tidak Ditemukan")  # UAT
    DATE_PAST = (201, "Tanggal Periksa Tidak Berlaku")
    DATE_TOO_FAR = (201, "Tanggal Periksa Paling Lambat H+{days}")
    SAME_DAY_CLOSED = (201, "Pengambilan nomor antrian paling cepat H-1")
    POLI_CLOSED = (201, "Pendaftaran ke Poli Ini Sedang Tutup")
    NO_SCHEDULE = (
        201,
        "Jadwal Dokter {namadokter} Tersebut Belum Tersedia, "
        "Silahkan Reschedule Tanggal dan Jam Praktek Lainnya",
    )
    DOCTOR_ON_LEAVE = (201, "Jadwal dokter sedang libur ditanggal ini")
    REGISTRATION_CLOSED = (201, "Pendaftaran Ke Poli {namapoli} Sudah Tutup Jam {jam}")
    QUOTA_EXHAUSTED = (201, "Kuota Dokter Telah Penuh, Silahkan Pilih Tanggal Lain")
    # The patient's bookings (checked again by the backend inside its booking transaction).
    DUPLICATE_BOOKING = (
        201,
        "Nomor Antrean Hanya Dapat Diambil 1 Kali Pada Tanggal dan Poli Yang Sama",
    )
    DUPLICATE_REFERRAL = (
        201,
        "Anda sudah terdaftar dalam antrian menggunakan nomor referensi yang sama",
    )
    NEW_PATIENT = (
        202,
        "Data pasien ini tidak ditemukan, silahkan Melakukan Registrasi Pasien Baru",
    )  # code 202: CAT
    # An existing booking.
    BOOKING_UNKNOWN = (201, "Data Booking tidak ditemukan")
    ALREADY_CANCELLED = (201, "Antrean Sudah Dibatalkan")
    ALREADY_CHECKED_IN = (201, "Anda Sudah Checkin")
    ALREADY_SERVED = (201, "Pasien Sudah Dilayani")
    CHECKIN_NOT_SERVICE_DAY = (201, "Tidak dapat melakukan check in diluar hari-H")
    CANCEL_AFTER_CHECKIN = (201, "Anda Sudah Checkin, Pendaftaran Tidak Bisa Dibatalkan")
    CANCEL_AFTER_SERVICE = (201, "Pasien Sudah Dilayani, Antrean Tidak Dapat Dibatalkan")
    CANCEL_PAST = (201, "Pembatalan Antrean tidak berlaku mundur")
    # Info Pasien Baru.
    SEX = (201, "Jenis Kelamin tidak sesuai, isi L atau P")
    BIRTH_DATE_FUTURE = (201, "Tanggal Lahir tidak boleh melebihi hari ini")
    PATIENT_EXISTS = (201, "Pasien dengan NIK dan No.Kartu tersebut sudah terdaftar")
    # Surgery schedules.
    SURGERY_RANGE = (201, "Format tanggal awal harus lebih kecil dari tanggal akhir")
    NO_DATA = (201, "Data Tidak Ditemukan")
    # An unexpected failure of the backend: the patient sees this, the log has the incident.
    INTERNAL = (
        201,
        "Terjadi gangguan pada sistem RS, silahkan coba beberapa saat lagi ({incident})",
    )

    @property
    def code(self) -> int:
        """The ``metadata.code`` of this rule's reply."""
        return self.value[0]

    @property
    def text(self) -> str:
        """The reply text, with ``{placeholders}`` still in it."""
        return self.value[1]


class BookingPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """Hospital policy the UAT leaves open (protocol §4.5, "date-window rules").

    ``max_days_ahead``: the last bookable day, counted from today (``None``: no limit; TOB
    uses 7). ``same_day``: whether today is bookable (KHZ and CI4 refuse it).
    """

    max_days_ahead: int | None = 7
    same_day: bool = True


def refuse(rule: Rule, messages: Mapping[Rule, str] | None = None, **fields: object) -> Refusal:
    """The :class:`Refusal` of ``rule``, its text from ``messages`` if the hospital set one."""
    template = (messages or {}).get(rule, rule.text)
    try:
        message = template.format(**fields)
    except (KeyError, IndexError, ValueError):
        message = template
    return Refusal(message=message, code=rule.code, rule=rule.name)


def parse_date(value: str) -> datetime.date | Refusal:
    """``yyyy-MM-dd`` as a date, or the UAT's "Format Tanggal Tidak Sesuai"."""
    if not _DATE.fullmatch(value):
        return refuse(Rule.DATE_FORMAT)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return refuse(Rule.DATE_FORMAT)


def session_end(jampraktek: str) -> datetime.time | None:
    """The end of a ``HH:mm-HH:mm`` session, or ``None`` when the text is not one."""
    match = _JAMPRAKTEK.fullmatch(jampraktek.strip())
    if match is None:
        return None
    hour, minute = int(match.group(3)), int(match.group(4))
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def _digits(value: str, length: int) -> bool:
    return len(value) == length and value.isascii() and value.isdigit()


def check_card(nomorkartu: str, *, required: bool) -> Refusal | None:
    """13 digits; ``""`` is allowed where the catalogue says "diisi kosong jika NON JKN"."""
    if nomorkartu == "" and not required:
        return None
    return None if _digits(nomorkartu, 13) else refuse(Rule.CARD_DIGITS)


def check_nik(nik: str) -> Refusal | None:
    """16 digits."""
    return None if _digits(nik, 16) else refuse(Rule.NIK_DIGITS)


def check_jeniskunjungan(jeniskunjungan: int) -> Refusal | None:
    """1 Rujukan FKTP, 2 Rujukan Internal, 3 Kontrol, 4 Rujukan Antar RS."""
    return None if jeniskunjungan in (1, 2, 3, 4) else refuse(Rule.JENISKUNJUNGAN)


def check_booking_date(
    tanggal: datetime.date, *, today: datetime.date, policy: BookingPolicy
) -> Refusal | None:
    """Not in the past; within the hospital's booking window."""
    if tanggal < today:
        return refuse(Rule.DATE_PAST)
    if tanggal == today and not policy.same_day:
        return refuse(Rule.SAME_DAY_CLOSED)
    if policy.max_days_ahead is not None and (tanggal - today).days > policy.max_days_ahead:
        return refuse(Rule.DATE_TOO_FAR, days=policy.max_days_ahead)
    return None


def check_session(
    session: Session,
    *,
    tanggal: datetime.date,
    now: datetime.datetime,
    jkn: bool | None,
) -> Refusal | None:
    """The doctor is not on leave; today's session has not ended; (booking) quota is left.

    ``now`` is an aware datetime in the hospital's zone. ``jkn`` is ``None`` for Status Antrean
    (no quota check), else whether the booking counts against the JKN quota.
    """
    if session.on_leave:
        return refuse(Rule.DOCTOR_ON_LEAVE)
    end = session_end(session.jampraktek)
    if tanggal == now.date() and end is not None and now.time() > end:
        return refuse(Rule.REGISTRATION_CLOSED, namapoli=session.namapoli, jam=f"{end:%H:%M}")
    if jkn is not None:
        left = (
            session.kuotajkn - session.taken_jkn
            if jkn
            else session.kuotanonjkn - session.taken_nonjkn
        )
        if left <= 0:
            return refuse(Rule.QUOTA_EXHAUSTED)
    return None


def check_checkin(
    facts: BookingFacts, *, waktu: datetime.datetime, today: datetime.date
) -> Refusal | None:
    """Only a booked (not cancelled, not checked-in) visit, only on its service day."""
    if facts.state is BookingState.CANCELLED:
        return refuse(Rule.ALREADY_CANCELLED)
    if facts.state is BookingState.CHECKED_IN:
        return refuse(Rule.ALREADY_CHECKED_IN)
    if facts.state is BookingState.SERVED:
        return refuse(Rule.ALREADY_SERVED)
    if today != facts.tanggalperiksa or waktu.date() != facts.tanggalperiksa:
        return refuse(Rule.CHECKIN_NOT_SERVICE_DAY)
    return None


def check_cancel(facts: BookingFacts, *, today: datetime.date) -> Refusal | None:
    """No cancel after check-in or service, of a cancelled booking, or after the service day."""
    if facts.state is BookingState.CANCELLED:
        return refuse(Rule.ALREADY_CANCELLED)
    if facts.state is BookingState.CHECKED_IN:
        return refuse(Rule.CANCEL_AFTER_CHECKIN)
    if facts.state is BookingState.SERVED:
        return refuse(Rule.CANCEL_AFTER_SERVICE)
    if facts.tanggalperiksa < today:
        return refuse(Rule.CANCEL_PAST)
    return None


def check_new_patient(
    *,
    nomorkartu: str,
    nik: str,
    nomorkk: str,
    jeniskelamin: str,
    tanggallahir: datetime.date,
    today: datetime.date,
) -> Refusal | None:
    """Info Pasien Baru: card 13, NIK 16, KK 16 digits; sex ``L``/``P``; born by today."""
    for refusal in (check_card(nomorkartu, required=True), check_nik(nik)):
        if refusal is not None:
            return refusal
    if not _digits(nomorkk, 16):
        return refuse(Rule.NOMORKK_DIGITS)
    if jeniskelamin not in ("L", "P"):
        return refuse(Rule.SEX)
    if tanggallahir > today:
        return refuse(Rule.BIRTH_DATE_FUTURE)
    return None


def check_surgery_range(awal: datetime.date, akhir: datetime.date) -> Refusal | None:
    """Jadwal Operasi RS: the first date not after the last."""
    return refuse(Rule.SURGERY_RANGE) if awal > akhir else None
