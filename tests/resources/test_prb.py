"""``client.prb``: PRB (rujuk balik): lifecycle, answers, checks."""

from __future__ import annotations

import pytest

from tests.resources.world import DOKTER, USER, build_world
from vclaim_async import NotFoundError, RefusedError, VClaimClient
from vclaim_async.models.prb import PrbObat
from vclaim_async.testing import VClaimSimulator


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
    with pytest.raises(RefusedError, match="numeric"):
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


@pytest.mark.parametrize("no_srb", [".", "..", "12/34"])
async def test_a_path_changing_number_is_refused_before_sending(
    sim: VClaimSimulator, client: VClaimClient, no_srb: str
) -> None:
    with pytest.raises(ValueError, match="no_srb contains characters not allowed"):
        await client.prb.get(no_srb, "0301R0010324V000001")
    assert sim.requests == []  # prb/./nosep/... never goes out
