"""Typical application code, checked by ``mypy --strict tests/typing``; never run or collected.

It reads the fields BPJS always sends without a single ``None``-guard: if a model made one of
them ``Optional`` again, this file stops type-checking and CI says so.
"""

from __future__ import annotations

import datetime

from vclaim_async import Peserta, VClaimClient, VClaimConfig
from vclaim_async.models.monitoring import Kunjungan
from vclaim_async.models.rencana_kontrol import SuratKontrolResult
from vclaim_async.models.rujukan import Rujukan
from vclaim_async.models.sep import InsertedSep, SepDetail, SepRujukan


def greeting(peserta: Peserta) -> str:
    status: str = peserta.status_peserta.keterangan
    born: datetime.date = peserta.tgl_lahir
    return f"{peserta.nama.upper()} ({peserta.hak_kelas.keterangan}, {status}, {born:%d-%m-%Y})"


def faskes(peserta: Peserta) -> str:
    return f"{peserta.prov_umum.kd_provider} {peserta.prov_umum.nm_provider.title()}"


def referral_line(rujukan: Rujukan) -> str:
    days = (datetime.date.today() - rujukan.tgl_kunjungan).days
    return f"{rujukan.no_kunjungan} {rujukan.poli_rujukan.nama} {rujukan.peserta.nama} {days}d"


def receipt(sep: InsertedSep) -> tuple[str, str, datetime.date]:
    return sep.no_sep, sep.peserta.nama.upper(), sep.tgl_sep


def detail_line(detail: SepDetail) -> str:
    return f"{detail.no_sep} {detail.peserta.no_kartu} {detail.kls_rawat.kls_rawat_hak}"


def visit_line(visit: Kunjungan) -> str:
    return f"{visit.no_sep} {visit.tgl_sep.isoformat()} {visit.nama.title()}"


def kontrol_line(surat: SuratKontrolResult) -> str:
    return f"{surat.no_surat_kontrol} {surat.tgl_rencana_kontrol:%d-%m-%Y} {surat.nama_dokter}"


async def admit(card: str, no_rujukan: str) -> str:
    async with VClaimClient(VClaimConfig.from_env()) as client:
        peserta = await client.peserta.by_card(card)
        if not peserta.is_active:
            raise RuntimeError(f"{peserta.nama.upper()}: {peserta.status_peserta.keterangan}")
        sep = await client.sep.insert(
            no_kartu=card,
            tgl_sep=datetime.date.today(),
            jns_pelayanan="2",
            kls_rawat=peserta.hak_kelas.kode,
            no_mr=peserta.mr.no_mr or "RM-001",
            rujukan=SepRujukan(
                asal_rujukan="1",
                tgl_rujukan="2024-03-01",
                no_rujukan=no_rujukan,
                ppk_rujukan=peserta.prov_umum.kd_provider,
            ),
            diag_awal="I10",
            poli="INT",
            no_telp="081200000000",
            user="admisi",
            dpjp_layan="31486",
        )
        no_sep: str = sep.no_sep
        detail = await client.sep.get(no_sep)
        return f"{receipt(sep)[0]} {detail_line(detail)} {greeting(peserta)} {faskes(peserta)}"
