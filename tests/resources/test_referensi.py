"""``client.referensi`` against the simulator's sample data; keywords as path segments."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from tests.resources.world import TGL
from vclaim_async import NotFoundError, VClaimClient
from vclaim_async.models.enums import JenisFaskes, JnsPelayanan
from vclaim_async.models.referensi import KodeNama
from vclaim_async.testing import VClaimSimulator


async def test_diagnosa_by_code_and_by_name(client: VClaimClient) -> None:
    by_code = await client.referensi.list_diagnosa("A09")
    assert by_code == [
        KodeNama(kode="A09", nama="Diarrhoea and gastroenteritis of presumed infectious origin")
    ]
    by_name = await client.referensi.list_diagnosa("dengue")
    assert {d.kode for d in by_name} == {"A90", "A91"}


async def test_poli_faskes_and_doctors(client: VClaimClient) -> None:
    assert [p.kode for p in await client.referensi.list_poli("dalam")] == ["INT"]
    hospitals = await client.referensi.list_faskes("simulasi", JenisFaskes.FASKES_2)
    assert all(f.kode and f.kode[4] == "R" for f in hospitals)
    assert await client.referensi.list_faskes("puskesmas", "1")
    dpjp = await client.referensi.list_dokter_dpjp(JnsPelayanan.RAWAT_JALAN, TGL, "INT")
    assert {d.kode for d in dpjp} == {"31486", "31487"}
    assert [d.kode for d in await client.referensi.list_dokter("Ayu")] == ["31486"]


async def test_regions(client: VClaimClient) -> None:
    provinces = await client.referensi.list_propinsi()
    assert KodeNama(kode="31", nama="DKI JAKARTA") in provinces
    assert [k.kode for k in await client.referensi.list_kabupaten("31")][:1] == ["3171"]
    assert "TEBET" in {k.nama for k in await client.referensi.list_kecamatan("3171")}
    with pytest.raises(NotFoundError):
        await client.referensi.list_kabupaten("99")


async def test_fixed_lists(client: VClaimClient) -> None:
    prb = await client.referensi.list_diagnosa_prb()
    assert prb[0].kode == "01 "  # BPJS's trailing space is kept as sent
    assert len(await client.referensi.list_kelas_rawat()) == 7
    assert await client.referensi.list_spesialistik()
    assert await client.referensi.list_ruang_rawat()
    assert {c.kode for c in await client.referensi.list_cara_keluar()} == {"1", "3", "4", "5"}
    assert await client.referensi.list_pasca_pulang()
    assert [p.kode for p in await client.referensi.list_prosedur("hemodialysis")] == ["39.95"]


async def test_keywords_are_percent_encoded(sim: VClaimSimulator, client: VClaimClient) -> None:
    drugs = await client.referensi.list_obat_prb("tab 10 mg")
    assert [d.nama for d in drugs] == ["Amlodipine tab 10 mg"]
    assert sim.requests[-1].path == "/vclaim-rest/referensi/obatprb/tab%2010%20mg"
    assert [d.kode for d in await client.referensi.list_obat_prb("tab 100 mg")] == ["12140500072"]
    assert sim.requests[-1].path.endswith("/referensi/obatprb/tab%20100%20mg")
    with pytest.raises(NotFoundError):
        await client.referensi.list_obat_prb("sirup")
    assert [d.kode for d in await client.referensi.list_diagnosa("Fever, unspecified")] == ["R50.9"]
    # We send %2C; aiohttp's URL normalisation may put the comma back, which BPJS decodes alike.
    assert unquote(sim.requests[-1].path).endswith("/referensi/diagnosa/Fever, unspecified")


@pytest.mark.parametrize("bad", ["a/b", "..", "x/../y", "50%", "a?b", "a#b", " A09", "A09\n", ""])
async def test_keywords_that_would_change_the_path_are_refused(
    sim: VClaimSimulator, client: VClaimClient, bad: str
) -> None:
    for search in (
        client.referensi.list_diagnosa,
        client.referensi.list_poli,
        client.referensi.list_obat_prb,
        client.referensi.list_prosedur,
        client.referensi.list_dokter,
    ):
        with pytest.raises(ValueError):
            await search(bad)
    with pytest.raises(ValueError):
        await client.referensi.list_faskes(bad, "1")
    assert sim.requests == []


async def test_codes_are_checked(sim: VClaimSimulator, client: VClaimClient) -> None:
    with pytest.raises(ValueError, match="jenis_faskes"):
        await client.referensi.list_faskes("rs", "3")
    with pytest.raises(ValueError, match="kode_propinsi"):
        await client.referensi.list_kabupaten("3 1")
    assert sim.requests == []
