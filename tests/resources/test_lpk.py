"""``client.lpk``: LPK (claim sheets): lifecycle, refusals, checks."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from tests.resources.world import DOKTER, TGL, USER, build_world
from vclaim_async import NotFoundError, RefusedError, VClaimClient
from vclaim_async.models.lpk import KontrolKembali, LpkDiagnosa, RencanaTL
from vclaim_async.testing import VClaimSimulator


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
    with pytest.raises(RefusedError, match="sudah ada"):
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
        # Nested parts check themselves when built, before any request exists.
        (lambda: {"diagnosa": [LpkDiagnosa(kode="I10", level="3")]}, "level"),
        (lambda: {"rencana_tl": RencanaTL(tindak_lanjut="3")}, "kode_ppk"),
        (lambda: {"rencana_tl": RencanaTL(tindak_lanjut="4")}, "kontrol_kembali"),
        ({"diagnosa": [{"kode": "I10", "level": "1"}]}, "LpkData.diagnosa must be"),
        ({"tgl_keluar": "2024-02-28"}, "before the start"),
        ({"procedure": "89.52"}, "sequence"),
    ],
)
async def test_lpk_arguments_are_checked(
    sim: VClaimSimulator,
    client: VClaimClient,
    change: dict[str, object] | Callable[[], dict[str, object]],
    message: str,
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

    async def attempt() -> None:
        arguments.update(change() if callable(change) else change)
        await client.lpk.insert(**arguments)  # type: ignore[arg-type]

    with pytest.raises((ValueError, TypeError), match=message):
        await attempt()
    assert sim.requests == []
