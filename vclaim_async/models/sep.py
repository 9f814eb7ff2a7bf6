"""SEP (Surat Eligibilitas Peserta): request bodies and answers.

Request bodies are built in two layers. The inner Struct holds the fields BPJS documents
(``SepInsert``, ``SepUpdate``, ...); the endpoint's request class adds the wrappers, so
``msgspec.json.encode(SepInsertRequest(request=TSep(t_sep=body)))`` gives exactly
``{"request": {"t_sep": {...}}}``. Dates in request bodies are ``yyyy-MM-dd`` strings.

Answers that are plain strings (update, delete, pengajuan, approval, random answer: a noSep,
a noKartu or ``"True"``/``"False"``) and ``null`` answers (update tanggal pulang) need no model.
"""

from __future__ import annotations

import datetime
from typing import Generic, TypeVar

import msgspec

from .. import _validate
from ._base import Response
from ._request import DateField, FlagField, Request
from .enums import AsalRujukan, KlsRawatHak, KlsRawatNaik, LakaLantas, Pembiayaan
from .referensi import KodeNama

__all__ = [
    "ApprovalSepRequest",
    "FingerPrint",
    "FingerPrintList",
    "FingerPrintStatus",
    "InsertedSep",
    "Jaminan",
    "JaminanUpdate",
    "KllInduk",
    "KllIndukList",
    "KlsRawat",
    "LandedSeps",
    "LokasiKejadian",
    "LokasiLaka",
    "PengajuanSep",
    "PengajuanSepRequest",
    "Penjamin",
    "PersetujuanSep",
    "PersetujuanSepList",
    "PesertaSep",
    "PesertaSingkat",
    "Poli",
    "RandomAnswer",
    "RandomAnswerRequest",
    "RandomQuestionFaskesList",
    "SepCob",
    "SepDelete",
    "SepDeleteRequest",
    "SepDetail",
    "SepDpjp",
    "SepInacbg",
    "SepInformasi",
    "SepInsert",
    "SepInsertRequest",
    "SepInsertResult",
    "SepInternal",
    "SepInternalDelete",
    "SepInternalDeleteRequest",
    "SepInternalList",
    "SepKatarak",
    "SepKlsRawat",
    "SepKodeNama",
    "SepKontrol",
    "SepRequest",
    "SepRujukan",
    "SepSuplesi",
    "SepUpdate",
    "SepUpdateRequest",
    "Skdp",
    "SuplesiJaminan",
    "SuplesiJasaRaharjaList",
    "TSep",
    "UpdateTglPulang",
    "UpdateTglPulangItem",
    "UpdateTglPulangList",
    "UpdateTglPulangRequest",
]

_B = TypeVar("_B")

# Struct options do not reach subclasses for mypy (frozen) or msgspec (kw_only): repeat them.

# --------------------------------------------------------------------------------------------
# Request wrappers


class TSep(Request, Generic[_B], kw_only=True):
    """The ``{"t_sep": ...}`` layer of every SEP write."""

    t_sep: _B = msgspec.field(name="t_sep")


class SepRequest(Request, Generic[_B], kw_only=True):
    """A whole SEP write body, ``{"request": {"t_sep": ...}}``."""

    request: TSep[_B]


# --------------------------------------------------------------------------------------------
# Request bodies: parts


class KlsRawat(Request, kw_only=True):
    """``klsRawat``: hak kelas; the other three are filled only when naik kelas.

    Codes may be enum members or their values; moving up a class needs ``pembiayaan`` and
    ``penanggung_jawab``.
    """

    kls_rawat_hak: str
    kls_rawat_naik: str = ""
    pembiayaan: str = ""
    penanggung_jawab: str = ""

    def __post_init__(self) -> None:
        self.kls_rawat_hak = _validate.code(KlsRawatHak, self.kls_rawat_hak, "kls_rawat_hak")
        self.kls_rawat_naik = _validate.optional_code(
            KlsRawatNaik, self.kls_rawat_naik, "kls_rawat_naik"
        )
        self.pembiayaan = _validate.optional_code(Pembiayaan, self.pembiayaan, "pembiayaan")
        super().__post_init__()
        if self.kls_rawat_naik and not (self.pembiayaan and self.penanggung_jawab.strip()):
            raise ValueError("moving up a class needs kls_rawat.pembiayaan and penanggung_jawab")


class SepRujukan(Request, kw_only=True):
    """``rujukan``: the referral the SEP is issued on."""

    asal_rujukan: str
    tgl_rujukan: DateField
    no_rujukan: str
    ppk_rujukan: str

    def __post_init__(self) -> None:
        self.asal_rujukan = _validate.code(AsalRujukan, self.asal_rujukan, "rujukan.asal_rujukan")
        super().__post_init__()


class Poli(Request, kw_only=True):
    """``poli``: kode poli tujuan and whether it is the executive clinic."""

    tujuan: str
    eksekutif: FlagField = False


class SepCob(Request, kw_only=True):
    """``cob``: True when the participant has coordination-of-benefit cover."""

    cob: FlagField = False


class SepKatarak(Request, kw_only=True):
    """``katarak``: True for a cataract service."""

    katarak: FlagField = False


class LokasiLaka(Request, kw_only=True):
    """``lokasiLaka``: where the accident happened (codes from referensi)."""

    kode_propinsi: str = msgspec.field(default="", name="kdPropinsi")
    kode_kabupaten: str = msgspec.field(default="", name="kdKabupaten")
    kode_kecamatan: str = msgspec.field(default="", name="kdKecamatan")


class SepSuplesi(Request, kw_only=True):
    """``suplesi``: links this SEP to an earlier accident SEP (``suplesi=True``)."""

    suplesi: FlagField = False
    no_sep_suplesi: str = ""
    lokasi_laka: LokasiLaka = msgspec.field(default_factory=LokasiLaka)


class Penjamin(Request, kw_only=True):
    """``penjamin``: accident details (2.0 has no ``penjamin.penjamin`` code any more)."""

    tgl_kejadian: DateField = ""
    keterangan: str = ""
    suplesi: SepSuplesi = msgspec.field(default_factory=SepSuplesi)


class Jaminan(Request, kw_only=True):
    """``jaminan`` of an insert: accident type, police report number, details.

    An accident (``laka_lantas`` 1-3) needs ``penjamin.tgl_kejadian``.
    """

    laka_lantas: str = "0"
    no_lp: str = msgspec.field(default="", name="noLP")
    penjamin: Penjamin = msgspec.field(default_factory=Penjamin)

    def __post_init__(self) -> None:
        self.laka_lantas = _validate.code(LakaLantas, self.laka_lantas, "jaminan.laka_lantas")
        super().__post_init__()
        _check_accident(self.laka_lantas, self.penjamin)


class JaminanUpdate(Request, kw_only=True):
    """``jaminan`` of an update: as :class:`Jaminan` but without ``noLP``."""

    laka_lantas: str = "0"
    penjamin: Penjamin = msgspec.field(default_factory=Penjamin)

    def __post_init__(self) -> None:
        self.laka_lantas = _validate.code(LakaLantas, self.laka_lantas, "jaminan.laka_lantas")
        super().__post_init__()
        _check_accident(self.laka_lantas, self.penjamin)


class Skdp(Request, kw_only=True):
    """``skdp``: surat kontrol / SKDP number and the DPJP who wrote it."""

    no_surat: str = ""
    kode_dpjp: str = msgspec.field(default="", name="kodeDPJP")


def _check_accident(laka: str, penjamin: Penjamin) -> None:
    if laka != LakaLantas.BKLL.value and not penjamin.tgl_kejadian:
        raise ValueError("an accident SEP (laka_lantas 1-3) needs jaminan.penjamin.tgl_kejadian")


# --------------------------------------------------------------------------------------------
# Request bodies: the t_sep contents


class SepInsert(Request, kw_only=True):
    """``t_sep`` of ``POST SEP/2.0/insert``."""

    no_kartu: str
    tgl_sep: DateField
    ppk_pelayanan: str
    jns_pelayanan: str
    kls_rawat: KlsRawat
    no_mr: str = msgspec.field(name="noMR")
    rujukan: SepRujukan
    catatan: str = ""
    diag_awal: str
    poli: Poli
    cob: SepCob = msgspec.field(default_factory=SepCob)
    katarak: SepKatarak = msgspec.field(default_factory=SepKatarak)
    jaminan: Jaminan = msgspec.field(default_factory=Jaminan)
    tujuan_kunj: str = "0"
    flag_procedure: str = ""
    kode_penunjang: str = msgspec.field(default="", name="kdPenunjang")
    assesment_pel: str = ""
    skdp: Skdp = msgspec.field(default_factory=Skdp)
    dpjp_layan: str = ""
    no_telp: str
    user: str


class SepUpdate(Request, kw_only=True):
    """``t_sep`` of ``PUT SEP/2.0/update``."""

    no_sep: str
    kls_rawat: KlsRawat
    no_mr: str = msgspec.field(name="noMR")
    catatan: str = ""
    diag_awal: str
    poli: Poli
    cob: SepCob = msgspec.field(default_factory=SepCob)
    katarak: SepKatarak = msgspec.field(default_factory=SepKatarak)
    jaminan: JaminanUpdate = msgspec.field(default_factory=JaminanUpdate)
    dpjp_layan: str = ""
    no_telp: str
    user: str


class SepDelete(Request, kw_only=True):
    """``t_sep`` of ``DELETE SEP/2.0/delete``."""

    no_sep: str
    user: str


class PengajuanSep(Request, kw_only=True):
    """``t_sep`` of ``POST Sep/pengajuanSEP`` and ``POST Sep/aprovalSEP``."""

    no_kartu: str
    tgl_sep: DateField
    jns_pelayanan: str
    jns_pengajuan: str
    keterangan: str = ""
    user: str


class UpdateTglPulang(Request, kw_only=True):
    """``t_sep`` of ``PUT SEP/2.0/updtglplg``; death fields only when statusPulang is 4."""

    no_sep: str
    status_pulang: str
    no_surat_meninggal: str = ""
    tgl_meninggal: DateField = ""
    tgl_pulang: DateField
    no_lp_manual: str = msgspec.field(default="", name="noLPManual")
    user: str


class SepInternalDelete(Request, kw_only=True):
    """``t_sep`` of ``DELETE SEP/Internal/delete``."""

    no_sep: str
    no_surat: str
    tgl_rujukan_internal: DateField
    kode_poli_tujuan: str = msgspec.field(name="kdPoliTuj")
    user: str


class RandomAnswer(Request, kw_only=True):
    """``t_sep`` of ``POST SEP/FingerPrint/randomanswer``."""

    no_kartu: str
    tgl_sep: DateField
    jen_pel: str
    ppk_pel_sep: str
    tgl_lahir: DateField
    ppk_pst: str
    user: str


# --------------------------------------------------------------------------------------------
# Request bodies: whole bodies, one class per endpoint


class SepInsertRequest(SepRequest[SepInsert], kw_only=True):
    """Body of ``POST SEP/2.0/insert``."""


class SepUpdateRequest(SepRequest[SepUpdate], kw_only=True):
    """Body of ``PUT SEP/2.0/update``."""


class SepDeleteRequest(SepRequest[SepDelete], kw_only=True):
    """Body of ``DELETE SEP/2.0/delete``."""


class PengajuanSepRequest(SepRequest[PengajuanSep], kw_only=True):
    """Body of ``POST Sep/pengajuanSEP``."""


class ApprovalSepRequest(SepRequest[PengajuanSep], kw_only=True):
    """Body of ``POST Sep/aprovalSEP``."""


class UpdateTglPulangRequest(SepRequest[UpdateTglPulang], kw_only=True):
    """Body of ``PUT SEP/2.0/updtglplg``."""


class SepInternalDeleteRequest(SepRequest[SepInternalDelete], kw_only=True):
    """Body of ``DELETE SEP/Internal/delete``."""


class RandomAnswerRequest(SepRequest[RandomAnswer], kw_only=True):
    """Body of ``POST SEP/FingerPrint/randomanswer``."""


# --------------------------------------------------------------------------------------------
# Answers


class PesertaSingkat(Response, frozen=True, kw_only=True):
    """The short participant block inside SEP and rujukan answers."""

    # Null in SEP detail (asuransi) and rujukan insert (hakKelas) answers, per ssecd/jkn.
    asuransi: str | None = None
    hak_kelas: str | None = None
    jns_peserta: str
    kelamin: str
    nama: str
    no_kartu: str
    no_mr: str
    tgl_lahir: datetime.date


class SepInformasi(Response, frozen=True, kw_only=True):
    """``informasi`` of an SEP: social-assistance and programme flags."""

    # ``string | null`` in ssecd/jkn's types; eSEP is missing from the 1.1 insert answer.
    dinsos: str | None = None
    e_sep: str | None = msgspec.field(default=None, name="eSEP")
    no_sktm: str | None = msgspec.field(default=None, name="noSKTM")
    prolanis_prb: str | None = msgspec.field(default=None, name="prolanisPRB")


class InsertedSep(Response, frozen=True, kw_only=True):
    """The ``sep`` object returned by ``SEP/2.0/insert``."""

    no_sep: str
    tgl_sep: datetime.date
    jns_pelayanan: str
    kelas_rawat: str
    diagnosa: str
    no_rujukan: str
    poli: str
    # kdPoli, informasi and the v2 codes are absent when an insert settled by reconciliation
    # is rebuilt from the SEP detail, which does not carry them in this shape.
    kd_poli: str | None = None
    poli_eksekutif: str
    catatan: str
    # Null unless the SEP is for an accident (SEP detail samples show null).
    penjamin: str | None = None
    peserta: PesertaSingkat
    informasi: SepInformasi | None = None
    tujuan_kunj: str | None = None
    flag_procedure: str | None = None
    kd_penunjang: str | None = None
    assestmen_pel: str | None = None


class LandedSeps(msgspec.Struct, frozen=True, kw_only=True):
    """What the participant's history says about one visit (``sep.get_landed``).

    ``matches`` are the visit's SEPs (same card, day, service type and referral; the clinic
    does not contradict it); ``candidates`` are other SEPs of the same card, day and service
    type, which could still be this visit under another referral or clinic spelling. Send the
    insert again only when both are empty.
    """

    matches: tuple[str, ...] = ()  # SEP numbers the history shows for this very visit
    candidates: tuple[str, ...] = ()  # same card, day and service type: could be this visit


class SepInsertResult(Response, frozen=True, kw_only=True):
    """``POST SEP/2.0/insert`` answer, ``{"sep": {...}}``."""

    sep: InsertedSep


class LokasiKejadian(Response, frozen=True, kw_only=True):
    """``lokasiKejadian`` of an SEP; all null when the SEP is not an accident."""

    kd_prop: str | None = None
    kd_kab: str | None = None
    kd_kec: str | None = None
    ket_kejadian: str | None = None
    lokasi: str | None = None
    tgl_kejadian: datetime.date | None = None


class SepDpjp(Response, frozen=True, kw_only=True):
    """``dpjp`` of an SEP: the attending specialist."""

    # Null like the whole ``dpjp`` when an inpatient SEP names no DPJP (see SepDetail).
    kd_dpjp: str | None = msgspec.field(default=None, name="kdDPJP")
    nm_dpjp: str | None = msgspec.field(default=None, name="nmDPJP")


class SepKlsRawat(Response, frozen=True, kw_only=True):
    """``klsRawat`` of an SEP."""

    kls_rawat_hak: str
    # Null unless the class was raised (naik kelas): samples and ssecd/jkn's types.
    kls_rawat_naik: str | None = None
    pembiayaan: str | None = None
    penanggung_jawab: str | None = None


class SepKontrol(Response, frozen=True, kw_only=True):
    """``kontrol`` of an SEP: the surat kontrol it was issued on."""

    # Null unless the SEP was issued on a surat kontrol.
    kd_dokter: str | None = None
    nm_dokter: str | None = None
    no_surat: str | None = None


class SepKodeNama(Response, frozen=True, kw_only=True):
    """A coded field of an SEP detail; both null when it does not apply (``flagProcedure``)."""

    kode: str | None = None
    nama: str | None = None


class SepDetail(Response, frozen=True, kw_only=True):
    """``GET SEP/{noSep}`` and ``GET Rujukan/lastsep/norujukan/{noRujukan}`` answer.

    The payload is the SEP object itself. BPJS spells ``assestmenPel`` here (with ``t``),
    unlike the request's ``assesmentPel``.
    """

    no_sep: str
    tgl_sep: datetime.date
    jns_pelayanan: str
    kelas_rawat: str
    diagnosa: str
    no_rujukan: str
    poli: str
    poli_eksekutif: str
    catatan: str
    # Null unless the SEP is for an accident (samples show null).
    penjamin: str | None = None
    kd_status_kecelakaan: str
    nmstatus_kecelakaan: str = msgspec.field(name="nmstatusKecelakaan")
    lokasi_kejadian: LokasiKejadian
    # An inpatient SEP is issued without dpjpLayan, so BPJS may have no DPJP to name.
    dpjp: SepDpjp | None = None
    peserta: PesertaSingkat
    kls_rawat: SepKlsRawat
    # Only an SEP issued on a surat kontrol has one.
    kontrol: SepKontrol | None = None
    cob: str
    katarak: str
    tujuan_kunj: SepKodeNama
    # Null (not an object) on a Normal visit in answers seen by public clients; only a
    # procedure or a consultation visit carries them (docs/writing-seps.md, catalog notes).
    flag_procedure: SepKodeNama | None = None
    kd_penunjang: SepKodeNama | None = None
    assestmen_pel: SepKodeNama | None = None
    # Not in ssecd/jkn's type of this answer; seen as an object or a string elsewhere.
    informasi: SepInformasi | str | None = None
    e_sep: str = msgspec.field(name="eSEP")


class SuplesiJaminan(Response, frozen=True, kw_only=True):
    """One potential Jasa Raharja supplement."""

    no_register: str
    no_sep: str
    no_sep_awal: str
    no_surat_jaminan: str
    tgl_kejadian: datetime.date
    tgl_sep: datetime.date


class SuplesiJasaRaharjaList(Response, frozen=True, kw_only=True):
    """``GET sep/JasaRaharja/Suplesi/{noKartu}/tglPelayanan/{tgl}`` answer."""

    jaminan: list[SuplesiJaminan]


class KllInduk(Response, frozen=True, kw_only=True):
    """One index traffic-accident SEP."""

    no_sep: str = msgspec.field(name="noSEP")
    tgl_kejadian: datetime.date
    ppk_pel_sep: str = msgspec.field(name="ppkPelSEP")
    kd_prop: str
    kd_kab: str
    kd_kec: str
    ket_kejadian: str
    # Only when a supplement SEP was issued on this accident.
    no_sep_suplesi: str | None = msgspec.field(default=None, name="noSEPSuplesi")


class KllIndukList(Response, frozen=True, kw_only=True):
    """``GET sep/KllInduk/List/{noKartu}`` answer."""

    items: list[KllInduk] = msgspec.field(name="list")


class PersetujuanSep(Response, frozen=True, kw_only=True):
    """One SEP approval request (BPJS writes ``tglsep``/``jnspelayanan`` in lower case)."""

    no_kartu: str
    nama: str
    tgl_sep: datetime.date = msgspec.field(name="tglsep")
    jns_pelayanan: str = msgspec.field(name="jnspelayanan")
    persetujuan: str
    status: str


class PersetujuanSepList(Response, frozen=True, kw_only=True):
    """``GET Sep/persetujuanSEP/list/bulan/{MM}/tahun/{YYYY}`` answer."""

    items: list[PersetujuanSep] = msgspec.field(name="list")


class UpdateTglPulangItem(Response, frozen=True, kw_only=True):
    """One discharge-date update; ``tglPulang``/``tglMeninggal`` kept as sent."""

    no_sep: str
    no_sep_updating: str
    jns_pelayanan: str
    ppk_tujuan: str
    no_kartu: str
    nama: str
    tgl_sep: datetime.date
    tgl_pulang: str
    status: str
    # Death fields are filled only when statusPulang is 4.
    tgl_meninggal: str | None = None
    no_surat: str | None = None
    keterangan: str
    user: str


class UpdateTglPulangList(Response, frozen=True, kw_only=True):
    """``GET Sep/updtglplg/list/bulan/{bulan}/tahun/{tahun}/{filter}`` answer."""

    items: list[UpdateTglPulangItem] = msgspec.field(name="list")


class PesertaSep(Response, frozen=True, kw_only=True):
    """``pesertasep`` of the INACBG lookup."""

    kelamin: str
    kls_rawat: str
    nama: str
    no_kartu_bpjs: str
    no_mr: str
    no_rujukan: str
    tgl_lahir: datetime.date
    tgl_pelayanan: datetime.date
    tkt_pelayanan: str


class SepInacbg(Response, frozen=True, kw_only=True):
    """``GET sep/cbg/{noSep}`` answer (sent unencrypted), ``{"pesertasep": {...}}``."""

    peserta_sep: PesertaSep = msgspec.field(name="pesertasep")


class SepInternal(Response, frozen=True, kw_only=True):
    """One internal referral SEP; BPJS writes these keys all in lower case."""

    tujuan_rujuk: str = msgspec.field(name="tujuanrujuk")
    nm_tujuan_rujuk: str = msgspec.field(name="nmtujuanrujuk")
    nm_poli_asal: str = msgspec.field(name="nmpoliasal")
    tgl_rujuk_internal: datetime.date = msgspec.field(name="tglrujukinternal")
    no_sep: str = msgspec.field(name="nosep")
    no_sep_ref: str = msgspec.field(name="nosepref")
    ppk_pel_sep: str = msgspec.field(name="ppkpelsep")
    noka_pst: str = msgspec.field(name="nokapst")
    tgl_sep: datetime.date = msgspec.field(name="tglsep")
    no_surat: str = msgspec.field(name="nosurat")
    flag_internal: str = msgspec.field(name="flaginternal")
    kd_poli_asal: str = msgspec.field(name="kdpoliasal")
    kd_poli_tuj: str = msgspec.field(name="kdpolituj")
    kd_penunjang: str = msgspec.field(name="kdpenunjang")
    # ``string | null`` in ssecd/jkn's type, as is flagprosedur.
    nm_penunjang: str | None = msgspec.field(default=None, name="nmpenunjang")
    diag_ppk: str = msgspec.field(name="diagppk")
    kd_dokter: str = msgspec.field(name="kddokter")
    nm_dokter: str = msgspec.field(name="nmdokter")
    flag_prosedur: str | None = msgspec.field(default=None, name="flagprosedur")
    opsi_konsul: str = msgspec.field(name="opsikonsul")
    flag_sep: str = msgspec.field(name="flagsep")
    f_user: str = msgspec.field(name="fuser")
    f_date: str = msgspec.field(name="fdate")
    nm_diag: str = msgspec.field(name="nmdiag")


class SepInternalList(Response, frozen=True, kw_only=True):
    """``GET SEP/Internal/{noSep}`` answer, ``{"count": ..., "list": [...]}``."""

    count: str | int
    items: list[SepInternal] = msgspec.field(name="list")


class FingerPrintStatus(Response, frozen=True, kw_only=True):
    """``GET SEP/FingerPrint/Peserta/{noKartu}/TglPelayanan/{tgl}`` answer.

    ``kode`` is ``"1"`` when the fingerprint is validated, ``"0"`` when not.
    """

    kode: str
    status: str


class FingerPrint(Response, frozen=True, kw_only=True):
    """One fingerprinted participant."""

    no_kartu: str
    no_sep: str = msgspec.field(name="noSEP")


class FingerPrintList(Response, frozen=True, kw_only=True):
    """``GET SEP/FingerPrint/List/Peserta/TglPelayanan/{tgl}`` answer."""

    items: list[FingerPrint] = msgspec.field(name="list")


class RandomQuestionFaskesList(Response, frozen=True, kw_only=True):
    """``GET SEP/FingerPrint/randomquestion/faskesterdaftar/nokapst/{noKartu}/tglsep/{tgl}``."""

    faskes: list[KodeNama]
