"""Answers of the ``referensi/*`` endpoints (all GET), plus the shared ``{kode, nama}`` pair.

Every referensi answer is a list of ``{kode, nama}`` under one key: ``diagnosa``, ``poli``,
``faskes``, ``procedure``, or ``list`` for the rest. BPJS's ``list`` key is ``items`` in Python
(a field called ``list`` would shadow the builtin inside the class); the wire name is unchanged.
"""

from __future__ import annotations

import msgspec

from ._base import Response

__all__ = [
    "DiagnosaList",
    "FaskesList",
    "KodeNama",
    "PoliList",
    "ProcedureList",
    "ReferensiList",
]


# Struct options do not reach subclasses for mypy (frozen) or msgspec (kw_only): repeat them.


class KodeNama(Response, frozen=True, kw_only=True):
    """A ``{kode, nama}`` pair, the commonest shape in VClaim answers."""

    kode: str
    nama: str


class DiagnosaList(Response, frozen=True, kw_only=True):
    """``GET referensi/diagnosa/{kodeAtauNama}``: ICD-10 diagnoses."""

    diagnosa: list[KodeNama]


class PoliList(Response, frozen=True, kw_only=True):
    """``GET referensi/poli/{kodeAtauNama}``: polyclinics."""

    poli: list[KodeNama]


class FaskesList(Response, frozen=True, kw_only=True):
    """``GET referensi/faskes/{kodeAtauNama}/{jenisFaskes}``: health facilities."""

    faskes: list[KodeNama]


class ProcedureList(Response, frozen=True, kw_only=True):
    """``GET referensi/procedure/{kodeAtauNama}``: ICD-9-CM procedures (for LPK)."""

    procedure: list[KodeNama]


class ReferensiList(Response, frozen=True, kw_only=True):
    """Every other referensi answer, ``{"list": [{kode, nama}, ...]}``.

    Used by ``referensi/dokter/pelayanan/...`` (DPJP), ``propinsi``, ``kabupaten/propinsi/{kd}``,
    ``kecamatan/kabupaten/{kd}``, ``diagnosaprb``, ``obatprb/{nama}``, ``kelasrawat``,
    ``dokter/{nama}``, ``spesialistik``, ``ruangrawat``, ``carakeluar`` and ``pascapulang``.
    Diagnosa PRB codes can carry trailing spaces; they are kept as sent.
    """

    items: list[KodeNama] = msgspec.field(name="list")
