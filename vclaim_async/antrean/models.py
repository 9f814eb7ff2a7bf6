"""Antrean RS models: task ids, times, request bodies that check themselves, answers.

Antrean's wire names are single lower-case words (``kodebooking``, ``taskid``, ``nmpoli``), so
the Python names are the wire names. Response models ignore unknown fields and require what
every source shows (the ssecd/jkn TypeScript types, tested against the BPJS dev server, type
every answer field as required; protocol notes §3). Request models forbid unknown fields and
check their values in ``__post_init__``: a bad argument raises ``ValueError``/``TypeError``
before anything is sent.

Times: BPJS takes task times as epoch **milliseconds** and judges "the same service date" in
WIB (Asia/Jakarta, UTC+7). :func:`epoch_ms` takes an *aware* ``datetime`` (any zone) or an
``int`` of milliseconds; a naive ``datetime`` is refused, because its zone is a guess.
"""

from __future__ import annotations

import datetime
import enum
import re
from typing import TYPE_CHECKING, Literal

import msgspec

from .. import _validate

__all__ = [
    "JENIS_RESEP",
    "AntreanDetail",
    "AntreanFarmasi",
    "BatalAntrean",
    "DashboardRow",
    "Dokter",
    "JadwalDokter",
    "JadwalDokterUpdate",
    "JadwalHari",
    "ListTaskRequest",
    "PasienFp",
    "Poli",
    "PoliFp",
    "TambahAntrean",
    "Task",
    "TaskId",
    "UpdateWaktu",
    "epoch_ms",
    "parse_wib",
]

JAKARTA = _validate.JAKARTA

if TYPE_CHECKING:
    #: An event time: an aware ``datetime`` or epoch milliseconds; stored as the int.
    EventTime = datetime.datetime | int
    #: A date: ``datetime.date`` or ``"YYYY-MM-DD"``; stored as the string.
    DateIn = datetime.date | str
    #: An HFIS doctor code: an int (or its digits); stored as the int.
    DoctorCode = int | str
    #: A day of the week in a schedule: ``"1"``..``"8"`` (or the int); stored as the str.
    Hari = str | int
else:
    # At run time the wire types, so msgspec encodes (and decodes a recorded body) as BPJS does.
    EventTime = int
    DateIn = str
    DoctorCode = int
    Hari = str


class TaskId(enum.IntEnum):
    """The steps of one outpatient visit, as ``antrean/updatewaktu`` numbers them.

    Each task marks the end of one interval and the start of the next (catalogue texts):

    - ``CHECK_IN`` (1): *mulai waktu tunggu admisi* — the patient arrives; waits for the
      registration counter. New patients (no medical record) start here.
    - ``ADMISSION_START`` (2): *akhir waktu tunggu admisi / mulai waktu layan admisi* — the
      counter starts serving.
    - ``ADMISSION_END`` (3): *akhir waktu layan admisi / mulai waktu tunggu poli* — registration
      done (the SEP is issued here); waits for the clinic. Existing patients start here.
    - ``POLI_START`` (4): *akhir waktu tunggu poli / mulai waktu layan poli* — called in.
    - ``POLI_END`` (5): *akhir waktu layan poli / mulai waktu tunggu farmasi* — consultation
      over; a visit without drugs ends here.
    - ``PHARMACY_START`` (6): *akhir waktu tunggu farmasi / mulai waktu layan farmasi membuat
      obat* — the pharmacy starts preparing.
    - ``PHARMACY_END`` (7): *akhir waktu obat selesai dibuat* — drugs ready.
    - ``CANCELLED`` (99): *tidak hadir / batal* — no-show or cancelled; nothing is accepted after.
    """

    CHECK_IN = 1
    ADMISSION_START = 2
    ADMISSION_END = 3
    POLI_START = 4
    POLI_END = 5
    PHARMACY_START = 6
    PHARMACY_END = 7
    CANCELLED = 99

    @property
    def taskname(self) -> str:
        """BPJS's own name for the task (the catalogue text ``getlisttask`` answers)."""
        return _TASKNAMES[self.value]


_TASKNAMES = {
    1: "mulai waktu tunggu admisi",
    2: "akhir waktu tunggu admisi/mulai waktu layan admisi",
    3: "akhir waktu layan admisi/mulai waktu tunggu poli",
    4: "akhir waktu tunggu poli/mulai waktu layan poli",
    5: "akhir waktu layan poli/mulai waktu tunggu farmasi",
    6: "akhir waktu tunggu farmasi/mulai waktu layan farmasi membuat obat",
    7: "akhir waktu obat selesai dibuat",
    99: "tidak hadir/batal",
}

#: ``jenisresep`` of ``updatewaktu``, spelled as the catalogue spells it.
JENIS_RESEP = ("Tidak ada", "Racikan", "Non racikan")
#: ``jenisresep`` of ``antrean/farmasi/add`` (the catalogue writes these in lower case).
_JENIS_RESEP_FARMASI = ("racikan", "non racikan")

# Epoch milliseconds from 2001-09-09 to 2286: a smaller number is seconds sent by mistake.
_MS_MIN = 10**12
_MS_MAX = 10**13
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_JAM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_JAM_PRAKTEK = re.compile(r"\s*([0-9]{2}:[0-9]{2})\s*-\s*([0-9]{2}:[0-9]{2})\s*")
_WIB_TEXT = re.compile(r"\s*(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\s*WIB)?\s*")


def epoch_ms(value: object, what: str = "waktu") -> int:
    """An event time as the epoch milliseconds BPJS expects.

    Takes an aware ``datetime`` (e.g. ``datetime.now(ZoneInfo("Asia/Jakarta"))``) or an
    ``int`` of milliseconds. A naive ``datetime`` is refused (whose clock was it?), and so is
    an ``int`` that looks like seconds.
    """
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"{what} is a naive datetime; give it a time zone, e.g. "
                "datetime.now(ZoneInfo('Asia/Jakarta')) (BPJS reads task times in WIB, UTC+7)"
            )
        return (value - _EPOCH) // datetime.timedelta(milliseconds=1)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{what} must be an aware datetime or epoch milliseconds (int), "
            f"got {type(value).__name__}"
        )
    if not _MS_MIN <= value < _MS_MAX:
        hint = " (that looks like seconds: multiply by 1000)" if 10**9 <= value < _MS_MIN else ""
        raise ValueError(f"{what} must be epoch milliseconds, got {value}{hint}")
    return value


def as_wib(ms: int) -> datetime.datetime:
    """Epoch milliseconds as an aware datetime in WIB."""
    return _EPOCH.astimezone(JAKARTA) + datetime.timedelta(milliseconds=ms)


def parse_wib(text: str) -> datetime.datetime | None:
    """``"16-03-2021 11:32:49 WIB"`` (as ``getlisttask`` writes times) as an aware datetime.

    None when the text has another shape.
    """
    match = _WIB_TEXT.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute, second = (int(g) for g in match.groups())
    try:
        return datetime.datetime(year, month, day, hour, minute, second, tzinfo=JAKARTA)
    except ValueError:
        return None


def jam_praktek(value: object, what: str = "jampraktek") -> str:
    """A practice session ``HH:mm-HH:mm`` (spaces around the dash dropped), start before end."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str 'HH:mm-HH:mm', got {type(value).__name__}")
    match = _JAM_PRAKTEK.fullmatch(value)
    if match is None or not all(_JAM.fullmatch(g) for g in match.groups()):
        raise ValueError(f"{what} must look like '08:00-12:00', got {value[:20]!r}")
    start, end = match.groups()
    if end <= start:
        raise ValueError(f"{what}: the session ends before it starts ({start}-{end})")
    return f"{start}-{end}"


def kode_dokter(value: object, what: str = "kodedokter") -> int:
    """An HFIS doctor code: a positive number (digits in a str are accepted)."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 12:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{what} must be a positive HFIS doctor code, got {value!r}"[:120])
    return value


def kode_booking(value: object, what: str = "kodebooking") -> str:
    """A hospital booking code: 1-64 printable characters, no whitespace at either end."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    if not value or value != value.strip():
        raise ValueError(f"{what} must not be empty or start or end with whitespace")
    if len(value) > 64 or any(not c.isprintable() for c in value):
        raise ValueError(f"{what} must be at most 64 printable characters")
    return value


def _code(value: object, what: str, *, max_length: int = 16) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    if not value.strip() or len(value) > max_length or not value.isprintable():
        raise ValueError(f"{what} must be a short code, got {value[:20]!r}")
    return value


def _whole(value: object, what: str, *, low: int = 0, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}")
    if value < low or (high is not None and value > high):
        upper = f" and {high}" if high is not None else ""
        raise ValueError(f"{what} must be between {low}{upper}, got {value}")
    return value


def _choice(value: object, choices: tuple[str, ...], what: str) -> str:
    """``value`` matched case-insensitively to one of ``choices``, spelled as the choice is."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    folded = " ".join(value.split()).casefold()
    for choice in choices:
        if choice.casefold() == folded:
            return choice
    raise ValueError(f"{what} must be one of {', '.join(map(repr, choices))}, got {value[:20]!r}")


# -- answers -------------------------------------------------------------------------------


class _Answer(msgspec.Struct, frozen=True, kw_only=True):
    """Base for decoded Antrean answers: wire names as they are, unknown fields ignored."""


class Poli(_Answer, frozen=True, kw_only=True):
    """An HFIS poli and sub-specialty (``ref/poli``). ``kdsubspesialis`` is what
    ``antrean/add`` and WS RS call ``kodepoli``."""

    nmpoli: str
    nmsubspesialis: str
    kdsubspesialis: str
    kdpoli: str


class Dokter(_Answer, frozen=True, kw_only=True):
    """An HFIS doctor (``ref/dokter``)."""

    namadokter: str
    kodedokter: int


class PoliFp(_Answer, frozen=True, kw_only=True):
    """A sub-specialty whose patients verify by fingerprint (``ref/poli/fp``)."""

    kodesubspesialis: str
    namasubspesialis: str
    kodepoli: str
    namapoli: str


class PasienFp(_Answer, frozen=True, kw_only=True):
    """A patient's fingerprint enrolment (``ref/pasien/fp``); ``daftarfp`` 1 = enrolled."""

    nomorkartu: str
    nik: str
    tgllahir: datetime.date
    daftarfp: int

    def __repr__(self) -> str:
        # Health data: never a whole card number or NIK in a log line or traceback.
        return (
            f"PasienFp(nomorkartu={_validate.mask(self.nomorkartu)!r}, "
            f"nik={_validate.mask(self.nik)!r}, daftarfp={self.daftarfp})"
        )


class JadwalDokter(_Answer, frozen=True, kw_only=True):
    """One HFIS practice session (``jadwaldokter``). ``hari`` 1 Senin … 7 Minggu, 8 national
    holiday; ``libur`` 1 = the doctor is off; ``jadwal`` as BPJS writes it (``"08:00-12:00"``
    or ``"08:00 - 12:00"``; :attr:`jampraktek` drops the spaces)."""

    kodesubspesialis: str
    hari: int
    kapasitaspasien: int
    libur: int
    namahari: str
    jadwal: str
    namasubspesialis: str
    namadokter: str
    kodepoli: str
    namapoli: str
    kodedokter: int

    @property
    def jampraktek(self) -> str:
        """``jadwal`` without spaces, as ``antrean/add`` and WS RS spell a session."""
        return "".join(self.jadwal.split())


class Task(_Answer, frozen=True, kw_only=True):
    """One recorded task of a booking (``getlisttask``).

    ``wakturs`` is the time the hospital sent, ``waktu`` the time BPJS recorded the call, both
    as ``"dd-MM-yyyy HH:mm:ss WIB"``; :attr:`sent_at` and :attr:`recorded_at` parse them.
    """

    wakturs: str
    waktu: str
    taskname: str
    taskid: int
    kodebooking: str

    @property
    def sent_at(self) -> datetime.datetime | None:
        """``wakturs`` as an aware datetime (None if BPJS wrote it in another shape)."""
        return parse_wib(self.wakturs)

    @property
    def recorded_at(self) -> datetime.datetime | None:
        """``waktu`` as an aware datetime (None if BPJS wrote it in another shape)."""
        return parse_wib(self.waktu)


class AntreanDetail(_Answer, frozen=True, kw_only=True):
    """A registration as ``antrean/pendaftaran/*`` lists it. ``status`` is BPJS's text
    (``"Belum dilayani"``, ``"Selesai dilayani"``); times are epoch milliseconds."""

    kodebooking: str
    tanggal: datetime.date
    kodepoli: str
    kodedokter: int
    jampraktek: str
    nik: str
    nokapst: str
    nohp: str
    norekammedis: str
    jeniskunjungan: int
    nomorreferensi: str
    sumberdata: str
    ispeserta: int
    noantrean: str
    estimasidilayani: int
    createdtime: int
    status: str

    def __repr__(self) -> str:
        return (
            f"AntreanDetail(kodebooking={self.kodebooking!r}, tanggal={self.tanggal}, "
            f"kodepoli={self.kodepoli!r}, noantrean={self.noantrean!r}, status={self.status!r})"
        )


class DashboardRow(_Answer, frozen=True, kw_only=True):
    """One poli on one date of the waiting-time dashboard. ``waktu_taskN`` and
    ``avg_waktu_taskN`` are seconds (1 wait for admission, 2 admission, 3 wait for the poli,
    4 poli, 5 wait for the pharmacy, 6 pharmacy); ``insertdate`` epoch milliseconds."""

    kdppk: str
    nmppk: str
    kodepoli: str
    namapoli: str
    tanggal: str
    jumlah_antrean: int
    waktu_task1: float
    waktu_task2: float
    waktu_task3: float
    waktu_task4: float
    waktu_task5: float
    waktu_task6: float
    avg_waktu_task1: float
    avg_waktu_task2: float
    avg_waktu_task3: float
    avg_waktu_task4: float
    avg_waktu_task5: float
    avg_waktu_task6: float
    insertdate: int


# -- request bodies ------------------------------------------------------------------------


class _Body(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Base for request bodies: wire names, unknown fields refused, values checked on build."""


class UpdateWaktu(_Body):
    """The ``antrean/updatewaktu`` body: one task event. ``waktu`` is an aware datetime or
    epoch ms (stored as ms); ``jenisresep`` is sent only when given."""

    kodebooking: str
    taskid: int
    waktu: EventTime
    jenisresep: str | None = None

    def __post_init__(self) -> None:
        self.kodebooking = kode_booking(self.kodebooking)
        if isinstance(self.taskid, bool) or not isinstance(self.taskid, int):
            raise TypeError(f"taskid must be a TaskId or int, got {type(self.taskid).__name__}")
        try:
            self.taskid = int(TaskId(self.taskid))
        except ValueError:
            raise ValueError(f"taskid must be 1-7 or 99, got {self.taskid}") from None
        self.waktu = epoch_ms(self.waktu)
        if self.jenisresep is not None:
            self.jenisresep = _choice(self.jenisresep, JENIS_RESEP, "jenisresep")


class ListTaskRequest(_Body):
    """The ``antrean/getlisttask`` body."""

    kodebooking: str

    def __post_init__(self) -> None:
        self.kodebooking = kode_booking(self.kodebooking)


class BatalAntrean(_Body):
    """The ``antrean/batal`` body: the booking and the reason."""

    kodebooking: str
    keterangan: str

    def __post_init__(self) -> None:
        self.kodebooking = kode_booking(self.kodebooking)
        self.keterangan = _validate.text(self.keterangan, "keterangan")


class AntreanFarmasi(_Body):
    """The ``antrean/farmasi/add`` body. ``jenisresep`` ``"racikan"`` or ``"non racikan"``."""

    kodebooking: str
    jenisresep: str
    nomorantrean: int
    keterangan: str = msgspec.field(default="")

    def __post_init__(self) -> None:
        self.kodebooking = kode_booking(self.kodebooking)
        self.jenisresep = _choice(self.jenisresep, _JENIS_RESEP_FARMASI, "jenisresep")
        self.nomorantrean = _whole(self.nomorantrean, "nomorantrean", low=1)
        self.keterangan = _validate.text(self.keterangan, "keterangan", required=False)


class TambahAntrean(_Body, omit_defaults=False):
    """The ``antrean/add`` body: an onsite registration BPJS did not see through Mobile JKN.

    ``jenispasien`` is ``"JKN"`` or ``"NON JKN"``. For JKN patients ``nomorkartu`` (13 digits),
    ``nik`` (16 digits) and ``nomorreferensi`` are required; for NON JKN they may be ``""``.
    ``kodepoli`` is the **sub-specialty** code (``Poli.kdsubspesialis``); ``kodedokter`` the
    HFIS code (sent as a number); ``jampraktek`` ``"08:00-16:00"``; ``jeniskunjungan`` 1
    Rujukan FKTP, 2 Rujukan Internal, 3 Kontrol, 4 Rujukan Antar RS; ``estimasidilayani`` an
    aware datetime or epoch ms. Every field is sent, as the catalogue's example shows.
    """

    kodebooking: str
    jenispasien: Literal["JKN", "NON JKN"]
    nomorkartu: str
    nik: str
    nohp: str
    kodepoli: str
    namapoli: str
    pasienbaru: int
    norm: str
    tanggalperiksa: DateIn
    kodedokter: DoctorCode
    namadokter: str
    jampraktek: str
    jeniskunjungan: int
    nomorreferensi: str
    nomorantrean: str
    angkaantrean: int
    estimasidilayani: EventTime
    sisakuotajkn: int
    kuotajkn: int
    sisakuotanonjkn: int
    kuotanonjkn: int
    keterangan: str = ""

    def __post_init__(self) -> None:
        self.kodebooking = kode_booking(self.kodebooking)
        self.jenispasien = _choice(self.jenispasien, ("JKN", "NON JKN"), "jenispasien")  # type: ignore[assignment]
        jkn = self.jenispasien == "JKN"
        if jkn or self.nomorkartu:
            self.nomorkartu = _validate.card_number(self.nomorkartu)
        if jkn or self.nik:
            self.nik = _validate.nik(self.nik)
        self.nohp = _validate.text(self.nohp, "nohp", required=False)
        self.kodepoli = _code(self.kodepoli, "kodepoli")
        self.namapoli = _validate.text(self.namapoli, "namapoli")
        if isinstance(self.pasienbaru, bool):
            self.pasienbaru = int(self.pasienbaru)
        self.pasienbaru = _whole(self.pasienbaru, "pasienbaru", low=0, high=1)
        self.norm = _validate.text(self.norm, "norm", required=False)
        self.tanggalperiksa = _validate.body_date(self.tanggalperiksa, "tanggalperiksa")
        self.kodedokter = kode_dokter(self.kodedokter)
        self.namadokter = _validate.text(self.namadokter, "namadokter")
        self.jampraktek = jam_praktek(self.jampraktek)
        self.jeniskunjungan = _whole(self.jeniskunjungan, "jeniskunjungan", low=1, high=4)
        self.nomorreferensi = _validate.text(self.nomorreferensi, "nomorreferensi", required=jkn)
        self.nomorantrean = _validate.text(self.nomorantrean, "nomorantrean")
        self.angkaantrean = _whole(self.angkaantrean, "angkaantrean", low=0)
        self.estimasidilayani = epoch_ms(self.estimasidilayani, "estimasidilayani")
        for name in ("sisakuotajkn", "kuotajkn", "sisakuotanonjkn", "kuotanonjkn"):
            setattr(self, name, _whole(getattr(self, name), name, low=0))
        if self.sisakuotajkn > self.kuotajkn or self.sisakuotanonjkn > self.kuotanonjkn:
            raise ValueError("a remaining quota (sisakuota*) exceeds its quota (kuota*)")
        self.keterangan = _validate.text(self.keterangan, "keterangan", required=False)

    def __repr__(self) -> str:
        return (
            f"TambahAntrean(kodebooking={self.kodebooking!r}, jenispasien={self.jenispasien!r}, "
            f"kodepoli={self.kodepoli!r}, tanggalperiksa={self.tanggalperiksa!r}, "
            f"nomorkartu={_validate.mask(self.nomorkartu)!r})"
        )


class JadwalHari(_Body):
    """One day of a doctor's schedule: ``hari`` ``"1"`` (Senin) … ``"7"`` (Minggu), ``"8"``
    (national holiday); ``buka``/``tutup`` ``"HH:mm"``."""

    hari: Hari
    buka: str
    tutup: str

    def __post_init__(self) -> None:
        hari: object = self.hari
        if isinstance(hari, int) and not isinstance(hari, bool):
            hari = str(hari)
        if not isinstance(hari, str) or hari not in {str(n) for n in range(1, 9)}:
            raise ValueError(f"hari must be '1' to '8', got {self.hari!r}"[:80])
        self.hari = hari
        for name in ("buka", "tutup"):
            value = getattr(self, name)
            if not isinstance(value, str) or not _JAM.fullmatch(value):
                raise ValueError(f"{name} must be 'HH:mm', got {value!r}"[:80])
        if self.tutup <= self.buka:  # "HH:mm" strings compare in time order
            raise ValueError(f"tutup ({self.tutup}) must be after buka ({self.buka})")


class JadwalDokterUpdate(_Body, omit_defaults=False):
    """The ``jadwaldokter/updatejadwaldokter`` body. BPJS's branch approves changes made
    between 00:00 and 20:00 in the evening; they take effect the next day (H+1)."""

    kodepoli: str
    kodesubspesialis: str
    kodedokter: DoctorCode
    jadwal: list[JadwalHari]

    def __post_init__(self) -> None:
        self.kodepoli = _code(self.kodepoli, "kodepoli")
        self.kodesubspesialis = _code(self.kodesubspesialis, "kodesubspesialis")
        self.kodedokter = kode_dokter(self.kodedokter)
        if not isinstance(self.jadwal, list) or not self.jadwal:
            raise ValueError("jadwal must be a non-empty list of JadwalHari")
        for day in self.jadwal:
            if not isinstance(day, JadwalHari):
                raise TypeError(f"jadwal items must be JadwalHari, got {type(day).__name__}")
