"""Every branch of settling a lost SEP insert, on a clock the test drives (STYLE habit 13).

``send``, the history and ``sep.get`` are plain functions here; the simulator runs in
tests/resources/test_write_safety.py with real (short) timings.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

import pytest

from tests._fixtures import load_fixture
from vclaim_async import DecodeError, GatewayError, NotFoundError, OutcomeUnknownError
from vclaim_async import _reconcile as rec
from vclaim_async._envelope import decode_payload
from vclaim_async.models.monitoring import HistoriPelayanan
from vclaim_async.models.sep import InsertedSep, SepDetail, SepInsert, SepRujukan
from vclaim_async.resources.sep import _poli

CARD = "0001234567890"
DAY = "2024-04-01"
RUJUKAN = "0301U0010424Y000001"
WINDOW = 15.0


class FakeTime:
    """A monotonic clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _detail(no_sep: str) -> SepDetail:
    import json

    import msgspec

    data = load_fixture("responses/sep/detail.json")
    data["noSep"] = no_sep
    text = json.dumps(data)
    return decode_payload(text, True, msgspec.Raw(text.encode()), SepDetail)


def _row(
    no_sep: str,
    *,
    tgl: str = DAY,
    jns: str = "2",
    poli: str | None = "INT",
    rujukan: str = RUJUKAN,
    card: str = CARD,
) -> HistoriPelayanan:
    return HistoriPelayanan(
        no_sep=no_sep,
        tgl_sep=tgl,
        no_kartu=card,
        nama_peserta="X",
        jns_pelayanan=jns,
        kelas_rawat=None,
        diagnosa="I10 - Hypertension",
        poli=poli,
        ppk_pelayanan="RS",
        no_rujukan=rujukan,
    )


def _body() -> SepInsert:
    from vclaim_async.models.sep import Jaminan, KlsRawat, SepCob, SepKatarak, Skdp

    return SepInsert(
        no_kartu=CARD,
        tgl_sep=DAY,
        ppk_pelayanan="0301R001",
        jns_pelayanan="2",
        kls_rawat=KlsRawat(kls_rawat_hak="3"),
        no_mr="MR-1",
        rujukan=SepRujukan(
            asal_rujukan="1", tgl_rujukan="2024-03-29", no_rujukan=RUJUKAN, ppk_rujukan="X"
        ),
        catatan="",
        diag_awal="I10",
        poli=_poli("INT"),
        cob=SepCob(cob="0"),
        katarak=SepKatarak(katarak="0"),
        jaminan=Jaminan(),
        tujuan_kunj="0",
        flag_procedure="",
        kode_penunjang="",
        assesment_pel="",
        skdp=Skdp(),
        dpjp_layan="",
        no_telp="0812",
        user="u",
    )


def _lost(sent_at: float | None = None) -> OutcomeUnknownError:
    error = OutcomeUnknownError(
        "lost", endpoint="sep.insert", method="POST", path="SEP/2.0/insert", body=b"{}"
    )
    error.sent_at = sent_at
    return error


class World:
    """A scripted BPJS: which sends are lost, what the history shows when, how get fares."""

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.sends = 0
        self.lost_sends = 1  # the first N sends lose their answer
        self.history_reads = 0
        self.gets: list[str] = []
        self.rows_at: Callable[[float], Sequence[HistoriPelayanan]] = lambda t: []
        self.history_error: Callable[[int], Exception | None] = lambda n: None
        self.get_error: Exception | None = None
        self.started = time.now

    async def send(self) -> InsertedSep:
        self.sends += 1
        if self.sends <= self.lost_sends:
            raise _lost()
        return rec.inserted_from_detail(_detail("SENT-OK"))

    async def history(self, card: str, day: str) -> list[HistoriPelayanan]:
        assert (card, day) == (CARD, DAY)
        self.history_reads += 1
        error = self.history_error(self.history_reads)
        if error is not None:
            raise error
        return list(self.rows_at(self.time.now - self.started))

    async def get(self, no_sep: str) -> SepDetail:
        self.gets.append(no_sep)
        if self.get_error is not None:
            raise self.get_error
        return _detail(no_sep)

    async def run(self, window: float = WINDOW) -> InsertedSep:
        plan = rec.Settle(window=window, clock=self.time.clock, sleep=self.time.sleep)
        return await rec.reconciled(self.send, self.history, self.get, _body(), plan)


@pytest.fixture
def world() -> World:
    return World(FakeTime())


async def test_with_answers_arriving_it_is_one_send_and_no_read(world: World) -> None:
    world.lost_sends = 0
    sep = await world.run()
    assert sep.no_sep == "SENT-OK"
    assert (world.sends, world.history_reads, world.gets) == (1, 0, [])


async def test_a_sep_already_in_the_history_settles_at_once(world: World) -> None:
    world.rows_at = lambda t: [_row("S1")]
    sep = await world.run()
    assert sep.no_sep == "S1"
    assert (world.sends, world.history_reads, world.gets, world.time.slept) == (1, 1, ["S1"], [])


async def test_a_sep_that_shows_late_is_found_and_never_sent_again(world: World) -> None:
    # Performed late and shown by a lagging history 9 s after the lost attempt was sent.
    world.rows_at = lambda t: [_row("S1")] if t >= 9.0 else []
    sep = await world.run()
    assert sep.no_sep == "S1"
    assert world.sends == 1
    assert world.history_reads >= 2


async def test_an_empty_history_is_proof_only_after_the_window(world: World) -> None:
    sep = await world.run()
    assert sep.no_sep == "SENT-OK"
    assert world.sends == 2
    # Read at once and again across the window, the last read at its end, then re-sent.
    assert world.history_reads == rec.READS
    assert sum(world.time.slept) == pytest.approx(WINDOW)


async def test_the_window_counts_from_when_the_lost_attempt_was_sent(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    sent = time.monotonic() - 10.0  # the attempt left 10 s ago (it waited out its timeout)

    async def send() -> InsertedSep:
        world.sends += 1
        if world.sends == 1:
            raise _lost(sent_at=sent)
        return rec.inserted_from_detail(_detail("SENT-OK"))

    plan = rec.Settle(window=WINDOW, clock=world.time.clock, sleep=world.time.sleep)
    await rec.reconciled(send, world.history, world.get, _body(), plan)
    assert sum(world.time.slept) == pytest.approx(WINDOW - 10.0, abs=0.5)


async def test_a_window_long_past_needs_one_read(world: World) -> None:
    import time

    async def send() -> InsertedSep:
        world.sends += 1
        if world.sends == 1:
            raise _lost(sent_at=time.monotonic() - 100.0)
        return rec.inserted_from_detail(_detail("SENT-OK"))

    plan = rec.Settle(window=WINDOW, clock=world.time.clock, sleep=world.time.sleep)
    await rec.reconciled(send, world.history, world.get, _body(), plan)
    assert (world.history_reads, world.time.slept, world.sends) == (1, [], 2)


async def test_two_matching_seps_name_both_and_nothing_is_sent_again(world: World) -> None:
    world.rows_at = lambda t: [_row("S1"), _row("S2")]
    with pytest.raises(OutcomeUnknownError, match="2 candidate SEPs") as info:
        await world.run()
    assert info.value.candidates == ("S1", "S2")
    assert info.value.landed is None
    assert world.sends == 1


@pytest.mark.parametrize(
    "row",
    [
        _row("S9", rujukan="0301U0010424Y999999"),  # another referral
        _row("S9", rujukan=""),  # no referral shown
        _row("S9", poli="JAN"),  # another clinic by code
    ],
    ids=["other-referral", "no-referral", "other-clinic-code"],
)
async def test_a_row_that_could_be_this_visit_blocks_the_resend(
    world: World, row: HistoriPelayanan
) -> None:
    world.rows_at = lambda t: [row]
    with pytest.raises(OutcomeUnknownError, match="could be this visit") as info:
        await world.run()
    assert info.value.candidates == ("S9",)
    assert info.value.landed is None
    assert world.sends == 1  # never re-sent while a row could be its SEP
    assert world.gets == []


@pytest.mark.parametrize(
    "row",
    [
        _row("S9", tgl="2024-04-02"),  # another day
        _row("S9", jns="1", poli=""),  # inpatient, same day
        _row("S9", card="0009999999999"),  # another participant
    ],
    ids=["other-day", "other-service-type", "other-card"],
)
async def test_rows_of_another_day_type_or_card_do_not_count(
    world: World, row: HistoriPelayanan
) -> None:
    world.rows_at = lambda t: [row]
    sep = await world.run()
    assert sep.no_sep == "SENT-OK" and world.sends == 2


@pytest.mark.parametrize(
    "row",
    [
        _row("S1", tgl="01-04-2024"),
        _row("S1", tgl="2024-04-01 00:00:00"),
        _row("S1", jns="Rawat Jalan"),
        _row("S1", jns="R.Jalan"),
        _row("S1", poli="PENYAKIT DALAM"),
        _row("S1", poli="int"),
        _row("S1", poli=""),
        _row("S1", poli=None),
        _row("S1", rujukan=f" {RUJUKAN.lower()} "),
    ],
    ids=[
        "dd-MM-yyyy",
        "with-time",
        "jns-text",
        "jns-abbrev",
        "clinic-name",
        "clinic-case",
        "clinic-empty",
        "clinic-null",
        "referral-spacing",
    ],
)
async def test_spellings_of_the_same_visit_match(world: World, row: HistoriPelayanan) -> None:
    world.rows_at = lambda t: [row]
    sep = await world.run()
    assert sep.no_sep == "S1" and world.sends == 1


@pytest.mark.parametrize(
    "error",
    [
        GatewayError("down", status=503),
        DecodeError("answer does not match SepDetail"),
        NotFoundError("201", "Data tidak ditemukan"),
    ],
    ids=["gateway", "decode", "not-found"],
)
async def test_a_landed_sep_whose_detail_fails_is_still_named(
    world: World, error: Exception
) -> None:
    world.rows_at = lambda t: [_row("S1")]
    world.get_error = error
    with pytest.raises(OutcomeUnknownError, match="the SEP landed") as info:
        await world.run()
    assert info.value.landed == "S1"
    assert info.value.candidates == ("S1",)
    assert info.value.__cause__ is error
    assert world.sends == 1


async def test_a_detail_of_another_sep_is_not_taken(world: World) -> None:
    world.rows_at = lambda t: [_row("S1")]

    async def wrong(no_sep: str) -> SepDetail:
        return _detail("OTHER")

    plan = rec.Settle(window=WINDOW, clock=world.time.clock, sleep=world.time.sleep)
    with pytest.raises(OutcomeUnknownError) as info:
        await rec.reconciled(world.send, world.history, wrong, _body(), plan)
    assert info.value.landed == "S1"


async def test_a_history_unreadable_at_the_end_raises_the_original(world: World) -> None:
    world.history_error = lambda n: GatewayError("down", status=503)
    with pytest.raises(OutcomeUnknownError) as info:
        await world.run()
    assert info.value.candidates == () and info.value.landed is None
    assert world.sends == 1


async def test_a_history_unreadable_at_the_end_keeps_earlier_candidates(world: World) -> None:
    world.rows_at = lambda t: [_row("S9", rujukan="OTHER")]
    world.history_error = lambda n: GatewayError("down", status=503) if n > 1 else None
    with pytest.raises(OutcomeUnknownError) as info:
        await world.run()
    assert info.value.candidates == ("S9",)
    assert world.sends == 1


async def test_an_early_read_failing_does_not_stop_the_proof(world: World) -> None:
    world.history_error = lambda n: GatewayError("down", status=503) if n == 1 else None
    sep = await world.run()
    assert sep.no_sep == "SENT-OK" and world.sends == 2


async def test_no_service_that_day_is_an_empty_history(world: World) -> None:
    world.history_error = lambda n: NotFoundError("201", "Data Tidak Ditemukan")
    sep = await world.run()
    assert sep.no_sep == "SENT-OK" and world.sends == 2


async def test_after_three_lost_rounds_the_last_unknown_is_raised(world: World) -> None:
    world.lost_sends = 99
    with pytest.raises(OutcomeUnknownError) as info:
        await world.run()
    assert world.sends == rec.ROUNDS
    assert info.value.candidates == ()


def test_settle_is_checked() -> None:
    with pytest.raises(ValueError, match="negative"):
        rec.Settle(window=-1.0)
    with pytest.raises(ValueError, match="2 history reads"):
        rec.Settle(window=1.0, reads=1)


def test_the_default_window_covers_a_late_write_and_a_lagging_history() -> None:
    assert rec.default_settle(0.5) == 0.5 + rec.LATE_WRITE_ALLOWANCE + rec.HISTORY_LAG_ALLOWANCE
    # The measured worst case: performed 3 s after arrival, shown 5 s later.
    assert rec.default_settle(0.5) > 3.0 + 5.0


def test_classify_sorts_matches_and_candidates() -> None:
    visit = rec.Visit(CARD, DAY, "2", "INT", RUJUKAN)
    rows = [_row("A"), _row("B", rujukan="X"), _row("C", tgl="2024-04-02"), _row("A")]
    found = rec.classify(rows, visit)
    assert (found.matches, found.candidates) == (("A",), ("B",))
    assert rec.matching(rows, visit) == ["A"]


def test_day_spellings() -> None:
    assert rec._day("01-04-2024") == rec._day("2024-04-01") == rec._day("2024/04/01") == DAY
    assert rec._day(datetime.date(2024, 4, 1).isoformat()) == DAY


async def test_watch_answers_as_soon_as_a_match_shows(world: World) -> None:
    world.rows_at = lambda t: [_row("S9", rujukan="X")] + ([_row("S1")] if t >= 6.0 else [])
    plan = rec.Settle(window=WINDOW, clock=world.time.clock, sleep=world.time.sleep)
    found = await rec.watch(world.history, rec.Visit(CARD, DAY, "2", "INT", RUJUKAN), plan)
    assert (found.matches, found.candidates) == (("S1",), ("S9",))
    assert sum(world.time.slept) < WINDOW  # it did not wait out the window


async def test_watch_raises_when_the_last_read_fails(world: World) -> None:
    world.history_error = lambda n: GatewayError("down", status=503) if n == rec.READS else None
    plan = rec.Settle(window=WINDOW, clock=world.time.clock, sleep=world.time.sleep)
    with pytest.raises(GatewayError):
        await rec.watch(world.history, rec.Visit(CARD, DAY, "2", "INT", RUJUKAN), plan)


async def test_watch_over_an_empty_history_reads_across_the_window(world: World) -> None:
    plan = rec.Settle(window=WINDOW, clock=world.time.clock, sleep=world.time.sleep)
    found = await rec.watch(world.history, rec.Visit(CARD, DAY, "2", "INT", RUJUKAN), plan)
    assert (found.matches, found.candidates) == ((), ())
    assert world.history_reads == rec.READS and sum(world.time.slept) == pytest.approx(WINDOW)
