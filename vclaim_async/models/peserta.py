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

    kode: str
    keterangan: str


class COB(Response, frozen=True, kw_only=True):
    """Coordination of benefits: another insurer, when there is one."""

    # All ``string | null`` in ssecd/jkn's types; null when there is no other insurer.
    nm_asuransi: str | None = None
    no_asuransi: str | None = None
    # COB dates are often empty strings on real answers, so they stay as sent.
    tgl_tat: str | None = msgspec.field(default=None, name="tglTAT")
    tgl_tmt: str | None = msgspec.field(default=None, name="tglTMT")


class Informasi(Response, frozen=True, kw_only=True):
    """Flags BPJS attaches to a participant (social services, SKTM, PRB/prolanis, e-SEP)."""

    # All ``string | null`` in ssecd/jkn's types; samples show null.
    dinsos: str | None = None
    no_sktm: str | None = msgspec.field(default=None, name="noSKTM")
    prolanis_prb: str | None = msgspec.field(default=None, name="prolanisPRB")
    e_sep: str | None = msgspec.field(default=None, name="eSEP")


class MR(Response, frozen=True, kw_only=True):
    """The medical-record number and phone BPJS holds for this hospital."""

    # Both ``string | null`` in ssecd/jkn's Peserta type: a new patient has none yet.
    no_mr: str | None = msgspec.field(default=None, name="noMR")
    no_telepon: str | None = None


class ProvUmum(Response, frozen=True, kw_only=True):
    """The participant's registered primary-care provider (FKTP)."""

    kd_provider: str
    nm_provider: str


class Umur(Response, frozen=True, kw_only=True):
    """Age as BPJS words it, e.g. ``"33 tahun ,2 bulan ,3 hari"``."""

    umur_saat_pelayanan: str
    umur_sekarang: str


class Peserta(Response, frozen=True, kw_only=True):
    """A JKN participant as VClaim returns it.

    ``status_peserta.kode == "0"`` means active (AKTIF); :attr:`is_active` says so.
    """

    no_kartu: str
    # Null in referral answers (ssecd/jkn types it ``string | null`` inside a rujukan).
    nik: str | None = None
    nama: str
    pisa: str
    sex: str
    tgl_lahir: datetime.date
    tgl_cetak_kartu: datetime.date
    tgl_tat: datetime.date = msgspec.field(name="tglTAT")
    tgl_tmt: datetime.date = msgspec.field(name="tglTMT")
    status_peserta: KodeKeterangan
    hak_kelas: KodeKeterangan
    jenis_peserta: KodeKeterangan
    prov_umum: ProvUmum
    mr: MR
    umur: Umur
    informasi: Informasi
    cob: COB

    @property
    def is_active(self) -> bool:
        """True when BPJS reports the participant active (statusPeserta kode "0")."""
        return self.status_peserta.kode == "0"


class PesertaPayload(Response, frozen=True, kw_only=True):
    """The decrypted answer: ``{"peserta": {...}}``."""

    peserta: Peserta
