"""Simulator routes for Referensi, served from the built-in sample dataset."""

from __future__ import annotations

from . import _dataset as data
from ._route_util import JNS_PELAYANAN, bad_date, listing
from ._simulator import Reply, SimRequest, VClaimSimulator, not_found
from ._state import SimState

__all__ = ["install"]

_FIXED: dict[str, data.Pairs] = {
    "propinsi": data.PROPINSI,
    "diagnosaprb": data.DIAGNOSA_PRB,
    "kelasrawat": data.KELAS_RAWAT,
    "spesialistik": data.SPESIALISTIK,
    "ruangrawat": data.RUANG_RAWAT,
    "carakeluar": data.CARA_KELUAR,
    "pascapulang": data.PASCA_PULANG,
}


def install(sim: VClaimSimulator, state: SimState) -> None:
    """Register the Referensi routes on ``sim`` (``state`` is not needed: the data is fixed)."""
    del state

    @sim.route("GET", r"referensi/diagnosa/(?P<q>[^/]+)")
    async def diagnosa(req: SimRequest) -> Reply:
        return listing(data.search(data.DIAGNOSA, req.params["q"]), "diagnosa")

    @sim.route("GET", r"referensi/poli/(?P<q>[^/]+)")
    async def poli(req: SimRequest) -> Reply:
        return listing(data.search(data.POLI, req.params["q"]), "poli")

    @sim.route("GET", r"referensi/faskes/(?P<q>[^/]+)/(?P<jenis>[^/]+)")
    async def faskes(req: SimRequest) -> Reply:
        if req.params["jenis"] not in ("1", "2"):
            return not_found("Jenis Faskes tidak sesuai")
        pairs = tuple((k, n) for k, n, j in data.FASKES if j == req.params["jenis"])
        return listing(data.search(pairs, req.params["q"]), "faskes")

    @sim.route(
        "GET",
        r"referensi/dokter/pelayanan/(?P<jns>[^/]+)/tglPelayanan/(?P<tgl>[^/]+)"
        r"/Spesialis/(?P<sp>[^/]+)",
    )
    async def dokter_dpjp(req: SimRequest) -> Reply:
        if req.params["jns"] not in JNS_PELAYANAN or bad_date(req.params["tgl"]):
            return not_found("Parameter tidak sesuai")
        rows = [
            {"kode": kode, "nama": nama}
            for kode, nama, spesialis in data.DOKTER
            if spesialis.lower() == req.params["sp"].lower()
        ]
        return listing(rows, "list")

    for name, pairs in _FIXED.items():
        _fixed_route(sim, name, pairs)

    @sim.route("GET", r"referensi/kabupaten/propinsi/(?P<kd>[^/]+)")
    async def kabupaten(req: SimRequest) -> Reply:
        rows = data.KABUPATEN.get(req.params["kd"], ())
        return listing([{"kode": k, "nama": n} for k, n in rows], "list")

    @sim.route("GET", r"referensi/kecamatan/kabupaten/(?P<kd>[^/]+)")
    async def kecamatan(req: SimRequest) -> Reply:
        rows = data.KECAMATAN.get(req.params["kd"], ())
        return listing([{"kode": k, "nama": n} for k, n in rows], "list")

    @sim.route("GET", r"referensi/obatprb/(?P<q>[^/]+)")
    async def obat_prb(req: SimRequest) -> Reply:
        return listing(data.search(data.OBAT_PRB, req.params["q"]), "list")

    @sim.route("GET", r"referensi/procedure/(?P<q>[^/]+)")
    async def procedure(req: SimRequest) -> Reply:
        return listing(data.search(data.PROCEDURE, req.params["q"]), "procedure")

    @sim.route("GET", r"referensi/dokter/(?P<q>[^/]+)")
    async def dokter(req: SimRequest) -> Reply:
        pairs = tuple((kode, nama) for kode, nama, _ in data.DOKTER)
        return listing(data.search(pairs, req.params["q"]), "list")


def _fixed_route(sim: VClaimSimulator, name: str, pairs: data.Pairs) -> None:
    rows = [{"kode": kode, "nama": nama} for kode, nama in pairs]

    @sim.route("GET", rf"referensi/{name}")
    async def fixed(req: SimRequest) -> Reply:
        return Reply(payload={"list": rows})
