"""Rujukan (referrals): request bodies and answers.

Writes are ``{"request": {"t_rujukan": {...}}}``: build the inner Struct and wrap it,
``RujukanInsertRequest(request=TRujukan(t_rujukan=body))``. The one exception is
``POST Rujukan/Khusus/insert``, whose body is not wrapped at all
(:class:`RujukanKhususInsertRequest`). Dates in request bodies are ``yyyy-MM-dd`` strings.

Update and delete answer a plain noRujukan string; an insert with tipeRujukan ``"1"``
answers ``null``. Neither needs a model.
"""

from __future__ import annotations

import datetime
from typing import Generic, TypeVar

import msgspec

from ._base import Response
from ._request import DateField, Request
from .peserta import Peserta
from .referensi import KodeNama
from .sep import PesertaSingkat

__all__ = [
    "JumlahSep",
    "KodeRujukan",
    "Rujukan",
    "RujukanCreated",
    "RujukanDelete",
    "RujukanDeleteRequest",
    "RujukanInsert",
    "RujukanInsertRequest",
    "RujukanInsertResult",
    "RujukanKeluar",
    "RujukanKeluarItem",
    "RujukanKeluarList",
    "RujukanKeluarResult",
    "RujukanKhusus",
    "RujukanKhususDelete",
    "RujukanKhususDeleteRequest",
    "RujukanKhususInsertRequest",
    "RujukanKhususList",
    "RujukanKhususResult",
    "RujukanList",
    "RujukanRequest",
    "RujukanResult",
    "RujukanUpdate",
    "RujukanUpdateRequest",
    "SaranaRujukan",
    "SaranaRujukanList",
    "SpesialistikRujukan",
    "SpesialistikRujukanList",
    "TRujukan",
]

_B = TypeVar("_B")

# Struct options do not reach subclasses for mypy (frozen) or msgspec (kw_only): repeat them.

# --------------------------------------------------------------------------------------------
# Request wrappers


class TRujukan(Request, Generic[_B], kw_only=True):
    """The ``{"t_rujukan": ...}`` layer of every wrapped rujukan write."""

    t_rujukan: _B = msgspec.field(name="t_rujukan")


class RujukanRequest(Request, Generic[_B], kw_only=True):
    """A whole rujukan write body, ``{"request": {"t_rujukan": ...}}``."""

    request: TRujukan[_B]


# --------------------------------------------------------------------------------------------
# Request bodies


class RujukanInsert(Request, kw_only=True):
    """``t_rujukan`` of ``POST Rujukan/2.0/insert``; poliRujukan empty for tipe 2 (PRB)."""

    no_sep: str
    tgl_rujukan: DateField
    tgl_rencana_kunjungan: DateField
    ppk_dirujuk: str
    jns_pelayanan: str
    catatan: str = ""
    diag_rujukan: str
    tipe_rujukan: str
    poli_rujukan: str = ""
    user: str


class RujukanUpdate(Request, kw_only=True):
    """``t_rujukan`` of ``PUT Rujukan/2.0/Update``."""

    no_rujukan: str
    tgl_rujukan: DateField
    tgl_rencana_kunjungan: DateField
    ppk_dirujuk: str
    jns_pelayanan: str
    catatan: str = ""
    diag_rujukan: str
    tipe_rujukan: str
    poli_rujukan: str = ""
    user: str


class RujukanDelete(Request, kw_only=True):
    """``t_rujukan`` of ``DELETE Rujukan/delete``."""

    no_rujukan: str
    user: str


class RujukanKhususDelete(Request, kw_only=True):
    """``t_rujukan`` of ``POST Rujukan/Khusus/delete``."""

    id_rujukan: str
    no_rujukan: str
    user: str


class KodeRujukan(Request, kw_only=True):
    """A ``{"kode": ...}`` item of a rujukan khusus diagnosa or procedure list.

    Diagnosa codes are commonly written ``"P;<icd>"`` (primer) or ``"S;<icd>"`` (sekunder).
    """

    kode: str


class RujukanInsertRequest(RujukanRequest[RujukanInsert], kw_only=True):
    """Body of ``POST Rujukan/2.0/insert``."""


class RujukanUpdateRequest(RujukanRequest[RujukanUpdate], kw_only=True):
    """Body of ``PUT Rujukan/2.0/Update``."""


class RujukanDeleteRequest(RujukanRequest[RujukanDelete], kw_only=True):
    """Body of ``DELETE Rujukan/delete``."""


class RujukanKhususDeleteRequest(RujukanRequest[RujukanKhususDelete], kw_only=True):
    """Body of ``POST Rujukan/Khusus/delete``."""


class RujukanKhususInsertRequest(Request, kw_only=True):
    """Body of ``POST Rujukan/Khusus/insert``, sent as is: no ``request`` wrapper."""

    no_rujukan: str
    diagnosa: list[KodeRujukan]
    procedure: list[KodeRujukan] = msgspec.field(default_factory=list)
    user: str


# --------------------------------------------------------------------------------------------
# Answers


class Rujukan(Response, frozen=True, kw_only=True):
    """One incoming referral (from an FKTP or from another hospital)."""

    diagnosa: KodeNama
    keluhan: str
    no_kunjungan: str
    pelayanan: KodeNama
    peserta: Peserta
    poli_rujukan: KodeNama
    prov_perujuk: KodeNama
    tgl_kunjungan: datetime.date


class RujukanResult(Response, frozen=True, kw_only=True):
    """One-record lookups, ``{"rujukan": {...}}``.

    ``GET Rujukan/{noRujukan}``, ``Rujukan/RS/{noRujukan}``, ``Rujukan/Peserta/{noKartu}``
    and ``Rujukan/RS/Peserta/{noKartu}``.
    """

    rujukan: Rujukan


class RujukanList(Response, frozen=True, kw_only=True):
    """``GET Rujukan/List/Peserta/{noKartu}`` and ``Rujukan/RS/List/Peserta/{noKartu}``."""

    rujukan: list[Rujukan]


class RujukanCreated(Response, frozen=True, kw_only=True):
    """The ``rujukan`` object returned by ``Rujukan/2.0/insert``."""

    asal_rujukan: KodeNama = msgspec.field(name="AsalRujukan")
    diagnosa: KodeNama
    no_rujukan: str
    peserta: PesertaSingkat
    # Empty for tipeRujukan 2 (rujuk balik): the request sends no poliRujukan.
    poli_tujuan: KodeNama | None = None
    tgl_berlaku_kunjungan: datetime.date
    tgl_rencana_kunjungan: datetime.date
    tgl_rujukan: datetime.date
    tujuan_rujukan: KodeNama


class RujukanInsertResult(Response, frozen=True, kw_only=True):
    """``POST Rujukan/2.0/insert`` answer, ``{"rujukan": {...}}``."""

    rujukan: RujukanCreated


class RujukanKhusus(Response, frozen=True, kw_only=True):
    """A special referral; BPJS writes these keys in lower case with underscores.

    The two dates are kept as sent: clients parse them with free-form date parsers.
    ``idrujukan`` appears in list answers only.
    """

    id_rujukan: str | None = msgspec.field(default=None, name="idrujukan")
    no_rujukan: str = msgspec.field(name="norujukan")
    noka_pst: str = msgspec.field(name="nokapst")
    nm_pst: str = msgspec.field(name="nmpst")
    diag_ppk: str = msgspec.field(name="diagppk")
    tgl_rujukan_awal: str = msgspec.field(name="tglrujukan_awal")
    tgl_rujukan_berakhir: str = msgspec.field(name="tglrujukan_berakhir")


class RujukanKhususResult(Response, frozen=True, kw_only=True):
    """``POST Rujukan/Khusus/insert`` answer, ``{"rujukan": {...}}``."""

    rujukan: RujukanKhusus


class RujukanKhususList(Response, frozen=True, kw_only=True):
    """``GET Rujukan/Khusus/List/Bulan/{bulan}/Tahun/{tahun}`` answer."""

    rujukan: list[RujukanKhusus]


class SpesialistikRujukan(Response, frozen=True, kw_only=True):
    """One specialty of a referral target with its capacity (numbers or numeric strings)."""

    kode_spesialis: str
    nama_spesialis: str
    kapasitas: str | int | float
    jumlah_rujukan: str | int | float
    persentase: str | int | float


class SpesialistikRujukanList(Response, frozen=True, kw_only=True):
    """``GET Rujukan/ListSpesialistik/PPKRujukan/{kodePPK}/TglRujukan/{tgl}`` answer."""

    items: list[SpesialistikRujukan] = msgspec.field(name="list")


class SaranaRujukan(Response, frozen=True, kw_only=True):
    """One facility (sarana) of a referral target."""

    kode_sarana: str
    nama_sarana: str


class SaranaRujukanList(Response, frozen=True, kw_only=True):
    """``GET Rujukan/ListSarana/PPKRujukan/{kodePPK}`` answer."""

    items: list[SaranaRujukan] = msgspec.field(name="list")


class RujukanKeluarItem(Response, frozen=True, kw_only=True):
    """One outgoing referral in a list."""

    no_rujukan: str
    tgl_rujukan: datetime.date
    jns_pelayanan: str
    no_sep: str
    no_kartu: str
    nama: str
    ppk_dirujuk: str
    nama_ppk_dirujuk: str


class RujukanKeluarList(Response, frozen=True, kw_only=True):
    """``GET Rujukan/Keluar/List/tglMulai/{tgl}/tglAkhir/{tgl}`` answer."""

    items: list[RujukanKeluarItem] = msgspec.field(name="list")


class RujukanKeluar(Response, frozen=True, kw_only=True):
    """One outgoing referral in detail."""

    no_rujukan: str
    no_sep: str
    no_kartu: str
    nama: str
    kelas_rawat: str
    kelamin: str
    tgl_lahir: datetime.date
    tgl_sep: datetime.date
    tgl_rujukan: datetime.date
    tgl_rencana_kunjungan: datetime.date
    ppk_dirujuk: str
    nama_ppk_dirujuk: str
    jns_pelayanan: str
    catatan: str
    diag_rujukan: str
    nama_diag_rujukan: str
    tipe_rujukan: str
    nama_tipe_rujukan: str
    # Empty for tipeRujukan 2 (rujuk balik): the request sends no poliRujukan.
    poli_rujukan: str | None = None
    nama_poli_rujukan: str | None = None


class RujukanKeluarResult(Response, frozen=True, kw_only=True):
    """``GET Rujukan/Keluar/{noRujukan}`` answer, ``{"rujukan": {...}}``."""

    rujukan: RujukanKeluar


class JumlahSep(Response, frozen=True, kw_only=True):
    """``GET Rujukan/JumlahSEP/{jenisRujukan}/{noRujukan}`` answer."""

    jumlah_sep: str | int = msgspec.field(name="jumlahSEP")
