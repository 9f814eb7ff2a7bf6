"""Simulator routes for Monitoring, derived from the SEPs this simulator issued."""

from __future__ import annotations

from typing import Any

from .. import _dataset as data
from .._state import SepRecord
from ._base import (
    JNS_PELAYANAN,
    Reply,
    SimRequest,
    bad_date,
    between,
    field,
    listing,
    not_found,
    route,
)

__all__: list[str] = []

_KLAIM_STATUS = {"1": "Proses Verifikasi", "2": "Pending Verifikasi", "3": "Klaim"}
# A flat grouper result per service type: enough to make the claim report non-empty and typed.
_INACBG = {
    "1": ("K-4-17-I", "NYERI ABDOMEN & GASTROENTERITIS LAIN-LAIN RINGAN", 3_850_000),
    "2": ("Q-5-44-0", "PROSEDUR RAWAT JALAN LAIN-LAIN", 228_600),
}


def _discharged(record: SepRecord) -> str | None:
    # An outpatient SEP is over the day it is issued; an inpatient one when tglPulang is set.
    if record.tgl_pulang is not None:
        return record.tgl_pulang
    return record.tgl_sep if record.jns_pelayanan == "2" else None


def _kunjungan(record: SepRecord) -> dict[str, Any]:
    t = record.t_sep
    return {
        "noSep": record.no_sep,
        "tglSep": record.tgl_sep,
        "tglPlgSep": _discharged(record),
        "noKartu": record.no_kartu,
        "nama": record.peserta.get("nama"),
        "jnsPelayanan": JNS_PELAYANAN[record.jns_pelayanan],
        "kelasRawat": field(t, "klsRawat.klsRawatHak"),
        "diagnosa": t["diagAwal"],
        "poli": str(field(t, "poli.tujuan") or "") or None,
        "noRujukan": field(t, "rujukan.noRujukan") or "",
    }


@route("monitoring.list_kunjungan")
async def kunjungan(req: SimRequest) -> Reply:
    state = req.state
    tgl, jns = req.params["tgl_sep"], req.params["jns_pelayanan"]
    if bad_date(tgl) or jns not in JNS_PELAYANAN:
        return not_found("Parameter tidak sesuai")
    rows = [_kunjungan(r) for r in state.live_seps() if r.tgl_sep == tgl and r.jns_pelayanan == jns]
    return listing(rows, "sep")


@route("monitoring.list_klaim")
async def klaim(req: SimRequest) -> Reply:
    state = req.state
    tgl, jns, status = req.params["tgl_pulang"], req.params["jns_pelayanan"], req.params["status"]
    if bad_date(tgl) or jns not in JNS_PELAYANAN or status not in _KLAIM_STATUS:
        return not_found("Parameter tidak sesuai")
    rows = []
    for r in state.live_seps():
        if _discharged(r) != tgl or r.jns_pelayanan != jns:
            continue
        if state.claim_status.get(r.no_sep, "1") != status:
            continue
        kode, nama, tarif = _INACBG[jns]
        approved = tarif if status == "3" else 0
        rows.append(
            {
                "Inacbg": {"kode": kode, "nama": nama},
                "biaya": {
                    "byPengajuan": str(tarif),
                    "bySetujui": str(approved),
                    "byTarifGruper": str(tarif),
                    "byTarifRS": str(int(tarif * 1.1)),
                    "byTopup": "0",
                },
                "kelasRawat": field(r.t_sep, "klsRawat.klsRawatHak"),
                "noFPK": f"FPK{r.no_sep[-6:]}" if status == "3" else "",
                "noSEP": r.no_sep,
                "peserta": {
                    "noKartu": r.no_kartu,
                    "nama": r.peserta.get("nama"),
                    "noMR": r.t_sep.get("noMR"),
                },
                "poli": str(field(r.t_sep, "poli.tujuan") or "") or None,
                "status": _KLAIM_STATUS[status],
                "tglPulang": _discharged(r),
                "tglSep": r.tgl_sep,
            }
        )
    return listing(rows, "klaim")


def _dmy(day: str | None) -> str | None:
    return None if not day else f"{day[8:10]}-{day[5:7]}-{day[0:4]}"


def _histori(req: SimRequest, r: SepRecord) -> dict[str, Any]:
    """One history row as the catalog's example prints it (sim.faults may respell it)."""
    dates, clinics = req.sim.faults.history_spelling()
    inpatient = r.jns_pelayanan == "1"
    kode = str(field(r.t_sep, "poli.tujuan") or "")
    # The catalog's example: an inpatient row's clinic is "", an outpatient row's class null.
    poli = "" if inpatient else kode
    if clinics == "name" and poli:
        poli = data.name_of(data.POLI, poli, poli)
    tgl_sep, tgl_plg = r.tgl_sep, _discharged(r)
    if dates == "dd-MM-yyyy":
        tgl_sep, tgl_plg = _dmy(tgl_sep) or tgl_sep, _dmy(tgl_plg)
    return {
        "noSep": r.no_sep,
        "tglSep": tgl_sep,
        "tglPlgSep": tgl_plg,
        "noKartu": r.no_kartu,
        "namaPeserta": r.peserta.get("nama"),
        "jnsPelayanan": r.jns_pelayanan,
        "kelasRawat": _KELAS_HISTORI.get(field(r.t_sep, "klsRawat.klsRawatHak") or "")
        if inpatient
        else None,
        "diagnosa": f"{r.t_sep['diagAwal']} - {data.name_of(data.DIAGNOSA, r.t_sep['diagAwal'])}",
        "poli": poli,
        "ppkPelayanan": "RSUP SIMULASI",
        "noRujukan": field(r.t_sep, "rujukan.noRujukan") or "",
    }


_KELAS_HISTORI = {"1": "Kelas 1", "2": "Kelas 2", "3": "Kelas 3"}


@route("monitoring.list_histori_pelayanan")
async def histori(req: SimRequest) -> Reply:
    state = req.state
    first, last = req.params["tgl_mulai"], req.params["tgl_akhir"]
    if bad_date(first) or bad_date(last):
        return not_found("Format tanggal tidak sesuai")
    now = req.sim.clock()
    rows = [
        _histori(req, r)
        for r in state.live_seps()
        if r.no_kartu == req.params["no_kartu"]
        and between(r.tgl_sep, first, last)
        and r.visible_at <= now  # a lagging history (sim.faults.lag_history)
    ]
    return listing(rows, "histori")


# The older path without JnsPelayanan, still called by some clients: reachable through
# ``path_overrides``, which is what the override test uses.
@route(
    "monitoring.list_jasa_raharja",
    also=("monitoring/JasaRaharja/tglMulai/{tgl_mulai}/tglAkhir/{tgl_akhir}",),
)
async def jasa_raharja(req: SimRequest) -> Reply:
    state = req.state
    first, last = req.params["tgl_mulai"], req.params["tgl_akhir"]
    jns = req.params.get("jns_pelayanan")
    if bad_date(first) or bad_date(last) or (jns is not None and jns not in JNS_PELAYANAN):
        return not_found("Parameter tidak sesuai")
    rows = []
    for r in state.live_seps():
        laka = str(field(r.t_sep, "jaminan.lakaLantas") or "0")
        if laka not in ("1", "2") or not between(r.tgl_sep, first, last):
            continue
        if jns is not None and r.jns_pelayanan != jns:
            continue
        rows.append(
            {
                "sep": {
                    "noSEP": r.no_sep,
                    "tglSEP": r.tgl_sep,
                    "tglPlgSEP": _discharged(r),
                    "noMr": r.t_sep.get("noMR"),
                    "jnsPelayanan": r.jns_pelayanan,
                    "poli": str(field(r.t_sep, "poli.tujuan") or "") or None,
                    "diagnosa": r.t_sep["diagAwal"],
                    "peserta": {
                        "noKartu": r.no_kartu,
                        "nama": r.peserta.get("nama"),
                        "noMR": r.t_sep.get("noMR"),
                    },
                },
                "jasaRaharja": {
                    "tglKejadian": field(r.t_sep, "jaminan.penjamin.tglKejadian") or None,
                    "noRegister": f"JR{r.no_sep[-6:]}",
                    "ketStatusDijamin": "Dijamin",
                    "ketStatusDikirim": "Sudah dikirim",
                    "biayaDijamin": "20000000",
                    "plafon": "20000000",
                    "jmlDibayar": "0",
                    "resultsJasaRaharja": "Proses",
                },
            }
        )
    return listing(rows, "jaminan")
