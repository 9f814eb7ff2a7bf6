"""Task times: ``antrean.update_waktu`` and ``antrean.list_task`` against the simulator's rules."""

from __future__ import annotations

import asyncio
import datetime

import pytest

from tests.antrean.conftest import at
from vclaim_async import AlreadyRecordedError, NotFoundError, OutcomeUnknownError, TaskRuleError
from vclaim_async.antrean import AntreanClient, TaskId
from vclaim_async.testing import Fault, VClaimSimulator


async def test_an_existing_patients_visit_is_recorded_in_order(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    times = [at(today, 8, 5), at(today, 8, 41, 30), at(today, 8, 55, 2)]
    for taskid, waktu in zip((TaskId.ADMISSION_END, TaskId.POLI_START, 5), times, strict=True):
        await antrean_client.antrean.update_waktu(
            kodebooking=booking.kodebooking, taskid=taskid, waktu=waktu
        )
    tasks = await antrean_client.antrean.list_task(booking.kodebooking)
    assert [t.taskid for t in tasks] == [3, 4, 5]
    assert [t.sent_at for t in tasks] == times
    assert tasks[0].wakturs == f"{today:%d-%m-%Y} 08:05:00 WIB"
    assert tasks[0].taskname == "akhir waktu layan admisi/mulai waktu tunggu poli"
    events = vclaim_simulator.antrean_state.task_events
    assert [(e.kodebooking, e.taskid, e.waktu) for e in events] == [
        (booking.kodebooking, t, int(w.timestamp() * 1000))
        for t, w in zip((3, 4, 5), times, strict=True)
    ]


async def test_a_task_sent_twice_is_already_recorded_and_kept_once(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    ms = int(at(today, 9).timestamp() * 1000)
    await antrean_client.antrean.update_waktu(kodebooking=booking.kodebooking, taskid=1, waktu=ms)
    with pytest.raises(AlreadyRecordedError) as caught:
        await antrean_client.antrean.update_waktu(
            kodebooking=booking.kodebooking, taskid=1, waktu=ms + 1000
        )
    assert caught.value.code == "208"
    assert caught.value.taskid == 1
    assert len(vclaim_simulator.antrean_state.task_events) == 1


@pytest.mark.parametrize(
    ("sent", "then", "reason", "taskid"),
    [
        # 4 without 3: the predecessor is named.
        ([], (4, (10, 0)), "predecessor", 3),
        # A chain started at 1 needs 2 before 3.
        ([(1, (8, 0))], (3, (8, 10)), "predecessor", 2),
        # Not strictly later than the previous task (equal times too).
        ([(3, (8, 0))], (4, (8, 0)), "not_later", None),
        ([(3, (8, 0))], (4, (7, 59)), "not_later", None),
        # Nothing lower than the last task, nothing after 99.
        ([(3, (8, 0)), (4, (8, 30))], (1, (9, 0)), "last_task", 4),
        ([(3, (8, 0)), (99, (8, 30))], (4, (9, 0)), "last_task", 99),
    ],
)
async def test_task_rules_refuse_with_bpjs_replies(
    vclaim_simulator: VClaimSimulator,
    antrean_client: AntreanClient,
    today: datetime.date,
    sent: list[tuple[int, tuple[int, int]]],
    then: tuple[int, tuple[int, int]],
    reason: str,
    taskid: int | None,
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    code = booking.kodebooking
    for task, (hour, minute) in sent:
        await antrean_client.antrean.update_waktu(
            kodebooking=code, taskid=task, waktu=at(today, hour, minute)
        )
    task, (hour, minute) = then
    with pytest.raises(TaskRuleError) as caught:
        await antrean_client.antrean.update_waktu(
            kodebooking=code, taskid=task, waktu=at(today, hour, minute)
        )
    assert (caught.value.reason, caught.value.taskid) == (reason, taskid)
    assert len(booking.tasks) == len(sent)


async def test_a_time_off_the_service_date_is_refused(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    # 00:30 WIB of the next day is still the service date in UTC: the rule is read in WIB.
    tomorrow = at(today + datetime.timedelta(days=1), 0, 30)
    with pytest.raises(TaskRuleError) as caught:
        await antrean_client.antrean.update_waktu(
            kodebooking=booking.kodebooking, taskid=3, waktu=tomorrow
        )
    assert caught.value.reason == "service_date"
    assert f"({today.isoformat()})" in caught.value.message


async def test_tasks_later_than_h_plus_7_are_refused(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    old = today - datetime.timedelta(days=8)
    booking = vclaim_simulator.antrean_state.add_booking(tanggal=old)
    with pytest.raises(TaskRuleError) as caught:
        await antrean_client.antrean.update_waktu(
            kodebooking=booking.kodebooking, taskid=3, waktu=at(old, 9)
        )
    assert caught.value.reason == "too_late"
    within = vclaim_simulator.antrean_state.add_booking(tanggal=today - datetime.timedelta(7))
    await antrean_client.antrean.update_waktu(
        kodebooking=within.kodebooking, taskid=3, waktu=at(within.tanggal, 9)
    )


async def test_an_unknown_booking_is_not_found(antrean_client: AntreanClient) -> None:
    with pytest.raises(NotFoundError, match="Kode Booking tidak ditemukan"):
        await antrean_client.antrean.list_task("NOPE0001")
    with pytest.raises(NotFoundError):
        await antrean_client.antrean.update_waktu(
            kodebooking="NOPE0001", taskid=3, waktu=1_714_957_500_000
        )


async def test_a_booking_without_tasks_lists_none(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    assert await antrean_client.antrean.list_task(booking.kodebooking) == []


async def test_a_lost_answer_is_not_resent_and_lands_once(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    vclaim_simulator.faults.add(Fault("lose_answer", operation="antrean.update_waktu"))
    with pytest.raises(OutcomeUnknownError):
        await antrean_client.antrean.update_waktu(
            kodebooking=booking.kodebooking, taskid=3, waktu=at(today, 8)
        )
    # The write landed; the client did not send it again. list_task (a read) shows it.
    assert len(vclaim_simulator.antrean_state.task_events) == 1
    tasks = await antrean_client.antrean.list_task(booking.kodebooking)
    assert [t.taskid for t in tasks] == [3]


async def test_list_task_is_a_read_and_is_retried_through_502s(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    vclaim_simulator.faults.fail(status=502, times=2, operation="antrean.list_task")
    assert await antrean_client.antrean.list_task(booking.kodebooking) == []


async def test_update_waktu_is_not_resent_after_a_502(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    vclaim_simulator.faults.fail(status=502, times=1, operation="antrean.update_waktu")
    before = len(vclaim_simulator.requests)
    with pytest.raises(OutcomeUnknownError):
        await antrean_client.antrean.update_waktu(
            kodebooking=booking.kodebooking, taskid=3, waktu=at(today, 8)
        )
    assert len(vclaim_simulator.requests) - before == 1


async def test_a_hung_update_waktu_times_out_once_and_is_not_resent(
    vclaim_simulator: VClaimSimulator, today: datetime.date
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    vclaim_simulator.faults.hang(operation="antrean.update_waktu")
    config = vclaim_simulator.antrean_config(timeout=0.3)
    async with AntreanClient(config) as client:
        with pytest.raises(OutcomeUnknownError):
            await client.antrean.update_waktu(
                kodebooking=booking.kodebooking, taskid=3, waktu=at(today, 8)
            )
    sent = [r for r in vclaim_simulator.requests if r.path.endswith("/antrean/updatewaktu")]
    assert len(sent) == 1


async def test_a_write_that_lands_after_the_client_gave_up_shows_in_list_task_later(
    vclaim_simulator: VClaimSimulator, today: datetime.date
) -> None:
    # BPJS is slow: the client gives up at 0.2 s, the event is recorded at 0.5 s.
    booking = vclaim_simulator.antrean_state.add_booking()
    vclaim_simulator.faults.delay(".*", 0.5, times=1, operation="antrean.update_waktu")
    async with AntreanClient(vclaim_simulator.antrean_config(timeout=0.2)) as client:
        with pytest.raises(OutcomeUnknownError):
            await client.antrean.update_waktu(
                kodebooking=booking.kodebooking, taskid=3, waktu=at(today, 8)
            )
        assert await client.antrean.list_task(booking.kodebooking) == []  # not yet
        for _ in range(50):
            await asyncio.sleep(0.05)
            if await client.antrean.list_task(booking.kodebooking):
                break
        assert [t.taskid for t in await client.antrean.list_task(booking.kodebooking)] == [3]
        # Re-sending now is answered 208: the caller can treat it as done.
        with pytest.raises(AlreadyRecordedError):
            await client.antrean.update_waktu(
                kodebooking=booking.kodebooking, taskid=3, waktu=at(today, 8)
            )
    assert len(vclaim_simulator.antrean_state.task_events) == 1


async def test_a_caller_cancelled_mid_call_gets_cancelled_error(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    vclaim_simulator.faults.delay(".*", 0.3, times=1, operation="antrean.update_waktu")
    call = asyncio.create_task(
        antrean_client.antrean.update_waktu(
            kodebooking=booking.kodebooking, taskid=3, waktu=at(today, 8)
        )
    )
    await asyncio.sleep(0.1)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    # The client stays usable, and what BPJS recorded is visible once it lands.
    await asyncio.sleep(0.4)
    assert [t.taskid for t in await antrean_client.antrean.list_task(booking.kodebooking)] == [3]
