"""Antrean RS routes (served under ``/antreanrs``): references, schedules, registrations, task
times and dashboards, on ``sim.antrean_state``.

Answers follow the running clients (protocol notes §2.5-§2.7): references succeed with code 1,
the rest with 200; encrypted lists are bare arrays; dashboards are plain ``{"list": [...]}``;
writes answer metadata only; duplicates are 208; "no data" is 201 ``No Content``. Numeric
fields are accepted as numbers or numeric strings, as BPJS evidently accepts both (§2.9).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from .._antrean_state import AntreanState, TaskRefusal
from ._base import Reply, SimRequest, bad_date, month_of, route

__all__: list[str] = []

_NO_CONTENT = "No Content"


def _state(req: SimRequest) -> AntreanState:
    return req.sim.antrean_state


def _refuse(message: str, code: str = "201") -> Reply:
    return Reply(code=code, message=message, bare=True)


def _ok() -> Reply:
    return Reply(code="200", message="Ok", bare=True)


def _rows(rows: list[Any], code: str = "200") -> Reply:
    if not rows:
        return _refuse(_NO_CONTENT)
    return Reply(payload=rows, code=code)


def _number(value: Any) -> int | None:
    """An int from a number or a numeric string (BPJS coerces both); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(body: Any, name: str) -> str | None:
    value = body.get(name) if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


# -- references ----------------------------------------------------------------------------


@route("referensi.list_poli", service="antrean")
async def list_poli(req: SimRequest) -> Reply:
    return _rows(list(_state(req).poli), code="1")


@route("referensi.list_dokter", service="antrean")
async def list_dokter(req: SimRequest) -> Reply:
    rows = [
        {"namadokter": d["namadokter"], "kodedokter": d["kodedokter"]}
        for d in _state(req).dokter.values()
    ]
    return _rows(rows, code="1")


@route("referensi.list_poli_fp", service="antrean")
async def list_poli_fp(req: SimRequest) -> Reply:
    state = _state(req)
    rows = []
    for code in state.poli_fp:
        sub = state.subspesialis(code)
        if sub is not None:
            rows.append(
                {
                    "kodesubspesialis": sub["kdsubspesialis"],
                    "namasubspesialis": sub["nmsubspesialis"],
                    "kodepoli": sub["kdpoli"],
                    "namapoli": sub["nmpoli"],
                }
            )
    return _rows(rows, code="1")


@route("referensi.get_pasien_fp", service="antrean")
async def get_pasien_fp(req: SimRequest) -> Reply:
    jenis, nomor = req.params["jenis"].lower(), req.params["nomor"]
    participants = req.sim.participants
    card = (
        nomor if jenis == "noka" else participants.card_for_nik(nomor) if jenis == "nik" else None
    )
    peserta = participants.get(card) if card else None
    if peserta is None:
        return _refuse("Data Peserta Tidak Ditemukan")
    born = peserta.tgl_lahir
    return Reply(
        payload={
            "nomorkartu": peserta.no_kartu,
            "nik": peserta.nik,
            "tgllahir": born.isoformat() if isinstance(born, datetime.date) else str(born),
            # Deterministic: every other participant has enrolled a fingerprint.
            "daftarfp": int(peserta.no_kartu[-1]) % 2,
        },
        code="1",
    )


# -- schedules -----------------------------------------------------------------------------


@route("jadwal_dokter.get", service="antrean")
async def jadwal_dokter_get(req: SimRequest) -> Reply:
    tanggal = req.params["tanggal"]
    if bad_date(tanggal):
        return _refuse("Format Tanggal Tidak Sesuai, format yang benar adalah yyyy-mm-dd")
    rows = _state(req).schedules(req.params["kodepoli"], datetime.date.fromisoformat(tanggal))
    return _rows(rows)


_JAM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


@route("jadwal_dokter.update", service="antrean")
async def jadwal_dokter_update(req: SimRequest) -> Reply:
    state = _state(req)
    body = req.body if isinstance(req.body, dict) else {}
    kodedokter = _number(body.get("kodedokter"))
    if kodedokter is None or kodedokter not in state.dokter:
        return _refuse("Data dokter tidak ditemukan")
    sub = state.subspesialis(_text(body, "kodesubspesialis") or "")
    if sub is None or sub["kdpoli"].upper() != (_text(body, "kodepoli") or "").upper():
        return _refuse("Poli tidak ditemukan")
    jadwal = body.get("jadwal")
    if not isinstance(jadwal, list) or not jadwal:
        return _refuse("jadwal tidak boleh kosong")
    for day in jadwal:
        if not isinstance(day, dict) or str(day.get("hari")) not in {str(n) for n in range(1, 9)}:
            return _refuse("hari tidak valid")
        if not all(_JAM.fullmatch(str(day.get(k, ""))) for k in ("buka", "tutup")):
            return _refuse("Format jam tidak valid")
    state.jadwal_updates.append(dict(body))
    return _ok()


# -- registrations -------------------------------------------------------------------------

_ADD_TEXT = (
    "kodebooking", "jenispasien", "nohp", "kodepoli", "namapoli", "norm", "tanggalperiksa",
    "namadokter", "jampraktek", "nomorantrean",
)  # fmt: skip
_ADD_NUMBERS = (
    "pasienbaru", "kodedokter", "jeniskunjungan", "angkaantrean", "estimasidilayani",
    "sisakuotajkn", "kuotajkn", "sisakuotanonjkn", "kuotanonjkn",
)  # fmt: skip


@route("antrean.add", service="antrean")
async def antrean_add(req: SimRequest) -> Reply:
    state = _state(req)
    body = req.body if isinstance(req.body, dict) else {}
    for name in _ADD_TEXT:
        text = _text(body, name)
        if text is None or (not text.strip() and name != "norm"):
            return _refuse(f"{name} tidak boleh kosong")
    numbers: dict[str, int] = {}
    for name in _ADD_NUMBERS:
        number = _number(body.get(name))
        if number is None:
            return _refuse(f"{name} tidak valid")
        numbers[name] = number
    kodebooking = body["kodebooking"]
    if kodebooking in state.bookings:
        return _refuse("Terdapat duplikasi Kode Booking", code="208")
    jenispasien = body["jenispasien"]
    if jenispasien not in ("JKN", "NON JKN"):
        return _refuse("jenispasien tidak valid")
    if jenispasien == "JKN":
        for name, length in (("nomorkartu", 13), ("nik", 16)):
            value = _text(body, name) or ""
            if len(value) != length or not value.isdigit():
                return _refuse(f"data {name}  belum sesuai.")
        if not (_text(body, "nomorreferensi") or "").strip():
            return _refuse("data nomorreferensi  belum sesuai.")
    if bad_date(body["tanggalperiksa"]):
        return _refuse("Format Tanggal Tidak Sesuai, format yang benar adalah yyyy-mm-dd")
    if numbers["kodedokter"] not in state.dokter:
        return _refuse("Data dokter tidak ditemukan")
    if state.subspesialis(body["kodepoli"]) is None:
        return _refuse("Poli tidak ditemukan")
    if not 1 <= numbers["jeniskunjungan"] <= 4:
        return _refuse("Jenis Kunjungan tidak ditemukan")
    state.add_booking(
        kodebooking,
        tanggal=body["tanggalperiksa"],
        kodepoli=body["kodepoli"],
        kodedokter=numbers["kodedokter"],
        jampraktek="".join(body["jampraktek"].split()),
        sumberdata="Bridging Antrean",
        jenispasien=jenispasien,
        nomorkartu=_text(body, "nomorkartu") or "",
        nik=_text(body, "nik") or "",
        nohp=body["nohp"],
        norm=body["norm"],
        namapoli=body["namapoli"],
        namadokter=body["namadokter"],
        pasienbaru=numbers["pasienbaru"],
        jeniskunjungan=numbers["jeniskunjungan"],
        nomorreferensi=_text(body, "nomorreferensi") or "",
        nomorantrean=body["nomorantrean"],
        angkaantrean=numbers["angkaantrean"],
        estimasidilayani=numbers["estimasidilayani"],
    )
    return _ok()


@route("antrean.add_farmasi", service="antrean")
async def antrean_add_farmasi(req: SimRequest) -> Reply:
    state = _state(req)
    body = req.body if isinstance(req.body, dict) else {}
    booking = state.bookings.get(_text(body, "kodebooking") or "")
    if booking is None:
        return _refuse("Kode Booking tidak ditemukan")
    jenisresep = (_text(body, "jenisresep") or "").strip().lower()
    if jenisresep not in ("racikan", "non racikan"):
        return _refuse("jenisresep tidak valid")
    nomor = _number(body.get("nomorantrean"))
    if nomor is None:
        return _refuse("nomorantrean tidak valid")
    if booking.farmasi is not None:
        return _refuse("Antrean farmasi kode booking tersebut sudah ada", code="208")
    booking.farmasi = {"jenisresep": jenisresep, "nomorantrean": nomor}
    return _ok()


@route("antrean.update_waktu", service="antrean")
async def antrean_update_waktu(req: SimRequest) -> Reply:
    body = req.body if isinstance(req.body, dict) else {}
    kodebooking = _text(body, "kodebooking")
    taskid = _number(body.get("taskid"))
    waktu = _number(body.get("waktu"))
    if not kodebooking:
        return _refuse("kodebooking tidak boleh kosong")
    if taskid is None or waktu is None:
        return _refuse("taskid dan waktu harus berupa angka")
    jenisresep = body.get("jenisresep")
    try:
        _state(req).update_waktu(
            kodebooking, taskid, waktu, jenisresep if isinstance(jenisresep, str) else None
        )
    except TaskRefusal as refusal:
        return _refuse(refusal.message, code=str(refusal.code))
    return _ok()


@route("antrean.batal", service="antrean")
async def antrean_batal(req: SimRequest) -> Reply:
    state = _state(req)
    body = req.body if isinstance(req.body, dict) else {}
    booking = state.bookings.get(_text(body, "kodebooking") or "")
    if booking is None:
        return _refuse("Kode Booking tidak ditemukan")
    keterangan = _text(body, "keterangan")
    if not keterangan or not keterangan.strip():
        return _refuse("keterangan tidak boleh kosong")
    # Refusal texts for batal are not documented (protocol notes §10.5); these are ours.
    if booking.cancelled is not None:
        return _refuse("Antrean sudah dibatalkan sebelumnya")
    if booking.status == "Selesai dilayani":
        return _refuse("Pasien sudah dilayani, antrean tidak dapat dibatalkan")
    booking.cancelled = keterangan
    return _ok()


@route("antrean.list_task", service="antrean")
async def antrean_list_task(req: SimRequest) -> Reply:
    state = _state(req)
    kodebooking = _text(req.body, "kodebooking") or ""
    if kodebooking not in state.bookings:
        return _refuse("Kode Booking tidak ditemukan")
    return _rows(state.list_task(kodebooking))


@route("antrean.list_by_tanggal", service="antrean")
async def antrean_list_by_tanggal(req: SimRequest) -> Reply:
    tanggal = req.params["tanggal"]
    if bad_date(tanggal):
        return _refuse("Format Tanggal Tidak Sesuai, format yang benar adalah yyyy-mm-dd")
    day = datetime.date.fromisoformat(tanggal)
    return _rows([b.detail() for b in _state(req).bookings.values() if b.tanggal == day])


@route("antrean.get", service="antrean")
async def antrean_get(req: SimRequest) -> Reply:
    booking = _state(req).bookings.get(req.params["kodebooking"])
    if booking is None:
        return _refuse("Kode Booking tidak ditemukan")
    return _rows([booking.detail()])


def _today(state: AntreanState) -> datetime.date:
    moment = datetime.datetime.fromtimestamp(state.now_ms() / 1000, tz=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone(datetime.timedelta(hours=7))).date()


@route("antrean.list_aktif", service="antrean")
async def antrean_list_aktif(req: SimRequest) -> Reply:
    state = _state(req)
    today = _today(state)
    rows = [
        b.detail()
        for b in state.bookings.values()
        if b.tanggal == today and b.status == "Belum dilayani"
    ]
    return _rows(rows)


@route("antrean.list_aktif_by_dokter", service="antrean")
async def antrean_list_aktif_by_dokter(req: SimRequest) -> Reply:
    state = _state(req)
    params = req.params
    kodedokter, hari = _number(params["kodedokter"]), _number(params["hari"])
    jam = "".join(params["jampraktek"].split())
    rows = [
        b.detail()
        for b in state.bookings.values()
        if b.status == "Belum dilayani"
        and b.kodedokter == kodedokter
        and b.tanggal.isoweekday() == hari
        and b.jampraktek == jam
        and params["kodepoli"].upper() in (b.kodepoli.upper(), _kdpoli(state, b.kodepoli))
    ]
    return _rows(rows)


def _kdpoli(state: AntreanState, kodesub: str) -> str:
    sub = state.subspesialis(kodesub)
    return sub["kdpoli"].upper() if sub else ""


# -- dashboards ----------------------------------------------------------------------------


def _dashboard(req: SimRequest, days: set[datetime.date]) -> Reply:
    waktu = req.params["waktu"].lower()
    if waktu not in ("rs", "server"):
        return _refuse("waktu harus rs atau server")
    rows = _state(req).dashboard(days, server=waktu == "server")
    return Reply(payload={"list": rows}, plain=True)


@route("dashboard.per_tanggal", service="antrean")
async def dashboard_per_tanggal(req: SimRequest) -> Reply:
    tanggal = req.params["tanggal"]
    if bad_date(tanggal):
        return _refuse("Format Tanggal Tidak Sesuai, format yang benar adalah yyyy-mm-dd")
    return _dashboard(req, {datetime.date.fromisoformat(tanggal)})


@route("dashboard.per_bulan", service="antrean")
async def dashboard_per_bulan(req: SimRequest) -> Reply:
    month = month_of(req.params["bulan"], req.params["tahun"])
    if month is None:
        return _refuse("Format bulan atau tahun tidak sesuai")
    first = datetime.date.fromisoformat(month + "-01")
    days = set()
    day = first
    while day.month == first.month:
        days.add(day)
        day += datetime.timedelta(days=1)
    return _dashboard(req, days)
