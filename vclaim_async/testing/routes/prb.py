"""Simulator routes for PRB (rujuk balik): SRB writes, look-ups and the potential-PRB recap."""

from __future__ import annotations

import copy
from typing import Any

from .. import _dataset as data
from .._state import Record
from ._base import (
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

_PROGRAM = {kode.strip(): nama for kode, nama in data.DIAGNOSA_PRB}
_OBAT = dict(data.OBAT_PRB)
# ICD-10 prefixes of the PRB programme's diseases, for the potential-PRB recap.
_PRB_DIAGNOSES = {
    "E11": "01", "I10": "02", "J45": "03", "I50": "04", "J44": "05", "F20": "06", "I63": "07",
    "G40": "08", "M32": "09",
}  # fmt: skip


def _peserta(wire: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    prov = wire.get("provUmum") or {}
    return {
        "noKartu": wire.get("noKartu"),
        "nama": wire.get("nama"),
        "alamat": body.get("alamat"),
        "email": body.get("email"),
        "noTelepon": (wire.get("mr") or {}).get("noTelepon"),
        "kelamin": wire.get("sex"),
        "tglLahir": wire.get("tglLahir"),
        "asalFaskes": {"kode": prov.get("kdProvider"), "nama": prov.get("nmProvider")},
    }


def _prb_item(record: Record) -> dict[str, Any]:
    body = record.body
    program = record.extra["programPRB"]
    return {
        "noSRB": record.number,
        "noSEP": body["noSep"],
        "tglSRB": record.created,
        "DPJP": {"kode": body["kodeDPJP"], "nama": data.DOKTER_NAMA.get(body["kodeDPJP"], "")},
        "programPRB": {"kode": program, "nama": _PROGRAM.get(program, "")},
        "keterangan": body.get("keterangan", ""),
        "saran": body.get("saran", ""),
        "peserta": _peserta(record.peserta, body),
    }


def _check_obat(body: dict[str, Any]) -> Reply | None:
    for index, drug in enumerate(body.get("obat") or []):
        refused = missing(drug, "kdObat", "signa1", "signa2", "jmlObat")
        if refused is not None:
            return not_found(f"obat[{index}].{refused.message}")
    return None


@route("prb.insert")
async def prb_insert(req: SimRequest) -> Reply:
    state = req.state
    body = unwrap(req.body, "request", "t_prb")
    if isinstance(body, Reply):
        return body
    refused = missing(
        body, "noSep", "noKartu", "alamat", "programPRB", "kodeDPJP", "user"
    ) or _check_obat(body)
    if refused is not None:
        return refused
    if not str(body["user"]).isdigit():
        return not_found("user harus diisi numeric")
    sep = state.seps.get(body["noSep"])
    if sep is None or sep.no_kartu != body["noKartu"]:
        return not_found("SEP Tidak Ditemukan")
    if body["programPRB"] not in _PROGRAM:
        return not_found("Program PRB tidak sesuai")
    number = str(state.next("prb") + 3_000_000)
    record = Record(
        number=number,
        body=copy.deepcopy(body),
        created=state.today().isoformat(),
        peserta=sep.peserta,
        extra={"programPRB": body["programPRB"]},
    )
    state.prb[number] = record
    item = _prb_item(record)
    obat = [
        {
            "nmObat": _OBAT.get(d["kdObat"], d["kdObat"]),
            "signa": f"{d['signa1']} x {d['signa2']}",
            "jmlObat": d["jmlObat"],
        }
        for d in body.get("obat") or []
    ]
    created = {**item, "programPRB": _PROGRAM[body["programPRB"]], "obat": {"list": obat}}
    del created["noSEP"]
    return Reply(payload=created)


@route("prb.update")
async def prb_update(req: SimRequest) -> Reply:
    state = req.state
    body = unwrap(
        req.body, "request", "t_prb", need=("noSrb", "noSep", "alamat", "kodeDPJP", "user")
    )
    if isinstance(body, Reply):
        return body
    refused = _check_obat(body)
    if refused is not None:
        return refused
    record = state.prb.get(body["noSrb"])
    if record is None or record.body["noSep"] != body["noSep"]:
        return not_found("Data SRB Tidak Ditemukan")
    for key, value in body.items():
        if key != "noSrb":
            record.body[key] = copy.deepcopy(value)
    return plain_or_encrypted(state, record.number)


@route("prb.delete")
async def prb_delete(req: SimRequest) -> Reply:
    state = req.state
    body = unwrap(req.body, "request", "t_prb", need=("noSrb", "noSep", "user"))
    if isinstance(body, Reply):
        return body
    record = state.prb.get(body["noSrb"])
    if record is None or record.body["noSep"] != body["noSep"]:
        return not_found("Data SRB Tidak Ditemukan atau sudah dihapus")
    del state.prb[body["noSrb"]]
    return plain_or_encrypted(state, record.number)


@route("prb.get")
async def prb_get(req: SimRequest) -> Reply:
    state = req.state
    record = state.prb.get(req.params["no_srb"])
    if record is None or record.body["noSep"] != req.params["no_sep"]:
        return not_found("Data SRB Tidak Ditemukan")
    obat = [
        {
            "kdObat": d["kdObat"],
            "nmObat": _OBAT.get(d["kdObat"], d["kdObat"]),
            "signa1": d["signa1"],
            "signa2": d["signa2"],
            "jmlObat": d["jmlObat"],
        }
        for d in record.body.get("obat") or []
    ]
    return Reply(payload={"prb": {**_prb_item(record), "obat": {"obat": obat}}})


@route("prb.list_by_date")
async def prb_list(req: SimRequest) -> Reply:
    state = req.state
    first, last = req.params["tgl_mulai"], req.params["tgl_akhir"]
    if bad_date(first) or bad_date(last):
        return not_found("Format tanggal tidak sesuai")
    rows = [_prb_item(r) for r in state.prb.values() if between(r.created, first, last)]
    return listing(rows, "prb", "list")


@route("prb.list_rekap_potensi")
async def rekap_potensi(req: SimRequest) -> Reply:
    state = req.state
    month = month_of(req.params["bulan"], req.params["tahun"])
    if month is None:
        return not_found("Format bulan atau tahun tidak sesuai")
    rows = []
    for r in state.live_seps():
        program = _PRB_DIAGNOSES.get(str(r.t_sep["diagAwal"])[:3])
        if program is None or not r.tgl_sep.startswith(month):
            continue
        rows.append(
            {
                "NamaPeserta": r.peserta.get("nama"),
                "NomorKartu": r.no_kartu,
                "NOSEP": r.no_sep,
                "TanggalPelayanan": r.tgl_sep,
                "DiagnosaPotensiPRB": r.t_sep["diagAwal"],
                "KategoriPenyakitPRB": _PROGRAM[program],
            }
        )
    if not rows:
        # BPJS answers an empty month with an empty string (JKN notes it).
        return Reply(payload="", plain=True)
    return Reply(payload={"list": rows})
