"""Answers of the ``Monitoring/*`` endpoints (all GET).

Money amounts are typed ``str | int | float``: the catalog shows numeric strings, and BPJS is
not consistent about quoting numbers.
"""

from __future__ import annotations

import datetime

import msgspec

from ._base import Response
from .referensi import KodeNama

__all__ = [
    "HistoriPelayanan",
    "HistoriPelayananList",
    "JaminanJasaRaharja",
    "JasaRaharja",
    "JasaRaharjaList",
    "JasaRaharjaSep",
    "Klaim",
    "KlaimBiaya",
    "KlaimList",
    "KlaimPeserta",
    "Kunjungan",
    "KunjunganList",
]

# Struct options do not reach subclasses for mypy (frozen) or msgspec (kw_only): repeat them.


class Kunjungan(Response, frozen=True, kw_only=True):
    """One SEP visit."""

    no_sep: str
    tgl_sep: datetime.date
    # No discharge date yet while an inpatient stay is open.
    tgl_plg_sep: datetime.date | None = None
    no_kartu: str
    nama: str
    jns_pelayanan: str
    kelas_rawat: str
    diagnosa: str
    # ssecd/jkn types it ``string | null`` in this answer.
    poli: str | None = None
    no_rujukan: str


class KunjunganList(Response, frozen=True, kw_only=True):
    """``GET Monitoring/Kunjungan/Tanggal/{tglSEP}/JnsPelayanan/{1|2}`` answer."""

    sep: list[Kunjungan]


class KlaimBiaya(Response, frozen=True, kw_only=True):
    """``biaya`` of a claim: submitted, approved, grouper tariff, hospital tariff, top-up."""

    by_pengajuan: str | int | float
    by_setujui: str | int | float
    by_tarif_gruper: str | int | float
    by_tarif_rs: str | int | float = msgspec.field(name="byTarifRS")
    by_topup: str | int | float


class KlaimPeserta(Response, frozen=True, kw_only=True):
    """``peserta`` of a claim or Jasa Raharja SEP."""

    no_kartu: str
    nama: str
    no_mr: str = msgspec.field(name="noMR")


class Klaim(Response, frozen=True, kw_only=True):
    """One claim (``Inacbg`` is capitalised on the wire)."""

    inacbg: KodeNama = msgspec.field(name="Inacbg")
    biaya: KlaimBiaya
    kelas_rawat: str
    no_fpk: str = msgspec.field(name="noFPK")
    no_sep: str = msgspec.field(name="noSEP")
    peserta: KlaimPeserta
    # An inpatient claim has no clinic: null, as in the Kunjungan answer of the same family.
    poli: str | None = None
    status: str
    tgl_pulang: datetime.date
    tgl_sep: datetime.date


class KlaimList(Response, frozen=True, kw_only=True):
    """``GET Monitoring/Klaim/Tanggal/{tglPulang}/JnsPelayanan/{1|2}/Status/{1|2|3}``."""

    klaim: list[Klaim]


class HistoriPelayanan(Response, frozen=True, kw_only=True):
    """One past service of a participant."""

    no_sep: str
    # History rows are kept as sent: old services carry dates such as "2023-01-00", and one
    # bad row must not make a participant's whole history unreadable.
    tgl_sep: str
    # No discharge date yet while a stay is open.
    tgl_plg_sep: str | None = None
    no_kartu: str
    nama_peserta: str
    jns_pelayanan: str
    # The catalog's own example prints an outpatient row with "kelasRawat": null
    # (tests/fixtures/catalog/monitoring-histori-pelayanan.json).
    kelas_rawat: str | None = None
    diagnosa: str
    # "" in the catalog's example; null for inpatient rows in other answers of the same
    # family (Kunjungan, ssecd/jkn types it ``string | null``), so never required.
    poli: str | None = None
    ppk_pelayanan: str
    no_rujukan: str


class HistoriPelayananList(Response, frozen=True, kw_only=True):
    """``GET monitoring/HistoriPelayanan/NoKartu/{no}/tglMulai/{tgl}/tglAkhir/{tgl}``."""

    histori: list[HistoriPelayanan]


class JasaRaharjaSep(Response, frozen=True, kw_only=True):
    """``sep`` of a Jasa Raharja guarantee (``noSEP``, ``tglSEP``, ``tglPlgSEP``, ``noMr``)."""

    no_sep: str = msgspec.field(name="noSEP")
    tgl_sep: datetime.date = msgspec.field(name="tglSEP")
    tgl_plg_sep: datetime.date = msgspec.field(name="tglPlgSEP")
    no_mr: str
    jns_pelayanan: str
    # An inpatient SEP has no clinic: null, as in the Kunjungan answer of the same family.
    poli: str | None = None
    diagnosa: str
    peserta: KlaimPeserta


class JasaRaharja(Response, frozen=True, kw_only=True):
    """``jasaRaharja``: the Jasa Raharja side of the guarantee."""

    tgl_kejadian: datetime.date
    no_register: str
    ket_status_dijamin: str
    ket_status_dikirim: str
    biaya_dijamin: str | int | float
    plafon: str | int | float
    jml_dibayar: str | int | float
    results_jasa_raharja: str


class JaminanJasaRaharja(Response, frozen=True, kw_only=True):
    """One Jasa Raharja guarantee: the SEP and the insurer's status."""

    sep: JasaRaharjaSep
    jasa_raharja: JasaRaharja


class JasaRaharjaList(Response, frozen=True, kw_only=True):
    """``GET monitoring/JasaRaharja/JnsPelayanan/{1|2}/tglMulai/{tgl}/tglAkhir/{tgl}``."""

    jaminan: list[JaminanJasaRaharja]
