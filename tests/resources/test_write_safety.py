"""Writes are never duplicated: lost answers are settled by reconciliation, not blind re-sends."""

from __future__ import annotations

import asyncio
import datetime
from collections import Counter

import pytest

from tests.resources.world import issue_sep
from vclaim_async import CallEvent, OutcomeUnknownError, RetryPolicy, VClaimClient
from vclaim_async.models.enums import JnsPelayanan
from vclaim_async.models.sep import InsertedSep
from vclaim_async.testing import Fault, VClaimSimulator

INSERTS = 1000
BASE_DAY = datetime.date(2024, 4, 1)
POLICY = RetryPolicy(attempts=3, initial_backoff=0.0, max_backoff=0.0, jitter=0.0)


def _rujukan_of(sim: VClaimSimulator) -> dict[str, str]:
    """Each active participant's seeded FKTP referral number."""
    found: dict[str, str] = {}
    for number, record in sim.state.referrals().items():
        card = record.extra.get("no_kartu")
        if card and not record.extra.get("rs"):
            found.setdefault(card, number)
    return found


async def _insert(
    client: VClaimClient, card: str, no_rujukan: str, day: datetime.date, *, reconcile: bool
) -> InsertedSep:
    return await issue_sep(client, card, no_rujukan, tgl=day, reconcile=reconcile)


def _count(sim: VClaimSimulator, fragment: str) -> int:
    return sum(1 for r in sim.requests if fragment in r.path)


async def test_1000_lost_answers_make_zero_duplicate_seps() -> None:
    async with VClaimSimulator(participant_count=1400, seed=5) as sim:
        rujukan = _rujukan_of(sim)
        cards = [c for c in sim.participants.cards(active=True) if c in rujukan][:INSERTS]
        assert len(cards) == INSERTS
        # The write lands and its answer is lost; or the gateway fails before it lands.
        lost = sim.faults.add(Fault("lose_answer", r"SEP/2\.0/insert", times=None,
                                    probability=0.5))  # fmt: skip
        sim.faults.mix(r"SEP/2\.0/insert", {"502": 0.1, "hang": 0.1})
        config = sim.config(max_concurrency=20, timeout=0.3, retry=POLICY)
        calls: Counter[tuple[str, str | None]] = Counter()

        def count(event: CallEvent) -> None:
            calls[event.operation, event.error] += 1

        async with VClaimClient(config, hooks=[count]) as client:
            jobs = [
                _insert(
                    client,
                    card,
                    rujukan[card],
                    BASE_DAY + datetime.timedelta(days=i % 40),
                    reconcile=True,
                )
                for i, card in enumerate(cards)
            ]
            results = await asyncio.gather(*jobs, return_exceptions=True)

        sent = _count(sim, "SEP/2.0/insert")
        day_lists = _count(sim, "Monitoring/Kunjungan")
        seps_per_visit = Counter((r.no_kartu, r.tgl_sep) for r in sim.state.seps.values())
        by_card = {r.no_kartu: r.no_sep for r in sim.state.seps.values()}

    errors = [r for r in results if isinstance(r, BaseException)]
    unknown = calls["sep.insert", "OutcomeUnknownError"]
    history_reads = sum(
        n for (op, _), n in calls.items() if op == "monitoring.list_histori_pelayanan"
    )
    sep_reads = sum(n for (op, _), n in calls.items() if op == "sep.get")
    print(f"\nwrite safety: {INSERTS} inserts, {sent} sent, {lost.hits} answers lost after "
          f"landing, {history_reads} history reads, {sep_reads} SEP reads, "
          f"{len(sim.state.seps)} SEPs, {len(errors)} left unsettled, "
          f"max SEPs per visit {max(seps_per_visit.values())}")  # fmt: skip
    # A visit whose insert hung or failed three times running may stay unsettled, but typed.
    assert all(isinstance(e, OutcomeUnknownError) for e in errors)
    assert len(errors) <= 10
    assert lost.hits >= INSERTS * 0.4  # the fault really bit about half the inserts
    assert max(seps_per_visit.values()) == 1  # zero duplicate SEPs
    for card, result in zip(cards, results, strict=True):
        if isinstance(result, InsertedSep):
            assert result.no_sep == by_card[card]  # the caller got the SEP that exists
    # Settling reads only the participant's own history, once per unknown outcome (each read
    # may be retried by the transport), and the SEP itself only when one had landed.
    assert day_lists == 0
    assert unknown >= lost.hits and history_reads == unknown
    assert sep_reads <= history_reads


async def test_reconcile_adds_no_request_when_answers_arrive() -> None:
    async with VClaimSimulator(participant_count=150, seed=5) as sim:
        rujukan = _rujukan_of(sim)
        cards = [c for c in sim.participants.cards(active=True) if c in rujukan][:100]
        async with VClaimClient(sim.config(max_concurrency=10)) as client:
            await asyncio.gather(
                *(_insert(client, c, rujukan[c], BASE_DAY, reconcile=True) for c in cards)
            )
    assert len(sim.requests) == len(cards)  # no read before, none after
    assert len(sim.state.seps) == len(cards)


async def test_a_monitoring_outage_never_blocks_an_admission() -> None:
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        sim.faults.fail(r"(?i)monitoring/", status=503, times=None)
        async with VClaimClient(sim.config(retry=POLICY)) as client:
            sep = await _insert(client, card, rujukan[card], BASE_DAY, reconcile=True)
    assert sep.no_sep in sim.state.seps


async def test_a_lost_answer_during_a_history_outage_is_outcome_unknown_not_resent() -> None:
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        sim.faults.add(Fault("lose_answer", r"SEP/2\.0/insert", times=1))
        sim.faults.fail(r"HistoriPelayanan", status=503, times=None)
        async with VClaimClient(sim.config(retry=POLICY)) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await _insert(client, card, rujukan[card], BASE_DAY, reconcile=True)
        inserts = _count(sim, "SEP/2.0/insert")
    assert inserts == 1  # it may have landed (it did): never re-sent blind
    assert len(sim.state.seps) == 1
    assert info.value.candidates == ()
    assert card not in str(info.value)


async def test_a_lost_answer_is_settled_with_the_sep_that_landed() -> None:
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        active = [c for c in sim.participants.cards(active=True) if c in rujukan]
        card, other = active[0], active[1]
        async with VClaimClient(sim.config(retry=POLICY)) as client:
            # Another participant's visit the same day must not be taken for this one.
            await _insert(client, other, rujukan[other], BASE_DAY, reconcile=False)
            sim.faults.add(Fault("lose_answer", r"SEP/2\.0/insert", times=1))
            before = len(sim.requests)
            sep = await _insert(client, card, rujukan[card], BASE_DAY, reconcile=True)
        paths = [r.path for r in sim.requests[before:]]
    assert sep.no_sep in sim.state.seps and sim.state.seps[sep.no_sep].no_kartu == card
    assert len(sim.state.seps) == 2
    # The insert, one history read for that card, one read of the SEP itself.
    assert len(paths) == 3
    assert "HistoriPelayanan" in paths[1] and card in paths[1]
    assert paths[2].endswith(f"SEP/{sep.no_sep}")


async def test_two_matching_seps_raise_with_both_numbers() -> None:
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        async with VClaimClient(sim.config(retry=POLICY)) as client:
            first = await _insert(client, card, rujukan[card], BASE_DAY, reconcile=False)
            sim.faults.add(Fault("lose_answer", r"SEP/2\.0/insert", times=1))
            with pytest.raises(OutcomeUnknownError, match="2 candidate SEPs") as info:
                await _insert(client, card, rujukan[card], BASE_DAY, reconcile=True)
    assert len(info.value.candidates) == 2
    assert set(info.value.candidates) == set(sim.state.seps)
    assert first.no_sep in info.value.candidates


async def test_without_reconcile_a_lost_answer_is_outcome_unknown_and_not_resent() -> None:
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        sim.faults.add(Fault("lose_answer", r"SEP/2\.0/insert", times=1))
        async with VClaimClient(sim.config(retry=POLICY)) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await _insert(client, card, rujukan[card], BASE_DAY, reconcile=False)
            landed = await client.sep.list_landed(
                no_kartu=card,
                tgl_sep=BASE_DAY,
                jns_pelayanan=JnsPelayanan.RAWAT_JALAN,
                poli="INT",
                no_rujukan=rujukan[card],
            )
        inserts = [r for r in sim.requests if r.path.endswith("SEP/2.0/insert")]
    assert len(inserts) == 1  # never re-sent
    assert info.value.method == "POST"
    assert info.value.body == inserts[0].body  # it keeps what was sent
    assert landed == list(sim.state.seps)  # ... and the SEP did land: list_landed shows it
    assert card not in str(info.value)


async def test_reconcile_resends_only_when_nothing_landed() -> None:
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        sim.faults.fail(r"SEP/2\.0/insert", status=502, times=1)
        async with VClaimClient(sim.config(retry=POLICY)) as client:
            sep = await _insert(client, card, rujukan[card], BASE_DAY, reconcile=True)
        inserts = [r for r in sim.requests if r.path.endswith("SEP/2.0/insert")]
    assert len(inserts) == 2  # the 502 came before it landed, so one re-send
    assert len(sim.state.seps) == 1
    assert sep.no_sep in sim.state.seps
