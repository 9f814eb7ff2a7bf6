"""Participant (Peserta) answers: ``Peserta/nokartu/...`` and ``Peserta/nik/...``.

Field names follow BPJS on the wire (``msgspec.to_builtins(peserta)`` gives ``noKartu``,
``tglLahir``, ``statusPeserta`` ...), snake_case in Python.
"""

from __future__ import annotations

import datetime

import msgspec

from ._base import Response

__all__ = [
    "COB",
    "MR",
    "Informasi",
    "KodeKeterangan",
    "Peserta",
    "PesertaPayload",
    "ProvUmum",
    "Umur",
]


class KodeKeterangan(Response, frozen=True, kw_only=True):
    """A coded value with its description, e.g. ``{"kode": "0", "keterangan": "AKTIF"}``."""

    kode: str | None = None
    keterangan: str | None = None


class COB(Response, frozen=True, kw_only=True):
    """Coordination of benefits: another insurer, when there is one."""

    nm_asuransi: str | None = None
    no_asuransi: str | None = None
    # COB dates are often empty strings on real answers, so they stay as sent.
    tgl_tat: str | None = msgspec.field(default=None, name="tglTAT")
    tgl_tmt: str | None = msgspec.field(default=None, name="tglTMT")


class Informasi(Response, frozen=True, kw_only=True):
    """Flags BPJS attaches to a participant (social services, SKTM, PRB/prolanis, e-SEP)."""

    dinsos: str | None = None
    no_sktm: str | None = msgspec.field(default=None, name="noSKTM")
    prolanis_prb: str | None = msgspec.field(default=None, name="prolanisPRB")
    e_sep: str | None = msgspec.field(default=None, name="eSEP")


class MR(Response, frozen=True, kw_only=True):
    """The medical-record number and phone BPJS holds for this hospital."""

    no_mr: str | None = msgspec.field(default=None, name="noMR")
    no_telepon: str | None = None


class ProvUmum(Response, frozen=True, kw_only=True):
    """The participant's registered primary-care provider (FKTP)."""

    kd_provider: str | None = None
    nm_provider: str | None = None


class Umur(Response, frozen=True, kw_only=True):
    """Age as BPJS words it, e.g. ``"33 tahun ,2 bulan ,3 hari"``."""

    umur_saat_pelayanan: str | None = None
    umur_sekarang: str | None = None


class Peserta(Response, frozen=True, kw_only=True):
    """A JKN participant as VClaim returns it.

    ``status_peserta.kode == "0"`` means active (AKTIF); :attr:`is_active` says so.
    """

    no_kartu: str
    nik: str | None = None
    nama: str | None = None
    pisa: str | None = None
    sex: str | None = None
    tgl_lahir: datetime.date | None = None
    tgl_cetak_kartu: datetime.date | None = None
    tgl_tat: datetime.date | None = msgspec.field(default=None, name="tglTAT")
    tgl_tmt: datetime.date | None = msgspec.field(default=None, name="tglTMT")
    status_peserta: KodeKeterangan | None = None
    hak_kelas: KodeKeterangan | None = None
    jenis_peserta: KodeKeterangan | None = None
    prov_umum: ProvUmum | None = None
    mr: MR | None = None
    umur: Umur | None = None
    informasi: Informasi | None = None
    cob: COB | None = None

    @property
    def is_active(self) -> bool:
        """True when BPJS reports the participant active (statusPeserta kode "0")."""
        return self.status_peserta is not None and self.status_peserta.kode == "0"


class PesertaPayload(Response, frozen=True, kw_only=True):
    """The decrypted answer: ``{"peserta": {...}}``."""

    peserta: Peserta
