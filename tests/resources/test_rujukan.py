"""``client.rujukan`` against the simulator: incoming, outgoing and special referrals."""

from __future__ import annotations

import datetime

import pytest

from tests.resources.world import TGL, USER, build_world
from vclaim_async import NotFoundError, RefusedError, VClaimClient
from vclaim_async.models.enums import AsalRujukan, TipeRujukan
from vclaim_async.models.rujukan import Rujukan
from vclaim_async.testing import VClaimSimulator


async def test_incoming_fktp_referral(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards(active=True)[0]
    latest = await client.rujukan.by_card(card)
    assert isinstance(latest, Rujukan)
    assert latest.peserta is not None and latest.peserta.no_kartu == card
    assert latest.no_kunjungan is not None and len(latest.no_kunjungan) == 19
    same = await client.rujukan.get(latest.no_kunjungan)
    assert same.no_kunjungan == latest.no_kunjungan
    assert [r.no_kunjungan for r in await client.rujukan.list_by_card(card)] == [
        latest.no_kunjungan
    ]
    with pytest.raises(NotFoundError):
        await client.rujukan.get_rs(latest.no_kunjungan)  # an FKTP one, not a hospital's


async def test_incoming_hospital_referral(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards()[0]  # every fourth participant has one, the first included
    rs = await client.rujukan.get_rs_by_card(card)
    assert rs.prov_perujuk is not None and rs.prov_perujuk.kode == "0302R002"
    assert rs.no_kunjungan is not None
    assert (await client.rujukan.get_rs(rs.no_kunjungan)).no_kunjungan == rs.no_kunjungan
    assert len(await client.rujukan.list_rs_by_card(card)) == 1
    assert sim.requests[-1].path.endswith(f"/Rujukan/RS/List/Peserta/{card}")


async def test_seeded_referral_for_a_new_participant(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    card = sim.participants.cards()[5]
    number = sim.state.add_rujukan(card, tgl_kunjungan="2024-02-01", diagnosa=("E11", "DM"))
    found = await client.rujukan.get(number)
    assert found.tgl_kunjungan == datetime.date(2024, 2, 1)
    assert found.diagnosa is not None and found.diagnosa.kode == "E11"


async def test_outgoing_referral_lifecycle(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    detail = await client.rujukan.get_keluar(world.rujukan_keluar)
    assert detail.no_sep == world.no_sep and detail.ppk_dirujuk == "0303R003"
    assert detail.tgl_rencana_kunjungan == datetime.date(2024, 3, 3)
    listed = await client.rujukan.list_keluar(TGL, TGL)
    assert [r.no_rujukan for r in listed] == [world.rujukan_keluar]
    changed = await client.rujukan.update(
        no_rujukan=world.rujukan_keluar,
        tgl_rujukan=TGL,
        tgl_rencana_kunjungan="2024-03-05",
        ppk_dirujuk="0302R002",
        jns_pelayanan="2",
        diag_rujukan="I10",
        tipe_rujukan=TipeRujukan.PENUH,
        poli_rujukan="JAN",
        user=USER,
    )
    assert changed == world.rujukan_keluar
    assert (await client.rujukan.get_keluar(world.rujukan_keluar)).ppk_dirujuk == "0302R002"
    assert await client.rujukan.delete(world.rujukan_keluar, USER) == world.rujukan_keluar
    with pytest.raises(NotFoundError):
        await client.rujukan.delete(world.rujukan_keluar, USER)


async def test_partial_referral_answers_none(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    created = await client.rujukan.insert(
        no_sep=world.no_sep,
        tgl_rujukan=TGL,
        tgl_rencana_kunjungan=TGL,
        ppk_dirujuk="0302R002",
        jns_pelayanan="2",
        diag_rujukan="I10",
        tipe_rujukan=TipeRujukan.PARTIAL,
        poli_rujukan="INT",
        user=USER,
    )
    assert created is None
    assert len(sim.state.rujukan_keluar) == 2


async def test_rujuk_balik_must_leave_poli_empty(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    with pytest.raises(ValueError, match="poli_rujukan"):
        await client.rujukan.insert(
            no_sep="0301R0012403V000001",
            tgl_rujukan=TGL,
            tgl_rencana_kunjungan=TGL,
            ppk_dirujuk="0301U001",
            jns_pelayanan="2",
            diag_rujukan="I10",
            tipe_rujukan="2",
            poli_rujukan="INT",
            user=USER,
        )
    assert sim.requests == []


async def test_jumlah_sep_counts_sep_issued_on_a_referral(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    world = await build_world(sim, client)
    assert await client.rujukan.get_jumlah_sep(AsalRujukan.FASKES_1, world.rujukan_fktp) == 2
    assert await client.rujukan.get_jumlah_sep("2", world.rujukan_fktp) == 0
    assert sim.requests[-1].path.endswith(f"/Rujukan/JumlahSEP/2/{world.rujukan_fktp}")


async def test_special_referrals(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    month = world.khusus_month
    rows = await client.rujukan.list_khusus(month.month, month.year)
    assert [(r.id_rujukan, r.diag_ppk) for r in rows] == [(world.khusus_id, "N18.5")]
    # The catalog writes this month without padding: Bulan/1, not Bulan/01.
    assert sim.requests[-1].path.endswith(f"/Bulan/{month.month}/Tahun/{month.year}")
    deleted = await client.rujukan.delete_khusus(
        id_rujukan=world.khusus_id, no_rujukan=world.khusus_no, user=USER
    )
    assert deleted == world.khusus_id
    with pytest.raises(NotFoundError):
        await client.rujukan.list_khusus(month.month, month.year)


async def test_special_referral_month_is_not_padded(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    with pytest.raises(NotFoundError):
        await client.rujukan.list_khusus(1, 2024)
    assert sim.requests[-1].path.endswith("/Rujukan/Khusus/List/Bulan/1/Tahun/2024")


async def test_special_referral_needs_a_primary_diagnosis(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    world = await build_world(sim, client)
    with pytest.raises(RefusedError, match="primer"):
        await client.rujukan.insert_khusus(
            no_rujukan=world.rujukan_fktp, diagnosa=["S;I10"], user=USER
        )
    with pytest.raises(TypeError):
        await client.rujukan.insert_khusus(
            no_rujukan=world.rujukan_fktp,
            diagnosa="P;I10",  # type: ignore[arg-type]
            user=USER,
        )


async def test_referral_targets(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    specialties = await client.rujukan.list_spesialistik("0303R003", TGL)
    assert {s.kode_spesialis for s in specialties} >= {"INT", "JAN"}
    assert all(s.jumlah_rujukan == "1" for s in specialties)
    sarana = await client.rujukan.list_sarana("0303R003")
    assert "Hemodialisa" in {s.nama_sarana for s in sarana}
    del world


@pytest.mark.parametrize("bad", ["0301/x", "a b", "..", "x?y"])
async def test_bad_numbers_are_refused(
    sim: VClaimSimulator, client: VClaimClient, bad: str
) -> None:
    for call in (client.rujukan.get, client.rujukan.get_rs, client.rujukan.get_keluar):
        with pytest.raises(ValueError):
            await call(bad)
    with pytest.raises(ValueError):
        await client.rujukan.list_sarana(bad)
    with pytest.raises(ValueError, match="digits"):
        await client.rujukan.by_card(bad)
    assert sim.requests == []


async def test_reversed_range_is_refused(sim: VClaimSimulator, client: VClaimClient) -> None:
    with pytest.raises(ValueError, match="before the start"):
        await client.rujukan.list_keluar("2024-03-31", "2024-03-01")
    assert sim.requests == []
