"""TaskReporter against the simulator's /antreanrs: lost answers, 502s, 208, the task rules."""

from __future__ import annotations

import asyncio
import datetime
from collections import Counter

from tests.antrean.conftest import at
from vclaim_async.antrean import AntreanClient
from vclaim_async.antrean.reporter import TaskEvent, TaskReporter
from vclaim_async.testing import Fault, VClaimSimulator


def chain(kb: str, day: datetime.date, tasks: tuple[int, ...]) -> list[TaskEvent]:
    return [TaskEvent.of(kb, t, at(day, 8, 5 * i)) for i, t in enumerate(tasks)]


def recorded(sim: VClaimSimulator) -> Counter[tuple[str, int]]:
    return Counter((e.kodebooking, e.taskid) for e in sim.antrean_state.task_events)


def requests(sim: VClaimSimulator, name: str) -> int:
    return sum(1 for r in sim.requests if r.path.endswith("/antrean/" + name))


async def test_lost_answers_and_502s_end_with_each_event_recorded_once(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    sim = vclaim_simulator
    codes = [sim.antrean_state.add_booking().kodebooking for _ in range(20)]
    events = [e for kb in codes for e in chain(kb, today, (1, 2, 3, 4, 5, 6, 7))]
    sim.faults.add(Fault("lose_answer", operation="antrean.update_waktu", times=None,
                         probability=0.2))  # fmt: skip
    sim.faults.add(Fault("status", status=502, operation="antrean.update_waktu", times=None,
                         probability=0.1))  # fmt: skip
    reporter = TaskReporter(antrean_client.antrean, settle=0.0, backoff=0.0, retries=8)
    results = [r async for r in reporter.report(events)]
    assert {r.status for r in results} <= {"sent", "found"}
    assert recorded(sim) == Counter((e.kodebooking, e.taskid) for e in events)
    assert not sim.antrean_state.refusals  # no refusal from our own ordering
    lost = sum(f.hits for f in sim.faults.faults if f.kind == "lose_answer")
    failed = sum(f.hits for f in sim.faults.faults if f.kind == "status")
    assert lost and failed
    # A 502 to a write may have been passed on, so it is an unknown outcome like a lost
    # answer: one getlisttask each; a lost answer had landed (found), a 502 had not (re-sent).
    assert requests(sim, "getlisttask") == lost + failed
    assert requests(sim, "updatewaktu") == len(events) + failed
    assert sum(r.status == "found" for r in results) == lost
    assert sum(r.resent for r in results) == failed


async def test_a_lost_answer_that_never_landed_is_sent_after_the_list_says_absent(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    sim = vclaim_simulator
    kb = sim.antrean_state.add_booking().kodebooking
    # A 502 page before the route ran: the event never landed, but the client cannot know.
    sim.faults.fail(status=502, operation="antrean.update_waktu", times=1)
    reporter = TaskReporter(antrean_client.antrean, settle=0.0)
    results = await reporter.report_visit(chain(kb, today, (3, 4)))
    assert [r.status for r in results] == ["sent", "sent"]
    assert (results[0].checked, results[0].resent) == (1, 1)
    assert recorded(sim) == {(kb, 3): 1, (kb, 4): 1}


async def test_208_is_done_and_a_rerun_sends_nothing_new(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    sim = vclaim_simulator
    kb = sim.antrean_state.add_booking().kodebooking
    reporter = TaskReporter(antrean_client.antrean, settle=0.0)
    events = chain(kb, today, (3, 4, 5))
    await reporter.report_visit(events[:2])
    again = await reporter.report_visit(events)  # a rerun that forgot what it sent
    assert [r.status for r in again] == ["already", "already", "sent"]
    assert recorded(sim) == {(kb, 3): 1, (kb, 4): 1, (kb, 5): 1}
    assert not sim.antrean_state.refusals


async def test_out_of_order_is_refused_before_sending_and_99_ends_the_visit(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    sim = vclaim_simulator
    kb = sim.antrean_state.add_booking().kodebooking
    reporter = TaskReporter(antrean_client.antrean, settle=0.0)
    bad = [TaskEvent.of(kb, 3, at(today, 9)), TaskEvent.of(kb, 4, at(today, 8, 59))]
    results = await reporter.report_visit(bad)
    assert {r.status for r in results} == {"invalid"} and requests(sim, "updatewaktu") == 0
    sim.antrean_state.update_waktu(kb, 99, int(at(today, 8).timestamp() * 1000))
    results = await reporter.report_visit(chain(kb, today, (3, 4)))
    assert [r.status for r in results] == ["after_99", "held"]
    assert requests(sim, "updatewaktu") == 1  # only the one that heard "TaskId terakhir 99"


async def test_the_settle_time_outwaits_a_write_that_lands_late(
    vclaim_simulator: VClaimSimulator, today: datetime.date
) -> None:
    # BPJS is slow: the client gives up at 0.2 s, the task is recorded at 0.5 s.
    sim = vclaim_simulator
    kb = sim.antrean_state.add_booking().kodebooking
    sim.faults.delay(".*", 0.5, times=1, operation="antrean.update_waktu")
    async with AntreanClient(sim.antrean_config(timeout=0.2)) as client:
        reporter = TaskReporter(client.antrean, settle=0.6)
        results = await reporter.report_visit(chain(kb, today, (3, 4)))
    assert [r.status for r in results] == ["found", "sent"]
    assert requests(sim, "updatewaktu") == 2  # 3 was never sent again
    assert recorded(sim) == {(kb, 3): 1, (kb, 4): 1}


async def test_a_list_that_lags_costs_a_request_never_a_second_record(
    vclaim_simulator: VClaimSimulator, today: datetime.date
) -> None:
    # No settle time: getlisttask is read before the slow write lands, so the task is sent
    # again; BPJS keeps the first of the two to arrive and answers the other 208.
    sim = vclaim_simulator
    kb = sim.antrean_state.add_booking().kodebooking
    sim.faults.delay(".*", 0.5, times=1, operation="antrean.update_waktu")
    async with AntreanClient(sim.antrean_config(timeout=0.2)) as client:
        reporter = TaskReporter(client.antrean, settle=0.0)
        results = await reporter.report_visit(chain(kb, today, (3, 4)))
        await asyncio.sleep(0.6)  # the first send of 3 arrives now
    assert [r.status for r in results] == ["sent", "sent"]
    assert (results[0].resent, results[0].checked) == (1, 1)
    assert recorded(sim) == {(kb, 3): 1, (kb, 4): 1}
    assert requests(sim, "updatewaktu") == 3 and not sim.antrean_state.refusals
