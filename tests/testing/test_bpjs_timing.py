"""The simulator can be slow and spell like BPJS: slow writes, a lagging history, spellings."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Awaitable

import pytest

from tests.resources.world import issue_sep
from vclaim_async import NotFoundError, OutcomeUnknownError, RetryPolicy, VClaimClient
from vclaim_async.models.enums import JnsPelayanan
from vclaim_async.models.sep import LandedSeps, SepRujukan
from vclaim_async.testing import VClaimSimulator
from vclaim_async.testing.routes._base import SimRequest
from vclaim_async.testing.routes.sep import approval

DAY = datetime.date(2024, 4, 1)
ONCE = RetryPolicy.none()


def _card_and_referral(sim: VClaimSimulator) -> tuple[str, str]:
    for number, record in sim.state.referrals().items():
        card = record.extra.get("no_kartu")
        if card in sim.participants.cards(active=True) and not record.extra.get("rs"):
            return card, number
    raise AssertionError("no active participant with a referral")


async def test_a_slow_write_lands_after_the_client_gave_up() -> None:
    async with VClaimSimulator(seed=3) as sim:
        card, rujukan = _card_and_referral(sim)
        fault = sim.faults.slow_writes(after=0.4, times=1)
        async with VClaimClient(sim.config(timeout=0.1, retry=ONCE)) as client:
            with pytest.raises(OutcomeUnknownError):
                await issue_sep(client, card, rujukan, tgl=DAY)
        assert fault.hits == 1 and sim.state.seps == {}  # not yet performed ...
        await asyncio.sleep(0.5)
        assert len(sim.state.seps) == 1  # ... but it lands, as BPJS's would


async def test_a_slow_write_the_client_waits_for_is_answered_late() -> None:
    async with VClaimSimulator(seed=3) as sim:
        card, rujukan = _card_and_referral(sim)
        sim.faults.slow_writes(after=0.2, times=1)
        async with VClaimClient(sim.config(timeout=2.0, retry=ONCE)) as client:
            sep = await issue_sep(client, card, rujukan, tgl=DAY)
    assert list(sim.state.seps) == [sep.no_sep]


async def test_a_slow_write_never_answered_still_lands() -> None:
    async with VClaimSimulator(seed=3) as sim:
        card, rujukan = _card_and_referral(sim)
        sim.faults.slow_writes(after=0.1, answer=False, times=1)
        async with VClaimClient(sim.config(timeout=2.0, retry=ONCE)) as client:
            with pytest.raises(OutcomeUnknownError):
                await issue_sep(client, card, rujukan, tgl=DAY)
    assert len(sim.state.seps) == 1


async def test_a_lagging_history_shows_a_sep_only_later() -> None:
    async with VClaimSimulator(seed=3) as sim:
        card, rujukan = _card_and_referral(sim)
        sim.faults.lag_history(0.4)
        async with VClaimClient(sim.config()) as client:
            sep = await issue_sep(client, card, rujukan, tgl=DAY)
            with pytest.raises(NotFoundError):
                await client.monitoring.list_histori_pelayanan(card, DAY, DAY)
            await asyncio.sleep(0.5)
            rows = await client.monitoring.list_histori_pelayanan(card, DAY, DAY)
    assert [r.no_sep for r in rows] == [sep.no_sep]


async def test_get_landed_with_a_window_finds_a_sep_that_lands_late() -> None:
    """A crashed worker's insert lands after the job was delivered again."""
    async with VClaimSimulator(seed=3) as sim:
        card, rujukan = _card_and_referral(sim)
        sim.faults.slow_writes(after=0.3, answer=False, times=1)
        sim.faults.lag_history(0.3)
        async with VClaimClient(sim.config(timeout=0.1, retry=ONCE)) as client:
            with pytest.raises(OutcomeUnknownError):
                await issue_sep(client, card, rujukan, tgl=DAY)

            def check(settle: float | None) -> Awaitable[LandedSeps]:
                return client.sep.get_landed(
                    no_kartu=card,
                    tgl_sep=DAY,
                    jns_pelayanan=JnsPelayanan.RAWAT_JALAN,
                    poli="INT",
                    no_rujukan=rujukan,
                    settle=settle,
                )

            at_once = await check(None)
            waited = await check(1.5)
    assert at_once.matches == () and at_once.candidates == ()  # one read proves nothing
    assert waited.matches == tuple(sim.state.seps)


async def test_history_rows_answer_like_the_catalogs_example() -> None:
    async with VClaimSimulator(seed=3) as sim:
        card, rujukan = _card_and_referral(sim)
        async with VClaimClient(sim.config()) as client:
            outpatient = await issue_sep(client, card, rujukan, tgl=DAY)
            inpatient = await client.sep.insert(
                no_kartu=card,
                tgl_sep=DAY,
                jns_pelayanan=JnsPelayanan.RAWAT_INAP,
                kls_rawat="3",
                no_mr="MR-1",
                rujukan=_rujukan(rujukan),
                diag_awal="I10",
                poli="",
                no_telp="0812",
                user="1001",
            )
            rows = {
                r.no_sep: r for r in await client.monitoring.list_histori_pelayanan(card, DAY, DAY)
            }
    out, inp = rows[outpatient.no_sep], rows[inpatient.no_sep]
    assert (out.jns_pelayanan, out.kelas_rawat, out.poli) == ("2", None, "INT")
    assert (inp.jns_pelayanan, inp.kelas_rawat, inp.poli) == ("1", "Kelas 3", "")
    assert out.tgl_sep == DAY.isoformat()


def _rujukan(number: str) -> SepRujukan:
    return SepRujukan(
        asal_rujukan="1", tgl_rujukan="2024-03-29", no_rujukan=number, ppk_rujukan="0301U001"
    )


async def test_history_spelling_dates_and_clinic_names() -> None:
    async with VClaimSimulator(seed=3) as sim:
        card, rujukan = _card_and_referral(sim)
        sim.faults.spell_history(dates="dd-MM-yyyy", clinics="name")
        async with VClaimClient(sim.config()) as client:
            await issue_sep(client, card, rujukan, tgl=DAY)
            (row,) = await client.monitoring.list_histori_pelayanan(card, DAY, DAY)
            sim.faults.clear()  # back to the catalog's spelling
            (plain,) = await client.monitoring.list_histori_pelayanan(card, DAY, DAY)
    assert row.tgl_sep == "01-04-2024" and row.poli == "PENYAKIT DALAM"
    assert plain.tgl_sep == "2024-04-01" and plain.poli == "INT"


def test_spellings_are_checked() -> None:
    sim = VClaimSimulator()
    with pytest.raises(ValueError, match="dates is one of"):
        sim.faults.spell_history(dates="MM/dd/yyyy")
    with pytest.raises(ValueError, match="clinics one of"):
        sim.faults.spell_history(clinics="abbreviation")


async def test_approval_defaults_jns_pengajuan_to_backdate() -> None:
    async with VClaimSimulator(seed=3) as sim:
        card = sim.participants.cards(active=True)[0]
        async with VClaimClient(sim.config()) as client:
            await client.sep.insert_pengajuan(
                no_kartu=card,
                tgl_sep=DAY,
                jns_pelayanan="2",
                jns_pengajuan="1",
                user="1001",
                keterangan="backdate",
            )
        # No jnsPengajuan, as the catalog allows.
        t_sep = {"noKartu": card, "tglSep": DAY.isoformat(), "jnsPelayanan": "2", "user": "1001"}
        body = {"request": {"t_sep": {**t_sep, "keterangan": ""}}}
        reply = await approval(SimRequest("POST", "Sep/aprovalSEP", {}, body, sim))
    assert reply.code == "200"
    assert sim.state.pengajuan[(card, DAY.isoformat(), "2")]["status"] == "Disetujui"
