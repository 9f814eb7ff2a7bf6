"""``client.peserta.check_many``: a fixed worker pool over a lazy input, against the simulator."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import gc
import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.conftest import FAST_RETRY
from vclaim_async import (
    CheckProgress,
    CheckResult,
    GatewayError,
    NotFoundError,
    RetryPolicy,
    VClaimClient,
    VClaimTimeoutError,
)
from vclaim_async._validate import today_jakarta
from vclaim_async.testing import VClaimSimulator

UNKNOWN_CARD = "0009999999999"


def _check_many_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name().startswith("check_many.")]


async def _collect(stream: AsyncIterator[CheckResult]) -> list[CheckResult]:
    return [result async for result in stream]


async def test_every_input_gets_one_result(sim: VClaimSimulator, client: VClaimClient) -> None:
    cards = sim.participants.cards()[:30]
    results = await _collect(client.peserta.check_many(cards))
    assert sorted(r.index for r in results) == list(range(30))
    for result in results:
        assert result.input == cards[result.index]
        assert result.kind == "card"
        assert result.peserta is not None and result.peserta.no_kartu == result.input
        assert result.error is None and result.ok
        assert result.attempts == 1 and result.latency > 0
        assert result.summary is not None
        assert result.status == ("active" if result.peserta.is_active else "inactive")
    assert len(sim.requests) == 30


async def test_completion_order_by_default_input_order_on_request(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    cards = sim.participants.cards()[:12]
    sim.faults.delay(cards[0], 0.3, times=None)  # the first item is the slowest
    unordered = [r.index for r in await _collect(client.peserta.check_many(cards))]
    assert sorted(unordered) == list(range(12))
    assert unordered[-1] == 0
    ordered = [r.index for r in await _collect(client.peserta.check_many(cards, ordered=True))]
    assert ordered == list(range(12))


async def test_ordered_buffer_is_bounded_while_a_slow_item_holds_back(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    cards = sim.participants.cards()
    sim.faults.delay(cards[0], 0.5, times=1)
    pulled = 0

    def source() -> Iterator[str]:
        nonlocal pulled
        for n in range(2000):
            pulled += 1
            yield cards[n % len(cards)]

    stream = client.peserta.check_many(source(), ordered=True, concurrency=4)
    async with stream:
        first = await anext(stream)
        assert first.index == 0
        # While item 0 was slow, at most the window (64 items) was read ahead, not 2,000.
        assert pulled <= 64 + 1
        rest = [r.index async for r in stream]
    assert rest == list(range(1, 2000))


async def test_one_items_error_never_ends_the_run(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    good, broken = sim.participants.cards()[:2]
    sim.faults.fail(broken, status=502, times=None)  # every attempt for this card fails
    nik = sim.participants.niks()[5]
    items = [good, "12345", UNKNOWN_CARD, broken, nik, "", "0001-2345-67890"]
    results = {r.index: r for r in await _collect(client.peserta.check_many(items))}
    assert [results[i].status for i in range(len(items))] == [
        results[0].status,  # active or inactive, as registered
        "invalid",
        "not_found",
        "error",
        results[4].status,
        "invalid",
        "invalid",
    ]
    assert results[0].ok and results[4].ok and results[4].kind == "nik"
    invalid = results[1]
    assert isinstance(invalid.error, ValueError) and invalid.attempts == 0
    assert invalid.kind is None and invalid.peserta is None and invalid.summary is None
    assert "13-digit card number or a 16-digit NIK, got 5 digits" in str(invalid.error)
    assert "got nothing" in str(results[5].error)
    missing = results[2]
    assert isinstance(missing.error, NotFoundError) and missing.error.code == "201"
    assert missing.attempts == 1
    failed = results[3]
    assert isinstance(failed.error, GatewayError) and failed.error.status == 502
    assert failed.attempts == FAST_RETRY.attempts
    # Malformed input is never sent.
    sent = [r.path for r in sim.requests]
    assert not any("12345/" in p or "2345-67890" in p for p in sent)


async def test_timeouts_are_per_item_errors(sim: VClaimSimulator) -> None:
    cards = sim.participants.cards()[:5]
    sim.faults.hang(cards[2], times=None)
    config = sim.config(timeout=0.3, retry=RetryPolicy(attempts=2, initial_backoff=0, jitter=0))
    async with VClaimClient(config) as client:
        results = {r.index: r for r in await _collect(client.peserta.check_many(cards))}
    assert isinstance(results[2].error, VClaimTimeoutError)
    assert results[2].attempts == 2 and results[2].status == "error"
    assert all(results[i].ok for i in (0, 1, 3, 4))


async def test_kind_card_nik_and_auto(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards()[0]
    nik = sim.participants.niks()[0]
    as_cards = await _collect(client.peserta.check_many([card, nik], kind="card", ordered=True))
    assert [r.status for r in as_cards][1] == "invalid"
    assert "card number (noKartu) must be exactly 13 digits" in str(as_cards[1].error)
    as_niks = await _collect(client.peserta.check_many([card, nik], kind="nik", ordered=True))
    assert as_niks[0].status == "invalid" and as_niks[1].ok and as_niks[1].kind == "nik"
    # Masked, never whole, in the message.
    assert card not in str(as_niks[0].error)
    auto = await _collect(client.peserta.check_many([f"  {card} \n"], ordered=True))
    assert auto[0].ok and auto[0].input == f"  {card} \n"


async def test_service_date_is_fixed_for_the_run(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    cards = sim.participants.cards()[:3]
    await _collect(client.peserta.check_many(cards, datetime.date(2024, 3, 1)))
    await _collect(client.peserta.check_many(cards[:1], "2024-02-29"))
    paths = [r.path for r in sim.requests]
    assert all(p.endswith("/tglSEP/2024-03-01") for p in paths[:3])
    assert paths[3].endswith("/tglSEP/2024-02-29")


async def test_bad_arguments_raise_at_the_call(client: VClaimClient) -> None:
    with pytest.raises(ValueError, match="concurrency"):
        client.peserta.check_many([], concurrency=0)
    with pytest.raises(ValueError, match="kind"):
        client.peserta.check_many([], kind="kartu")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tgl_sep"):
        client.peserta.check_many([], "2024-02-30")
    with pytest.raises(TypeError):
        client.peserta.check_many("0001234567890")


async def test_empty_input(client: VClaimClient) -> None:
    assert await _collect(client.peserta.check_many([])) == []
    assert await _collect(client.peserta.check_many(iter(()))) == []


async def test_summary_flags(sim: VClaimSimulator, client: VClaimClient) -> None:
    sim.participants.add(
        {
            "noKartu": "0001112223334",
            "nik": "3671234567890123",
            "nama": "PASIEN PRB",
            "tglTAT": "2030-12-31",
            "statusPeserta": {"kode": "0", "keterangan": "AKTIF"},
            "hakKelas": {"kode": "2", "keterangan": "KELAS II"},
            "jenisPeserta": {"kode": "13", "keterangan": "PEKERJA MANDIRI"},
            "informasi": {"prolanisPRB": "DM"},
        }
    )
    sim.participants.add(
        {
            "noKartu": "0001112223335",
            "tglTAT": "2023-06-30",
            "statusPeserta": {"kode": "1", "keterangan": "TIDAK AKTIF KARENA PREMI"},
        }
    )
    items = ["0001112223334", "0001112223335"]
    active, inactive = await _collect(client.peserta.check_many(items, ordered=True))
    assert active.summary is not None and inactive.summary is not None
    assert active.summary.active and active.status == "active"
    assert active.summary.status == "AKTIF" and active.summary.status_code == "0"
    assert active.summary.hak_kelas == "KELAS II"
    assert active.summary.jenis_peserta == "PEKERJA MANDIRI"
    assert active.summary.prolanis_prb == "DM" and active.summary.prb
    assert active.summary.tgl_tat == datetime.date(2030, 12, 31)
    assert not inactive.summary.active and inactive.status == "inactive"
    assert inactive.summary.status == "TIDAK AKTIF KARENA PREMI"
    assert not inactive.summary.prb and inactive.summary.tgl_tat == datetime.date(2023, 6, 30)


async def test_async_and_sync_iterables_are_read_lazily(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    cards = sim.participants.cards()
    pulled = 0

    async def from_queue() -> AsyncIterator[str]:
        nonlocal pulled
        for n in range(1000):
            pulled += 1
            await asyncio.sleep(0)
            yield cards[n % len(cards)]

    stream = client.peserta.check_many(from_queue(), concurrency=4)
    async with stream:
        await anext(stream)
        assert pulled <= 2 * 4 + 1  # the window, never the whole input
        count = 1 + len([r async for r in stream])
    assert count == 1000 and pulled == 1000

    def lines() -> Iterator[str]:
        nonlocal pulled
        pulled = 0
        for n in range(300):
            pulled += 1
            yield cards[n % len(cards)]

    stream = client.peserta.check_many(lines(), concurrency=3)
    async with stream:
        await anext(stream)
        assert pulled <= 2 * 3 + 1
        assert len([r async for r in stream]) == 299


async def test_worker_pool_stays_fixed_over_5000_items(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    cards = sim.participants.cards()
    baseline = len(asyncio.all_tasks())
    seen_workers: set[int] = set()
    peak_tasks = 0

    def watch(progress: CheckProgress) -> None:
        nonlocal peak_tasks
        if progress.done % 50 == 0:
            mine = _check_many_tasks()
            seen_workers.add(len(mine))
            peak_tasks = max(peak_tasks, len(asyncio.all_tasks()))

    items = (cards[n % len(cards)] for n in range(5000))
    results = await _collect(client.peserta.check_many(items, concurrency=8, on_progress=watch))
    assert len(results) == 5000
    # 8 workers and 1 producer (fewer only while the last workers finish), never one per item.
    assert max(seen_workers) == 9
    # The rest are the simulator's per-connection handlers (at most one per connection).
    assert peak_tasks <= baseline + 9 + 8 + 8
    assert _check_many_tasks() == []


async def test_progress_callback(sim: VClaimSimulator, client: VClaimClient) -> None:
    cards = sim.participants.cards()[:20]
    items = [*cards, "bad", UNKNOWN_CARD]
    seen: list[CheckProgress] = []
    stream = client.peserta.check_many(items, on_progress=seen.append)
    results = await _collect(stream)
    assert [p.done for p in seen] == list(range(1, 23))
    assert all(p.total == 22 for p in seen)
    last = seen[-1]
    assert stream.progress.done == 22
    assert last.active + last.inactive == 20
    assert (last.invalid, last.not_found, last.errors) == (1, 1, 0)
    assert last.active == sum(1 for r in results if r.status == "active")
    assert last.elapsed > 0 and last.rate > 0 and last.eta == 0

    totals: list[int | None] = []
    generated = (c for c in cards[:5])
    await _collect(
        client.peserta.check_many(generated, on_progress=lambda p: totals.append(p.total))
    )
    assert totals[-1] == 5  # a generator's total is known once it is exhausted


async def test_early_break_and_aclose_stop_the_workers(
    sim: VClaimSimulator, client: VClaimClient, caplog: pytest.LogCaptureFixture
) -> None:
    cards = sim.participants.cards()
    sim.faults.delay(".*", 0.02, times=None)
    many = [cards[n % len(cards)] for n in range(10_000)]

    async with client.peserta.check_many(many) as stream:
        async for _ in stream:
            break
    assert _check_many_tasks() == []

    stream = client.peserta.check_many(many)
    await anext(stream)
    await stream.aclose()
    assert _check_many_tasks() == []

    # A bare break, with the stream dropped: the event loop's finaliser closes it.
    async for _ in client.peserta.check_many(many):
        break
    gc.collect()
    for _ in range(20):
        if not _check_many_tasks():
            break
        await asyncio.sleep(0.01)
    assert _check_many_tasks() == []
    assert len(sim.requests) < 200
    assert "destroyed" not in caplog.text


async def test_cancelling_the_consumer_cancels_the_workers(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    cards = sim.participants.cards()
    sim.faults.delay(".*", 0.05, times=None)
    first = asyncio.Event()

    async def consume() -> None:
        async with client.peserta.check_many(cards * 50) as stream:
            async for _ in stream:
                first.set()

    task = asyncio.create_task(consume())
    await first.wait()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert task.cancelled()
    assert _check_many_tasks() == []


async def test_a_failing_input_ends_after_what_was_read(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    cards = sim.participants.cards()

    def broken() -> Iterator[str]:
        yield from cards[:3]
        raise OSError("disk gone")

    got: list[CheckResult] = []

    async def consume() -> None:
        async for result in client.peserta.check_many(broken()):
            got.append(result)

    with pytest.raises(OSError, match="disk gone"):
        await consume()
    assert sorted(r.index for r in got) == [0, 1, 2]
    assert _check_many_tasks() == []


async def test_progress_callback_errors_propagate(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    def boom(progress: CheckProgress) -> None:
        raise RuntimeError("callback bug")

    with pytest.raises(RuntimeError, match="callback bug"):
        await _collect(client.peserta.check_many(sim.participants.cards(), on_progress=boom))
    assert _check_many_tasks() == []


def test_results_are_frozen() -> None:
    result = CheckResult("x", 0, None, error=ValueError("bad"))
    with pytest.raises(AttributeError):
        result.index = 1  # type: ignore[misc]
    assert result.status == "invalid" and not result.ok


async def test_logging_never_shows_whole_identifiers(
    sim: VClaimSimulator, client: VClaimClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="vclaim_async")
    cards = sim.participants.cards()[:5]
    await _collect(client.peserta.check_many([*cards, "123456789012345"]))
    for card in cards:
        assert card not in caplog.text


# -- one request per distinct identifier per service day -----------------------------------


async def test_repeats_are_answered_from_the_first_look_up(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    cards = sim.participants.cards()[:30]
    niks = sim.participants.niks()[:5]
    # 3,000 rows holding 30 cards, 5 NIKs and an unknown card, interleaved as a clinic list is.
    distinct = [*cards, *niks, UNKNOWN_CARD]
    rows = [distinct[(n * 7) % len(distinct)] for n in range(3000)]
    progress: list[CheckProgress] = []
    results = await _collect(client.peserta.check_many(rows, on_progress=progress.append))
    assert len(results) == 3000 and sorted(r.index for r in results) == list(range(3000))
    # Counted at the server: one request per distinct identifier, none for the repeats.
    assert sim.served == len(distinct) == len(sim.requests)
    first = {}
    for result in sorted(results, key=lambda r: r.index):
        assert result.input == rows[result.index]
        if result.input not in first:
            first[result.input] = result
            assert not result.reused and result.attempts == 1
            continue
        # Its own row, the first look-up's answer, nothing sent.
        original = first[result.input]
        assert result.reused and result.attempts == 0
        assert result.status == original.status and result.peserta is original.peserta
        assert type(result.error) is type(original.error)
    assert progress[-1].reused == 3000 - len(distinct)
    assert sum(isinstance(r.error, NotFoundError) for r in results) == rows.count(UNKNOWN_CARD)


async def test_repeats_in_flight_wait_for_the_first_look_up(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    card = sim.participants.cards()[0]
    sim.faults.delay(card, 0.2, times=None)  # the first look-up is still on the wire
    results = await _collect(client.peserta.check_many([card] * 40, concurrency=20))
    assert sim.served == 1
    assert [r.reused for r in sorted(results, key=lambda r: r.index)] == [False] + [True] * 39
    assert all(r.ok for r in results)


async def test_a_failed_first_look_up_is_shared_and_a_new_run_asks_again(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    card = sim.participants.cards()[0]
    sim.faults.fail(card, status=502, times=None)
    results = await _collect(client.peserta.check_many([card] * 5))
    assert all(isinstance(r.error, GatewayError) for r in results)
    first_run = len(sim.requests)  # every attempt of the first look-up, none for the repeats
    assert first_run == sum(r.attempts for r in results) == results[0].attempts > 1
    assert sum(r.reused for r in results) == 4
    sim.faults.clear()
    again = await _collect(client.peserta.check_many([card] * 5))  # a new run asks again
    assert all(r.ok for r in again) and len(sim.requests) == first_run + 1


async def test_the_client_cache_answers_check_many_within_the_service_day(
    sim: VClaimSimulator,
) -> None:
    from vclaim_async import MemoryCache

    cards = sim.participants.cards()[:20]
    async with VClaimClient(sim.config(retry=FAST_RETRY), cache=MemoryCache(ttl=3600)) as client:
        first = await _collect(client.peserta.check_many(cards))
        assert sim.served == 20 and all(r.attempts == 1 for r in first)
        # The next night's run for the same service day: answered by the cache.
        again = await _collect(client.peserta.check_many(cards))
        assert sim.served == 20 and all(r.ok and r.attempts == 0 for r in again)
        # Another service day is another question.
        tomorrow = today_jakarta() + datetime.timedelta(days=1)
        await _collect(client.peserta.check_many(cards, tomorrow))
        assert sim.served == 40


async def test_remembered_answers_are_bounded(
    sim: VClaimSimulator, client: VClaimClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vclaim_async import _bulk

    monkeypatch.setattr(_bulk, "_MAX_REMEMBERED", 20)
    monkeypatch.setattr(_bulk, "_FORGET", 5)
    cards = sim.participants.cards()[:60]
    stream = client.peserta.check_many([*cards, cards[-1]], concurrency=2)
    results = await _collect(stream)
    assert len(stream._engine._answers) <= 20  # memory stays bounded
    assert sim.served == 60 and results[-1].reused  # a near repeat is still answered
