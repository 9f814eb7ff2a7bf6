"""``client.monitoring``: Monitoring reports: visits, claims, service history, Jasa Raharja."""

from __future__ import annotations

import datetime

import pytest

from tests.resources.world import TGL, USER, build_world, issue_sep
from vclaim_async import NotFoundError, VClaimClient
from vclaim_async.models.enums import JnsPelayanan, StatusKlaim
from vclaim_async.testing import VClaimSimulator


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
