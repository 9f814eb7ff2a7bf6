"""TaskReporter against a fake that keeps BPJS's task rules: order, 208, lost answers, 99."""

from __future__ import annotations

import asyncio
import datetime
from collections import Counter
from typing import Any

import pytest

from tests.antrean.fake_antrean import FakeAntrean
from vclaim_async.antrean.reporter import (
    TaskEvent,
    TaskOrderError,
    TaskReport,
    TaskReporter,
    TaskResult,
    to_epoch_ms,
    visit_ref,
)
from vclaim_async.errors import AuthenticationError

WIB = datetime.timezone(datetime.timedelta(hours=7))
BASE = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=WIB)


def ev(kb: str, taskid: int, minute: float, resep: str | None = None) -> TaskEvent:
    return TaskEvent.of(kb, taskid, BASE + datetime.timedelta(minutes=minute), resep)


def visit(kb: str = "KB-1", tasks: tuple[int, ...] = (3, 4, 5, 6, 7)) -> list[TaskEvent]:
    return [ev(kb, t, 10 * i) for i, t in enumerate(tasks)]


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def reporter(api: FakeAntrean, **kwargs: Any) -> tuple[TaskReporter, Sleeps]:
    sleeps = Sleeps()
    return TaskReporter(api, sleep=sleeps, **kwargs), sleeps


# -- events ---------------------------------------------------------------------------------


def test_events_are_checked_before_anything_is_sent() -> None:
    with pytest.raises(ValueError, match="naive"):
        TaskEvent.of("KB", 3, datetime.datetime(2026, 12, 7, 8, 0))
    with pytest.raises(ValueError, match="milliseconds"):
        TaskEvent.of("KB", 3, 1_765_000_000)  # seconds, not ms
    with pytest.raises(ValueError, match="taskid"):
        TaskEvent.of("KB", 8, BASE)
    with pytest.raises(ValueError, match="taskid"):
        TaskEvent.of("KB", True, BASE)
    with pytest.raises(ValueError, match="jenisresep"):
        TaskEvent.of("KB", 5, BASE, "puyer")
    with pytest.raises(ValueError, match="control"):
        TaskEvent.of("KB\x1b[2J", 3, BASE)
    with pytest.raises(ValueError, match="empty"):
        TaskEvent.of("  ", 3, BASE)
    event = TaskEvent.of(" KB ", 5, BASE, "non  RACIKAN")
    assert event == TaskEvent("KB", 5, to_epoch_ms(BASE), "Non racikan")
    assert event.waktu == 1_796_605_200_000
    assert event.when == BASE
    assert TaskEvent.of("KB", 3, event.waktu) == TaskEvent("KB", 3, event.waktu)


def test_visit_ref_hides_the_booking_code() -> None:
    ref = visit_ref("20240506000012")
    assert ref == visit_ref("20240506000012") and ref != visit_ref("20240506000013")
    assert "000012" not in ref and len(ref) == 10


# -- the happy path, 208 and order ----------------------------------------------------------


async def test_sends_in_order_and_each_once() -> None:
    api = FakeAntrean()
    rep, _ = reporter(api)
    events = visit()
    results = await rep.report_visit(list(reversed(events)))  # any input order
    assert [r.status for r in results] == ["sent"] * 5
    assert [u[1] for u in api.updates] == [3, 4, 5, 6, 7]
    assert api.requests == 5
    again = await rep.report_visit(events, recorded={e.taskid: e.waktu for e in events})
    assert again == [] and api.requests == 5


async def test_a_208_is_done_and_the_visit_goes_on() -> None:
    api = FakeAntrean()
    events = visit()
    api.tasks["KB-1"] = {3: events[0].waktu}  # recorded by an earlier run we forgot
    rep, _ = reporter(api)
    results = await rep.report_visit(events)
    assert [r.status for r in results] == ["already", "sent", "sent", "sent", "sent"]
    assert results[0].error is None and results[0].done
    assert len(api.accepted) == 4


async def test_an_out_of_order_time_is_refused_before_sending() -> None:
    api = FakeAntrean()
    rep, _ = reporter(api)
    events = [ev("KB-1", 3, 0), ev("KB-1", 4, 30), ev("KB-1", 5, 30)]  # 5 not after 4
    results = await rep.report_visit(events)
    assert {r.status for r in results} == {"invalid"}
    error = results[0].error
    assert isinstance(error, TaskOrderError) and (error.taskid, error.previous) == (5, 4)
    assert "KB-1" not in str(error)
    assert api.requests == 0
    # Against what BPJS already holds, too.
    results = await rep.report_visit([ev("KB-1", 5, -5)], recorded={4: events[1].waktu})
    assert results[0].status == "invalid" and api.requests == 0


async def test_a_missing_predecessor_is_held_not_sent() -> None:
    api = FakeAntrean()
    rep, _ = reporter(api)
    results = await rep.report_visit([ev("KB-1", 3, 0), ev("KB-1", 5, 20), ev("KB-1", 6, 30)])
    assert [r.status for r in results] == ["held", "held", "sent"]
    assert [r.event.taskid for r in results] == [5, 6, 3]
    assert "task 4 is missing" in results[0].note
    assert [u[1] for u in api.updates] == [3]
    # A chain starts at 1 or 3 only.
    results = await rep.report_visit([ev("KB-2", 2, 0)])
    assert results[0].status == "held" and len(api.updates) == 1


async def test_after_99_nothing_is_sent() -> None:
    api = FakeAntrean()
    rep, _ = reporter(api)
    results = await rep.report_visit([ev("KB-1", 3, 0), ev("KB-1", 99, 5)])
    assert [r.status for r in results] == ["sent", "sent"]
    later = await rep.report_visit(
        [ev("KB-1", 4, 10)], recorded={3: BASE_MS, 99: BASE_MS + 300_000}
    )
    assert later[0].status == "after_99" and len(api.updates) == 2
    # A 99 BPJS holds but we did not know of: its "TaskId terakhir 99" ends the visit too.
    api.tasks["KB-9"] = {99: BASE_MS}
    ended = await rep.report_visit([ev("KB-9", 3, 10), ev("KB-9", 4, 20)])
    assert [r.status for r in ended] == ["after_99", "held"]


BASE_MS = to_epoch_ms(BASE)


async def test_a_refused_event_holds_the_rest_of_its_visit() -> None:
    api = FakeAntrean()
    api.tasks["KB-1"] = {3: BASE_MS, 4: BASE_MS + 60_000}
    api.accepted.clear()
    rep, _ = reporter(api)
    # We think only 3 is recorded; BPJS holds 4 at another time: sending 4 gets 208, then
    # 5 earlier than BPJS's 4 is refused by BPJS, and 6 is not sent after it.
    events = [ev("KB-1", 4, 0.5), ev("KB-1", 5, 0.8), ev("KB-1", 6, 5)]
    results = await rep.report_visit(events, recorded={3: BASE_MS})
    assert [r.status for r in results] == ["already", "refused", "held"]
    assert [u[1] for u in api.updates] == [4, 5]


# -- lost answers and the report lag -------------------------------------------------------


async def test_a_lost_answer_is_looked_up_not_resent() -> None:
    api = FakeAntrean(script=["lose"])
    rep, sleeps = reporter(api, settle=2.0)
    results = await rep.report_visit(visit(tasks=(3, 4)))
    assert [r.status for r in results] == ["found", "sent"]
    assert results[0].checked == 1 and results[0].resent == 0 and results[0].requests == 2
    assert [u[1] for u in api.updates] == [3, 4]  # 3 was sent once
    assert api.lists == 1 and sleeps.waits == [2.0]  # waited for the report lag first
    assert Counter(a[1] for a in api.accepted) == {3: 1, 4: 1}


async def test_a_lost_answer_that_never_landed_is_sent_again_after_the_check() -> None:
    api = FakeAntrean(script=["lose_before"])
    rep, _ = reporter(api)
    results = await rep.report_visit(visit(tasks=(3,)))
    assert results[0].status == "sent"
    assert (results[0].requests, results[0].resent, results[0].checked) == (3, 1, 1)
    assert api.lists == 1 and len(api.updates) == 2 and len(api.accepted) == 1


async def test_a_lagging_list_costs_a_request_never_a_second_record() -> None:
    # The event landed, but getlisttask does not show it yet: the re-send gets 208.
    api = FakeAntrean(script=["lose"], lag=1)
    rep, _ = reporter(api)
    results = await rep.report_visit(visit(tasks=(3, 4)))
    assert [r.status for r in results] == ["already", "sent"]
    assert results[0].resent == 1 and results[0].checked == 1
    assert Counter(a[1] for a in api.accepted) == {3: 1, 4: 1}


async def test_when_the_list_cannot_be_read_the_event_is_unknown_and_nothing_more_is_sent() -> None:
    api = FakeAntrean(script=["lose"], list_fails=10)
    rep, _ = reporter(api, retries=2)
    results = await rep.report_visit(visit(tasks=(3, 4)))
    assert [r.status for r in results] == ["unknown", "held"]
    assert len(api.updates) == 1  # neither re-sent nor followed by 4
    assert api.lists == 3


async def test_an_uncertain_event_from_a_crashed_run_is_looked_up_first() -> None:
    api = FakeAntrean()
    events = visit(tasks=(3, 4))
    api.tasks["KB-1"] = {3: events[0].waktu}  # the crashed run's send landed
    rep, _ = reporter(api)
    results = await rep.report_visit(events, uncertain={3})
    assert [r.status for r in results] == ["found", "sent"]
    assert [u[1] for u in api.updates] == [4]  # 3 not sent again


async def test_the_lookup_rule_is_what_keeps_lost_answers_from_being_resent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Broken on purpose: without the look-up a lost answer is simply sent again.
    async def no_lookup(*args: object, **kwargs: object) -> None:
        return None

    api = FakeAntrean(script=["lose"])
    rep, _ = reporter(api)
    monkeypatch.setattr(rep, "_look_up", no_lookup)
    await rep.report_visit(visit(tasks=(3,)))
    assert len(api.updates) == 2  # the guarantee of the test above fails without the rule


# -- 502, credentials, hooks, many visits --------------------------------------------------


async def test_a_502_is_sent_again_after_a_backoff() -> None:
    api = FakeAntrean(script=["502", "502"])
    rep, sleeps = reporter(api, backoff=0.5)
    results = await rep.report_visit(visit(tasks=(3,)))
    assert results[0].status == "sent" and results[0].resent == 2
    assert len(sleeps.waits) == 2 and 0.25 <= sleeps.waits[0] <= 0.5
    exhausted = FakeAntrean(script=["502"] * 5)
    rep2, _ = reporter(exhausted, retries=2)
    results = await rep2.report_visit(visit(tasks=(3, 4)))
    assert [r.status for r in results] == ["failed", "held"] and len(exhausted.updates) == 3


async def test_wrong_credentials_stop_the_run() -> None:
    class Refusing(FakeAntrean):
        async def update_waktu(self, **kwargs: Any) -> None:
            raise AuthenticationError("refused", status=403)

    rep, _ = reporter(Refusing())
    with pytest.raises(AuthenticationError):
        await rep.report_visit(visit(tasks=(3,)))


async def test_hooks_and_logs_carry_no_booking_code(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[TaskReport] = []
    api = FakeAntrean(script=["lose"])
    rep, _ = reporter(api, hooks=[seen.append])
    caplog.set_level("DEBUG", logger="vclaim_async")
    await rep.report_visit(visit("RSUD-2026-000317", (3, 4)))
    assert [(r.taskid, r.status) for r in seen] == [(3, "found"), (4, "sent")]
    assert "RSUD-2026-000317" not in repr(seen)
    assert caplog.records and "000317" not in caplog.text
    assert visit_ref("RSUD-2026-000317") in caplog.text
    assert rep.stats.statuses == {"found": 1, "sent": 1} and rep.stats.requests == 3


async def test_visits_run_concurrently_and_each_in_order() -> None:
    class Slow(FakeAntrean):
        in_flight: int = 0
        peak: int = 0

        async def update_waktu(self, **kwargs: Any) -> None:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            await asyncio.sleep(0.001)
            self.in_flight -= 1
            await super().update_waktu(**kwargs)

    api = Slow()
    rep, _ = reporter(api, max_visits=4)
    events = [e for n in range(12) for e in visit(f"KB-{n}", (1, 2, 3, 4, 5))]
    results: list[TaskResult] = [r async for r in rep.report(reversed(events))]
    assert len(results) == 60 and {r.status for r in results} == {"sent"}
    assert 1 < api.peak <= 4
    for n in range(12):
        assert [u[1] for u in api.updates if u[0] == f"KB-{n}"] == [1, 2, 3, 4, 5]
    assert len(api.accepted) == 60
