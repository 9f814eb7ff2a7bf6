"""Writes are never duplicated: lost answers are settled by reconciliation, not blind re-sends."""

from __future__ import annotations

import asyncio
import datetime
import time
from collections import Counter

import pytest

from tests.resources.world import issue_sep
from vclaim_async import OutcomeUnknownError, RetryPolicy, VClaimClient, _reconcile
from vclaim_async.models.enums import JnsPelayanan
from vclaim_async.models.sep import InsertedSep
from vclaim_async.testing import Fault, VClaimSimulator

FAST_INSERTS = 200
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


def _scaled(monkeypatch: pytest.MonkeyPatch) -> None:
    """BPJS's timing scaled down ~5x, and the client's default allowances with it."""
    # raising=False: the same test runs against the code before issue 17 (see the note).
    monkeypatch.setattr(_reconcile, "LATE_WRITE_ALLOWANCE", 1.0, raising=False)
    monkeypatch.setattr(_reconcile, "HISTORY_LAG_ALLOWANCE", 1.5, raising=False)


@pytest.mark.slow
async def test_slow_inserts_a_lagging_history_and_lost_answers_make_zero_duplicates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 17's bad morning, scaled: 30 % slow inserts (performed 0.2-0.6 s after arrival,
    attempt timeout 0.1 s), history lag up to 1 s, 10 % lost answers, 10 % 502, SEP detail
    reads failing half the time. The client runs with its default settle window."""
    _scaled(monkeypatch)
    async with VClaimSimulator(participant_count=260, seed=17) as sim:
        rujukan = _rujukan_of(sim)
        cards = [c for c in sim.participants.cards(active=True) if c in rujukan][:FAST_INSERTS]
        assert len(cards) == FAST_INSERTS
        slow = sim.faults.slow_writes(after=(0.2, 0.6), probability=0.3)
        lost = sim.faults.add(
            Fault("lose_answer", operation="sep.insert", times=None, probability=0.1 / 0.7)
        )
        sim.faults.add(
            Fault("status", operation="sep.insert", times=None, status=502,
                  probability=0.1 / 0.6)
        )  # fmt: skip
        sim.faults.mix(r"^SEP/[^/]+$", {"503": 0.25, "garbage": 0.25}, method="GET")
        sim.faults.lag_history((0.0, 1.0))
        sim.faults.spell_history(dates="dd-MM-yyyy", clinics="name", probability=0.5)
        config = sim.config(max_concurrency=20, timeout=0.1, retry=POLICY)
        async with VClaimClient(config) as client:
            results = await asyncio.gather(
                *(_insert(client, card, rujukan[card], BASE_DAY, reconcile=True) for card in cards),
                return_exceptions=True,
            )
        per_visit = Counter(
            (r.no_kartu, r.tgl_sep, r.jns_pelayanan) for r in sim.state.seps.values()
        )
        held = {r.no_kartu: r.no_sep for r in sim.state.seps.values()}

    duplicates = sum(n - 1 for n in per_visit.values())
    other = [r for r in results if isinstance(r, BaseException)
             and not isinstance(r, OutcomeUnknownError)]  # fmt: skip
    lost_numbers = 0
    for card, result in zip(cards, results, strict=True):
        if isinstance(result, InsertedSep):
            if result.no_sep != held.get(card):
                lost_numbers += 1
        elif (
            isinstance(result, OutcomeUnknownError)
            and card in held
            and held[card] not in (result.landed, *result.candidates)
        ):
            lost_numbers += 1  # its SEP landed, but the caller was not told its number
    settled = sum(isinstance(r, InsertedSep) for r in results)
    print(f"\nwrite safety: {FAST_INSERTS} inserts, {slow.hits} slow, {lost.hits} lost, "
          f"{duplicates} duplicate SEPs, {len(other)} other errors, {settled} settled, "
          f"{lost_numbers} callers without their landed SEP's number")  # fmt: skip
    assert slow.hits >= FAST_INSERTS * 0.2 and lost.hits >= FAST_INSERTS * 0.05
    assert duplicates == 0
    assert other == []
    assert lost_numbers == 0
    assert settled >= FAST_INSERTS * 0.6


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
                await issue_sep(client, card, rujukan[card], tgl=BASE_DAY, reconcile=True,
                                settle=0.3)  # fmt: skip
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
    # ... and when it left, which a settle window counts from.
    assert info.value.sent_at is not None and info.value.sent_at <= time.monotonic()
    assert landed == list(sim.state.seps)  # ... and the SEP did land: list_landed shows it
    assert card not in str(info.value)


async def test_reconcile_resends_only_when_nothing_landed() -> None:
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        sim.faults.fail(r"SEP/2\.0/insert", status=502, times=1)
        async with VClaimClient(sim.config(retry=POLICY)) as client:
            started = time.monotonic()
            sep = await issue_sep(
                client, card, rujukan[card], tgl=BASE_DAY, reconcile=True, settle=0.4
            )
            took = time.monotonic() - started
        paths = [r.path for r in sim.requests]
    inserts = [p for p in paths if p.endswith("SEP/2.0/insert")]
    assert len(inserts) == 2  # the 502 came before it landed, so one re-send
    assert len(sim.state.seps) == 1
    assert sep.no_sep in sim.state.seps
    # ... but only after the settle window (the per-call option), read more than once.
    assert took >= 0.4
    assert sum("HistoriPelayanan" in p for p in paths) >= 2
    assert paths[-1].endswith("SEP/2.0/insert")  # re-sent after the last history read


async def test_a_slow_insert_never_answered_is_found_not_sent_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Performed 0.5 s after arrival, long after the 0.1 s attempt timeout, and never
    answered: the first history read shows nothing; the SEP is found later in the window."""
    _scaled(monkeypatch)
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        sim.faults.slow_writes(after=0.5, answer=False, times=1)
        async with VClaimClient(sim.config(retry=POLICY, timeout=0.1)) as client:
            sep = await _insert(client, card, rujukan[card], BASE_DAY, reconcile=True)
        inserts = _count(sim, "SEP/2.0/insert")
    assert inserts == 1
    assert list(sim.state.seps) == [sep.no_sep]


async def test_a_lagging_history_is_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    _scaled(monkeypatch)
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        sim.faults.add(Fault("lose_answer", operation="sep.insert", times=1))
        sim.faults.lag_history(1.0)
        async with VClaimClient(sim.config(retry=POLICY, timeout=0.2)) as client:
            sep = await _insert(client, card, rujukan[card], BASE_DAY, reconcile=True)
        histories = _count(sim, "HistoriPelayanan")
        inserts = _count(sim, "SEP/2.0/insert")
    assert inserts == 1 and list(sim.state.seps) == [sep.no_sep]
    assert histories >= 2  # the first read came before the SEP showed


async def test_history_spelled_with_dd_mm_yyyy_and_clinic_names_still_matches() -> None:
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        sim.faults.add(Fault("lose_answer", operation="sep.insert", times=1))
        sim.faults.spell_history(dates="dd-MM-yyyy", clinics="name")
        async with VClaimClient(sim.config(retry=POLICY, timeout=0.2)) as client:
            sep = await issue_sep(
                client, card, rujukan[card], tgl=BASE_DAY, reconcile=True, settle=5.0
            )
            landed = await client.sep.get_landed(
                no_kartu=card,
                tgl_sep=BASE_DAY,
                jns_pelayanan=JnsPelayanan.RAWAT_JALAN,
                poli="INT",
                no_rujukan=rujukan[card],
            )
        inserts = _count(sim, "SEP/2.0/insert")
    assert inserts == 1 and list(sim.state.seps) == [sep.no_sep]
    assert landed.matches == (sep.no_sep,) and landed.candidates == ()


async def test_a_landed_sep_whose_detail_answers_503_is_still_the_callers() -> None:
    """The issue's case: lost answer, history shows the SEP, ``sep.get`` answers 503."""
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        sim.faults.add(Fault("lose_answer", operation="sep.insert", times=1))
        sim.faults.fail(status=503, times=None, operation="sep.get")
        async with VClaimClient(sim.config(retry=POLICY)) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await _insert(client, card, rujukan[card], BASE_DAY, reconcile=True)
    (held,) = sim.state.seps
    assert info.value.landed == held and info.value.candidates == (held,)
    assert card not in str(info.value)


async def test_a_visit_with_another_sep_that_day_is_not_sent_again() -> None:
    """Same card, day and service type under another referral: it could be this visit."""
    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        other = sim.state.add_rujukan(card)
        async with VClaimClient(sim.config(retry=POLICY, timeout=0.2)) as client:
            first = await _insert(client, card, other, BASE_DAY, reconcile=False)
            sim.faults.fail(status=502, times=1, operation="sep.insert")  # never landed
            with pytest.raises(OutcomeUnknownError, match="could be this visit") as info:
                await issue_sep(
                    client, card, rujukan[card], tgl=BASE_DAY, reconcile=True, settle=0.2
                )
        inserts = _count(sim, "SEP/2.0/insert")
    assert info.value.candidates == (first.no_sep,)
    assert inserts == 2  # the first visit's insert and the lost one; no re-send


async def test_the_clients_clock_and_sleep_drive_the_settle_window() -> None:
    """A 20 s default window (5 s timeout + 15 s) passes in no real time on a driven clock."""
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    async with VClaimSimulator(seed=5) as sim:
        rujukan = _rujukan_of(sim)
        card = next(c for c in sim.participants.cards(active=True) if c in rujukan)
        sim.faults.fail(status=502, times=1, operation="sep.insert")  # before it landed
        config = sim.config(retry=POLICY, timeout=5.0)
        started = time.monotonic()
        async with VClaimClient(config, monotonic=lambda: now[0], sleep=sleep) as client:
            assert client.sep.settle_window == 20.0
            sep = await _insert(client, card, rujukan[card], BASE_DAY, reconcile=True)
        took = time.monotonic() - started
    assert list(sim.state.seps) == [sep.no_sep]
    assert sum(slept) == pytest.approx(20.0, abs=0.5) and len(slept) == _reconcile.READS - 1
    assert took < 5.0
