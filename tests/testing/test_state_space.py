"""A walk through the simulator's state space: every answer decodes under strict decoding.

Hypothesis draws a participant state (active or not, which one), a service type, the history's
spelling and whether unconfirmed write answers come back encrypted; the walk then issues a SEP
of that service type for that participant and calls **every** catalog route (reads first, then
writes) plus the service-type reads for both types and all claim states. Every call either
answers something the client decodes strictly, or is a BPJS refusal (``APIError``, including
"201 no data"); a ``DecodeError`` means the simulator and the models disagree.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
from collections.abc import Awaitable, Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.resources.world import CALLS, TGL, build_world
from vclaim_async import APIError, VClaimClient
from vclaim_async._catalog import CATALOG
from vclaim_async.models.sep import SepRujukan
from vclaim_async.testing import VClaimSimulator
from vclaim_async.testing._faults import CLINIC_SPELLINGS, DATE_SPELLINGS

READS_FIRST = sorted(CALLS, key=lambda name: (CATALOG[name].method != "GET", name))


async def _issue(client: VClaimClient, card: str, rujukan: str, jns: str) -> str | None:
    """A SEP of service type ``jns`` (inpatient: no clinic, as the catalog's example)."""
    try:
        sep = await client.sep.insert(
            no_kartu=card,
            tgl_sep=TGL,
            jns_pelayanan=jns,
            kls_rawat="3",
            no_mr="MR-1",
            rujukan=SepRujukan(
                asal_rujukan="1",
                tgl_rujukan=(TGL - datetime.timedelta(days=3)).isoformat(),
                no_rujukan=rujukan,
                ppk_rujukan="0301U001",
            ),
            diag_awal="I10",
            poli="INT" if jns == "2" else "",
            no_telp="0812",
            user="1001",
            dpjp_layan="31486" if jns == "2" else "",
        )
    except APIError:
        return None  # a refusal (an inactive participant) is an answer too
    return sep.no_sep


async def _walk(
    *, jns: str, active: bool, pick: int, dates: str, clinics: str, encrypted: bool
) -> tuple[int, int]:
    decoded = refused = 0
    async with VClaimSimulator(participant_count=40, seed=17) as sim:
        sim.faults.spell_history(dates=dates, clinics=clinics, probability=0.5)
        sim.state.encrypt_unverified = encrypted
        async with VClaimClient(sim.config()) as client:
            world = await build_world(sim, client)
            cards = sim.participants.cards(active=active)
            card = cards[pick % len(cards)]
            rujukan = next(
                (n for n, r in sim.state.referrals().items() if r.extra["no_kartu"] == card),
                world.rujukan_fktp,
            )
            issued = await _issue(client, card, rujukan, jns)
            assert (issued is not None) or not active
            # Calls are made one by one (lambdas), so none is left un-awaited on a failure.
            extra: list[Callable[[], Awaitable[object]]] = [
                lambda: client.peserta.by_card(card, TGL),
                lambda: client.monitoring.list_histori_pelayanan(card, TGL, TGL),
            ]
            for j in ("1", "2"):
                extra.append(functools.partial(client.monitoring.list_kunjungan, TGL, j))
                extra.append(functools.partial(client.monitoring.list_jasa_raharja, j, TGL, TGL))
                for s in ("1", "2", "3"):
                    extra.append(functools.partial(client.monitoring.list_klaim, TGL, j, s))
            if issued is not None:
                extra.append(lambda: client.sep.get(issued))
                extra.append(lambda: client.sep.get_inacbg(issued))
            every = extra + [functools.partial(CALLS[n], client, world) for n in READS_FIRST]
            for call in every:
                try:
                    await call()
                except APIError:
                    refused += 1
                else:
                    decoded += 1
    return decoded, refused


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    jns=st.sampled_from(["1", "2"]),
    active=st.booleans(),
    pick=st.integers(min_value=0, max_value=39),
    dates=st.sampled_from(sorted(DATE_SPELLINGS)),
    clinics=st.sampled_from(sorted(CLINIC_SPELLINGS)),
    encrypted=st.booleans(),
)
def test_every_answer_in_the_state_space_decodes_strictly(
    jns: str, active: bool, pick: int, dates: str, clinics: str, encrypted: bool
) -> None:
    decoded, refused = asyncio.run(
        _walk(jns=jns, active=active, pick=pick, dates=dates, clinics=clinics, encrypted=encrypted)
    )
    # Most of the catalog answers with data in a built world; refusals are the exception.
    assert decoded > refused
    assert decoded + refused >= len(CALLS) + 10
