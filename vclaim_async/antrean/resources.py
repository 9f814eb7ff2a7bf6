"""Antrean RS resources: ``client.referensi``, ``client.jadwal_dokter``, ``client.antrean``,
``client.dashboard``. Thin, as VClaim's: check arguments, encode path segments, name the
catalog operation, pick the model; the shared ``Resource._request`` seam does the rest.

List reads answer ``[]`` when BPJS says there is no data (code 201, e.g. ``"No Content"`` on
the dev server); an unknown booking (``Kode Booking tidak ditemukan``) stays a
:class:`~vclaim_async.NotFoundError`. Writes return ``None`` on success; a duplicate is
:class:`~vclaim_async.errors.AlreadyRecordedError`, a task-rule refusal
:class:`~vclaim_async.errors.TaskRuleError`.
"""

from __future__ import annotations

from typing import Literal, TypeVar
from urllib.parse import quote

import msgspec

from .. import _validate
from .._antrean_replies import is_unknown_booking
from .._validate import DateLike
from ..errors import NotFoundError
from ..resources._base import Resource
from .models import (
    AntreanDetail,
    AntreanFarmasi,
    BatalAntrean,
    DashboardRow,
    Dokter,
    EventTime,
    JadwalDokter,
    JadwalDokterUpdate,
    ListTaskRequest,
    PasienFp,
    Poli,
    PoliFp,
    TambahAntrean,
    Task,
    TaskId,
    UpdateWaktu,
    jam_praktek,
    kode_booking,
    kode_dokter,
)

__all__ = ["AntreanResource", "DashboardResource", "JadwalDokterResource", "ReferensiResource"]

T = TypeVar("T")

#: Which task times a dashboard uses: those the hospital sent, or those BPJS recorded.
Waktu = Literal["rs", "server"]


class _AntreanResource(Resource):
    __slots__ = ()

    async def _list(
        self,
        operation: str,
        params: dict[str, str],
        model: type[T],
        *,
        body: msgspec.Struct | None = None,
    ) -> list[T]:
        try:
            return await self._request(operation, params, model=list[model], body=body)  # type: ignore[valid-type]
        except NotFoundError as exc:
            if is_unknown_booking(exc.message):
                raise
            return []

    async def _write(self, operation: str, body: msgspec.Struct) -> None:
        # Writes answer metadata only; any payload BPJS adds is read as text and dropped.
        await self._request(operation, {}, model=str, body=body, nullable=True)


def _booking_segment(kodebooking: str) -> str:
    """A booking code as a path segment: every reserved character (``/``, ``#``) encoded."""
    value = kode_booking(kodebooking)
    if value in (".", "..") or any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value):
        raise ValueError("kodebooking cannot be a path segment")
    return quote(value, safe="")


def _waktu(waktu: object) -> str:
    if waktu not in ("rs", "server"):
        raise ValueError(f"waktu must be 'rs' or 'server', got {waktu!r}"[:80])
    return str(waktu)


class ReferensiResource(_AntreanResource):
    """HFIS references: poli, doctors, fingerprint poli and patients."""

    __slots__ = ()

    async def list_poli(self) -> list[Poli]:
        """Every HFIS poli and sub-specialty of the hospital (catalog
        ``referensi.list_poli``)."""
        return await self._list("referensi.list_poli", {}, Poli)

    async def list_dokter(self) -> list[Dokter]:
        """Every HFIS doctor of the hospital (catalog ``referensi.list_dokter``)."""
        return await self._list("referensi.list_dokter", {}, Dokter)

    async def list_poli_fp(self) -> list[PoliFp]:
        """Sub-specialties whose patients verify by fingerprint (catalog
        ``referensi.list_poli_fp``)."""
        return await self._list("referensi.list_poli_fp", {}, PoliFp)

    async def get_pasien_fp(self, jenis: Literal["nik", "noka"], nomor: str) -> PasienFp:
        """A patient's fingerprint enrolment by NIK (16 digits) or card (``"noka"``, 13 digits)
        (catalog ``referensi.get_pasien_fp``)."""
        if jenis == "nik":
            nomor = _validate.nik(nomor)
        elif jenis == "noka":
            nomor = _validate.card_number(nomor)
        else:
            raise ValueError(f"jenis must be 'nik' or 'noka', got {jenis!r}"[:80])
        params = {"jenis": jenis, "nomor": nomor}
        return await self._request("referensi.get_pasien_fp", params, model=PasienFp)


class JadwalDokterResource(_AntreanResource):
    """Doctor schedules in HFIS."""

    __slots__ = ()

    async def get(self, kodepoli: str, tanggal: DateLike) -> list[JadwalDokter]:
        """The practice sessions of a poli (the BPJS **poli** code, e.g. ``"ANA"``) on a date
        (catalog ``jadwal_dokter.get``)."""
        params = {
            "kodepoli": _validate.path_segment(kodepoli, "kodepoli"),
            "tanggal": _validate.date_segment(tanggal, "tanggal"),
        }
        return await self._list("jadwal_dokter.get", params, JadwalDokter)

    async def update(self, jadwal: JadwalDokterUpdate) -> None:
        """Ask BPJS to change a doctor's schedule (catalog ``jadwal_dokter.update``).

        Changes made between 00:00 and 20:00 wait for the branch's approval and take effect
        the next day.
        """
        if not isinstance(jadwal, JadwalDokterUpdate):
            raise TypeError("jadwal must be a JadwalDokterUpdate")
        await self._write("jadwal_dokter.update", jadwal)


class AntreanResource(_AntreanResource):
    """Registrations and task times: the queue half of an outpatient visit."""

    __slots__ = ()

    async def add(self, antrean: TambahAntrean) -> None:
        """Report an onsite registration (catalog ``antrean.add``). Mobile JKN bookings are
        already at BPJS and need none. A booking code sent twice raises
        :class:`~vclaim_async.errors.AlreadyRecordedError` (``Terdapat duplikasi Kode
        Booking``), which a caller re-sending after a lost answer may treat as done."""
        if not isinstance(antrean, TambahAntrean):
            raise TypeError("antrean must be a TambahAntrean")
        await self._write("antrean.add", antrean)

    async def add_farmasi(
        self, *, kodebooking: str, jenisresep: str, nomorantrean: int, keterangan: str = ""
    ) -> None:
        """Report a pharmacy queue entry, ``jenisresep`` ``"racikan"`` or ``"non racikan"``
        (catalog ``antrean.add_farmasi``)."""
        body = AntreanFarmasi(
            kodebooking=kodebooking,
            jenisresep=jenisresep,
            nomorantrean=nomorantrean,
            keterangan=keterangan,
        )
        await self._write("antrean.add_farmasi", body)

    async def update_waktu(
        self,
        *,
        kodebooking: str,
        taskid: TaskId | int,
        waktu: EventTime,
        jenisresep: str | None = None,
    ) -> None:
        """Report one task time of a visit (catalog ``antrean.update_waktu``).

        ``waktu`` is an aware ``datetime`` or epoch milliseconds; a naive ``datetime`` is
        refused. BPJS keeps each task once, in order, strictly later than the one before and
        on the service date (WIB): a task already there raises
        :class:`~vclaim_async.errors.AlreadyRecordedError` (safe to treat as done), a rule
        refusal :class:`~vclaim_async.errors.TaskRuleError`. ``jenisresep`` (``"Tidak
        ada"``, ``"Racikan"``, ``"Non racikan"``) only for hospitals running the pharmacy
        queue; omitted when None. A lost answer raises
        :class:`~vclaim_async.OutcomeUnknownError`: check :meth:`list_task` before re-sending.
        """
        body = UpdateWaktu(
            kodebooking=kodebooking, taskid=taskid, waktu=waktu, jenisresep=jenisresep
        )
        await self._write("antrean.update_waktu", body)

    async def batal(self, *, kodebooking: str, keterangan: str) -> None:
        """Cancel a booking, with the reason (catalog ``antrean.batal``)."""
        body = BatalAntrean(kodebooking=kodebooking, keterangan=keterangan)
        await self._write("antrean.batal", body)

    async def list_task(self, kodebooking: str) -> list[Task]:
        """The task times BPJS holds for a booking, in task order (catalog
        ``antrean.list_task``); ``[]`` when it holds none."""
        body = ListTaskRequest(kodebooking=kodebooking)
        tasks = await self._list("antrean.list_task", {}, Task, body=body)
        # BPJS's order is not documented; task ids only rise within a booking, 99 last.
        return sorted(tasks, key=lambda t: t.taskid)

    async def list_by_tanggal(self, tanggal: DateLike) -> list[AntreanDetail]:
        """Every registration of a service date (catalog ``antrean.list_by_tanggal``)."""
        params = {"tanggal": _validate.date_segment(tanggal, "tanggal")}
        return await self._list("antrean.list_by_tanggal", params, AntreanDetail)

    async def get(self, kodebooking: str) -> AntreanDetail:
        """One registration by booking code (catalog ``antrean.get``); raises
        :class:`~vclaim_async.NotFoundError` when BPJS has none."""
        params = {"kodebooking": _booking_segment(kodebooking)}
        found = await self._list("antrean.get", params, AntreanDetail)
        if not found:
            raise NotFoundError("201", "Data Tidak Ditemukan", endpoint="antrean.get")
        return found[0]

    async def list_aktif(self) -> list[AntreanDetail]:
        """Registrations not yet served (catalog ``antrean.list_aktif``)."""
        return await self._list("antrean.list_aktif", {}, AntreanDetail)

    async def list_aktif_by_dokter(
        self, kodepoli: str, kodedokter: int | str, hari: int, jampraktek: str
    ) -> list[AntreanDetail]:
        """Registrations not yet served of one session: poli, doctor, weekday (1 Senin …
        7 Minggu) and hours ``"08:00-12:00"`` (catalog ``antrean.list_aktif_by_dokter``)."""
        if isinstance(hari, bool) or not isinstance(hari, int) or not 1 <= hari <= 7:
            raise ValueError(f"hari must be an int from 1 (Senin) to 7 (Minggu), got {hari!r}")
        params = {
            "kodepoli": _validate.path_segment(kodepoli, "kodepoli"),
            "kodedokter": str(kode_dokter(kodedokter)),
            "hari": str(hari),
            # ':' is legal in a segment and sent as is (protocol notes §2.8).
            "jampraktek": quote(jam_praktek(jampraktek), safe=":"),
        }
        return await self._list("antrean.list_aktif_by_dokter", params, AntreanDetail)


class DashboardResource(_AntreanResource):
    """The waiting-time dashboard BPJS computes from the task times (plain, not encrypted)."""

    __slots__ = ()

    async def per_tanggal(self, tanggal: DateLike, waktu: Waktu = "rs") -> list[DashboardRow]:
        """One row per poli for a date (catalog ``dashboard.per_tanggal``). ``waktu="rs"``
        uses the times the hospital sent, ``"server"`` the times BPJS recorded them."""
        params = {"tanggal": _validate.date_segment(tanggal, "tanggal"), "waktu": _waktu(waktu)}
        return await self._list("dashboard.per_tanggal", params, DashboardRow)

    async def per_bulan(self, bulan: int, tahun: int, waktu: Waktu = "rs") -> list[DashboardRow]:
        """One row per poli per date of a month (catalog ``dashboard.per_bulan``)."""
        month, year = _validate.month(bulan, tahun, pad=True)
        params = {"bulan": month, "tahun": year, "waktu": _waktu(waktu)}
        return await self._list("dashboard.per_bulan", params, DashboardRow)
