"""A small VClaim world built through the public API, and one call per catalog operation.

``build_world`` issues an SEP (and an accident SEP), refers out, writes a surat kontrol, an
SPRI, a rujuk balik, an LPK, a special referral, an application and a discharge date, so
every read in the catalog has something to find. ``CALLS`` maps each catalog operation to a
call of its client method; the catalog test checks that it covers every row.
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from vclaim_async import VClaimClient
from vclaim_async._validate import today_jakarta
from vclaim_async.models.enums import JnsPelayanan, TipeRujukan
from vclaim_async.models.lpk import LpkDiagnosa, LpkPerawatan, RencanaTL
from vclaim_async.models.prb import PrbObat
from vclaim_async.models.sep import (
    InsertedSep,
    Jaminan,
    LokasiLaka,
    Penjamin,
    SepRujukan,
    SepSuplesi,
)
from vclaim_async.testing import VClaimSimulator

TGL = datetime.date(2024, 3, 1)
USER = "1001"
DOKTER = "31486"  # dr. Ayu Lestari, Sp.PD, in the simulator's sample (poli INT)


@dataclass
class World:
    """Numbers of everything ``build_world`` created."""

    card: str
    no_sep: str
    accident_sep: str
    rujukan_fktp: str
    rujukan_rs: str
    rujukan_keluar: str
    surat_kontrol: str
    spri: str
    no_srb: str
    khusus_id: str
    khusus_no: str
    khusus_month: datetime.date
    today: datetime.date


async def issue_sep(
    client: VClaimClient,
    card: str,
    no_rujukan: str,
    *,
    tgl: datetime.date = TGL,
    diag: str = "I10",
    jaminan: Jaminan | None = None,
    reconcile: bool = False,
    settle: float | None = None,
) -> InsertedSep:
    """An outpatient SEP on an FKTP referral, with everything else defaulted."""
    return await client.sep.insert(
        no_kartu=card,
        tgl_sep=tgl,
        jns_pelayanan=JnsPelayanan.RAWAT_JALAN,
        kls_rawat="3",
        no_mr="MR-0001",
        rujukan=SepRujukan(
            asal_rujukan="1",
            tgl_rujukan=(tgl - datetime.timedelta(days=3)).isoformat(),
            no_rujukan=no_rujukan,
            ppk_rujukan="0301U001",
        ),
        diag_awal=diag,
        poli="INT",
        no_telp="081200000000",
        user=USER,
        dpjp_layan=DOKTER,
        jaminan=jaminan,
        reconcile=reconcile,
        settle=settle,
    )


ACCIDENT = Jaminan(
    laka_lantas="1",
    no_lp="LP/123/III/2024",
    penjamin=Penjamin(
        tgl_kejadian="2024-02-28",
        keterangan="Tabrakan motor",
        suplesi=SepSuplesi(
            lokasi_laka=LokasiLaka(
                kode_propinsi="31", kode_kabupaten="3171", kode_kecamatan="317101"
            )
        ),
    ),
)


async def build_world(sim: VClaimSimulator, client: VClaimClient) -> World:
    """Create one of every document through the client; return their numbers."""
    card = sim.participants.cards(active=True)[0]
    rujukan = await client.rujukan.by_card(card)
    assert rujukan.no_kunjungan is not None
    rs_card = next(
        c
        for c in sim.participants.cards(active=True)
        if any(
            r.extra.get("rs") and r.extra["no_kartu"] == c for r in sim.state.referrals().values()
        )
    )
    rujukan_rs = (await client.rujukan.get_rs_by_card(rs_card)).no_kunjungan
    assert rujukan_rs is not None
    sep = await issue_sep(client, card, rujukan.no_kunjungan)
    assert sep.no_sep is not None
    accident = await issue_sep(client, card, rujukan.no_kunjungan, diag="S06.0", jaminan=ACCIDENT)
    assert accident.no_sep is not None
    keluar = await client.rujukan.insert(
        no_sep=sep.no_sep,
        tgl_rujukan=TGL,
        tgl_rencana_kunjungan=TGL + datetime.timedelta(days=2),
        ppk_dirujuk="0303R003",
        jns_pelayanan="2",
        diag_rujukan="I10",
        tipe_rujukan=TipeRujukan.PENUH,
        poli_rujukan="JAN",
        user=USER,
    )
    assert keluar is not None and keluar.no_rujukan is not None
    kontrol = await client.rencana_kontrol.insert(
        no_sep=sep.no_sep,
        kode_dokter=DOKTER,
        poli_kontrol="INT",
        tgl_rencana_kontrol=TGL + datetime.timedelta(days=14),
        user=USER,
    )
    assert kontrol.no_surat_kontrol is not None
    spri = await client.rencana_kontrol.insert_spri(
        no_kartu=card,
        kode_dokter=DOKTER,
        poli_kontrol="INT",
        tgl_rencana_kontrol=TGL + datetime.timedelta(days=1),
        user=USER,
    )
    assert spri.no_spri is not None
    srb = await client.prb.insert(
        no_sep=sep.no_sep,
        no_kartu=card,
        alamat="Jl. Contoh 1",
        program_prb="02",
        kode_dpjp=DOKTER,
        user=USER,
        obat=[PrbObat(kode_obat="12140100042", signa1="1", signa2="1", jml_obat="30")],
    )
    assert srb.no_srb is not None
    await client.lpk.insert(
        no_sep=sep.no_sep,
        tgl_masuk=TGL,
        tgl_keluar=TGL,
        poli="INT",
        diagnosa=[LpkDiagnosa(kode="I10", level="1")],
        rencana_tl=RencanaTL(tindak_lanjut="1"),
        dpjp=DOKTER,
        user=USER,
        perawatan=LpkPerawatan(ruang_rawat="3", kelas_rawat="5", cara_keluar="1"),
    )
    khusus = await client.rujukan.insert_khusus(
        no_rujukan=rujukan.no_kunjungan, diagnosa=["P;N18.5", "S;I10"], user=USER
    )
    khusus_id = next(iter(sim.state.rujukan_khusus))
    await client.sep.insert_pengajuan(
        no_kartu=card, tgl_sep=TGL, jns_pelayanan="2", jns_pengajuan="1", user=USER
    )
    await client.sep.update_tgl_pulang(
        no_sep=sep.no_sep, status_pulang="1", tgl_pulang=TGL, user=USER
    )
    sim.state.add_internal(
        sep.no_sep, no_surat="INT-1", tgl_rujukan_internal=TGL.isoformat(), kd_poli_tuj="JAN"
    )
    sim.state.add_fingerprint(card, TGL.isoformat(), sep.no_sep)
    assert rujukan.tgl_kunjungan is not None and khusus.no_rujukan is not None
    return World(
        card=card,
        no_sep=sep.no_sep,
        accident_sep=accident.no_sep,
        rujukan_fktp=rujukan.no_kunjungan,
        rujukan_rs=rujukan_rs,
        rujukan_keluar=keluar.no_rujukan,
        surat_kontrol=kontrol.no_surat_kontrol,
        spri=spri.no_spri,
        no_srb=srb.no_srb,
        khusus_id=khusus_id,
        khusus_no=khusus.no_rujukan,
        khusus_month=rujukan.tgl_kunjungan,
        today=today_jakarta(),
    )


Call = Callable[[VClaimClient, World], Awaitable[object]]
LATER = TGL + datetime.timedelta(days=30)

#: One call per catalog operation, each expected to succeed against ``build_world``.
CALLS: dict[str, Call] = {
    "peserta.by_card": lambda c, w: c.peserta.by_card(w.card, TGL),
    "peserta.by_nik": lambda c, w: _by_nik(c, w),
    "sep.insert": lambda c, w: issue_sep(c, w.card, w.rujukan_fktp),
    "sep.update": lambda c, w: c.sep.update(
        no_sep=w.no_sep,
        kls_rawat="3",
        no_mr="MR-0002",
        diag_awal="I10",
        poli="INT",
        no_telp="0812",
        user=USER,
        dpjp_layan=DOKTER,
    ),
    "sep.delete": lambda c, w: c.sep.delete(w.no_sep, USER),
    "sep.get": lambda c, w: c.sep.get(w.no_sep),
    "sep.get_last_by_rujukan": lambda c, w: c.sep.get_last_by_rujukan(w.rujukan_fktp),
    "sep.list_suplesi_jasa_raharja": lambda c, w: c.sep.list_suplesi_jasa_raharja(w.card, LATER),
    "sep.list_kll_induk": lambda c, w: c.sep.list_kll_induk(w.card),
    "sep.insert_pengajuan": lambda c, w: c.sep.insert_pengajuan(
        no_kartu=w.card, tgl_sep=TGL, jns_pelayanan="1", jns_pengajuan="2", user=USER
    ),
    "sep.insert_persetujuan": lambda c, w: c.sep.insert_persetujuan(
        no_kartu=w.card, tgl_sep=TGL, jns_pelayanan="2", jns_pengajuan="1", user=USER
    ),
    "sep.list_persetujuan": lambda c, w: c.sep.list_persetujuan(3, 2024),
    "sep.update_tgl_pulang": lambda c, w: c.sep.update_tgl_pulang(
        no_sep=w.accident_sep, status_pulang="3", tgl_pulang=TGL, user=USER
    ),
    "sep.list_tgl_pulang": lambda c, w: c.sep.list_tgl_pulang(3, 2024),
    "sep.get_inacbg": lambda c, w: c.sep.get_inacbg(w.no_sep),
    "sep.list_internal": lambda c, w: c.sep.list_internal(w.no_sep),
    "sep.delete_internal": lambda c, w: c.sep.delete_internal(
        no_sep=w.no_sep,
        no_surat="INT-1",
        tgl_rujukan_internal=TGL,
        kode_poli_tujuan="JAN",
        user=USER,
    ),
    "sep.get_finger_print": lambda c, w: c.sep.get_finger_print(w.card, TGL),
    "sep.list_finger_print": lambda c, w: c.sep.list_finger_print(TGL),
    "sep.get_random_question": lambda c, w: c.sep.get_random_question(w.card, TGL),
    "sep.insert_random_answer": lambda c, w: c.sep.insert_random_answer(
        no_kartu=w.card,
        tgl_sep=TGL,
        jns_pelayanan="2",
        tgl_lahir="1970-01-01",
        ppk_pst="0301U001",
        user=USER,
    ),
    "rujukan.get": lambda c, w: c.rujukan.get(w.rujukan_fktp),
    "rujukan.get_rs": lambda c, w: c.rujukan.get_rs(w.rujukan_rs),
    "rujukan.by_card": lambda c, w: c.rujukan.by_card(w.card),
    "rujukan.get_rs_by_card": lambda c, w: _rs_card(c, w),
    "rujukan.list_by_card": lambda c, w: c.rujukan.list_by_card(w.card),
    "rujukan.list_rs_by_card": lambda c, w: _rs_list(c, w),
    "rujukan.insert": lambda c, w: c.rujukan.insert(
        no_sep=w.no_sep,
        tgl_rujukan=TGL,
        tgl_rencana_kunjungan=TGL,
        ppk_dirujuk="0302R002",
        jns_pelayanan="2",
        diag_rujukan="I10",
        tipe_rujukan="0",
        poli_rujukan="INT",
        user=USER,
    ),
    "rujukan.update": lambda c, w: c.rujukan.update(
        no_rujukan=w.rujukan_keluar,
        tgl_rujukan=TGL,
        tgl_rencana_kunjungan=TGL,
        ppk_dirujuk="0302R002",
        jns_pelayanan="2",
        diag_rujukan="I10",
        tipe_rujukan="0",
        poli_rujukan="INT",
        user=USER,
    ),
    "rujukan.delete": lambda c, w: c.rujukan.delete(w.rujukan_keluar, USER),
    "rujukan.insert_khusus": lambda c, w: c.rujukan.insert_khusus(
        no_rujukan=w.rujukan_fktp, diagnosa=["P;Z49.1"], procedure=["39.95"], user=USER
    ),
    "rujukan.delete_khusus": lambda c, w: c.rujukan.delete_khusus(
        id_rujukan=w.khusus_id, no_rujukan=w.khusus_no, user=USER
    ),
    "rujukan.list_khusus": lambda c, w: c.rujukan.list_khusus(
        w.khusus_month.month, w.khusus_month.year
    ),
    "rujukan.list_spesialistik": lambda c, w: c.rujukan.list_spesialistik("0303R003", TGL),
    "rujukan.list_sarana": lambda c, w: c.rujukan.list_sarana("0303R003"),
    "rujukan.list_keluar": lambda c, w: c.rujukan.list_keluar(TGL, LATER),
    "rujukan.get_keluar": lambda c, w: c.rujukan.get_keluar(w.rujukan_keluar),
    "rujukan.get_jumlah_sep": lambda c, w: c.rujukan.get_jumlah_sep("1", w.rujukan_fktp),
    "rencana_kontrol.insert": lambda c, w: c.rencana_kontrol.insert(
        no_sep=w.no_sep,
        kode_dokter=DOKTER,
        poli_kontrol="INT",
        tgl_rencana_kontrol=LATER,
        user=USER,
    ),
    "rencana_kontrol.insert_v2": lambda c, w: c.rencana_kontrol.insert_v2(
        no_sep=w.no_sep,
        kode_dokter=DOKTER,
        poli_kontrol="INT",
        tgl_rencana_kontrol=LATER,
        user=USER,
    ),
    "rencana_kontrol.update": lambda c, w: c.rencana_kontrol.update(
        no_surat_kontrol=w.surat_kontrol,
        no_sep=w.no_sep,
        kode_dokter=DOKTER,
        poli_kontrol="INT",
        tgl_rencana_kontrol=LATER,
        user=USER,
    ),
    "rencana_kontrol.update_v2": lambda c, w: c.rencana_kontrol.update_v2(
        no_surat_kontrol=w.surat_kontrol,
        no_sep=w.no_sep,
        kode_dokter=DOKTER,
        poli_kontrol="INT",
        tgl_rencana_kontrol=LATER,
        user=USER,
    ),
    "rencana_kontrol.delete": lambda c, w: c.rencana_kontrol.delete(w.surat_kontrol, USER),
    "rencana_kontrol.insert_spri": lambda c, w: c.rencana_kontrol.insert_spri(
        no_kartu=w.card,
        kode_dokter=DOKTER,
        poli_kontrol="INT",
        tgl_rencana_kontrol=LATER,
        user=USER,
    ),
    "rencana_kontrol.update_spri": lambda c, w: c.rencana_kontrol.update_spri(
        no_spri=w.spri,
        kode_dokter=DOKTER,
        poli_kontrol="INT",
        tgl_rencana_kontrol=LATER,
        user=USER,
    ),
    "rencana_kontrol.get_sep": lambda c, w: c.rencana_kontrol.get_sep(w.no_sep),
    "rencana_kontrol.get": lambda c, w: c.rencana_kontrol.get(w.surat_kontrol),
    "rencana_kontrol.list_by_card": lambda c, w: c.rencana_kontrol.list_by_card(w.card, 3, 2024),
    "rencana_kontrol.list_by_date": lambda c, w: c.rencana_kontrol.list_by_date(TGL, LATER),
    "rencana_kontrol.list_poli": lambda c, w: c.rencana_kontrol.list_poli("2", w.no_sep, LATER),
    "rencana_kontrol.list_jadwal_dokter": lambda c, w: c.rencana_kontrol.list_jadwal_dokter(
        "2", "INT", LATER
    ),
    "referensi.list_diagnosa": lambda c, w: c.referensi.list_diagnosa("A09"),
    "referensi.list_poli": lambda c, w: c.referensi.list_poli("dalam"),
    "referensi.list_faskes": lambda c, w: c.referensi.list_faskes("simulasi", "2"),
    "referensi.list_dokter_dpjp": lambda c, w: c.referensi.list_dokter_dpjp("2", TGL, "INT"),
    "referensi.list_propinsi": lambda c, w: c.referensi.list_propinsi(),
    "referensi.list_kabupaten": lambda c, w: c.referensi.list_kabupaten("31"),
    "referensi.list_kecamatan": lambda c, w: c.referensi.list_kecamatan("3171"),
    "referensi.list_diagnosa_prb": lambda c, w: c.referensi.list_diagnosa_prb(),
    "referensi.list_obat_prb": lambda c, w: c.referensi.list_obat_prb("tab 10 mg"),
    "referensi.list_prosedur": lambda c, w: c.referensi.list_prosedur("39.95"),
    "referensi.list_kelas_rawat": lambda c, w: c.referensi.list_kelas_rawat(),
    "referensi.list_dokter": lambda c, w: c.referensi.list_dokter("Ayu"),
    "referensi.list_spesialistik": lambda c, w: c.referensi.list_spesialistik(),
    "referensi.list_ruang_rawat": lambda c, w: c.referensi.list_ruang_rawat(),
    "referensi.list_cara_keluar": lambda c, w: c.referensi.list_cara_keluar(),
    "referensi.list_pasca_pulang": lambda c, w: c.referensi.list_pasca_pulang(),
    "monitoring.list_kunjungan": lambda c, w: c.monitoring.list_kunjungan(TGL, "2"),
    "monitoring.list_klaim": lambda c, w: c.monitoring.list_klaim(TGL, "2", "1"),
    "monitoring.list_histori_pelayanan": lambda c, w: c.monitoring.list_histori_pelayanan(
        w.card, TGL, LATER
    ),
    "monitoring.list_jasa_raharja": lambda c, w: c.monitoring.list_jasa_raharja("2", TGL, LATER),
    "prb.insert": lambda c, w: c.prb.insert(
        no_sep=w.no_sep,
        no_kartu=w.card,
        alamat="Jl. Contoh 2",
        program_prb="02",
        kode_dpjp=DOKTER,
        user=USER,
    ),
    "prb.update": lambda c, w: c.prb.update(
        no_srb=w.no_srb, no_sep=w.no_sep, alamat="Jl. Baru 3", kode_dpjp=DOKTER, user=USER
    ),
    "prb.delete": lambda c, w: c.prb.delete(w.no_srb, w.no_sep, USER),
    "prb.get": lambda c, w: c.prb.get(w.no_srb, w.no_sep),
    "prb.list_by_date": lambda c, w: c.prb.list_by_date(w.today, w.today),
    "prb.list_rekap_potensi": lambda c, w: c.prb.list_rekap_potensi(2024, 3),
    "lpk.insert": lambda c, w: c.lpk.insert(
        no_sep=w.accident_sep,
        tgl_masuk=TGL,
        tgl_keluar=TGL,
        poli="INT",
        diagnosa=[LpkDiagnosa(kode="S06.0", level="1")],
        rencana_tl=RencanaTL(tindak_lanjut="1"),
        dpjp=DOKTER,
        user=USER,
    ),
    "lpk.update": lambda c, w: c.lpk.update(
        no_sep=w.no_sep,
        tgl_masuk=TGL,
        tgl_keluar=TGL,
        poli="INT",
        diagnosa=[LpkDiagnosa(kode="I10", level="1")],
        rencana_tl=RencanaTL(tindak_lanjut="1"),
        dpjp=DOKTER,
        user=USER,
    ),
    "lpk.delete": lambda c, w: c.lpk.delete(w.no_sep),
    "lpk.list_by_date": lambda c, w: c.lpk.list_by_date(TGL, "2"),
}


async def _by_nik(client: VClaimClient, world: World) -> object:
    peserta = await client.peserta.by_card(world.card, TGL)
    assert peserta.nik is not None
    return await client.peserta.by_nik(peserta.nik, TGL)


async def _rs_card(client: VClaimClient, world: World) -> object:
    rujukan = await client.rujukan.get_rs(world.rujukan_rs)
    assert rujukan.peserta is not None
    return await client.rujukan.get_rs_by_card(rujukan.peserta.no_kartu)


async def _rs_list(client: VClaimClient, world: World) -> object:
    rujukan = await client.rujukan.get_rs(world.rujukan_rs)
    assert rujukan.peserta is not None
    return await client.rujukan.list_rs_by_card(rujukan.peserta.no_kartu)
