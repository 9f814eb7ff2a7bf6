"""Simulator routes for Referensi, served from the built-in sample dataset."""

from __future__ import annotations

from .. import _dataset as data
from ._base import JNS_PELAYANAN, Handler, Reply, SimRequest, bad_date, listing, not_found, route

__all__: list[str] = []

_FIXED: dict[str, data.Pairs] = {
    "referensi.list_propinsi": data.PROPINSI,
    "referensi.list_diagnosa_prb": data.DIAGNOSA_PRB,
    "referensi.list_kelas_rawat": data.KELAS_RAWAT,
    "referensi.list_spesialistik": data.SPESIALISTIK,
    "referensi.list_ruang_rawat": data.RUANG_RAWAT,
    "referensi.list_cara_keluar": data.CARA_KELUAR,
    "referensi.list_pasca_pulang": data.PASCA_PULANG,
}


@route("referensi.list_diagnosa")
async def diagnosa(req: SimRequest) -> Reply:
    return listing(data.search(data.DIAGNOSA, req.params["keyword"]), "diagnosa")


@route("referensi.list_poli")
async def poli(req: SimRequest) -> Reply:
    return listing(data.search(data.POLI, req.params["keyword"]), "poli")


@route("referensi.list_faskes")
async def faskes(req: SimRequest) -> Reply:
    if req.params["jenis_faskes"] not in ("1", "2"):
        return not_found("Jenis Faskes tidak sesuai")
    pairs = tuple((k, n) for k, n, j in data.FASKES if j == req.params["jenis_faskes"])
    return listing(data.search(pairs, req.params["keyword"]), "faskes")


@route("referensi.list_dokter_dpjp")
async def dokter_dpjp(req: SimRequest) -> Reply:
    if req.params["jns_pelayanan"] not in JNS_PELAYANAN or bad_date(req.params["tgl_pelayanan"]):
        return not_found("Parameter tidak sesuai")
    rows = [
        {"kode": kode, "nama": nama}
        for kode, nama, spesialis in data.DOKTER
        if spesialis.lower() == req.params["kode_spesialis"].lower()
    ]
    return listing(rows, "list")


@route("referensi.list_kabupaten")
async def kabupaten(req: SimRequest) -> Reply:
    rows = data.KABUPATEN.get(req.params["kode_propinsi"], ())
    return listing([{"kode": k, "nama": n} for k, n in rows], "list")


@route("referensi.list_kecamatan")
async def kecamatan(req: SimRequest) -> Reply:
    rows = data.KECAMATAN.get(req.params["kode_kabupaten"], ())
    return listing([{"kode": k, "nama": n} for k, n in rows], "list")


@route("referensi.list_obat_prb")
async def obat_prb(req: SimRequest) -> Reply:
    return listing(data.search(data.OBAT_PRB, req.params["keyword"]), "list")


@route("referensi.list_prosedur")
async def procedure(req: SimRequest) -> Reply:
    return listing(data.search(data.PROCEDURE, req.params["keyword"]), "procedure")


@route("referensi.list_dokter")
async def dokter(req: SimRequest) -> Reply:
    pairs = tuple((kode, nama) for kode, nama, _ in data.DOKTER)
    return listing(data.search(pairs, req.params["keyword"]), "list")


def _fixed(pairs: data.Pairs) -> Handler:
    rows = [{"kode": kode, "nama": nama} for kode, nama in pairs]

    async def fixed(req: SimRequest) -> Reply:
        return Reply(payload={"list": rows})

    return fixed


for _name, _pairs in _FIXED.items():
    route(_name)(_fixed(_pairs))
