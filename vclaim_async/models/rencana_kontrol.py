"""Rencana kontrol and SPRI: request bodies and answers.

Unlike the other areas, these bodies carry no ``t_...`` layer: they are
``{"request": {noSEP, kodeDokter, ...}}``. Build the inner Struct and wrap it,
``RencanaKontrolInsertRequest(request=body)``. Delete is the exception,
``{"request": {"t_suratkontrol": {...}}}`` (:class:`RencanaKontrolDeleteRequest`).
Dates in request bodies are ``yyyy-MM-dd`` strings.

The v2 insert/update add ``formPRB``, a PRB assessment whose ``data`` values are numbers or
``null``; every key is sent, ``null`` when not measured. Delete answers ``null``.
"""

from __future__ import annotations

import datetime
from typing import Generic, TypeAlias, TypeVar

import msgspec

from .. import _validate
from ._base import Response
from ._request import DateField, Request
from .enums import PenyakitPrb
from .peserta import ProvUmum

__all__ = [
    "FormPrb",
    "FormPrbData",
    "FormPrbDetail",
    "FormPrbDetailData",
    "JadwalDokter",
    "JadwalDokterList",
    "KontrolPeserta",
    "PoliKontrol",
    "PoliKontrolList",
    "ProvPerujuk",
    "RencanaKontrolDeleteRequest",
    "RencanaKontrolInsert",
    "RencanaKontrolInsertRequest",
    "RencanaKontrolInsertV2",
    "RencanaKontrolInsertV2Request",
    "RencanaKontrolItem",
    "RencanaKontrolList",
    "RencanaKontrolRequest",
    "RencanaKontrolSep",
    "RencanaKontrolUpdate",
    "RencanaKontrolUpdateRequest",
    "RencanaKontrolUpdateV2",
    "RencanaKontrolUpdateV2Request",
    "SpriInsert",
    "SpriInsertRequest",
    "SpriResult",
    "SpriUpdate",
    "SpriUpdateRequest",
    "SuratKontrolDelete",
    "SuratKontrolDetail",
    "SuratKontrolResult",
    "SuratKontrolResultV2",
    "TSuratKontrol",
]

_B = TypeVar("_B")

# Struct options do not reach subclasses for mypy (frozen) or msgspec (kw_only): repeat them.

# A PRB measurement: a number, or null when not measured.
_Num: TypeAlias = int | float | None
# In answers BPJS may also send a measurement as a numeric string.
_NumText: TypeAlias = int | float | str | None

# --------------------------------------------------------------------------------------------
# Request wrappers


class RencanaKontrolRequest(Request, Generic[_B], kw_only=True):
    """A whole rencana kontrol write body, ``{"request": ...}`` with no ``t_...`` layer."""

    request: _B


class SuratKontrolDelete(Request, kw_only=True):
    """``t_suratkontrol`` of ``DELETE RencanaKontrol/Delete``."""

    no_surat_kontrol: str
    user: str


class TSuratKontrol(Request, kw_only=True):
    """The ``{"t_suratkontrol": ...}`` layer that only Delete has."""

    t_suratkontrol: SuratKontrolDelete = msgspec.field(name="t_suratkontrol")


# --------------------------------------------------------------------------------------------
# Request bodies


class FormPrbData(Request, kw_only=True):
    """``formPRB.data``: PRB measurements (valid ranges in the comments)."""

    hba1c: _Num = msgspec.field(default=None, name="HBA1C")  # 0.1-15
    gdp: _Num = msgspec.field(default=None, name="GDP")  # gula darah puasa, 10-500
    gd2jpp: _Num = msgspec.field(default=None, name="GD2JPP")  # GD 2 jam PP, 10-500
    e_gfr: _Num = msgspec.field(default=None, name="eGFR")  # 5-150
    td_sistolik: _Num = msgspec.field(default=None, name="TD_Sistolik")  # 20-200
    td_diastolik: _Num = msgspec.field(default=None, name="TD_Diastolik")  # 20-200
    ldl: _Num = msgspec.field(default=None, name="LDL")  # 20-500
    rata_td_sistolik: _Num = msgspec.field(default=None, name="Rata_TD_Sistolik")  # 20-200
    rata_td_diastolik: _Num = msgspec.field(default=None, name="Rata_TD_Diastolik")  # 20-200
    jantung_koroner: _Num = msgspec.field(default=None, name="JantungKoroner")  # 0/1
    stroke: _Num = msgspec.field(default=None, name="Stroke")  # 0/1
    vaskular_perifer: _Num = msgspec.field(default=None, name="VaskularPerifer")  # 0/1
    aritmia: _Num = msgspec.field(default=None, name="Aritmia")  # 0/1
    atrial_fibrilasi: _Num = msgspec.field(default=None, name="AtrialFibrilasi")  # 0/1
    nadi_istirahat: _Num = msgspec.field(default=None, name="NadiIstirahat")  # 20-200
    sesak_napas_3_bulan: _Num = msgspec.field(default=None, name="SesakNapas3Bulan")  # 0/1
    nyeri_dada_3_bulan: _Num = msgspec.field(default=None, name="NyeriDada3Bulan")  # 0/1
    sesak_napas_aktivitas: _Num = msgspec.field(default=None, name="SesakNapasAktivitas")  # 0/1
    nyeri_dada_aktivitas: _Num = msgspec.field(default=None, name="NyeriDadaAktivitas")  # 0/1
    terkontrol: _Num = msgspec.field(default=None, name="Terkontrol")  # 0/1
    gejala_2x_minggu: _Num = msgspec.field(default=None, name="Gejala2xMinggu")  # 0/1
    bangun_malam: _Num = msgspec.field(default=None, name="BangunMalam")  # 0/1
    keterbatasan_fisik: _Num = msgspec.field(default=None, name="KeterbatasanFisik")  # 0/1
    fungsi_paru: _Num = msgspec.field(default=None, name="FungsiParu")  # 0-100
    skor_mmrc: _Num = msgspec.field(default=None, name="SkorMMRC")  # 0-40
    eksaserbasi_1_tahun: _Num = msgspec.field(default=None, name="Eksaserbasi1Tahun")  # 0/1
    mampu_aktivitas: _Num = msgspec.field(default=None, name="MampuAktivitas")  # 0/1
    epileptik_6_bulan: _Num = msgspec.field(default=None, name="Epileptik6Bulan")  # 0/1
    efek_samping_oab: _Num = msgspec.field(default=None, name="EfekSampingOAB")  # 0/1
    hamil_menyusui: _Num = msgspec.field(default=None, name="HamilMenyusui")  # 0/1
    remisi: _Num = msgspec.field(default=None, name="Remisi")  # 0-100
    terapi_rumatan: _Num = msgspec.field(default=None, name="TerapiRumatan")  # 0/1
    usia: _Num = msgspec.field(default=None, name="Usia")  # 1-100
    asam_urat: _Num = msgspec.field(default=None, name="AsamUrat")  # 0.1-20
    remisi_sle: _Num = msgspec.field(default=None, name="RemisiSLE")  # 0-100
    hamil: _Num = msgspec.field(default=None, name="Hamil")  # 0/1


class FormPrb(Request, kw_only=True):
    """``formPRB`` of the v2 bodies: kode penyakit PRB (``"01"``..``"09"``) and the data."""

    kode_status_prb: str | None = msgspec.field(default=None, name="kdStatusPRB")
    data: FormPrbData = msgspec.field(default_factory=FormPrbData)

    def __post_init__(self) -> None:
        if self.kode_status_prb is not None:
            self.kode_status_prb = _validate.code(
                PenyakitPrb, self.kode_status_prb, "form_prb.kode_status_prb"
            )
        super().__post_init__()


class RencanaKontrolInsert(Request, kw_only=True):
    """Body of ``POST RencanaKontrol/insert``; tglRencanaKontrol is the SPRI date for RI."""

    no_sep: str = msgspec.field(name="noSEP")
    kode_dokter: str
    poli_kontrol: str
    tgl_rencana_kontrol: DateField
    user: str


class RencanaKontrolInsertV2(Request, kw_only=True):
    """Body of ``POST RencanaKontrol/v2/Insert``."""

    no_sep: str = msgspec.field(name="noSEP")
    kode_dokter: str
    poli_kontrol: str
    tgl_rencana_kontrol: DateField
    user: str
    form_prb: FormPrb = msgspec.field(default_factory=FormPrb, name="formPRB")


class RencanaKontrolUpdate(Request, kw_only=True):
    """Body of ``PUT RencanaKontrol/Update``."""

    no_surat_kontrol: str
    no_sep: str = msgspec.field(name="noSEP")
    kode_dokter: str
    poli_kontrol: str
    tgl_rencana_kontrol: DateField
    user: str


class RencanaKontrolUpdateV2(Request, kw_only=True):
    """Body of ``PUT RencanaKontrol/v2/Update``."""

    no_surat_kontrol: str
    no_sep: str = msgspec.field(name="noSEP")
    kode_dokter: str
    poli_kontrol: str
    tgl_rencana_kontrol: DateField
    user: str
    form_prb: FormPrb = msgspec.field(default_factory=FormPrb, name="formPRB")


class SpriInsert(Request, kw_only=True):
    """Body of ``POST RencanaKontrol/InsertSPRI``."""

    no_kartu: str
    kode_dokter: str
    poli_kontrol: str
    tgl_rencana_kontrol: DateField
    user: str


class SpriUpdate(Request, kw_only=True):
    """Body of ``PUT RencanaKontrol/UpdateSPRI``."""

    no_spri: str = msgspec.field(name="noSPRI")
    kode_dokter: str
    poli_kontrol: str
    tgl_rencana_kontrol: DateField
    user: str


class RencanaKontrolInsertRequest(RencanaKontrolRequest[RencanaKontrolInsert], kw_only=True):
    """Body of ``POST RencanaKontrol/insert``."""


class RencanaKontrolInsertV2Request(RencanaKontrolRequest[RencanaKontrolInsertV2], kw_only=True):
    """Body of ``POST RencanaKontrol/v2/Insert``."""


class RencanaKontrolUpdateRequest(RencanaKontrolRequest[RencanaKontrolUpdate], kw_only=True):
    """Body of ``PUT RencanaKontrol/Update``."""


class RencanaKontrolUpdateV2Request(RencanaKontrolRequest[RencanaKontrolUpdateV2], kw_only=True):
    """Body of ``PUT RencanaKontrol/v2/Update``."""


class RencanaKontrolDeleteRequest(RencanaKontrolRequest[TSuratKontrol], kw_only=True):
    """Body of ``DELETE RencanaKontrol/Delete``."""


class SpriInsertRequest(RencanaKontrolRequest[SpriInsert], kw_only=True):
    """Body of ``POST RencanaKontrol/InsertSPRI``."""


class SpriUpdateRequest(RencanaKontrolRequest[SpriUpdate], kw_only=True):
    """Body of ``PUT RencanaKontrol/UpdateSPRI``."""


# --------------------------------------------------------------------------------------------
# Answers


class FormPrbDetailData(Response, frozen=True, kw_only=True):
    """``formPRB.data`` as BPJS returns it."""

    hba1c: _NumText = msgspec.field(default=None, name="HBA1C")  # 0.1-15
    gdp: _NumText = msgspec.field(default=None, name="GDP")  # gula darah puasa, 10-500
    gd2jpp: _NumText = msgspec.field(default=None, name="GD2JPP")  # GD 2 jam PP, 10-500
    e_gfr: _NumText = msgspec.field(default=None, name="eGFR")  # 5-150
    td_sistolik: _NumText = msgspec.field(default=None, name="TD_Sistolik")  # 20-200
    td_diastolik: _NumText = msgspec.field(default=None, name="TD_Diastolik")  # 20-200
    ldl: _NumText = msgspec.field(default=None, name="LDL")  # 20-500
    rata_td_sistolik: _NumText = msgspec.field(default=None, name="Rata_TD_Sistolik")  # 20-200
    rata_td_diastolik: _NumText = msgspec.field(default=None, name="Rata_TD_Diastolik")  # 20-200
    jantung_koroner: _NumText = msgspec.field(default=None, name="JantungKoroner")  # 0/1
    stroke: _NumText = msgspec.field(default=None, name="Stroke")  # 0/1
    vaskular_perifer: _NumText = msgspec.field(default=None, name="VaskularPerifer")  # 0/1
    aritmia: _NumText = msgspec.field(default=None, name="Aritmia")  # 0/1
    atrial_fibrilasi: _NumText = msgspec.field(default=None, name="AtrialFibrilasi")  # 0/1
    nadi_istirahat: _NumText = msgspec.field(default=None, name="NadiIstirahat")  # 20-200
    sesak_napas_3_bulan: _NumText = msgspec.field(default=None, name="SesakNapas3Bulan")  # 0/1
    nyeri_dada_3_bulan: _NumText = msgspec.field(default=None, name="NyeriDada3Bulan")  # 0/1
    sesak_napas_aktivitas: _NumText = msgspec.field(default=None, name="SesakNapasAktivitas")  # 0/1
    nyeri_dada_aktivitas: _NumText = msgspec.field(default=None, name="NyeriDadaAktivitas")  # 0/1
    terkontrol: _NumText = msgspec.field(default=None, name="Terkontrol")  # 0/1
    gejala_2x_minggu: _NumText = msgspec.field(default=None, name="Gejala2xMinggu")  # 0/1
    bangun_malam: _NumText = msgspec.field(default=None, name="BangunMalam")  # 0/1
    keterbatasan_fisik: _NumText = msgspec.field(default=None, name="KeterbatasanFisik")  # 0/1
    fungsi_paru: _NumText = msgspec.field(default=None, name="FungsiParu")  # 0-100
    skor_mmrc: _NumText = msgspec.field(default=None, name="SkorMMRC")  # 0-40
    eksaserbasi_1_tahun: _NumText = msgspec.field(default=None, name="Eksaserbasi1Tahun")  # 0/1
    mampu_aktivitas: _NumText = msgspec.field(default=None, name="MampuAktivitas")  # 0/1
    epileptik_6_bulan: _NumText = msgspec.field(default=None, name="Epileptik6Bulan")  # 0/1
    efek_samping_oab: _NumText = msgspec.field(default=None, name="EfekSampingOAB")  # 0/1
    hamil_menyusui: _NumText = msgspec.field(default=None, name="HamilMenyusui")  # 0/1
    remisi: _NumText = msgspec.field(default=None, name="Remisi")  # 0-100
    terapi_rumatan: _NumText = msgspec.field(default=None, name="TerapiRumatan")  # 0/1
    usia: _NumText = msgspec.field(default=None, name="Usia")  # 1-100
    asam_urat: _NumText = msgspec.field(default=None, name="AsamUrat")  # 0.1-20
    remisi_sle: _NumText = msgspec.field(default=None, name="RemisiSLE")  # 0-100
    hamil: _NumText = msgspec.field(default=None, name="Hamil")  # 0/1


class FormPrbDetail(Response, frozen=True, kw_only=True):
    """``formPRB`` as BPJS returns it."""

    # ``string | null`` in ssecd/jkn's type: null when the patient has no PRB disease.
    kd_status_prb: str | None = msgspec.field(default=None, name="kdStatusPRB")
    data: FormPrbDetailData


class SuratKontrolResult(Response, frozen=True, kw_only=True):
    """Answer of ``RencanaKontrol/insert`` and ``RencanaKontrol/Update``."""

    no_surat_kontrol: str
    tgl_rencana_kontrol: datetime.date
    nama_dokter: str
    no_kartu: str
    nama: str
    kelamin: str
    tgl_lahir: datetime.date


class SuratKontrolResultV2(Response, frozen=True, kw_only=True):
    """Answer of ``RencanaKontrol/v2/Insert`` and ``RencanaKontrol/v2/Update``."""

    no_surat_kontrol: str
    tgl_rencana_kontrol: datetime.date
    nama_dokter: str
    no_kartu: str
    nama: str
    kelamin: str
    tgl_lahir: datetime.date
    nama_diagnosa: str
    form_prb: FormPrbDetail = msgspec.field(name="formPRB")


class SpriResult(Response, frozen=True, kw_only=True):
    """Answer of ``RencanaKontrol/InsertSPRI`` and ``RencanaKontrol/UpdateSPRI``."""

    no_spri: str = msgspec.field(name="noSPRI")
    tgl_rencana_kontrol: datetime.date
    nama_dokter: str
    no_kartu: str
    nama: str
    kelamin: str
    tgl_lahir: datetime.date
    # ``string | null`` in ssecd/jkn's SPRI type.
    nama_diagnosa: str | None = None


class KontrolPeserta(Response, frozen=True, kw_only=True):
    """``peserta`` of the SEP a surat kontrol refers to."""

    no_kartu: str
    nama: str
    tgl_lahir: datetime.date
    kelamin: str
    hak_kelas: str


class ProvPerujuk(Response, frozen=True, kw_only=True):
    """``provPerujuk``: the referring provider and referral of that SEP."""

    kd_provider_perujuk: str
    nm_provider_perujuk: str
    asal_rujukan: str
    no_rujukan: str
    tgl_rujukan: datetime.date


class RencanaKontrolSep(Response, frozen=True, kw_only=True):
    """``GET RencanaKontrol/nosep/{noSep}`` answer, also ``sep`` of a surat kontrol."""

    no_sep: str
    tgl_sep: datetime.date
    jns_pelayanan: str
    poli: str
    diagnosa: str
    peserta: KontrolPeserta
    prov_umum: ProvUmum
    prov_perujuk: ProvPerujuk


class SuratKontrolDetail(Response, frozen=True, kw_only=True):
    """``GET RencanaKontrol/noSuratKontrol/{noSuratKontrol}`` answer.

    ``sep`` is null for an SPRI (jnsKontrol ``"1"``): an SPRI has no originating SEP.
    """

    no_surat_kontrol: str
    tgl_rencana_kontrol: datetime.date
    tgl_terbit: datetime.date
    jns_kontrol: str
    poli_tujuan: str
    nama_poli_tujuan: str
    kode_dokter: str
    nama_dokter: str
    flag_kontrol: str
    # Null in ssecd/jkn's type of this answer.
    kode_dokter_pembuat: str | None = None
    nama_dokter_pembuat: str | None = None
    nama_jns_kontrol: str
    sep: RencanaKontrolSep | None = None
    # A v2 addition: a letter written through the v1 insert has no PRB form (inference).
    form_prb: FormPrbDetail | None = msgspec.field(default=None, name="formPRB")


class RencanaKontrolItem(Response, frozen=True, kw_only=True):
    """One surat kontrol or SPRI in a list; ``terbitSEP`` is ``"Sudah"`` or ``"Belum"``."""

    no_surat_kontrol: str
    jns_pelayanan: str
    jns_kontrol: str
    nama_jns_kontrol: str
    tgl_rencana_kontrol: datetime.date
    tgl_terbit_kontrol: datetime.date
    # Null for an SPRI (jnsKontrol "1"): it has no originating SEP, as in the detail answer.
    no_sep_asal_kontrol: str | None = None
    poli_asal: str
    nama_poli_asal: str
    poli_tujuan: str
    nama_poli_tujuan: str
    tgl_sep: datetime.date | None = msgspec.field(default=None, name="tglSEP")
    kode_dokter: str
    nama_dokter: str
    no_kartu: str
    nama: str
    # Absent from the by-date list (ssecd/jkn types omit it there).
    terbit_sep: str | None = msgspec.field(default=None, name="terbitSEP")


class RencanaKontrolList(Response, frozen=True, kw_only=True):
    """``GET RencanaKontrol/ListRencanaKontrol/...`` answer (by noKartu or by date)."""

    items: list[RencanaKontrolItem] = msgspec.field(name="list")


class PoliKontrol(Response, frozen=True, kw_only=True):
    """One polyclinic available for a kontrol, with its load."""

    kode_poli: str
    nama_poli: str
    kapasitas: str | int | float
    jml_rencana_kontrol_dan_rujukan: str | int | float = msgspec.field(
        name="jmlRencanaKontroldanRujukan"
    )
    persentase: str | int | float


class PoliKontrolList(Response, frozen=True, kw_only=True):
    """``GET RencanaKontrol/ListSpesialistik/JnsKontrol/{j}/nomor/{no}/TglRencanaKontrol/{tgl}``.

    ``nomor`` is the noKartu for an SPRI (jnsKontrol 1), the noSEP for a rencana kontrol (2).
    """

    items: list[PoliKontrol] = msgspec.field(name="list")


class JadwalDokter(Response, frozen=True, kw_only=True):
    """One doctor's practice schedule (``jadwalPraktek`` like ``"08:00 - 12:00"``)."""

    kode_dokter: str
    nama_dokter: str
    jadwal_praktek: str
    kapasitas: str | int | float


class JadwalDokterList(Response, frozen=True, kw_only=True):
    """Doctors' schedules for a kontrol date.

    ``GET RencanaKontrol/JadwalPraktekDokter/JnsKontrol/{j}/KdPoli/{kd}/TglRencanaKontrol/{tgl}``.
    """

    items: list[JadwalDokter] = msgspec.field(name="list")
