"""An in-memory stand-in for ``client.antrean`` that keeps BPJS's task rules and fails on cue.

It records task events like the simulator (one record per accepted event), answers 208 for a
repeat, refuses a missing predecessor / a time not after the previous one / anything after 99
with :class:`TaskRuleError`, and can lose answers (the event lands, the caller gets
:class:`OutcomeUnknownError`), answer 502 (nothing lands) and lag its list (an event accepted
less than ``lag`` list calls ago is not listed yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from vclaim_async.errors import (
    AlreadyRecordedError,
    GatewayError,
    OutcomeUnknownError,
    TaskRuleError,
)


@dataclass(frozen=True)
class Listed:
    taskid: int
    wakturs: str = ""
    waktu: str = ""
    taskname: str = ""
    kodebooking: str = ""


@dataclass
class FakeAntrean:
    #: kodebooking -> taskid -> waktu, in acceptance order.
    tasks: dict[str, dict[int, int]] = field(default_factory=dict)
    #: Every accepted event, as the simulator's ``task_events``: (kodebooking, taskid, waktu).
    accepted: list[tuple[str, int, int]] = field(default_factory=list)
    #: Scripted faults for update_waktu, consumed in order: "lose", "lose_before", "502".
    script: list[str] = field(default_factory=list)
    #: List calls that miss an event accepted in the last ``lag`` list calls.
    lag: int = 0
    list_fails: int = 0
    updates: list[tuple[str, int, int, str | None]] = field(default_factory=list)
    lists: int = 0
    _pending_lag: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.updates) + self.lists

    async def update_waktu(
        self, *, kodebooking: str, taskid: int, waktu: int, jenisresep: str | None = None
    ) -> None:
        self.updates.append((kodebooking, taskid, waktu, jenisresep))
        fault = self.script.pop(0) if self.script else None
        if fault == "502":
            raise GatewayError("bad gateway", status=502, endpoint="antrean.update_waktu")
        if fault == "lose_before":  # the connection died before BPJS did anything
            raise OutcomeUnknownError(
                "answer lost", endpoint="antrean.update_waktu", method="POST", path="x", body=None
            )
        self._apply(kodebooking, taskid, waktu)
        if fault == "lose":
            raise OutcomeUnknownError(
                "answer lost", endpoint="antrean.update_waktu", method="POST", path="x", body=None
            )

    def _apply(self, kodebooking: str, taskid: int, waktu: int) -> None:
        held = self.tasks.setdefault(kodebooking, {})
        if taskid in held:
            raise AlreadyRecordedError("208", f"TaskId={taskid} sudah ada", taskid=taskid)
        if 99 in held:
            raise TaskRuleError("201", "TaskId terakhir 99", taskid=99, reason="last_task")
        if held:
            last = list(held)[-1]
            if taskid != 99 and taskid != last + 1:
                raise TaskRuleError(
                    "201", f"TaskId={taskid - 1} belum ada", taskid=taskid - 1, reason="predecessor"
                )
            if waktu <= held[last]:
                raise TaskRuleError(
                    "201", "Waktu tidak boleh kurang atau sama", taskid=taskid, reason="not_later"
                )
        elif taskid not in (1, 3, 99):
            raise TaskRuleError(
                "201", f"TaskId={taskid - 1} belum ada", taskid=taskid - 1, reason="predecessor"
            )
        held[taskid] = waktu
        self.accepted.append((kodebooking, taskid, waktu))
        if self.lag:
            self._pending_lag[(kodebooking, taskid)] = self.lag

    async def list_task(self, kodebooking: str) -> Sequence[Listed]:
        self.lists += 1
        if self.list_fails:
            self.list_fails -= 1
            raise GatewayError("bad gateway", status=502, endpoint="antrean.list_task")
        shown = []
        for taskid in self.tasks.get(kodebooking, {}):
            key = (kodebooking, taskid)
            if self._pending_lag.get(key, 0) > 0:
                self._pending_lag[key] -= 1
                continue
            shown.append(Listed(taskid, kodebooking=kodebooking))
        return shown
