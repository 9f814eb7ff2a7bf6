"""The Antrean RS simulator's state: HFIS referentials, bookings, task events, and the rules.

``sim.antrean_state`` is an :class:`AntreanState`. It holds a small HFIS fixture (poli and
sub-specialties, doctors with numeric codes, weekly schedules), the bookings (from
``antrean/add`` or seeded as Mobile JKN bookings with :meth:`AntreanState.add_booking`), every
accepted task event in arrival order (:attr:`AntreanState.task_events`), and enforces BPJS's
``updatewaktu`` rules with the replies hospitals' code records (protocol notes §5.3, §A9).
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._validate import JAKARTA

__all__ = ["AntreanState", "Booking", "TaskEvent", "TaskRefusal", "wib_text"]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

#: BPJS's task names (the catalogue's texts), as ``getlisttask`` answers them.
TASKNAMES = {
    1: "mulai waktu tunggu admisi",
    2: "akhir waktu tunggu admisi/mulai waktu layan admisi",
    3: "akhir waktu layan admisi/mulai waktu tunggu poli",
    4: "akhir waktu tunggu poli/mulai waktu layan poli",
    5: "akhir waktu layan poli/mulai waktu tunggu farmasi",
    6: "akhir waktu tunggu farmasi/mulai waktu layan farmasi membuat obat",
    7: "akhir waktu obat selesai dibuat",
    99: "tidak hadir/batal",
}

_POLI = (
    # (kdpoli, nmpoli, kdsubspesialis, nmsubspesialis)
    ("ANA", "ANAK", "ANA", "ANAK"),
    ("ANA", "ANAK", "027", "ANAK ALERGI IMUNOLOGI"),
    ("INT", "PENYAKIT DALAM", "INT", "PENYAKIT DALAM"),
    ("MAT", "MATA", "MAT", "MATA"),
    ("BED", "BEDAH", "BED", "BEDAH"),
    ("JAN", "JANTUNG DAN PEMBULUH DARAH", "JAN", "JANTUNG DAN PEMBULUH DARAH"),
)
_DOKTER = (
    # (kodedokter, namadokter, kdsubspesialis, sessions "hari:HH:mm-HH:mm")
    (33690, "Tenaga Medis 33690", "ANA", ("1:08:00-12:00", "3:08:00-12:00", "5:13:00-16:00")),
    (33691, "Tenaga Medis 33691", "027", ("2:08:00-11:00", "4:08:00-11:00")),
    (12345, "Tenaga Medis 12345", "INT", tuple(f"{d}:07:00-15:00" for d in range(1, 7))),
    (12346, "Tenaga Medis 12346", "INT", ("1:15:00-20:00", "3:15:00-20:00")),
    (700, "Tenaga Medis 700", "MAT", ("2:08:00-14:00", "4:08:00-14:00", "6:08:00-12:00")),
    (18154, "Tenaga Medis 18154", "BED", tuple(f"{d}:09:00-13:00" for d in range(1, 6))),
    (21001, "Tenaga Medis 21001", "JAN", ("1:10:00-14:00", "5:10:00-14:00")),
)
_NAMAHARI = {
    1: "SENIN",
    2: "SELASA",
    3: "RABU",
    4: "KAMIS",
    5: "JUMAT",
    6: "SABTU",
    7: "MINGGU",
    8: "HARI LIBUR NASIONAL",
}


def wib(ms: int) -> datetime.datetime:
    """Epoch milliseconds as an aware datetime in WIB."""
    return _EPOCH.astimezone(JAKARTA) + datetime.timedelta(milliseconds=ms)


def wib_text(ms: int, *, iso: bool = False) -> str:
    """``dd-MM-yyyy HH:mm:ss WIB`` (``getlisttask``) or ``yyyy-MM-dd HH:mm:ss`` (messages)."""
    moment = wib(ms)
    if iso:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.strftime("%d-%m-%Y %H:%M:%S") + " WIB"


@dataclass(frozen=True)
class TaskEvent:
    """One accepted ``updatewaktu``: ``waktu`` as sent (epoch ms), ``received`` when BPJS
    recorded it (epoch ms, the simulator's clock)."""

    kodebooking: str
    taskid: int
    waktu: int
    received: int
    jenisresep: str | None = None


@dataclass
class Booking:
    """A registration the simulated BPJS knows, with its tasks in the order accepted."""

    kodebooking: str
    tanggal: datetime.date
    kodepoli: str
    kodedokter: int
    jampraktek: str
    jenispasien: str = "JKN"
    nomorkartu: str = ""
    nik: str = ""
    nohp: str = ""
    norm: str = ""
    namapoli: str = ""
    namadokter: str = ""
    pasienbaru: int = 0
    jeniskunjungan: int = 1
    nomorreferensi: str = ""
    nomorantrean: str = ""
    angkaantrean: int = 0
    estimasidilayani: int = 0
    createdtime: int = 0
    sumberdata: str = "Mobile JKN"
    cancelled: str | None = None
    tasks: list[TaskEvent] = field(default_factory=list)
    farmasi: dict[str, Any] | None = None

    @property
    def status(self) -> str:
        """BPJS's status text for the booking."""
        ids = {t.taskid for t in self.tasks}
        if self.cancelled is not None or 99 in ids:
            return "Batal"
        if 5 in ids:
            return "Selesai dilayani"
        return "Belum dilayani"

    def detail(self) -> dict[str, Any]:
        """The ``antrean/pendaftaran/*`` item."""
        return {
            "kodebooking": self.kodebooking,
            "tanggal": self.tanggal.isoformat(),
            "kodepoli": self.kodepoli,
            "kodedokter": self.kodedokter,
            "jampraktek": self.jampraktek,
            "nik": self.nik,
            "nokapst": self.nomorkartu,
            "nohp": self.nohp,
            "norekammedis": self.norm,
            "jeniskunjungan": self.jeniskunjungan,
            "nomorreferensi": self.nomorreferensi,
            "sumberdata": self.sumberdata,
            "ispeserta": 1 if self.jenispasien == "JKN" else 0,
            "noantrean": self.nomorantrean,
            "estimasidilayani": self.estimasidilayani,
            "createdtime": self.createdtime,
            "status": self.status,
        }


class TaskRefusal(Exception):
    """A rule refused an event: ``code`` and ``message`` are what BPJS answers."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class AntreanState:
    """HFIS referentials, bookings and task events of the simulated Antrean RS.

    ``now_ms`` is the simulator's clock in epoch milliseconds (BPJS's receipt time and "today"
    for the H+7 rule); tests drive it through the simulator's ``clock``.
    """

    def __init__(self, *, now_ms: Callable[[], int], ppk: str, nmppk: str = "RS SIMULATOR"):
        self.now_ms = now_ms
        self.ppk = ppk
        self.nmppk = nmppk
        self.poli: list[dict[str, str]] = [
            {"nmpoli": nm, "nmsubspesialis": nms, "kdsubspesialis": kds, "kdpoli": kd}
            for kd, nm, kds, nms in _POLI
        ]
        #: Sub-specialties whose patients verify by fingerprint.
        self.poli_fp: list[str] = ["027", "JAN"]
        self.dokter: dict[int, dict[str, Any]] = {}
        #: (kodedokter, hari) -> session "HH:mm-HH:mm"; hari 1 Senin .. 7 Minggu.
        self.jadwal: dict[tuple[int, int], dict[str, Any]] = {}
        for kode, nama, sub, sessions in _DOKTER:
            self.dokter[kode] = {"namadokter": nama, "kodedokter": kode, "sub": sub}
            for session in sessions:
                hari, hours = session.split(":", 1)
                self.jadwal[(kode, int(hari))] = {
                    "jadwal": hours,
                    "kapasitaspasien": 30,
                    "libur": 0,
                }
        #: Schedule changes sent with ``updatejadwaldokter``, in order (BPJS approves them later).
        self.jadwal_updates: list[dict[str, Any]] = []
        self.bookings: dict[str, Booking] = {}
        #: Every accepted task event, in arrival order.
        self.task_events: list[TaskEvent] = []
        #: Refused ``updatewaktu`` calls: (kodebooking, taskid, message).
        self.refusals: list[tuple[str, int, str]] = []
        self._numbers = itertools.count(1)

    # -- referentials ----------------------------------------------------------------------

    def subspesialis(self, code: str) -> dict[str, str] | None:
        for row in self.poli:
            if row["kdsubspesialis"].upper() == code.upper():
                return row
        return None

    def schedules(self, kodepoli: str, day: datetime.date) -> list[dict[str, Any]]:
        """The ``jadwaldokter`` items of a poli (BPJS poli code) on a date's weekday."""
        hari = day.isoweekday()
        rows = []
        for (kode, session_day), session in sorted(self.jadwal.items()):
            doctor = self.dokter[kode]
            sub = self.subspesialis(doctor["sub"])
            if sub is None or sub["kdpoli"].upper() != kodepoli.upper() or session_day != hari:
                continue
            rows.append(
                {
                    "kodesubspesialis": sub["kdsubspesialis"],
                    "hari": hari,
                    "kapasitaspasien": session["kapasitaspasien"],
                    "libur": session["libur"],
                    "namahari": _NAMAHARI[hari],
                    "jadwal": session["jadwal"],
                    "namasubspesialis": sub["nmsubspesialis"],
                    "namadokter": doctor["namadokter"],
                    "kodepoli": sub["kdpoli"],
                    "namapoli": sub["nmpoli"],
                    "kodedokter": kode,
                }
            )
        return rows

    # -- bookings --------------------------------------------------------------------------

    def add_booking(
        self,
        kodebooking: str | None = None,
        *,
        tanggal: datetime.date | str | None = None,
        kodepoli: str = "INT",
        kodedokter: int = 12345,
        jampraktek: str = "07:00-15:00",
        sumberdata: str = "Mobile JKN",
        **fields: Any,
    ) -> Booking:
        """Seed a booking BPJS knows (a Mobile JKN booking by default) and return it.

        ``tanggal`` defaults to today in WIB by the simulator's clock; a code is generated
        when none is given.
        """
        day = (
            wib(self.now_ms()).date()
            if tanggal is None
            else datetime.date.fromisoformat(tanggal)
            if isinstance(tanggal, str)
            else tanggal
        )
        number = next(self._numbers)
        code = kodebooking or f"{day:%Y%m%d}{number:06d}"
        if code in self.bookings:
            raise ValueError(f"booking {code!r} already exists")
        doctor = self.dokter.get(kodedokter, {})
        sub = self.subspesialis(kodepoli) or {}
        values: dict[str, Any] = {
            "namapoli": sub.get("nmsubspesialis", kodepoli),
            "namadokter": doctor.get("namadokter", ""),
            "nomorantrean": f"{kodepoli}-{number:04d}",
            "angkaantrean": number,
            "createdtime": self.now_ms(),
            "estimasidilayani": self.now_ms(),
        }
        values.update(fields)
        booking = Booking(
            kodebooking=code,
            tanggal=day,
            kodepoli=kodepoli,
            kodedokter=kodedokter,
            jampraktek=jampraktek,
            sumberdata=sumberdata,
            **values,
        )
        self.bookings[code] = booking
        return booking

    # -- the task rules --------------------------------------------------------------------

    def update_waktu(
        self, kodebooking: str, taskid: int, waktu: int, jenisresep: str | None = None
    ) -> TaskEvent:
        """Record one task event, or raise :class:`TaskRefusal` with BPJS's reply."""
        try:
            return self._update_waktu(kodebooking, taskid, waktu, jenisresep)
        except TaskRefusal as refusal:
            if refusal.code != 208:
                self.refusals.append((kodebooking, taskid, refusal.message))
            raise

    def _update_waktu(
        self, kodebooking: str, taskid: int, waktu: int, jenisresep: str | None
    ) -> TaskEvent:
        booking = self.bookings.get(kodebooking)
        if booking is None:
            raise TaskRefusal(201, "Kode Booking tidak ditemukan")
        if taskid not in TASKNAMES:
            raise TaskRefusal(201, f"TaskId={taskid} tidak valid")
        now = self.now_ms()
        if wib(now).date() > booking.tanggal + datetime.timedelta(days=7):
            raise TaskRefusal(
                201, "Gagal. Tanggal kirim TaskId maksimal H+7 dari tanggal pelayanan."
            )
        present = {t.taskid for t in booking.tasks}
        if taskid in present:
            raise TaskRefusal(208, f"TaskId={taskid} sudah ada")
        last = booking.tasks[-1] if booking.tasks else None
        if booking.cancelled is not None or (last is not None and last.taskid == 99):
            raise TaskRefusal(201, "TaskId terakhir 99")
        if last is not None and taskid < last.taskid:
            raise TaskRefusal(201, f"TaskId terakhir {last.taskid}")
        if taskid != 99:
            # A chain starts at 1 (new patient) or 3 (existing patient); then one by one.
            starts = not present and taskid in (1, 3)
            if not starts and taskid - 1 not in present:
                if present == {1} and taskid == 3:
                    raise TaskRefusal(201, "Task=1 ada. TaskId=2 belum ada")
                raise TaskRefusal(201, f"TaskId={taskid - 1} belum ada")
        moment = wib_text(waktu, iso=True)
        if wib(waktu).date() != booking.tanggal:
            raise TaskRefusal(
                201,
                f"Waktu tidak valid ({moment} WIB). Tanggal pelayanan untuk Kode Booking "
                f"tersebut adalah ({booking.tanggal.isoformat()})",
            )
        if last is not None and waktu <= last.waktu:
            raise TaskRefusal(
                201,
                f"Waktu ({moment} WIB) tidak boleh kurang atau sama dengan waktu sebelumnya",
            )
        event = TaskEvent(kodebooking, taskid, waktu, now, jenisresep)
        booking.tasks.append(event)
        self.task_events.append(event)
        return event

    def list_task(self, kodebooking: str) -> list[dict[str, Any]]:
        """The ``getlisttask`` items of a booking."""
        booking = self.bookings[kodebooking]
        return [
            {
                "wakturs": wib_text(t.waktu),
                "waktu": wib_text(t.received),
                "taskname": TASKNAMES[t.taskid],
                "taskid": t.taskid,
                "kodebooking": t.kodebooking,
            }
            for t in booking.tasks
        ]

    # -- dashboards ------------------------------------------------------------------------

    def dashboard(self, days: set[datetime.date], *, server: bool) -> list[dict[str, Any]]:
        """One row per (date, poli): counts, and the six intervals summed and averaged in
        seconds from the task times (sent ones, or receipt times with ``server``)."""
        groups: dict[tuple[datetime.date, str], list[Booking]] = {}
        for booking in self.bookings.values():
            if booking.tanggal in days:
                groups.setdefault((booking.tanggal, booking.kodepoli), []).append(booking)
        rows = []
        for (day, kodepoli), bookings in sorted(groups.items()):
            sub = self.subspesialis(kodepoli) or {}
            row: dict[str, Any] = {
                "kdppk": self.ppk,
                "nmppk": self.nmppk,
                "kodepoli": kodepoli,
                "namapoli": sub.get("nmsubspesialis", kodepoli),
                "tanggal": day.isoformat(),
                "jumlah_antrean": len(bookings),
            }
            for n in range(1, 7):
                spans = []
                for booking in bookings:
                    times = {t.taskid: (t.received if server else t.waktu) for t in booking.tasks}
                    if n in times and n + 1 in times:
                        spans.append((times[n + 1] - times[n]) / 1000)
                total = round(sum(spans))
                row[f"waktu_task{n}"] = total
                row[f"avg_waktu_task{n}"] = round(total / len(spans)) if spans else 0
            row["insertdate"] = self.now_ms()
            rows.append(row)
        return rows
