"""PRB (Program Rujuk Balik): request bodies and answers.

Writes are ``{"request": {"t_prb": {...}}}``: build the inner Struct and wrap it,
``PrbInsertRequest(request=TPrb(t_prb=body))``. The catalog asks for a numeric ``user``.
Update and delete answer a plain string and need no model.
"""

from __future__ import annotations

import datetime
from typing import Generic, TypeVar

import msgspec

from .. import _validate
from ._base import Response
from ._request import Request
from .referensi import KodeNama

__all__ = [
    "PotensiPrb",
    "PotensiPrbList",
    "Prb",
    "PrbCreated",
    "PrbDelete",
    "PrbDeleteRequest",
    "PrbDetailResult",
    "PrbInsert",
    "PrbInsertRequest",
    "PrbList",
    "PrbListItem",
    "PrbListResult",
    "PrbObat",
    "PrbObatDetail",
    "PrbObatDetailList",
    "PrbObatList",
    "PrbObatRingkas",
    "PrbPeserta",
    "PrbRequest",
    "PrbUpdate",
    "PrbUpdateRequest",
    "TPrb",
]

_B = TypeVar("_B")

# Struct options do not reach subclasses for mypy (frozen) or msgspec (kw_only): repeat them.

# --------------------------------------------------------------------------------------------
# Request wrappers


class TPrb(Request, Generic[_B], kw_only=True):
    """The ``{"t_prb": ...}`` layer of every PRB write."""

    t_prb: _B = msgspec.field(name="t_prb")


class PrbRequest(Request, Generic[_B], kw_only=True):
    """A whole PRB write body, ``{"request": {"t_prb": ...}}``."""

    request: TPrb[_B]


# --------------------------------------------------------------------------------------------
# Request bodies


class PrbObat(Request, kw_only=True):
    """One drug of a rujuk balik: generic-drug code, dosage (signa1 x signa2), quantity."""

    kode_obat: str = msgspec.field(name="kdObat")
    signa1: str
    signa2: str
    jml_obat: str

    def __post_init__(self) -> None:
        super().__post_init__()
        for field in ("kode_obat", "signa1", "signa2", "jml_obat"):
            _validate.text(getattr(self, field), f"obat.{field}")


class PrbInsert(Request, kw_only=True):
    """``t_prb`` of ``POST PRB/insert``."""

    no_sep: str
    no_kartu: str
    alamat: str
    email: str = ""
    program_prb: str = msgspec.field(name="programPRB")
    kode_dpjp: str = msgspec.field(name="kodeDPJP")
    keterangan: str = ""
    saran: str = ""
    user: str
    obat: list[PrbObat] = msgspec.field(default_factory=list)


class PrbUpdate(Request, kw_only=True):
    """``t_prb`` of ``PUT PRB/Update`` (BPJS writes ``noSrb`` here, ``noSRB`` in answers)."""

    no_srb: str
    no_sep: str
    alamat: str
    email: str = ""
    kode_dpjp: str = msgspec.field(name="kodeDPJP")
    keterangan: str = ""
    saran: str = ""
    user: str
    obat: list[PrbObat] = msgspec.field(default_factory=list)


class PrbDelete(Request, kw_only=True):
    """``t_prb`` of ``DELETE PRB/Delete``."""

    no_srb: str
    no_sep: str
    user: str


class PrbInsertRequest(PrbRequest[PrbInsert], kw_only=True):
    """Body of ``POST PRB/insert``."""


class PrbUpdateRequest(PrbRequest[PrbUpdate], kw_only=True):
    """Body of ``PUT PRB/Update``."""


class PrbDeleteRequest(PrbRequest[PrbDelete], kw_only=True):
    """Body of ``DELETE PRB/Delete``."""


# --------------------------------------------------------------------------------------------
# Answers


class PrbPeserta(Response, frozen=True, kw_only=True):
    """``peserta`` of a rujuk balik."""

    no_kartu: str
    nama: str
    alamat: str
    email: str
    no_telepon: str
    # Absent from the date-range list answer (ssecd/jkn types).
    kelamin: str | None = None
    tgl_lahir: datetime.date | None = None
    asal_faskes: KodeNama | None = None


class PrbObatRingkas(Response, frozen=True, kw_only=True):
    """One drug as the insert answer lists it (``signa`` already combined)."""

    nm_obat: str
    signa: str
    jml_obat: str | int | float


class PrbObatList(Response, frozen=True, kw_only=True):
    """``obat`` of the insert answer, ``{"list": [...]}``."""

    items: list[PrbObatRingkas] = msgspec.field(name="list")


class PrbCreated(Response, frozen=True, kw_only=True):
    """``POST PRB/insert`` answer; here ``programPRB`` is a plain string."""

    no_srb: str = msgspec.field(name="noSRB")
    tgl_srb: datetime.date = msgspec.field(name="tglSRB")
    dpjp: KodeNama = msgspec.field(name="DPJP")
    program_prb: str = msgspec.field(name="programPRB")
    keterangan: str
    saran: str
    peserta: PrbPeserta
    obat: PrbObatList


class PrbObatDetail(Response, frozen=True, kw_only=True):
    """One drug of a stored rujuk balik."""

    kd_obat: str
    nm_obat: str
    signa1: str
    signa2: str
    jml_obat: str | int | float


class PrbObatDetailList(Response, frozen=True, kw_only=True):
    """``obat`` of a stored rujuk balik, ``{"obat": [...]}``."""

    obat: list[PrbObatDetail]


class Prb(Response, frozen=True, kw_only=True):
    """A stored rujuk balik (SRB)."""

    no_srb: str = msgspec.field(name="noSRB")
    no_sep: str = msgspec.field(name="noSEP")
    tgl_srb: datetime.date = msgspec.field(name="tglSRB")
    dpjp: KodeNama = msgspec.field(name="DPJP")
    program_prb: KodeNama = msgspec.field(name="programPRB")
    keterangan: str
    saran: str
    peserta: PrbPeserta
    obat: PrbObatDetailList


class PrbDetailResult(Response, frozen=True, kw_only=True):
    """``GET prb/{noSRB}/nosep/{noSEP}`` answer, ``{"prb": {...}}``."""

    prb: Prb


class PrbListItem(Response, frozen=True, kw_only=True):
    """One rujuk balik in a date-range search (no drug list)."""

    no_srb: str = msgspec.field(name="noSRB")
    no_sep: str = msgspec.field(name="noSEP")
    tgl_srb: datetime.date = msgspec.field(name="tglSRB")
    dpjp: KodeNama = msgspec.field(name="DPJP")
    program_prb: KodeNama = msgspec.field(name="programPRB")
    keterangan: str
    saran: str
    peserta: PrbPeserta


class PrbList(Response, frozen=True, kw_only=True):
    """``prb`` of the date-range search, ``{"list": [...]}``."""

    items: list[PrbListItem] = msgspec.field(name="list")


class PrbListResult(Response, frozen=True, kw_only=True):
    """``GET prb/tglMulai/{tgl}/tglAkhir/{tgl}`` answer, ``{"prb": {"list": [...]}}``."""

    prb: PrbList


class PotensiPrb(Response, frozen=True, kw_only=True):
    """One claim flagged as potential PRB; BPJS writes these keys in PascalCase."""

    nama_peserta: str = msgspec.field(name="NamaPeserta")
    nomor_kartu: str = msgspec.field(name="NomorKartu")
    no_sep: str = msgspec.field(name="NOSEP")
    tanggal_pelayanan: str = msgspec.field(name="TanggalPelayanan")
    diagnosa_potensi_prb: str = msgspec.field(name="DiagnosaPotensiPRB")
    kategori_penyakit_prb: str = msgspec.field(name="KategoriPenyakitPRB")


class PotensiPrbList(Response, frozen=True, kw_only=True):
    """``GET prbpotensi/tahun/{YYYY}/bulan/{MM}`` answer (may also come back as ``""``)."""

    items: list[PotensiPrb] = msgspec.field(name="list")
