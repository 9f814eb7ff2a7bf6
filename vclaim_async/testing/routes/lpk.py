"""Simulator routes for LPK (claim sheets): writes and the list by admission date."""

from __future__ import annotations

import copy
from typing import Any

from .. import _dataset as data
from .._state import Record, SimState
from ._base import (
    JNS_PELAYANAN,
    Reply,
    SimRequest,
    bad_date,
    listing,
    not_found,
    plain_or_encrypted,
    route,
    unwrap,
)

__all__: list[str] = []


_LPK_REQUIRED = (
    "noSep", "tglMasuk", "tglKeluar", "jaminan", "poli.poli", "diagnosa",
    "rencanaTL.tindakLanjut", "DPJP", "user",
)  # fmt: skip


def _lpk_write(state: SimState, body: Any, *, update: bool) -> Reply:
    t_lpk = unwrap(body, "request", "t_lpk", need=_LPK_REQUIRED)
    if isinstance(t_lpk, Reply):
        return t_lpk
    if bad_date(t_lpk["tglMasuk"]) or bad_date(t_lpk["tglKeluar"]):
        return not_found("Format tanggal tidak sesuai")
    sep = state.seps.get(t_lpk["noSep"])
    if sep is None:
        return not_found("SEP Tidak Ditemukan")
    exists = t_lpk["noSep"] in state.lpk
    if exists and not update:
        return not_found("LPK untuk SEP ini sudah ada")
    if update and not exists:
        return not_found("LPK Tidak Ditemukan")
    state.lpk[t_lpk["noSep"]] = Record(
        number=t_lpk["noSep"],
        body=copy.deepcopy(t_lpk),
        created=t_lpk["tglMasuk"],
        peserta=sep.peserta,
        extra={"jnsPelayanan": sep.jns_pelayanan, "noMR": sep.t_sep.get("noMR")},
    )
    return plain_or_encrypted(state, t_lpk["noSep"])


@route("lpk.insert")
async def lpk_insert(req: SimRequest) -> Reply:
    state = req.state
    return _lpk_write(state, req.body, update=False)


@route("lpk.update")
async def lpk_update(req: SimRequest) -> Reply:
    state = req.state
    return _lpk_write(state, req.body, update=True)


@route("lpk.delete")
async def lpk_delete(req: SimRequest) -> Reply:
    state = req.state
    t_lpk = unwrap(req.body, "request", "t_lpk", need=("noSep",))
    if isinstance(t_lpk, Reply):
        return t_lpk
    if state.lpk.pop(t_lpk["noSep"], None) is None:
        return not_found("LPK Tidak Ditemukan atau sudah dihapus")
    return plain_or_encrypted(state, t_lpk["noSep"])


def _kode_nama(pairs: data.Pairs, kode: str) -> dict[str, str]:
    return {"kode": kode, "nama": data.name_of(pairs, kode, "")}


def _lpk_view(record: Record) -> dict[str, Any]:
    body, peserta = record.body, record.peserta
    perawatan = body.get("perawatan") or {}
    rencana = body.get("rencanaTL") or {}
    return {
        "noSep": record.number,
        "tglMasuk": body["tglMasuk"],
        "tglKeluar": body["tglKeluar"],
        "jnsPelayanan": record.extra["jnsPelayanan"],
        "poli": {"eksekutif": "0", "poli": _kode_nama(data.POLI, body["poli"]["poli"])},
        "perawatan": {
            "ruangRawat": _kode_nama(data.RUANG_RAWAT, perawatan.get("ruangRawat", "")),
            "kelasRawat": _kode_nama(data.KELAS_RAWAT, perawatan.get("kelasRawat", "")),
            "spesialistik": _kode_nama(data.SPESIALISTIK, perawatan.get("spesialistik", "")),
            "caraKeluar": _kode_nama(data.CARA_KELUAR, perawatan.get("caraKeluar", "")),
            "kondisiPulang": _kode_nama(data.PASCA_PULANG, perawatan.get("kondisiPulang", "")),
        },
        "diagnosa": {
            "list": [
                {"level": d.get("level"), "list": _kode_nama(data.DIAGNOSA, d.get("kode", ""))}
                for d in body.get("diagnosa") or []
            ]
        },
        "procedure": {
            "list": [
                {"list": _kode_nama(data.PROCEDURE, p.get("kode", ""))}
                for p in body.get("procedure") or []
            ]
        },
        "rencanaTL": {
            "tindakLanjut": rencana.get("tindakLanjut"),
            "dirujukKe": {"kodePPK": (rencana.get("dirujukKe") or {}).get("kodePPK") or None},
            "kontrolKembali": {
                "tglKontrol": (rencana.get("kontrolKembali") or {}).get("tglKontrol") or None,
                "poli": (rencana.get("kontrolKembali") or {}).get("poli") or None,
            },
        },
        "DPJP": {"dokter": {"kode": body["DPJP"], "nama": data.DOKTER_NAMA.get(body["DPJP"], "")}},
        "peserta": {
            "noKartu": peserta.get("noKartu"),
            "nama": peserta.get("nama"),
            "noMR": record.extra["noMR"],
            "kelamin": peserta.get("sex"),
            "tglLahir": peserta.get("tglLahir"),
        },
    }


@route("lpk.list_by_date")
async def lpk_list(req: SimRequest) -> Reply:
    state = req.state
    if bad_date(req.params["tgl_masuk"]) or req.params["jns_pelayanan"] not in JNS_PELAYANAN:
        return not_found("Parameter tidak sesuai")
    rows = [
        _lpk_view(r)
        for r in state.lpk.values()
        if r.body["tglMasuk"] == req.params["tgl_masuk"]
        and r.extra["jnsPelayanan"] == req.params["jns_pelayanan"]
    ]
    return listing(rows, "lpk", "list")
