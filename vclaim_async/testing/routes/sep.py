"""Simulator routes for SEP: the lifecycle, applications, discharge, internal, fingerprint."""

from __future__ import annotations

import copy
from typing import Any

from .. import _dataset as data
from .._state import SepRecord, SimState
from ._base import (
    JNS_PELAYANAN,
    Reply,
    SimRequest,
    bad_date,
    field,
    listing,
    missing,
    month_of,
    not_found,
    plain_or_encrypted,
    route,
    unwrap,
)

__all__: list[str] = []

_KELAS = {"1": "Kelas 1", "2": "Kelas 2", "3": "Kelas 3"}
_TUJUAN_KUNJ = {"0": "Normal", "1": "Prosedur", "2": "Konsul Dokter"}
_FLAG_PROCEDURE = {"0": "Prosedur Tidak Berkelanjutan", "1": "Prosedur dan Terapi Berkelanjutan"}
_PENUNJANG = {
    "1": "Radioterapi", "2": "Kemoterapi", "3": "Rehabilitasi Medik",
    "4": "Rehabilitasi Psikososial", "5": "Transfusi Darah", "6": "Pelayanan Gigi",
    "7": "Laboratorium", "8": "USG", "9": "Farmasi", "10": "Lain-Lain", "11": "MRI",
    "12": "HEMODIALISA",
}  # fmt: skip
_ASESMEN = {
    "1": "Poli spesialis tidak tersedia pada hari sebelumnya",
    "2": "Jam Poli telah berakhir pada hari sebelumnya",
    "3": "Dokter Spesialis yang dimaksud tidak praktek pada hari sebelumnya",
    "4": "Atas Instruksi RS",
    "5": "Tujuan Kontrol",
}
_LAKA = {
    "0": "Bukan Kecelakaan lalu lintas [BKLL]",
    "1": "KLL dan bukan kecelakaan Kerja [BKK]",
    "2": "KLL dan KK",
    "3": "KK",
}
_STATUS_PULANG = {"1", "3", "4", "5"}


def _kode_nama(names: dict[str, str], kode: str) -> dict[str, str]:
    return {"kode": kode, "nama": names.get(kode, "")}


def _peserta_singkat(record: SepRecord) -> dict[str, Any]:
    peserta = record.peserta
    hak = peserta.get("hakKelas") or {}
    jenis = peserta.get("jenisPeserta") or {}
    return {
        "asuransi": "-",
        "hakKelas": hak.get("keterangan"),
        "jnsPeserta": jenis.get("keterangan"),
        "kelamin": "Laki-Laki" if peserta.get("sex") == "L" else "Perempuan",
        "nama": peserta.get("nama"),
        "noKartu": peserta.get("noKartu"),
        "noMr": record.t_sep.get("noMR"),
        "tglLahir": peserta.get("tglLahir"),
    }


def _diagnosa(kode: str) -> str:
    return f"{kode} - {data.name_of(data.DIAGNOSA, kode)}"


def _poli(record: SepRecord) -> str:
    kode = str(field(record.t_sep, "poli.tujuan") or "")
    return data.name_of(data.POLI, kode, "") if kode else ""


def _informasi(record: SepRecord) -> dict[str, Any]:
    info = record.peserta.get("informasi") or {}
    return {
        "dinsos": info.get("dinsos"),
        "prolanisPRB": info.get("prolanisPRB"),
        "noSKTM": info.get("noSKTM"),
        "eSEP": None,
    }


def _inserted(record: SepRecord) -> dict[str, Any]:
    t = record.t_sep
    return {
        "noSep": record.no_sep,
        "tglSep": t["tglSep"],
        "jnsPelayanan": "Rawat Inap" if t["jnsPelayanan"] == "1" else "Rawat Jalan",
        "kelasRawat": _KELAS.get(field(t, "klsRawat.klsRawatHak") or "", "-"),
        "diagnosa": _diagnosa(t["diagAwal"]),
        "noRujukan": field(t, "rujukan.noRujukan") or "",
        "poli": _poli(record),
        "kdPoli": field(t, "poli.tujuan") or "",
        "poliEksekutif": field(t, "poli.eksekutif") or "0",
        "catatan": t.get("catatan", ""),
        "penjamin": "-" if t.get("jaminan", {}).get("lakaLantas", "0") == "0" else "Jasa Raharja",
        "peserta": _peserta_singkat(record),
        "informasi": _informasi(record),
        "tujuanKunj": t.get("tujuanKunj", "0"),
        "flagProcedure": t.get("flagProcedure", ""),
        "kdPenunjang": t.get("kdPenunjang", ""),
        "assestmenPel": t.get("assesmentPel", ""),
    }


def _sep_detail(record: SepRecord) -> dict[str, Any]:
    """``GET SEP/{noSep}`` for a stored SEP, in BPJS's field names."""
    t = record.t_sep
    laka = str(field(t, "jaminan.lakaLantas") or "0")
    lokasi = field(t, "jaminan.penjamin.suplesi.lokasiLaka") or {}
    accident = laka != "0"
    dpjp = str(t.get("dpjpLayan") or field(t, "skdp.kodeDPJP") or "")
    return {
        "noSep": record.no_sep,
        "tglSep": t["tglSep"],
        "jnsPelayanan": "Rawat Inap" if t["jnsPelayanan"] == "1" else "Rawat Jalan",
        "kelasRawat": field(t, "klsRawat.klsRawatHak"),
        "diagnosa": _diagnosa(t["diagAwal"]),
        "noRujukan": field(t, "rujukan.noRujukan") or "",
        "poli": _poli(record),
        "poliEksekutif": field(t, "poli.eksekutif") or "0",
        "catatan": t.get("catatan", ""),
        "penjamin": "Jasa Raharja" if accident else None,
        "kdStatusKecelakaan": laka,
        "nmstatusKecelakaan": _LAKA.get(laka, ""),
        "lokasiKejadian": {
            "kdProp": lokasi.get("kdPropinsi") if accident else None,
            "kdKab": lokasi.get("kdKabupaten") if accident else None,
            "kdKec": lokasi.get("kdKecamatan") if accident else None,
            "ketKejadian": field(t, "jaminan.penjamin.keterangan") if accident else None,
            "lokasi": None,
            "tglKejadian": (field(t, "jaminan.penjamin.tglKejadian") or None) if accident else None,
        },
        "dpjp": {"kdDPJP": dpjp, "nmDPJP": data.DOKTER_NAMA.get(dpjp, "")},
        "peserta": _peserta_singkat(record),
        "klsRawat": {
            "klsRawatHak": field(t, "klsRawat.klsRawatHak"),
            "klsRawatNaik": field(t, "klsRawat.klsRawatNaik") or None,
            "pembiayaan": field(t, "klsRawat.pembiayaan") or None,
            "penanggungJawab": field(t, "klsRawat.penanggungJawab") or None,
        },
        "kontrol": {
            "kdDokter": field(t, "skdp.kodeDPJP") or "",
            "nmDokter": data.DOKTER_NAMA.get(str(field(t, "skdp.kodeDPJP") or ""), ""),
            "noSurat": field(t, "skdp.noSurat") or "",
        },
        "cob": field(t, "cob.cob") or "0",
        "katarak": field(t, "katarak.katarak") or "0",
        "tujuanKunj": _kode_nama(_TUJUAN_KUNJ, t.get("tujuanKunj", "0")),
        "flagProcedure": _kode_nama(_FLAG_PROCEDURE, t.get("flagProcedure", "")),
        "kdPenunjang": _kode_nama(_PENUNJANG, t.get("kdPenunjang", "")),
        "assestmenPel": _kode_nama(_ASESMEN, t.get("assesmentPel", "")),
        "eSEP": "False",
    }


_INSERT_REQUIRED = (
    "noKartu", "tglSep", "ppkPelayanan", "jnsPelayanan", "klsRawat.klsRawatHak", "noMR",
    "rujukan.asalRujukan", "diagAwal", "noTelp", "user",
)  # fmt: skip
_OUTPATIENT_REQUIRED = (
    "rujukan.tglRujukan", "rujukan.noRujukan", "rujukan.ppkRujukan", "poli.tujuan", "dpjpLayan",
)  # fmt: skip
_UPDATE_REQUIRED = ("noSep", "klsRawat.klsRawatHak", "noMR", "diagAwal", "noTelp", "user")


def _live(state: SimState, no_sep: str) -> SepRecord | None:
    return state.seps.get(no_sep)


_POLI_CODES = frozenset(kode for kode, _ in data.POLI)
_DOKTER_CODES = frozenset(kode for kode, _, _ in data.DOKTER)


def _unknown_reference(state: SimState, t_sep: dict[str, Any]) -> Reply | None:
    """BPJS refuses (201) a SEP naming a clinic, doctor or outpatient referral it does not
    know, before issuing anything: the simulator does too, in the same words as its lookups."""
    poli = str(field(t_sep, "poli.tujuan") or "").strip()
    if poli and poli not in _POLI_CODES:
        return not_found("Kode Poli tidak ditemukan")
    for dotted in ("dpjpLayan", "skdp.kodeDPJP"):
        dokter = str(field(t_sep, dotted) or "").strip()
        if dokter and dokter not in _DOKTER_CODES:
            return not_found("Kode Dokter tidak ditemukan")
    if t_sep.get("jnsPelayanan") == "2":
        number = str(field(t_sep, "rujukan.noRujukan") or "").strip()
        referral = state.referrals().get(number)
        if referral is None or referral.extra.get("no_kartu") != t_sep["noKartu"]:
            return not_found("Data Rujukan Tidak Ditemukan")
    return None


@route("sep.insert")
async def insert(req: SimRequest) -> Reply:
    state = req.state
    t_sep = unwrap(req.body, "request", "t_sep")
    if isinstance(t_sep, Reply):
        return t_sep
    refused = missing(t_sep, *_INSERT_REQUIRED)
    if refused is None and t_sep.get("jnsPelayanan") == "2":
        refused = missing(t_sep, *_OUTPATIENT_REQUIRED)
    if refused is not None:
        return refused
    if bad_date(t_sep["tglSep"]):
        return not_found("Format Tanggal SEP tidak sesuai")
    if t_sep["jnsPelayanan"] not in JNS_PELAYANAN:
        return not_found("Jenis Pelayanan tidak sesuai")
    if t_sep["ppkPelayanan"] != state.ppk_pelayanan:
        return not_found("PPK Pelayanan tidak sesuai dengan user")
    peserta = state.participant(t_sep["noKartu"])
    if peserta is None:
        return not_found("No.Kartu Tidak Sesuai")
    if (peserta.get("statusPeserta") or {}).get("kode") != "0":
        return not_found("Status Peserta Tidak Aktif")
    refused = _unknown_reference(state, t_sep)
    if refused is not None:
        return refused
    no_sep = state.number(t_sep["ppkPelayanan"], t_sep["tglSep"], "V", "sep")
    record = SepRecord(no_sep=no_sep, t_sep=copy.deepcopy(t_sep), peserta=peserta)
    # A lagging history (sim.faults.lag_history) shows the SEP only some seconds from now.
    record.visible_at = req.sim.clock() + req.sim.faults.history_lag_seconds()
    state.seps[no_sep] = record
    return Reply(payload={"sep": _inserted(record)})


@route("sep.update")
async def update(req: SimRequest) -> Reply:
    state = req.state
    t_sep = unwrap(req.body, "request", "t_sep", need=_UPDATE_REQUIRED)
    if isinstance(t_sep, Reply):
        return t_sep
    record = _live(state, t_sep["noSep"])
    if record is None:
        return not_found("SEP Tidak Ditemukan")
    for key, value in t_sep.items():
        if key != "noSep":
            record.t_sep[key] = copy.deepcopy(value)
    return plain_or_encrypted(state, record.no_sep)


@route("sep.delete")
async def delete(req: SimRequest) -> Reply:
    state = req.state
    t_sep = unwrap(req.body, "request", "t_sep", need=("noSep", "user"))
    if isinstance(t_sep, Reply):
        return t_sep
    record = state.seps.pop(t_sep["noSep"], None)
    if record is None:
        return not_found("SEP Tidak Ditemukan atau sudah dihapus")
    state.deleted_seps[record.no_sep] = record
    # BPJS answers this one in plain text (JKN's dev-server test pins it).
    return Reply(payload=record.no_sep, plain=True)


@route("sep.get")
async def get(req: SimRequest) -> Reply:
    state = req.state
    record = _live(state, req.params["no_sep"])
    if record is None:
        return not_found("Data SEP Tidak Ditemukan")
    return Reply(payload=_sep_detail(record))


@route("sep.get_last_by_rujukan")
async def last_by_rujukan(req: SimRequest) -> Reply:
    state = req.state
    matches = [
        r
        for r in state.live_seps()
        if field(r.t_sep, "rujukan.noRujukan") == req.params["no_rujukan"]
    ]
    if not matches:
        return not_found("Data Tidak Ditemukan")
    return Reply(payload=_sep_detail(matches[-1]))


@route("sep.get_inacbg")
async def inacbg(req: SimRequest) -> Reply:
    state = req.state
    record = _live(state, req.params["no_sep"])
    if record is None:
        return not_found("Data SEP Tidak Ditemukan")
    t, peserta = record.t_sep, record.peserta
    pesertasep = {
        "kelamin": peserta.get("sex"),
        "klsRawat": field(t, "klsRawat.klsRawatHak"),
        "nama": peserta.get("nama"),
        "noKartuBpjs": record.no_kartu,
        "noMr": t.get("noMR"),
        "noRujukan": field(t, "rujukan.noRujukan") or "",
        "tglLahir": peserta.get("tglLahir"),
        "tglPelayanan": record.tgl_sep,
        "tktPelayanan": record.jns_pelayanan,
    }
    # The one read BPJS answers unencrypted: a plain JSON object.
    return Reply(payload={"pesertasep": pesertasep}, plain=True)


# -- accidents ---------------------------------------------------------------------------


def _accidents(state: SimState, card: str) -> list[SepRecord]:
    return [
        r
        for r in state.live_seps()
        if r.no_kartu == card and str(field(r.t_sep, "jaminan.lakaLantas") or "0") != "0"
    ]


@route("sep.list_suplesi_jasa_raharja")
async def suplesi(req: SimRequest) -> Reply:
    state = req.state
    if bad_date(req.params["tgl_pelayanan"]):
        return not_found("Format tanggal tidak sesuai")
    rows = [
        {
            "noRegister": f"JR{r.no_sep[-6:]}",
            "noSep": r.no_sep,
            "noSepAwal": field(r.t_sep, "jaminan.penjamin.suplesi.noSepSuplesi") or r.no_sep,
            "noSuratJaminan": f"SJ{r.no_sep[-6:]}",
            "tglKejadian": field(r.t_sep, "jaminan.penjamin.tglKejadian"),
            "tglSep": r.tgl_sep,
        }
        for r in _accidents(state, req.params["no_kartu"])
        if r.tgl_sep <= req.params["tgl_pelayanan"]
    ]
    return listing(rows, "jaminan")


@route("sep.list_kll_induk")
async def kll_induk(req: SimRequest) -> Reply:
    state = req.state
    rows = []
    for r in _accidents(state, req.params["no_kartu"]):
        lokasi = field(r.t_sep, "jaminan.penjamin.suplesi.lokasiLaka") or {}
        rows.append(
            {
                "noSEP": r.no_sep,
                "tglKejadian": field(r.t_sep, "jaminan.penjamin.tglKejadian"),
                "ppkPelSEP": r.t_sep["ppkPelayanan"],
                "kdProp": lokasi.get("kdPropinsi"),
                "kdKab": lokasi.get("kdKabupaten"),
                "kdKec": lokasi.get("kdKecamatan"),
                "ketKejadian": field(r.t_sep, "jaminan.penjamin.keterangan"),
                "noSEPSuplesi": field(r.t_sep, "jaminan.penjamin.suplesi.noSepSuplesi"),
            }
        )
    return listing(rows, "list")


# -- applications ------------------------------------------------------------------------

_PENGAJUAN_REQUIRED = ("noKartu", "tglSep", "jnsPelayanan", "jnsPengajuan", "user")


@route("sep.insert_pengajuan")
async def pengajuan(req: SimRequest) -> Reply:
    state = req.state
    t_sep = unwrap(req.body, "request", "t_sep", need=_PENGAJUAN_REQUIRED)
    if isinstance(t_sep, Reply):
        return t_sep
    if bad_date(t_sep["tglSep"]):
        return not_found("Format Tanggal SEP tidak sesuai")
    peserta = state.participant(t_sep["noKartu"])
    if peserta is None:
        return not_found("No.Kartu Tidak Sesuai")
    key = (t_sep["noKartu"], t_sep["tglSep"], t_sep["jnsPelayanan"])
    state.pengajuan[key] = {
        **copy.deepcopy(t_sep),
        "nama": peserta.get("nama"),
        "status": "Belum Disetujui",
    }
    return plain_or_encrypted(state, t_sep["noKartu"])


# The catalog's aprovalSEP page: jnsPengajuan defaults to "1" (backdate) when left out.
_APPROVAL_REQUIRED = ("noKartu", "tglSep", "jnsPelayanan", "user")


@route("sep.insert_persetujuan")
async def approval(req: SimRequest) -> Reply:
    state = req.state
    t_sep = unwrap(req.body, "request", "t_sep", need=_APPROVAL_REQUIRED)
    if isinstance(t_sep, Reply):
        return t_sep
    if not str(t_sep.get("jnsPengajuan") or "").strip():
        t_sep["jnsPengajuan"] = "1"
    key = (t_sep["noKartu"], t_sep["tglSep"], t_sep["jnsPelayanan"])
    application = state.pengajuan.get(key)
    if application is None:
        return not_found("Data pengajuan tidak ditemukan")
    application["status"] = "Disetujui"
    application["approvedBy"] = t_sep["user"]
    return plain_or_encrypted(state, t_sep["noKartu"])


@route("sep.list_persetujuan")
async def list_persetujuan(req: SimRequest) -> Reply:
    state = req.state
    month = month_of(req.params["bulan"], req.params["tahun"])
    if month is None:
        return not_found("Format bulan atau tahun tidak sesuai")
    rows = [
        {
            "noKartu": item["noKartu"],
            "nama": item.get("nama"),
            "tglsep": item["tglSep"],
            "jnspelayanan": item["jnsPelayanan"],
            "persetujuan": "Backdate" if item["jnsPengajuan"] == "1" else "Finger Print",
            "status": item["status"],
        }
        for item in state.pengajuan.values()
        if item["tglSep"].startswith(month)
    ]
    return listing(rows, "list")


# -- discharge ---------------------------------------------------------------------------


@route("sep.update_tgl_pulang")
async def update_tgl_pulang(req: SimRequest) -> Reply:
    state = req.state
    t_sep = unwrap(
        req.body, "request", "t_sep", need=("noSep", "statusPulang", "tglPulang", "user")
    )
    if isinstance(t_sep, Reply):
        return t_sep
    if t_sep["statusPulang"] not in _STATUS_PULANG:
        return not_found("Status Pulang tidak sesuai")
    if t_sep["statusPulang"] == "4":
        refused = missing(t_sep, "noSuratMeninggal", "tglMeninggal")
        if refused is not None:
            return refused
    record = _live(state, t_sep["noSep"])
    if record is None:
        return not_found("SEP Tidak Ditemukan")
    if bad_date(t_sep["tglPulang"]) or t_sep["tglPulang"] < record.tgl_sep:
        return not_found("Tanggal Pulang tidak sesuai")
    record.tgl_pulang = t_sep["tglPulang"]
    record.status_pulang = t_sep["statusPulang"]
    state.tgl_pulang_updates.append(
        {
            "noSep": record.no_sep,
            "noSepUpdating": record.no_sep,
            "jnsPelayanan": record.jns_pelayanan,
            "ppkTujuan": record.t_sep["ppkPelayanan"],
            "noKartu": record.no_kartu,
            "nama": record.peserta.get("nama"),
            "tglSep": record.tgl_sep,
            "tglPulang": t_sep["tglPulang"],
            "status": t_sep["statusPulang"],
            "tglMeninggal": t_sep.get("tglMeninggal", ""),
            "noSurat": t_sep.get("noSuratMeninggal", ""),
            "keterangan": "",
            "user": t_sep["user"],
        }
    )
    return Reply(payload=None)


@route("sep.list_tgl_pulang", optional=("filter_text",))
async def list_tgl_pulang(req: SimRequest) -> Reply:
    state = req.state
    month = month_of(req.params["bulan"], req.params["tahun"])
    if month is None:
        return not_found("Format bulan atau tahun tidak sesuai")
    needle = req.params.get("filter_text", "").lower()
    rows = [
        row
        for row in state.tgl_pulang_updates
        if row["tglSep"].startswith(month)
        and (
            not needle
            or needle in row["noSep"].lower()
            or needle in row["noKartu"]
            or needle in str(row["nama"]).lower()
        )
    ]
    return listing(rows, "list")


# -- internal referrals ------------------------------------------------------------------


@route("sep.list_internal")
async def list_internal(req: SimRequest) -> Reply:
    state = req.state
    items = state.internal.get(req.params["no_sep"])
    if not items:
        return not_found("Data Tidak Ditemukan")
    return Reply(payload={"count": str(len(items)), "list": items})


@route("sep.delete_internal")
async def delete_internal(req: SimRequest) -> Reply:
    state = req.state
    t_sep = unwrap(
        req.body,
        "request",
        "t_sep",
        need=("noSep", "noSurat", "tglRujukanInternal", "kdPoliTuj", "user"),
    )
    if isinstance(t_sep, Reply):
        return t_sep
    items = state.internal.get(t_sep["noSep"], [])
    for item in items:
        if (
            item["nosurat"] == t_sep["noSurat"]
            and item["kdpolituj"] == t_sep["kdPoliTuj"]
            and item["tglrujukinternal"] == t_sep["tglRujukanInternal"]
        ):
            items.remove(item)
            return Reply(payload=t_sep["noSep"], plain=True)
    return not_found("Data SEP Internal Tidak Ditemukan")


# -- fingerprints ------------------------------------------------------------------------


@route("sep.get_finger_print")
async def finger_print(req: SimRequest) -> Reply:
    state = req.state
    if bad_date(req.params["tgl_pelayanan"]):
        return not_found("Format tanggal tidak sesuai")
    if state.participant(req.params["no_kartu"]) is None:
        return not_found("No.Kartu Tidak Sesuai")
    if (req.params["no_kartu"], req.params["tgl_pelayanan"]) in state.fingerprints:
        return Reply(payload={"kode": "1", "status": "Peserta sudah melakukan validasi"})
    return Reply(payload={"kode": "0", "status": "Peserta belum melakukan validasi"})


@route("sep.list_finger_print")
async def list_finger_print(req: SimRequest) -> Reply:
    state = req.state
    if bad_date(req.params["tgl_pelayanan"]):
        return not_found("Format tanggal tidak sesuai")
    rows = [
        {"noKartu": card, "noSEP": no_sep}
        for (card, tgl), no_sep in state.fingerprints.items()
        if tgl == req.params["tgl_pelayanan"]
    ]
    return listing(rows, "list")


@route("sep.get_random_question")
async def random_question(req: SimRequest) -> Reply:
    state = req.state
    peserta = state.participant(req.params["no_kartu"])
    if peserta is None:
        return not_found("No.Kartu Tidak Sesuai")
    own = (peserta.get("provUmum") or {}).get("kdProvider")
    choices = [
        {"kode": kode, "nama": nama}
        for kode, nama, jenis in data.FASKES
        if jenis == "1" and kode != own
    ][:3]
    if own:
        # The right answer's position varies by participant, as a quiz's should.
        own_name = (peserta.get("provUmum") or {}).get("nmProvider") or own
        choices.insert(
            len(peserta.get("nama") or "") % (len(choices) + 1), {"kode": own, "nama": own_name}
        )
    return Reply(payload={"faskes": choices})


@route("sep.insert_random_answer")
async def random_answer(req: SimRequest) -> Reply:
    state = req.state
    t_sep = unwrap(req.body, "request", "t_sep")
    if isinstance(t_sep, Reply):
        return t_sep
    refused = missing(
        t_sep, "noKartu", "tglSep", "jenPel", "ppkPelSep", "tglLahir", "ppkPst", "user"
    )
    if refused is not None:
        return refused
    peserta = state.participant(t_sep["noKartu"])
    if peserta is None:
        return not_found("No.Kartu Tidak Sesuai")
    right = peserta.get("tglLahir") == t_sep["tglLahir"] and (
        (peserta.get("provUmum") or {}).get("kdProvider") == t_sep["ppkPst"]
    )
    if right:
        state.add_fingerprint(t_sep["noKartu"], t_sep["tglSep"])
    return plain_or_encrypted(state, "True" if right else "False")
