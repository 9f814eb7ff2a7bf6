"""LPK (Lembar Pengajuan Klaim): request bodies and answers.

Writes are ``{"request": {"t_lpk": {...}}}``: build the inner Struct and wrap it,
``LpkInsertRequest(request=TLpk(t_lpk=body))``. Insert, update and delete answer a plain
noSep string and need no model. Dates in request bodies are ``yyyy-MM-dd`` strings.

In the ``LPK/TglMasuk/...`` answer BPJS nests ``list`` keys twice: ``diagnosa.list`` is a
list whose items hold one ``{kode, nama}`` under another ``list`` key. Python names them
``items`` (the outer list) and ``diagnosa``/``procedure`` (the inner object).
"""

from __future__ import annotations

import datetime
from typing import Generic, TypeVar

import msgspec

from .. import _validate
from ._base import Response
from ._request import DateField, Request
from .enums import LevelDiagnosa, TindakLanjut
from .referensi import KodeNama

__all__ = [
    "DirujukKe",
    "KontrolKembali",
    "Lpk",
    "LpkData",
    "LpkDelete",
    "LpkDeleteRequest",
    "LpkDiagnosa",
    "LpkDiagnosaItem",
    "LpkDiagnosaList",
    "LpkDirujukKe",
    "LpkDpjp",
    "LpkInsertRequest",
    "LpkKontrolKembali",
    "LpkList",
    "LpkListResult",
    "LpkPerawatan",
    "LpkPerawatanDetail",
    "LpkPeserta",
    "LpkPoli",
    "LpkPoliDetail",
    "LpkPoliKode",
    "LpkProcedure",
    "LpkProcedureItem",
    "LpkProcedureList",
    "LpkRencanaTL",
    "LpkRequest",
    "LpkUpdateRequest",
    "RencanaTL",
    "TLpk",
]

_B = TypeVar("_B")

# Struct options do not reach subclasses for mypy (frozen) or msgspec (kw_only): repeat them.

# --------------------------------------------------------------------------------------------
# Request wrappers


class TLpk(Request, Generic[_B], kw_only=True):
    """The ``{"t_lpk": ...}`` layer of every LPK write."""

    t_lpk: _B = msgspec.field(name="t_lpk")


class LpkRequest(Request, Generic[_B], kw_only=True):
    """A whole LPK write body, ``{"request": {"t_lpk": ...}}``."""

    request: TLpk[_B]


# --------------------------------------------------------------------------------------------
# Request bodies


class LpkPoli(Request, kw_only=True):
    """``poli``: ``{"poli": kode poli}``."""

    poli: str


class LpkPerawatan(Request, kw_only=True):
    """``perawatan``: codes from the LPK referensi lists."""

    ruang_rawat: str = ""
    kelas_rawat: str = ""
    spesialistik: str = ""
    cara_keluar: str = ""
    kondisi_pulang: str = ""


class LpkDiagnosa(Request, kw_only=True):
    """One ICD-10 diagnosis; level ``"1"`` primer, ``"2"`` sekunder."""

    kode: str
    level: str

    def __post_init__(self) -> None:
        self.level = _validate.code(LevelDiagnosa, self.level, "diagnosa.level")
        super().__post_init__()
        _validate.text(self.kode, "diagnosa.kode")


class LpkProcedure(Request, kw_only=True):
    """One ICD-9-CM procedure."""

    kode: str


class DirujukKe(Request, kw_only=True):
    """``dirujukKe``: target faskes when tindakLanjut is ``"3"``."""

    kode_ppk: str = msgspec.field(default="", name="kodePPK")


class KontrolKembali(Request, kw_only=True):
    """``kontrolKembali``: date and poli when tindakLanjut is ``"4"``."""

    tgl_kontrol: DateField = ""
    poli: str = ""


class RencanaTL(Request, kw_only=True):
    """``rencanaTL``: follow-up plan (1 pulang, 2 penunjang, 3 dirujuk, 4 kontrol kembali)."""

    tindak_lanjut: str
    dirujuk_ke: DirujukKe = msgspec.field(default_factory=DirujukKe)
    kontrol_kembali: KontrolKembali = msgspec.field(default_factory=KontrolKembali)

    def __post_init__(self) -> None:
        self.tindak_lanjut = _validate.code(
            TindakLanjut, self.tindak_lanjut, "rencana_tl.tindak_lanjut"
        )
        super().__post_init__()
        tindak, kontrol = self.tindak_lanjut, self.kontrol_kembali
        if tindak == TindakLanjut.DIRUJUK_KE.value and not self.dirujuk_ke.kode_ppk:
            raise ValueError("rencana_tl tindak_lanjut 3 needs dirujuk_ke.kode_ppk")
        if tindak == TindakLanjut.KONTROL_KEMBALI.value and not (
            kontrol.tgl_kontrol and kontrol.poli
        ):
            raise ValueError("rencana_tl tindak_lanjut 4 needs kontrol_kembali date and poli")


class LpkData(Request, kw_only=True):
    """``t_lpk`` of ``POST LPK/insert`` and ``PUT LPK/update``; jaminan ``"1"`` is JKN."""

    no_sep: str
    tgl_masuk: DateField
    tgl_keluar: DateField
    jaminan: str = "1"
    poli: LpkPoli
    perawatan: LpkPerawatan = msgspec.field(default_factory=LpkPerawatan)
    diagnosa: list[LpkDiagnosa]
    procedure: list[LpkProcedure] = msgspec.field(default_factory=list)
    rencana_tl: RencanaTL = msgspec.field(name="rencanaTL")
    dpjp: str = msgspec.field(name="DPJP")
    user: str

    def __post_init__(self) -> None:
        super().__post_init__()
        if not any(d.level == LevelDiagnosa.PRIMER.value for d in self.diagnosa):
            raise ValueError("diagnosa needs one primary (level 1) diagnosis")


class LpkDelete(Request, kw_only=True):
    """``t_lpk`` of ``DELETE LPK/delete``: just the noSep."""

    no_sep: str


class LpkInsertRequest(LpkRequest[LpkData], kw_only=True):
    """Body of ``POST LPK/insert``."""


class LpkUpdateRequest(LpkRequest[LpkData], kw_only=True):
    """Body of ``PUT LPK/update``."""


class LpkDeleteRequest(LpkRequest[LpkDelete], kw_only=True):
    """Body of ``DELETE LPK/delete``."""


# --------------------------------------------------------------------------------------------
# Answers


class LpkDpjp(Response, frozen=True, kw_only=True):
    """``DPJP`` of an LPK: ``{"dokter": {kode, nama}}``."""

    dokter: KodeNama


class LpkDiagnosaItem(Response, frozen=True, kw_only=True):
    """One diagnosis of an LPK; the ``{kode, nama}`` sits under the wire key ``list``."""

    level: str
    diagnosa: KodeNama = msgspec.field(name="list")


class LpkDiagnosaList(Response, frozen=True, kw_only=True):
    """``diagnosa`` of an LPK, ``{"list": [...]}``."""

    items: list[LpkDiagnosaItem] = msgspec.field(name="list")


class LpkProcedureItem(Response, frozen=True, kw_only=True):
    """One procedure of an LPK; the ``{kode, nama}`` sits under the wire key ``list``."""

    procedure: KodeNama = msgspec.field(name="list")


class LpkProcedureList(Response, frozen=True, kw_only=True):
    """``procedure`` of an LPK, ``{"list": [...]}``."""

    items: list[LpkProcedureItem] = msgspec.field(name="list")


class LpkPerawatanDetail(Response, frozen=True, kw_only=True):
    """``perawatan`` of an LPK, each part a ``{kode, nama}``.

    All optional: the request sends them empty for an outpatient LPK (no ward, no class).
    """

    ruang_rawat: KodeNama | None = None
    kelas_rawat: KodeNama | None = None
    spesialistik: KodeNama | None = None
    cara_keluar: KodeNama | None = None
    kondisi_pulang: KodeNama | None = None


class LpkPeserta(Response, frozen=True, kw_only=True):
    """``peserta`` of an LPK."""

    no_kartu: str
    nama: str
    no_mr: str = msgspec.field(name="noMR")
    kelamin: str
    tgl_lahir: datetime.date


class LpkPoliKode(Response, frozen=True, kw_only=True):
    """``poli.poli`` of an LPK: just ``{"kode": ...}``, no name."""

    kode: str


class LpkPoliDetail(Response, frozen=True, kw_only=True):
    """``poli`` of an LPK: ``{"eksekutif": ..., "poli": {"kode": ...}}``."""

    eksekutif: str
    poli: LpkPoliKode


class LpkDirujukKe(Response, frozen=True, kw_only=True):
    """``rencanaTL.dirujukKe`` as BPJS returns it."""

    # Empty unless tindakLanjut is 3 (dirujuk): the request sends ``""`` then.
    kode_ppk: str | None = msgspec.field(default=None, name="kodePPK")


class LpkKontrolKembali(Response, frozen=True, kw_only=True):
    """``rencanaTL.kontrolKembali`` as BPJS returns it."""

    # Empty unless tindakLanjut is 4 (kontrol kembali): the request sends ``""`` then.
    tgl_kontrol: datetime.date | None = None
    poli: str | None = None


class LpkRencanaTL(Response, frozen=True, kw_only=True):
    """``rencanaTL`` of an LPK (null when no follow-up was recorded)."""

    tindak_lanjut: str
    # Filled only for tindakLanjut 3 (dirujuk) and 4 (kontrol kembali) respectively.
    dirujuk_ke: LpkDirujukKe | None = None
    kontrol_kembali: LpkKontrolKembali | None = None


class Lpk(Response, frozen=True, kw_only=True):
    """One stored LPK."""

    no_sep: str
    tgl_masuk: datetime.date
    tgl_keluar: datetime.date
    jns_pelayanan: str
    poli: LpkPoliDetail
    perawatan: LpkPerawatanDetail
    diagnosa: LpkDiagnosaList
    procedure: LpkProcedureList
    # ``| null`` in ssecd/jkn's type: no follow-up plan recorded.
    rencana_tl: LpkRencanaTL | None = msgspec.field(default=None, name="rencanaTL")
    dpjp: LpkDpjp = msgspec.field(name="DPJP")
    peserta: LpkPeserta


class LpkList(Response, frozen=True, kw_only=True):
    """``lpk`` of the answer, ``{"list": [...]}``."""

    items: list[Lpk] = msgspec.field(name="list")


class LpkListResult(Response, frozen=True, kw_only=True):
    """``GET LPK/TglMasuk/{tgl}/JnsPelayanan/{1|2}`` answer, ``{"lpk": {"list": [...]}}``."""

    lpk: LpkList
