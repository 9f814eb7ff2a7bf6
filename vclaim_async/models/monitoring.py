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

    no_sep: str | None = None
    tgl_sep: datetime.date | None = None
    tgl_plg_sep: datetime.date | None = None
    no_kartu: str | None = None
    nama: str | None = None
    jns_pelayanan: str | None = None
    kelas_rawat: str | None = None
    diagnosa: str | None = None
    poli: str | None = None
    no_rujukan: str | None = None


class KunjunganList(Response, frozen=True, kw_only=True):
    """``GET Monitoring/Kunjungan/Tanggal/{tglSEP}/JnsPelayanan/{1|2}`` answer."""

    sep: list[Kunjungan] = msgspec.field(default_factory=list)


class KlaimBiaya(Response, frozen=True, kw_only=True):
    """``biaya`` of a claim: submitted, approved, grouper tariff, hospital tariff, top-up."""

    by_pengajuan: str | int | float | None = None
    by_setujui: str | int | float | None = None
    by_tarif_gruper: str | int | float | None = None
    by_tarif_rs: str | int | float | None = msgspec.field(default=None, name="byTarifRS")
    by_topup: str | int | float | None = None


class KlaimPeserta(Response, frozen=True, kw_only=True):
    """``peserta`` of a claim or Jasa Raharja SEP."""

    no_kartu: str | None = None
    nama: str | None = None
    no_mr: str | None = msgspec.field(default=None, name="noMR")


class Klaim(Response, frozen=True, kw_only=True):
    """One claim (``Inacbg`` is capitalised on the wire)."""

    inacbg: KodeNama | None = msgspec.field(default=None, name="Inacbg")
    biaya: KlaimBiaya | None = None
    kelas_rawat: str | None = None
    no_fpk: str | None = msgspec.field(default=None, name="noFPK")
    no_sep: str | None = msgspec.field(default=None, name="noSEP")
    peserta: KlaimPeserta | None = None
    poli: str | None = None
    status: str | None = None
    tgl_pulang: datetime.date | None = None
    tgl_sep: datetime.date | None = None


class KlaimList(Response, frozen=True, kw_only=True):
    """``GET Monitoring/Klaim/Tanggal/{tglPulang}/JnsPelayanan/{1|2}/Status/{1|2|3}``."""

    klaim: list[Klaim] = msgspec.field(default_factory=list)


class HistoriPelayanan(Response, frozen=True, kw_only=True):
    """One past service of a participant."""

    no_sep: str | None = None
    # History rows are kept as sent: old services carry dates such as "2023-01-00", and one
    # bad row must not make a participant's whole history unreadable.
    tgl_sep: str | None = None
    tgl_plg_sep: str | None = None
    no_kartu: str | None = None
    nama_peserta: str | None = None
    jns_pelayanan: str | None = None
    kelas_rawat: str | None = None
    diagnosa: str | None = None
    poli: str | None = None
    ppk_pelayanan: str | None = None
    no_rujukan: str | None = None


class HistoriPelayananList(Response, frozen=True, kw_only=True):
    """``GET monitoring/HistoriPelayanan/NoKartu/{no}/tglMulai/{tgl}/tglAkhir/{tgl}``."""

    histori: list[HistoriPelayanan] = msgspec.field(default_factory=list)


class JasaRaharjaSep(Response, frozen=True, kw_only=True):
    """``sep`` of a Jasa Raharja guarantee (``noSEP``, ``tglSEP``, ``tglPlgSEP``, ``noMr``)."""

    no_sep: str | None = msgspec.field(default=None, name="noSEP")
    tgl_sep: datetime.date | None = msgspec.field(default=None, name="tglSEP")
    tgl_plg_sep: datetime.date | None = msgspec.field(default=None, name="tglPlgSEP")
    no_mr: str | None = None
    jns_pelayanan: str | None = None
    poli: str | None = None
    diagnosa: str | None = None
    peserta: KlaimPeserta | None = None


class JasaRaharja(Response, frozen=True, kw_only=True):
    """``jasaRaharja``: the Jasa Raharja side of the guarantee."""

    tgl_kejadian: datetime.date | None = None
    no_register: str | None = None
    ket_status_dijamin: str | None = None
    ket_status_dikirim: str | None = None
    biaya_dijamin: str | int | float | None = None
    plafon: str | int | float | None = None
    jml_dibayar: str | int | float | None = None
    results_jasa_raharja: str | None = None


class JaminanJasaRaharja(Response, frozen=True, kw_only=True):
    """One Jasa Raharja guarantee: the SEP and the insurer's status."""

    sep: JasaRaharjaSep | None = None
    jasa_raharja: JasaRaharja | None = None


class JasaRaharjaList(Response, frozen=True, kw_only=True):
    """``GET monitoring/JasaRaharja/JnsPelayanan/{1|2}/tglMulai/{tgl}/tglAkhir/{tgl}``."""

    jaminan: list[JaminanJasaRaharja] = msgspec.field(default_factory=list)
