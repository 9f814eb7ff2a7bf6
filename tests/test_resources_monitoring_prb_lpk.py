"""``client.monitoring``, ``client.prb`` and ``client.lpk`` against the simulator."""

from __future__ import annotations

import datetime

import pytest

from tests.vclaim_world import DOKTER, TGL, USER, build_world, issue_sep
from vclaim_async import NotFoundError, VClaimClient
from vclaim_async.models.enums import JnsPelayanan, StatusKlaim
from vclaim_async.models.lpk import KontrolKembali, LpkDiagnosa, RencanaTL
from vclaim_async.models.prb import PrbObat
from vclaim_async.testing import VClaimSimulator

# -- monitoring ----------------------------------------------------------------------------------


async def test_kunjungan_lists_the_day_sep(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    visits = await client.monitoring.list_kunjungan(TGL, JnsPelayanan.RAWAT_JALAN)
    assert {v.no_sep for v in visits} == {world.no_sep, world.accident_sep}
    assert all(v.tgl_plg_sep == TGL for v in visits)
    with pytest.raises(NotFoundError):
        await client.monitoring.list_kunjungan(TGL, JnsPelayanan.RAWAT_INAP)


async def test_deleted_sep_leaves_monitoring(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    await client.sep.delete(world.accident_sep, USER)
    visits = await client.monitoring.list_kunjungan(TGL, "2")
    assert [v.no_sep for v in visits] == [world.no_sep]


async def test_klaim_follows_the_claim_status(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    verifying = await client.monitoring.list_klaim(TGL, "2", StatusKlaim.PROSES_VERIFIKASI)
    assert {k.no_sep for k in verifying} == {world.no_sep, world.accident_sep}
    sim.state.claim_status[world.no_sep] = "3"
    claimed = await client.monitoring.list_klaim(TGL, "2", StatusKlaim.KLAIM)
    assert [k.no_sep for k in claimed] == [world.no_sep]
    assert claimed[0].biaya is not None and claimed[0].biaya.by_setujui == "228600"
    assert claimed[0].inacbg is not None and claimed[0].inacbg.kode == "Q-5-44-0"


async def test_histori_pelayanan(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    later = world.rujukan_fktp
    await issue_sep(client, world.card, later, tgl=datetime.date(2024, 5, 2))
    history = await client.monitoring.list_histori_pelayanan(world.card, "2024-03-01", "2024-03-31")
    assert {h.no_sep for h in history} == {world.no_sep, world.accident_sep}
    assert all(h.tgl_sep == "2024-03-01" for h in history)
    assert sim.requests[-1].path.endswith(
        f"/monitoring/HistoriPelayanan/NoKartu/{world.card}/tglMulai/2024-03-01/tglAkhir/2024-03-31"
    )
    with pytest.raises(ValueError, match="before the start"):
        await client.monitoring.list_histori_pelayanan(world.card, "2024-03-31", "2024-03-01")


async def test_jasa_raharja(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    rows = await client.monitoring.list_jasa_raharja("2", TGL, "2024-03-31")
    assert len(rows) == 1
    row = rows[0]
    assert row.sep is not None and row.sep.no_sep == world.accident_sep
    assert row.jasa_raharja is not None
    assert row.jasa_raharja.tgl_kejadian == datetime.date(2024, 2, 28)


# -- PRB -----------------------------------------------------------------------------------------


async def test_prb_lifecycle(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    prb = await client.prb.get(world.no_srb, world.no_sep)
    assert prb.program_prb is not None and prb.program_prb.kode == "02"
    assert prb.obat is not None and prb.obat.obat is not None
    assert [o.nm_obat for o in prb.obat.obat] == ["Amlodipine tab 5 mg"]
    changed = await client.prb.update(
        no_srb=world.no_srb,
        no_sep=world.no_sep,
        alamat="Jl. Baru 3",
        kode_dpjp=DOKTER,
        user=USER,
        obat=[PrbObat(kode_obat="12140100043", signa1="1", signa2="1", jml_obat="30")],
    )
    assert changed == world.no_srb
    assert sim.state.prb[world.no_srb].body["alamat"] == "Jl. Baru 3"
    listed = await client.prb.list_by_date(world.today, world.today)
    assert [p.no_srb for p in listed] == [world.no_srb]
    assert await client.prb.delete(world.no_srb, world.no_sep, USER) == world.no_srb
    with pytest.raises(NotFoundError):
        await client.prb.delete(world.no_srb, world.no_sep, USER)


async def test_prb_insert_answer(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    created = await client.prb.insert(
        no_sep=world.no_sep,
        no_kartu=world.card,
        alamat="Jl. Contoh 9",
        email="pasien@example.org",
        program_prb="01",
        kode_dpjp=DOKTER,
        user=USER,
        obat=[PrbObat(kode_obat="12110300011", signa1="2", signa2="1", jml_obat="60")],
    )
    assert created.no_srb is not None and created.program_prb == "Diabetes Mellitus"
    assert created.obat is not None and created.obat.items is not None
    assert created.obat.items[0].signa == "2 x 1"


async def test_prb_user_must_be_numeric(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    with pytest.raises(NotFoundError, match="numeric"):
        await client.prb.insert(
            no_sep=world.no_sep,
            no_kartu=world.card,
            alamat="Jl.",
            program_prb="01",
            kode_dpjp=DOKTER,
            user="admisi",
        )


async def test_rekap_potensi(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    rows = await client.prb.list_rekap_potensi(2024, 3)
    assert {r.no_sep for r in rows} == {world.no_sep}  # I10; the accident SEP is not PRB
    assert rows[0].kategori_penyakit_prb == "Hipertensi"
    assert sim.requests[-1].path.endswith("/prbpotensi/tahun/2024/bulan/03")
    assert await client.prb.list_rekap_potensi(2024, 7) == []  # BPJS answers "" for an empty month


# -- LPK -----------------------------------------------------------------------------------------


async def test_lpk_lifecycle(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    sheets = await client.lpk.list_by_date(TGL, "2")
    assert [s.no_sep for s in sheets] == [world.no_sep]
    sheet = sheets[0]
    assert sheet.diagnosa is not None and sheet.diagnosa.items is not None
    first = sheet.diagnosa.items[0]
    assert first.level == "1" and first.diagnosa is not None and first.diagnosa.kode == "I10"
    assert sheet.perawatan is not None and sheet.perawatan.kelas_rawat is not None
    assert sheet.perawatan.kelas_rawat.nama == "Kelas 3"
    changed = await client.lpk.update(
        no_sep=world.no_sep,
        tgl_masuk=TGL,
        tgl_keluar=TGL,
        poli="INT",
        diagnosa=[LpkDiagnosa(kode="I10", level="1"), LpkDiagnosa(kode="E11", level="2")],
        procedure=["89.52"],
        rencana_tl=RencanaTL(
            tindak_lanjut="4", kontrol_kembali=KontrolKembali(tgl_kontrol="2024-03-15", poli="INT")
        ),
        dpjp=DOKTER,
        user=USER,
    )
    assert changed == world.no_sep
    again = (await client.lpk.list_by_date(TGL, "2"))[0]
    assert again.rencana_tl is not None and again.rencana_tl.kontrol_kembali is not None
    assert again.rencana_tl.kontrol_kembali.tgl_kontrol == datetime.date(2024, 3, 15)
    assert await client.lpk.delete(world.no_sep) == world.no_sep
    with pytest.raises(NotFoundError):
        await client.lpk.delete(world.no_sep)


async def test_second_lpk_for_one_sep_is_refused(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    world = await build_world(sim, client)
    with pytest.raises(NotFoundError, match="sudah ada"):
        await client.lpk.insert(
            no_sep=world.no_sep,
            tgl_masuk=TGL,
            tgl_keluar=TGL,
            poli="INT",
            diagnosa=[LpkDiagnosa(kode="I10", level="1")],
            rencana_tl=RencanaTL(tindak_lanjut="1"),
            dpjp=DOKTER,
            user=USER,
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"diagnosa": [LpkDiagnosa(kode="I10", level="2")]}, "primary"),
        ({"diagnosa": [LpkDiagnosa(kode="I10", level="3")]}, "level"),
        ({"rencana_tl": RencanaTL(tindak_lanjut="3")}, "kode_ppk"),
        ({"rencana_tl": RencanaTL(tindak_lanjut="4")}, "kontrol_kembali"),
        ({"tgl_keluar": "2024-02-28"}, "before the start"),
        ({"procedure": "89.52"}, "sequence"),
    ],
)
async def test_lpk_arguments_are_checked(
    sim: VClaimSimulator, client: VClaimClient, change: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {
        "no_sep": "0301R0012403V000001",
        "tgl_masuk": TGL,
        "tgl_keluar": TGL,
        "poli": "INT",
        "diagnosa": [LpkDiagnosa(kode="I10", level="1")],
        "rencana_tl": RencanaTL(tindak_lanjut="1"),
        "dpjp": DOKTER,
        "user": USER,
    }
    arguments.update(change)
    with pytest.raises((ValueError, TypeError), match=message):
        await client.lpk.insert(**arguments)  # type: ignore[arg-type]
    assert sim.requests == []
