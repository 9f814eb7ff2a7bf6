"""``client.rencana_kontrol`` against the simulator: surat kontrol and SPRI."""

from __future__ import annotations

import datetime

import pytest

from tests.resources.world import DOKTER, LATER, TGL, USER, build_world
from vclaim_async import NotFoundError, RefusedError, VClaimClient
from vclaim_async.models.enums import FilterRencanaKontrol, JnsKontrol, PenyakitPrb
from vclaim_async.models.rencana_kontrol import FormPrb, FormPrbData
from vclaim_async.testing import VClaimSimulator


async def test_surat_kontrol_lifecycle(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    detail = await client.rencana_kontrol.get(world.surat_kontrol)
    assert detail.jns_kontrol == "2" and detail.kode_dokter == DOKTER
    assert detail.sep is not None and detail.sep.no_sep == world.no_sep
    assert detail.tgl_rencana_kontrol == datetime.date(2024, 3, 15)
    changed = await client.rencana_kontrol.update(
        no_surat_kontrol=world.surat_kontrol,
        no_sep=world.no_sep,
        kode_dokter="31487",
        poli_kontrol="INT",
        tgl_rencana_kontrol="2024-03-20",
        user=USER,
    )
    assert changed.no_surat_kontrol == world.surat_kontrol
    assert changed.nama_dokter == "dr. Bima Prakoso, Sp.PD-KGH"
    assert await client.rencana_kontrol.delete(world.surat_kontrol, USER) is None
    with pytest.raises(NotFoundError):
        await client.rencana_kontrol.delete(world.surat_kontrol, USER)
    with pytest.raises(NotFoundError):
        await client.rencana_kontrol.get(world.surat_kontrol)


async def test_v2_carries_the_prb_form(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    form = FormPrb(
        kode_status_prb=PenyakitPrb.HIPERTENSI,
        data=FormPrbData(td_sistolik=150, td_diastolik=95, usia=58),
    )
    created = await client.rencana_kontrol.insert_v2(
        no_sep=world.no_sep,
        kode_dokter=DOKTER,
        poli_kontrol="INT",
        tgl_rencana_kontrol=LATER,
        user=USER,
        form_prb=form,
    )
    sent = sim.requests[-1].json()["request"]["formPRB"]
    assert sent["kdStatusPRB"] == "02" and sent["data"]["TD_Sistolik"] == 150
    assert sent["data"]["HBA1C"] is None
    assert created.form_prb is not None and created.form_prb.kd_status_prb == "02"
    assert created.nama_diagnosa is not None and created.nama_diagnosa.startswith("I10")


async def test_prb_form_code_is_checked(sim: VClaimSimulator, client: VClaimClient) -> None:
    with pytest.raises(ValueError, match="kode_status_prb"):
        await client.rencana_kontrol.insert_v2(
            no_sep="0301R0012403V000001",
            kode_dokter=DOKTER,
            poli_kontrol="INT",
            tgl_rencana_kontrol=LATER,
            user=USER,
            form_prb=FormPrb(kode_status_prb="10"),
        )
    assert sim.requests == []


async def test_spri(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    detail = await client.rencana_kontrol.get(world.spri)
    assert detail.jns_kontrol == JnsKontrol.SPRI and detail.sep is None
    changed = await client.rencana_kontrol.update_spri(
        no_spri=world.spri,
        kode_dokter=DOKTER,
        poli_kontrol="INT",
        tgl_rencana_kontrol="2024-03-04",
        user=USER,
    )
    assert changed.no_spri == world.spri
    assert changed.tgl_rencana_kontrol == datetime.date(2024, 3, 4)
    with pytest.raises(NotFoundError):
        await client.rencana_kontrol.update_spri(
            no_spri=world.surat_kontrol,  # a surat kontrol is not an SPRI
            kode_dokter=DOKTER,
            poli_kontrol="INT",
            tgl_rencana_kontrol="2024-03-04",
            user=USER,
        )


async def test_sep_for_kontrol(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    sep = await client.rencana_kontrol.get_sep(world.no_sep)
    assert sep.no_sep == world.no_sep and sep.peserta is not None
    assert sep.prov_perujuk is not None and sep.prov_perujuk.no_rujukan == world.rujukan_fktp


async def test_lists(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    by_card = await client.rencana_kontrol.list_by_card(world.card, 3, 2024)
    assert {r.no_surat_kontrol for r in by_card} == {world.surat_kontrol, world.spri}
    assert sim.requests[-1].path.endswith(
        f"/ListRencanaKontrol/Bulan/03/Tahun/2024/Nokartu/{world.card}/filter/2"
    )
    by_date = await client.rencana_kontrol.list_by_date(
        "2024-03-10", "2024-03-20", filter_by=FilterRencanaKontrol.TGL_RENCANA_KONTROL
    )
    assert [r.no_surat_kontrol for r in by_date] == [world.surat_kontrol]
    entered = await client.rencana_kontrol.list_by_date(world.today, world.today, filter_by="1")
    assert len(entered) == 2


async def test_list_by_card_pads_the_month(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards()[0]
    with pytest.raises(NotFoundError):
        await client.rencana_kontrol.list_by_card(card, 7, 2024, filter_by="1")
    assert "/Bulan/07/Tahun/2024/" in sim.requests[-1].path


async def test_poli_and_doctors(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    poli = await client.rencana_kontrol.list_poli("2", world.no_sep, "2024-03-15")
    internal = next(p for p in poli if p.kode_poli == "INT")
    assert internal.jml_rencana_kontrol_dan_rujukan == "1"
    spri_poli = await client.rencana_kontrol.list_poli(JnsKontrol.SPRI, world.card, TGL)
    assert spri_poli
    with pytest.raises(ValueError, match="digits"):
        await client.rencana_kontrol.list_poli("1", world.no_sep, TGL)  # SPRI wants a card
    doctors = await client.rencana_kontrol.list_jadwal_dokter("2", "INT", "2024-03-15")
    assert {d.kode_dokter for d in doctors} == {"31486", "31487"}
    assert doctors[0].jadwal_praktek == "08:00 - 12:00"


async def test_unknown_doctor_is_refused_by_bpjs(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    world = await build_world(sim, client)
    with pytest.raises(RefusedError, match="Dokter"):
        await client.rencana_kontrol.insert(
            no_sep=world.no_sep,
            kode_dokter="99999",
            poli_kontrol="INT",
            tgl_rencana_kontrol=LATER,
            user=USER,
        )
