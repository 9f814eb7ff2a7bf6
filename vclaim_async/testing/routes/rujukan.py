"""Simulator routes for Rujukan: incoming look-ups, outgoing writes, special referrals."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from .. import _dataset as data
from .._state import Record, SimState
from ._base import (
    JNS_PELAYANAN,
    Reply,
    SimRequest,
    bad_date,
    between,
    listing,
    missing,
    month_of,
    not_found,
    plain_or_encrypted,
    route,
    unwrap,
)

__all__: list[str] = []

_TIPE = {"0": "Penuh", "1": "Partial", "2": "Rujuk Balik (PRB)"}
_WRITE_REQUIRED = (
    "tglRujukan", "tglRencanaKunjungan", "ppkDirujuk", "jnsPelayanan", "diagRujukan",
    "tipeRujukan", "user",
)  # fmt: skip
_FASKES = tuple((kode, nama) for kode, nama, _ in data.FASKES)
_LIST_KEYS = (
    "noRujukan", "tglRujukan", "jnsPelayanan", "noSep", "noKartu", "nama", "ppkDirujuk",
    "namaPpkDirujuk",
)  # fmt: skip


def _incoming(record: Record) -> dict[str, Any]:
    return {**record.body, "peserta": record.peserta}


def _keluar(record: Record, sep_peserta: dict[str, Any]) -> dict[str, Any]:
    body = record.body
    return {
        "noRujukan": record.number,
        "noSep": body["noSep"],
        "noKartu": sep_peserta.get("noKartu"),
        "nama": sep_peserta.get("nama"),
        "kelasRawat": (sep_peserta.get("hakKelas") or {}).get("kode"),
        "kelamin": sep_peserta.get("sex"),
        "tglLahir": sep_peserta.get("tglLahir"),
        "tglSep": record.extra.get("tglSep"),
        "tglRujukan": body["tglRujukan"],
        "tglRencanaKunjungan": body["tglRencanaKunjungan"],
        "ppkDirujuk": body["ppkDirujuk"],
        "namaPpkDirujuk": data.name_of(_FASKES, body["ppkDirujuk"]),
        "jnsPelayanan": body["jnsPelayanan"],
        "catatan": body.get("catatan", ""),
        "diagRujukan": body["diagRujukan"],
        "namaDiagRujukan": data.name_of(data.DIAGNOSA, body["diagRujukan"]),
        "tipeRujukan": body["tipeRujukan"],
        "namaTipeRujukan": _TIPE.get(body["tipeRujukan"], ""),
        "poliRujukan": body.get("poliRujukan", ""),
        "namaPoliRujukan": data.name_of(data.POLI, body.get("poliRujukan", ""), ""),
    }


# -- incoming ----------------------------------------------------------------------------


def _by_number(state: SimState, number: str, rs: bool) -> Reply:
    record = state.referrals().get(number)
    if record is None or record.extra.get("rs") != rs:
        return not_found("Data Rujukan Tidak Ditemukan")
    return Reply(payload={"rujukan": _incoming(record)})


def _of_card(state: SimState, card: str, rs: bool) -> list[Record]:
    return [
        r
        for r in state.referrals().values()
        if r.extra.get("no_kartu") == card and r.extra.get("rs") == rs
    ]


@route("rujukan.get")
async def by_nomor(req: SimRequest) -> Reply:
    state = req.state
    return _by_number(state, req.params["no_rujukan"], rs=False)


@route("rujukan.get_rs")
async def rs_by_nomor(req: SimRequest) -> Reply:
    state = req.state
    return _by_number(state, req.params["no_rujukan"], rs=True)


def _latest(state: SimState, card: str, rs: bool) -> Reply:
    found = _of_card(state, card, rs)
    if not found:
        return not_found("Data Rujukan Tidak Ditemukan")
    newest = max(found, key=lambda r: r.created)
    return Reply(payload={"rujukan": _incoming(newest)})


def _every(state: SimState, card: str, rs: bool) -> Reply:
    found = _of_card(state, card, rs)
    if not found:
        return not_found("Data Rujukan Tidak Ditemukan")
    return Reply(payload={"rujukan": [_incoming(r) for r in found]})


@route("rujukan.by_card")
async def by_card(req: SimRequest) -> Reply:
    state = req.state
    return _latest(state, req.params["no_kartu"], rs=False)


@route("rujukan.get_rs_by_card")
async def rs_by_card(req: SimRequest) -> Reply:
    state = req.state
    return _latest(state, req.params["no_kartu"], rs=True)


@route("rujukan.list_by_card")
async def list_by_card(req: SimRequest) -> Reply:
    state = req.state
    return _every(state, req.params["no_kartu"], rs=False)


@route("rujukan.list_rs_by_card")
async def rs_list_by_card(req: SimRequest) -> Reply:
    state = req.state
    return _every(state, req.params["no_kartu"], rs=True)


# -- outgoing ----------------------------------------------------------------------------


def _check_write(t_rujukan: dict[str, Any]) -> Reply | None:
    refused = missing(t_rujukan, *_WRITE_REQUIRED)
    if refused is not None:
        return refused
    if t_rujukan["tipeRujukan"] not in _TIPE:
        return not_found("Tipe Rujukan tidak sesuai")
    if t_rujukan["tipeRujukan"] != "2":
        refused = missing(t_rujukan, "poliRujukan")
        if refused is not None:
            return refused
    if t_rujukan["jnsPelayanan"] not in JNS_PELAYANAN:
        return not_found("Jenis Pelayanan tidak sesuai")
    for key in ("tglRujukan", "tglRencanaKunjungan"):
        if bad_date(t_rujukan[key]):
            return not_found(f"Format {key} tidak sesuai")
    return None


@route("rujukan.insert")
async def insert(req: SimRequest) -> Reply:
    state = req.state
    t_rujukan = unwrap(req.body, "request", "t_rujukan", need=("noSep",))
    if isinstance(t_rujukan, Reply):
        return t_rujukan
    refused = _check_write(t_rujukan)
    if refused is not None:
        return refused
    sep = state.seps.get(t_rujukan["noSep"])
    if sep is None:
        return not_found("SEP Tidak Ditemukan")
    number = state.number(state.ppk_pelayanan, t_rujukan["tglRujukan"], "B", "rujukan")
    record = Record(
        number=number,
        body=copy.deepcopy(t_rujukan),
        created=t_rujukan["tglRujukan"],
        peserta=sep.peserta,
        extra={"tglSep": sep.tgl_sep},
    )
    state.rujukan_keluar[number] = record
    if t_rujukan["tipeRujukan"] == "1":
        # BPJS answers a partial referral with null (catalog; JKN's types agree).
        return Reply(payload=None)
    valid_until = datetime.date.fromisoformat(
        t_rujukan["tglRencanaKunjungan"]
    ) + datetime.timedelta(days=89)
    peserta = sep.peserta
    return Reply(
        payload={
            "rujukan": {
                "AsalRujukan": {"kode": state.ppk_pelayanan, "nama": "RSUP SIMULASI"},
                "diagnosa": {
                    "kode": t_rujukan["diagRujukan"],
                    "nama": data.name_of(data.DIAGNOSA, t_rujukan["diagRujukan"]),
                },
                "noRujukan": number,
                "peserta": {
                    "asuransi": "-",
                    "hakKelas": (peserta.get("hakKelas") or {}).get("keterangan"),
                    "jnsPeserta": (peserta.get("jenisPeserta") or {}).get("keterangan"),
                    "kelamin": peserta.get("sex"),
                    "nama": peserta.get("nama"),
                    "noKartu": peserta.get("noKartu"),
                    "noMr": sep.t_sep.get("noMR"),
                    "tglLahir": peserta.get("tglLahir"),
                },
                "poliTujuan": {
                    "kode": t_rujukan.get("poliRujukan", ""),
                    "nama": data.name_of(data.POLI, t_rujukan.get("poliRujukan", ""), ""),
                },
                "tglBerlakuKunjungan": valid_until.isoformat(),
                "tglRencanaKunjungan": t_rujukan["tglRencanaKunjungan"],
                "tglRujukan": t_rujukan["tglRujukan"],
                "tujuanRujukan": {
                    "kode": t_rujukan["ppkDirujuk"],
                    "nama": data.name_of(_FASKES, t_rujukan["ppkDirujuk"]),
                },
            }
        }
    )


@route("rujukan.update")
async def update(req: SimRequest) -> Reply:
    state = req.state
    t_rujukan = unwrap(req.body, "request", "t_rujukan", need=("noRujukan",))
    if isinstance(t_rujukan, Reply):
        return t_rujukan
    refused = _check_write(t_rujukan)
    if refused is not None:
        return refused
    record = state.rujukan_keluar.get(t_rujukan["noRujukan"])
    if record is None:
        return not_found("Data Rujukan Tidak Ditemukan")
    for key, value in t_rujukan.items():
        if key != "noRujukan":
            record.body[key] = copy.deepcopy(value)
    return plain_or_encrypted(state, record.number)


@route("rujukan.delete")
async def delete(req: SimRequest) -> Reply:
    state = req.state
    t_rujukan = unwrap(req.body, "request", "t_rujukan", need=("noRujukan", "user"))
    if isinstance(t_rujukan, Reply):
        return t_rujukan
    record = state.rujukan_keluar.pop(t_rujukan["noRujukan"], None)
    if record is None:
        return not_found("Data Rujukan Tidak Ditemukan atau sudah dihapus")
    return plain_or_encrypted(state, record.number)


@route("rujukan.list_keluar")
async def list_keluar(req: SimRequest) -> Reply:
    state = req.state
    first, last = req.params["tgl_mulai"], req.params["tgl_akhir"]
    if bad_date(first) or bad_date(last):
        return not_found("Format tanggal tidak sesuai")
    rows = []
    for record in state.rujukan_keluar.values():
        if not between(record.body["tglRujukan"], first, last):
            continue
        detail = _keluar(record, record.peserta)
        rows.append({key: detail[key] for key in _LIST_KEYS})
    return listing(rows, "list")


@route("rujukan.get_keluar")
async def keluar(req: SimRequest) -> Reply:
    state = req.state
    record = state.rujukan_keluar.get(req.params["no_rujukan"])
    if record is None:
        return not_found("Data Rujukan Tidak Ditemukan")
    return Reply(payload={"rujukan": _keluar(record, record.peserta)})


@route("rujukan.get_jumlah_sep")
async def jumlah_sep(req: SimRequest) -> Reply:
    state = req.state
    if req.params["jenis_rujukan"] not in ("1", "2"):
        return not_found("Jenis Rujukan tidak sesuai")
    count = sum(
        1
        for r in state.live_seps()
        if (r.t_sep.get("rujukan") or {}).get("noRujukan") == req.params["no_rujukan"]
        and (r.t_sep.get("rujukan") or {}).get("asalRujukan") == req.params["jenis_rujukan"]
    )
    return Reply(payload={"jumlahSEP": str(count)})


# -- special referrals -------------------------------------------------------------------


@route("rujukan.insert_khusus")
async def insert_khusus(req: SimRequest) -> Reply:
    state = req.state
    body = req.body if isinstance(req.body, dict) else None
    if body is None:
        return not_found("Format request tidak valid")
    refused = missing(body, "noRujukan", "diagnosa", "user")
    if refused is not None:
        return refused
    incoming = state.referrals().get(body["noRujukan"])
    if incoming is None:
        return not_found("Data Rujukan Tidak Ditemukan")
    codes = [str(d.get("kode", "")) for d in body["diagnosa"] if isinstance(d, dict)]
    primary = next((c.split(";", 1)[-1] for c in codes if c.startswith("P;")), None)
    if primary is None:
        return not_found("diagnosa primer (P;kode) tidak boleh kosong")
    start = datetime.date.fromisoformat(incoming.created)
    id_rujukan = str(state.next("rujukan_khusus") + 9000)
    record = Record(
        number=body["noRujukan"],
        body=copy.deepcopy(body),
        created=start.isoformat(),
        peserta=incoming.peserta,
        extra={"idrujukan": id_rujukan},
    )
    state.rujukan_khusus[id_rujukan] = record
    return Reply(payload={"rujukan": _khusus(record, primary, with_id=False)})


def _khusus(record: Record, primary: str, *, with_id: bool) -> dict[str, Any]:
    start = datetime.date.fromisoformat(record.created)
    row = {
        "norujukan": record.number,
        "nokapst": record.peserta.get("noKartu"),
        "nmpst": record.peserta.get("nama"),
        "diagppk": primary,
        "tglrujukan_awal": start.isoformat(),
        "tglrujukan_berakhir": (start + datetime.timedelta(days=89)).isoformat(),
    }
    if with_id:
        row = {"idrujukan": record.extra["idrujukan"], **row}
    return row


def _primary(record: Record) -> str:
    for item in record.body.get("diagnosa", []):
        kode = str(item.get("kode", ""))
        if kode.startswith("P;"):
            return kode[2:]
    return ""


@route("rujukan.delete_khusus")
async def delete_khusus(req: SimRequest) -> Reply:
    state = req.state
    t_rujukan = unwrap(req.body, "request", "t_rujukan", need=("idRujukan", "noRujukan", "user"))
    if isinstance(t_rujukan, Reply):
        return t_rujukan
    record = state.rujukan_khusus.get(t_rujukan["idRujukan"])
    if record is None or record.number != t_rujukan["noRujukan"]:
        return not_found("Data Rujukan Khusus Tidak Ditemukan")
    del state.rujukan_khusus[t_rujukan["idRujukan"]]
    return plain_or_encrypted(state, t_rujukan["idRujukan"])


@route("rujukan.list_khusus")
async def list_khusus(req: SimRequest) -> Reply:
    state = req.state
    month = month_of(req.params["bulan"], req.params["tahun"])
    if month is None:
        return not_found("Format bulan atau tahun tidak sesuai")
    rows = [
        _khusus(r, _primary(r), with_id=True)
        for r in state.rujukan_khusus.values()
        if r.created.startswith(month)
    ]
    return listing(rows, "rujukan")


# -- referral targets --------------------------------------------------------------------


def _known_ppk(kode: str) -> bool:
    return any(k == kode for k, _ in _FASKES)


@route("rujukan.list_spesialistik")
async def list_spesialistik(req: SimRequest) -> Reply:
    state = req.state
    if bad_date(req.params["tgl_rujukan"]):
        return not_found("Format tanggal tidak sesuai")
    if not _known_ppk(req.params["kode_ppk"]):
        return not_found("Kode PPK tidak ditemukan")
    busy = sum(
        1 for r in state.rujukan_keluar.values() if r.body["ppkDirujuk"] == req.params["kode_ppk"]
    )
    rows = [
        {
            "kodeSpesialis": kode,
            "namaSpesialis": nama,
            "kapasitas": "40",
            "jumlahRujukan": str(busy),
            "persentase": f"{busy / 40 * 100:.2f}",
        }
        for kode, nama in data.SPESIALISTIK
    ]
    return Reply(payload={"list": rows})


@route("rujukan.list_sarana")
async def list_sarana(req: SimRequest) -> Reply:
    if not _known_ppk(req.params["kode_ppk"]):
        return not_found("Kode PPK tidak ditemukan")
    rows = [{"kodeSarana": kode, "namaSarana": nama} for kode, nama in data.SARANA]
    return Reply(payload={"list": rows})
