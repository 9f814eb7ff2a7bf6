"""Simulator routes for Rencana Kontrol and SPRI."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from .. import _dataset as data
from .._state import Record, SepRecord, SimState
from ._base import (
    Reply,
    SimRequest,
    bad_date,
    between,
    field,
    listing,
    missing,
    month_of,
    not_found,
    route,
    unwrap,
)

__all__: list[str] = []

_DOKTER = {kode: (nama, poli) for kode, nama, poli in data.DOKTER}
_REQUIRED = ("kodeDokter", "poliKontrol", "tglRencanaKontrol", "user")
_JNS_KONTROL = {"1": "SPRI", "2": "Surat Kontrol"}


def _sep_view(record: SepRecord) -> dict[str, Any]:
    t, peserta = record.t_sep, record.peserta
    prov = peserta.get("provUmum") or {}
    rujukan = t.get("rujukan") or {}
    return {
        "noSep": record.no_sep,
        "tglSep": record.tgl_sep,
        "jnsPelayanan": "Rawat Inap" if record.jns_pelayanan == "1" else "Rawat Jalan",
        "poli": data.name_of(data.POLI, str(field(t, "poli.tujuan") or ""), ""),
        "diagnosa": f"{t['diagAwal']} - {data.name_of(data.DIAGNOSA, t['diagAwal'])}",
        "peserta": {
            "noKartu": record.no_kartu,
            "nama": peserta.get("nama"),
            "tglLahir": peserta.get("tglLahir"),
            "kelamin": peserta.get("sex"),
            "hakKelas": (peserta.get("hakKelas") or {}).get("keterangan"),
        },
        "provUmum": {"kdProvider": prov.get("kdProvider"), "nmProvider": prov.get("nmProvider")},
        "provPerujuk": {
            "kdProviderPerujuk": rujukan.get("ppkRujukan"),
            "nmProviderPerujuk": rujukan.get("ppkRujukan"),
            "asalRujukan": rujukan.get("asalRujukan"),
            "noRujukan": rujukan.get("noRujukan"),
            "tglRujukan": rujukan.get("tglRujukan") or None,
        },
    }


def _form_prb(body: dict[str, Any]) -> dict[str, Any] | None:
    form = body.get("formPRB")
    return copy.deepcopy(form) if isinstance(form, dict) else None


def _doctor_problem(body: dict[str, Any]) -> Reply | None:
    if bad_date(body["tglRencanaKontrol"]):
        return not_found("Format tglRencanaKontrol tidak sesuai")
    if body["kodeDokter"] not in _DOKTER:
        return not_found("Kode Dokter tidak ditemukan")
    return None


def _result(record: Record, *, v2: bool, spri: bool) -> dict[str, Any]:
    peserta = record.peserta
    body = record.body
    answer: dict[str, Any] = {
        ("noSPRI" if spri else "noSuratKontrol"): record.number,
        "tglRencanaKontrol": body["tglRencanaKontrol"],
        "namaDokter": _DOKTER[body["kodeDokter"]][0],
        "noKartu": peserta.get("noKartu"),
        "nama": peserta.get("nama"),
        "kelamin": "Laki-laki" if peserta.get("sex") == "L" else "Perempuan",
        "tglLahir": peserta.get("tglLahir"),
    }
    if v2 or spri:
        diag = record.extra.get("diagnosa")
        answer["namaDiagnosa"] = f"{diag} - {data.name_of(data.DIAGNOSA, diag)}" if diag else None
    if v2:
        answer["formPRB"] = record.extra.get("formPRB")
    return answer


def _kontrol_write(state: SimState, body: Any, *, v2: bool, update: bool) -> Reply:
    request = unwrap(body, "request")
    if isinstance(request, Reply):
        return request
    needed = ("noSuratKontrol", "noSEP", *_REQUIRED) if update else ("noSEP", *_REQUIRED)
    refused = missing(request, *needed) or _doctor_problem(request)
    if refused is not None:
        return refused
    sep = state.seps.get(request["noSEP"])
    if sep is None:
        return not_found("SEP Tidak Ditemukan")
    if update:
        record = state.surat_kontrol.get(request["noSuratKontrol"])
        if record is None or record.extra["jnsKontrol"] != "2":
            return not_found("Surat Kontrol Tidak Ditemukan")
        record.body = copy.deepcopy(request)
    else:
        number = state.number(
            state.ppk_pelayanan, request["tglRencanaKontrol"], "K", "surat_kontrol"
        )
        record = Record(
            number=number,
            body=copy.deepcopy(request),
            created=state.today().isoformat(),
            peserta=sep.peserta,
            extra={"jnsKontrol": "2", "noSep": sep.no_sep, "diagnosa": sep.t_sep["diagAwal"]},
        )
        state.surat_kontrol[number] = record
    if v2:
        record.extra["formPRB"] = _form_prb(request)
    return Reply(payload=_result(record, v2=v2, spri=False))


@route("rencana_kontrol.insert")
async def insert(req: SimRequest) -> Reply:
    state = req.state
    return _kontrol_write(state, req.body, v2=False, update=False)


@route("rencana_kontrol.insert_v2")
async def insert_v2(req: SimRequest) -> Reply:
    state = req.state
    return _kontrol_write(state, req.body, v2=True, update=False)


@route("rencana_kontrol.update")
async def update(req: SimRequest) -> Reply:
    state = req.state
    return _kontrol_write(state, req.body, v2=False, update=True)


@route("rencana_kontrol.update_v2")
async def update_v2(req: SimRequest) -> Reply:
    state = req.state
    return _kontrol_write(state, req.body, v2=True, update=True)


@route("rencana_kontrol.delete")
async def delete(req: SimRequest) -> Reply:
    state = req.state
    body = unwrap(req.body, "request", "t_suratkontrol", need=("noSuratKontrol", "user"))
    if isinstance(body, Reply):
        return body
    if state.surat_kontrol.pop(body["noSuratKontrol"], None) is None:
        return not_found("Surat Kontrol Tidak Ditemukan atau sudah dihapus")
    return Reply(payload=None)


@route("rencana_kontrol.insert_spri")
async def insert_spri(req: SimRequest) -> Reply:
    state = req.state
    request = unwrap(req.body, "request", need=("noKartu", *_REQUIRED))
    if isinstance(request, Reply):
        return request
    refused = _doctor_problem(request)
    if refused is not None:
        return refused
    peserta = state.participant(request["noKartu"])
    if peserta is None:
        return not_found("No.Kartu Tidak Sesuai")
    number = state.number(state.ppk_pelayanan, request["tglRencanaKontrol"], "K", "surat_kontrol")
    record = Record(
        number=number,
        body=copy.deepcopy(request),
        created=state.today().isoformat(),
        peserta=peserta,
        extra={"jnsKontrol": "1", "noSep": None, "diagnosa": None},
    )
    state.surat_kontrol[number] = record
    return Reply(payload=_result(record, v2=False, spri=True))


@route("rencana_kontrol.update_spri")
async def update_spri(req: SimRequest) -> Reply:
    state = req.state
    request = unwrap(req.body, "request", need=("noSPRI", *_REQUIRED))
    if isinstance(request, Reply):
        return request
    refused = _doctor_problem(request)
    if refused is not None:
        return refused
    record = state.surat_kontrol.get(request["noSPRI"])
    if record is None or record.extra["jnsKontrol"] != "1":
        return not_found("SPRI Tidak Ditemukan")
    record.body = {**copy.deepcopy(request), "noKartu": record.body["noKartu"]}
    return Reply(payload=_result(record, v2=False, spri=True))


# -- reads -------------------------------------------------------------------------------


@route("rencana_kontrol.get_sep")
async def get_sep(req: SimRequest) -> Reply:
    state = req.state
    sep = state.seps.get(req.params["no_sep"])
    if sep is None:
        return not_found("SEP Tidak Ditemukan")
    return Reply(payload=_sep_view(sep))


def _detail(state: SimState, record: Record) -> dict[str, Any]:
    body = record.body
    jenis = record.extra["jnsKontrol"]
    sep = state.seps.get(record.extra["noSep"] or "")
    poli = body["poliKontrol"]
    return {
        "noSuratKontrol": record.number,
        "tglRencanaKontrol": body["tglRencanaKontrol"],
        "tglTerbit": record.created,
        "jnsKontrol": jenis,
        "poliTujuan": poli,
        "namaPoliTujuan": data.name_of(data.POLI, poli),
        "kodeDokter": body["kodeDokter"],
        "namaDokter": _DOKTER[body["kodeDokter"]][0],
        "flagKontrol": "False",
        "kodeDokterPembuat": None,
        "namaDokterPembuat": None,
        "namaJnsKontrol": _JNS_KONTROL[jenis],
        "sep": None if sep is None else _sep_view(sep),
        "formPRB": record.extra.get("formPRB"),
    }


@route("rencana_kontrol.get")
async def get(req: SimRequest) -> Reply:
    state = req.state
    record = state.surat_kontrol.get(req.params["no_surat_kontrol"])
    if record is None:
        return not_found("Surat Kontrol Tidak Ditemukan")
    return Reply(payload=_detail(state, record))


def _item(state: SimState, record: Record) -> dict[str, Any]:
    body = record.body
    sep = state.seps.get(record.extra["noSep"] or "")
    poli = body["poliKontrol"]
    asal = str(field(sep.t_sep, "poli.tujuan") or "") if sep else ""
    return {
        "noSuratKontrol": record.number,
        "jnsPelayanan": "Rawat Inap" if record.extra["jnsKontrol"] == "1" else "Rawat Jalan",
        "jnsKontrol": record.extra["jnsKontrol"],
        "namaJnsKontrol": _JNS_KONTROL[record.extra["jnsKontrol"]],
        "tglRencanaKontrol": body["tglRencanaKontrol"],
        "tglTerbitKontrol": record.created,
        "noSepAsalKontrol": record.extra["noSep"],
        "poliAsal": asal,
        "namaPoliAsal": data.name_of(data.POLI, asal, "") if asal else "",
        "poliTujuan": poli,
        "namaPoliTujuan": data.name_of(data.POLI, poli),
        "tglSEP": sep.tgl_sep if sep else None,
        "kodeDokter": body["kodeDokter"],
        "namaDokter": _DOKTER[body["kodeDokter"]][0],
        "noKartu": record.peserta.get("noKartu"),
        "nama": record.peserta.get("nama"),
        "terbitSEP": "Belum",
    }


def _by_filter(record: Record, filter_: str) -> str:
    return record.created if filter_ == "1" else str(record.body["tglRencanaKontrol"])


@route("rencana_kontrol.list_by_card")
async def list_by_card(req: SimRequest) -> Reply:
    state = req.state
    month = month_of(req.params["bulan"], req.params["tahun"])
    if month is None or req.params["filter_by"] not in ("1", "2"):
        return not_found("Parameter tidak sesuai")
    rows = [
        _item(state, r)
        for r in state.surat_kontrol.values()
        if r.peserta.get("noKartu") == req.params["no_kartu"]
        and _by_filter(r, req.params["filter_by"]).startswith(month)
    ]
    return listing(rows, "list")


@route("rencana_kontrol.list_by_date")
async def list_by_date(req: SimRequest) -> Reply:
    state = req.state
    first, last = req.params["tgl_awal"], req.params["tgl_akhir"]
    if bad_date(first) or bad_date(last) or req.params["filter_by"] not in ("1", "2"):
        return not_found("Parameter tidak sesuai")
    rows = [
        _item(state, r)
        for r in state.surat_kontrol.values()
        if between(_by_filter(r, req.params["filter_by"]), first, last)
    ]
    for row in rows:
        row.pop("terbitSEP")
    return listing(rows, "list")


@route("rencana_kontrol.list_poli")
async def list_poli(req: SimRequest) -> Reply:
    state = req.state
    jenis, tgl = req.params["jns_kontrol"], req.params["tgl_rencana_kontrol"]
    if jenis not in _JNS_KONTROL or bad_date(tgl):
        return not_found("Parameter tidak sesuai")
    known = (
        state.participant(req.params["nomor"]) is not None
        if jenis == "1"
        else req.params["nomor"] in state.seps
    )
    if not known:
        return not_found("Nomor tidak ditemukan" if jenis == "2" else "No.Kartu Tidak Sesuai")
    rows = []
    for kode, nama in data.POLI:
        booked = sum(
            1
            for r in state.surat_kontrol.values()
            if r.body["poliKontrol"] == kode and r.body["tglRencanaKontrol"] == tgl
        )
        rows.append(
            {
                "kodePoli": kode,
                "namaPoli": nama,
                "kapasitas": "30",
                "jmlRencanaKontroldanRujukan": str(booked),
                "persentase": f"{booked / 30 * 100:.2f}",
            }
        )
    return Reply(payload={"list": rows})


@route("rencana_kontrol.list_jadwal_dokter")
async def jadwal_dokter(req: SimRequest) -> Reply:
    if req.params["jns_kontrol"] not in _JNS_KONTROL or bad_date(req.params["tgl_rencana_kontrol"]):
        return not_found("Parameter tidak sesuai")
    weekday = datetime.date.fromisoformat(req.params["tgl_rencana_kontrol"]).weekday()
    rows = [
        {
            "kodeDokter": kode,
            "namaDokter": nama,
            "jadwalPraktek": "08:00 - 12:00" if weekday < 5 else "08:00 - 10:00",
            "kapasitas": "20",
        }
        for kode, (nama, poli) in _DOKTER.items()
        if poli == req.params["kode_poli"]
    ]
    return listing(rows, "list")
