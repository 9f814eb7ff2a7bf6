"""Simulator routes for PRB (rujuk balik) and LPK (claim sheets)."""

from __future__ import annotations

import copy
from typing import Any

from . import _dataset as data
from ._route_util import (
    JNS_PELAYANAN,
    bad_date,
    between,
    listing,
    missing,
    month_of,
    plain_or_encrypted,
    unwrap,
)
from ._simulator import Reply, SimRequest, VClaimSimulator, not_found
from ._state import Record, SimState

__all__ = ["install"]

_PROGRAM = {kode.strip(): nama for kode, nama in data.DIAGNOSA_PRB}
_DOKTER = {kode: nama for kode, nama, _ in data.DOKTER}
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
        "DPJP": {"kode": body["kodeDPJP"], "nama": _DOKTER.get(body["kodeDPJP"], "")},
        "programPRB": {"kode": program, "nama": _PROGRAM.get(program, "")},
        "keterangan": body.get("keterangan", ""),
        "saran": body.get("saran", ""),
        "peserta": _peserta(record.peserta, body),
    }


def install(sim: VClaimSimulator, state: SimState) -> None:
    """Register the PRB and LPK routes on ``sim``."""

    # -- PRB ---------------------------------------------------------------------------------

    def check_obat(body: dict[str, Any]) -> Reply | None:
        for index, drug in enumerate(body.get("obat") or []):
            refused = missing(drug, "kdObat", "signa1", "signa2", "jmlObat")
            if refused is not None:
                return not_found(f"obat[{index}].{refused.message}")
        return None

    @sim.route("POST", r"PRB/insert")
    async def prb_insert(req: SimRequest) -> Reply:
        body = unwrap(req.body, "request", "t_prb")
        if isinstance(body, Reply):
            return body
        refused = missing(
            body, "noSep", "noKartu", "alamat", "programPRB", "kodeDPJP", "user"
        ) or check_obat(body)
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

    @sim.route("PUT", r"PRB/Update")
    async def prb_update(req: SimRequest) -> Reply:
        body = unwrap(req.body, "request", "t_prb")
        if isinstance(body, Reply):
            return body
        refused = missing(body, "noSrb", "noSep", "alamat", "kodeDPJP", "user") or check_obat(body)
        if refused is not None:
            return refused
        record = state.prb.get(body["noSrb"])
        if record is None or record.body["noSep"] != body["noSep"]:
            return not_found("Data SRB Tidak Ditemukan")
        for key, value in body.items():
            if key != "noSrb":
                record.body[key] = copy.deepcopy(value)
        return plain_or_encrypted(state, record.number)

    @sim.route("DELETE", r"PRB/Delete")
    async def prb_delete(req: SimRequest) -> Reply:
        body = unwrap(req.body, "request", "t_prb")
        if isinstance(body, Reply):
            return body
        refused = missing(body, "noSrb", "noSep", "user")
        if refused is not None:
            return refused
        record = state.prb.get(body["noSrb"])
        if record is None or record.body["noSep"] != body["noSep"]:
            return not_found("Data SRB Tidak Ditemukan atau sudah dihapus")
        del state.prb[body["noSrb"]]
        return plain_or_encrypted(state, record.number)

    @sim.route("GET", r"prb/(?P<srb>[^/]+)/nosep/(?P<sep>[^/]+)")
    async def prb_get(req: SimRequest) -> Reply:
        record = state.prb.get(req.params["srb"])
        if record is None or record.body["noSep"] != req.params["sep"]:
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

    @sim.route("GET", r"prb/tglMulai/(?P<a>[^/]+)/tglAkhir/(?P<b>[^/]+)")
    async def prb_list(req: SimRequest) -> Reply:
        first, last = req.params["a"], req.params["b"]
        if bad_date(first) or bad_date(last):
            return not_found("Format tanggal tidak sesuai")
        rows = [_prb_item(r) for r in state.prb.values() if between(r.created, first, last)]
        return listing(rows, "prb", "list")

    @sim.route("GET", r"prbpotensi/tahun/(?P<tahun>[^/]+)/bulan/(?P<bulan>[^/]+)")
    async def rekap_potensi(req: SimRequest) -> Reply:
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

    # -- LPK ---------------------------------------------------------------------------------

    _LPK_REQUIRED = (
        "noSep", "tglMasuk", "tglKeluar", "jaminan", "poli.poli", "diagnosa",
        "rencanaTL.tindakLanjut", "DPJP", "user",
    )  # fmt: skip

    def lpk_write(body: Any, *, update: bool) -> Reply:
        t_lpk = unwrap(body, "request", "t_lpk")
        if isinstance(t_lpk, Reply):
            return t_lpk
        refused = missing(t_lpk, *_LPK_REQUIRED)
        if refused is not None:
            return refused
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

    @sim.route("POST", r"LPK/insert")
    async def lpk_insert(req: SimRequest) -> Reply:
        return lpk_write(req.body, update=False)

    @sim.route("PUT", r"LPK/update")
    async def lpk_update(req: SimRequest) -> Reply:
        return lpk_write(req.body, update=True)

    @sim.route("DELETE", r"LPK/delete")
    async def lpk_delete(req: SimRequest) -> Reply:
        t_lpk = unwrap(req.body, "request", "t_lpk")
        if isinstance(t_lpk, Reply):
            return t_lpk
        refused = missing(t_lpk, "noSep")
        if refused is not None:
            return refused
        if state.lpk.pop(t_lpk["noSep"], None) is None:
            return not_found("LPK Tidak Ditemukan atau sudah dihapus")
        return plain_or_encrypted(state, t_lpk["noSep"])

    def kode_nama(pairs: data.Pairs, kode: str) -> dict[str, str]:
        return {"kode": kode, "nama": data.name_of(pairs, kode, "")}

    def lpk_view(record: Record) -> dict[str, Any]:
        body, peserta = record.body, record.peserta
        perawatan = body.get("perawatan") or {}
        rencana = body.get("rencanaTL") or {}
        return {
            "noSep": record.number,
            "tglMasuk": body["tglMasuk"],
            "tglKeluar": body["tglKeluar"],
            "jnsPelayanan": record.extra["jnsPelayanan"],
            "poli": {"eksekutif": "0", "poli": kode_nama(data.POLI, body["poli"]["poli"])},
            "perawatan": {
                "ruangRawat": kode_nama(data.RUANG_RAWAT, perawatan.get("ruangRawat", "")),
                "kelasRawat": kode_nama(data.KELAS_RAWAT, perawatan.get("kelasRawat", "")),
                "spesialistik": kode_nama(data.SPESIALISTIK, perawatan.get("spesialistik", "")),
                "caraKeluar": kode_nama(data.CARA_KELUAR, perawatan.get("caraKeluar", "")),
                "kondisiPulang": kode_nama(data.PASCA_PULANG, perawatan.get("kondisiPulang", "")),
            },
            "diagnosa": {
                "list": [
                    {"level": d.get("level"), "list": kode_nama(data.DIAGNOSA, d.get("kode", ""))}
                    for d in body.get("diagnosa") or []
                ]
            },
            "procedure": {
                "list": [
                    {"list": kode_nama(data.PROCEDURE, p.get("kode", ""))}
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
            "DPJP": {"dokter": {"kode": body["DPJP"], "nama": _DOKTER.get(body["DPJP"], "")}},
            "peserta": {
                "noKartu": peserta.get("noKartu"),
                "nama": peserta.get("nama"),
                "noMR": record.extra["noMR"],
                "kelamin": peserta.get("sex"),
                "tglLahir": peserta.get("tglLahir"),
            },
        }

    @sim.route("GET", r"LPK/TglMasuk/(?P<tgl>[^/]+)/JnsPelayanan/(?P<jns>[^/]+)")
    async def lpk_list(req: SimRequest) -> Reply:
        if bad_date(req.params["tgl"]) or req.params["jns"] not in JNS_PELAYANAN:
            return not_found("Parameter tidak sesuai")
        rows = [
            lpk_view(r)
            for r in state.lpk.values()
            if r.body["tglMasuk"] == req.params["tgl"]
            and r.extra["jnsPelayanan"] == req.params["jns"]
        ]
        return listing(rows, "lpk", "list")
