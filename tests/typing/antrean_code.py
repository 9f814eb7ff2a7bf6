"""Typical Antrean RS application code, checked by ``mypy --strict tests/typing``; never run.

The contract other tools rely on: ``update_waktu`` takes an aware datetime or epoch ms and
returns None; ``list_task`` items carry ``taskid``, ``wakturs``, ``waktu``, ``taskname`` and
``kodebooking`` without a ``None``-guard; the errors carry ``taskid``.
"""

from __future__ import annotations

import datetime

from vclaim_async.antrean import AntreanClient, AntreanConfig, DashboardRow, Task, TaskId
from vclaim_async.errors import AlreadyRecordedError, TaskRuleError


async def report(client: AntreanClient, code: str, when: datetime.datetime, ms: int) -> int | None:
    try:
        await client.antrean.update_waktu(kodebooking=code, taskid=TaskId.POLI_START, waktu=when)
        await client.antrean.update_waktu(
            kodebooking=code, taskid=5, waktu=ms, jenisresep="Racikan"
        )
    except AlreadyRecordedError as done:
        return done.taskid
    except TaskRuleError as refused:
        return refused.taskid
    return None


def line(task: Task) -> str:
    taskid: int = task.taskid
    sent: datetime.datetime | None = task.sent_at
    return f"{task.kodebooking} {taskid} {task.taskname} {task.wakturs} {task.waktu} {sent}"


async def slowest(config: AntreanConfig, day: datetime.date) -> DashboardRow | None:
    async with AntreanClient(config) as client:
        rows = await client.dashboard.per_tanggal(day, waktu="server")
    return max(rows, key=lambda row: row.avg_waktu_task3, default=None)
