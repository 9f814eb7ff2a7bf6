"""Reporting a visit's task events to Antrean RS safely: in order, once, and rerunnable.

:class:`TaskReporter` takes a visit's events (``kodebooking``, task id, time) and sends the ones
BPJS does not hold yet, in task order, with ``antrean/updatewaktu``:

* **Checked before sending.** The visit's events (with those already recorded) must form a
  chain BPJS accepts: task ids 1-7 in order with strictly later times, 99 last. A time that is
  not after its predecessor's refuses the visit's pending events with :class:`TaskOrderError`
  (status ``"invalid"``) and nothing is sent. A task whose predecessor is neither recorded nor
  among the events (``4`` without ``3``) is ``"held"``, not sent: BPJS would refuse it.
* **208 is done.** ``AlreadyRecordedError`` (``TaskId=N sudah ada``) means BPJS holds the task:
  status ``"already"``, no error.
* **Lost answers are checked, not re-sent.** When ``updatewaktu``'s answer is lost
  (:class:`~vclaim_async.errors.OutcomeUnknownError`), or a durable front-end says an earlier
  process may have sent the event (``uncertain``: it crashed between sending and recording the
  answer), the reporter reads ``antrean/getlisttask`` first. Listed: status ``"found"``, nothing
  sent. Absent: sent again.
* **The report lag.** BPJS may list a task some seconds after accepting it. The reporter waits
  ``settle`` seconds before the first read (longer on each later round), so a task that landed
  is normally listed by then. If the list still lags and the task is sent again, BPJS answers
  208 for the copy it already holds (``"already"``): one record either way, at the cost of one
  request. What the lag can never cause is a *second record*: BPJS refuses a repeated task id.
* **After 99 nothing.** A visit whose task 99 (no-show / cancelled) is recorded gets no further
  event: they end ``"after_99"`` without a request.
* **502/503/504** to a write arrive as ``OutcomeUnknownError`` too (the gateway may have passed
  the request on before failing), so they are looked up like a lost answer. A 429 (refused at
  the gateway) or another 5xx page is sent again after a capped, jittered backoff
  (``retries`` times), safe because of the 208 rule.

Visits run concurrently (``max_visits``); the events of one visit strictly one after another,
each waiting for the previous one's outcome. Hooks get a :class:`TaskReport` per event with no
identifier in it; logs name a visit only by :func:`visit_ref`, a short keyed digest.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import itertools
import logging
import random
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Iterable,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ..errors import (
    AlreadyRecordedError,
    AuthenticationError,
    DecodeError,
    GatewayError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
    TaskRuleError,
    VClaimConnectionError,
    VClaimError,
    VClaimTimeoutError,
)
from .models import JENIS_RESEP

__all__ = [
    "DONE",
    "FINAL",
    "JENIS_RESEP",
    "TASK_ORDER",
    "RecordedTask",
    "TaskApi",
    "TaskEvent",
    "TaskOrderError",
    "TaskReport",
    "TaskReporter",
    "TaskResult",
    "TaskStatus",
    "to_epoch_ms",
    "visit_ref",
]

logger = logging.getLogger(__name__)

#: Task ids in the order BPJS accepts them; 99 (no-show / cancelled) ends a visit.
TASK_ORDER: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 99)
_RANK = {taskid: rank for rank, taskid in enumerate(TASK_ORDER)}
#: A chain may start at 1 (new patient) or 3 (existing patient); 99 may come at any point.
_STARTS = frozenset({1, 3, 99})
_RESEP = {value.casefold(): value for value in JENIS_RESEP}
# Epoch milliseconds between 2000-01-01 and 2100-01-01: anything else is seconds or garbage.
_MS_RANGE = (946_684_800_000, 4_102_444_800_000)
_KODEBOOKING_MAX = 64

TaskStatus = Literal[
    "sent", "already", "found", "invalid", "held", "after_99", "refused", "unknown", "failed"
]
#: Statuses meaning BPJS holds the event.
DONE: frozenset[str] = frozenset({"sent", "already", "found"})
#: Statuses that another try will not change (done, or refused for good).
FINAL: frozenset[str] = DONE | {"invalid", "after_99", "refused"}


def visit_ref(kodebooking: str) -> str:
    """A short digest that names a visit in logs and metrics without its booking code."""
    return hashlib.blake2s(kodebooking.encode("utf-8"), digest_size=5, person=b"vcl-kb").hexdigest()


def to_epoch_ms(waktu: datetime.datetime | int) -> int:
    """``waktu`` as epoch milliseconds: an aware datetime, or milliseconds already.

    A naive datetime is refused (BPJS reads instants; Jakarta is UTC+07:00), and so is an int
    that is not milliseconds between 2000 and 2100 (seconds are 1000 times too small).
    """
    if isinstance(waktu, bool):
        raise TypeError("waktu must be an aware datetime or epoch milliseconds, not a bool")
    if isinstance(waktu, datetime.datetime):
        if waktu.tzinfo is None or waktu.utcoffset() is None:
            raise ValueError("waktu is a naive datetime; give it a timezone (Jakarta is UTC+07:00)")
        ms = round(waktu.timestamp() * 1000)
    elif isinstance(waktu, int):
        ms = waktu
    else:
        raise TypeError(
            f"waktu must be an aware datetime or epoch milliseconds, not {type(waktu).__name__}"
        )
    if not _MS_RANGE[0] <= ms < _MS_RANGE[1]:
        raise ValueError(
            f"waktu {ms} is not epoch milliseconds between 2000 and 2100 (seconds? times 1000)"
        )
    return ms


def _check_kodebooking(kodebooking: object) -> str:
    if not isinstance(kodebooking, str):
        raise TypeError("kodebooking must be a string")
    value = kodebooking.strip()
    if not value:
        raise ValueError("kodebooking is empty")
    if len(value) > _KODEBOOKING_MAX:
        raise ValueError(f"kodebooking is longer than {_KODEBOOKING_MAX} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("kodebooking holds control characters")
    return value


@dataclass(frozen=True, slots=True)
class TaskEvent:
    """One task event of one visit: build it with :meth:`of`, which checks every field."""

    kodebooking: str
    taskid: int
    waktu: int
    jenisresep: str | None = None

    @classmethod
    def of(
        cls,
        kodebooking: str,
        taskid: int,
        waktu: datetime.datetime | int,
        jenisresep: str | None = None,
    ) -> TaskEvent:
        """A checked event: ``taskid`` 1-7 or 99, ``waktu`` aware or epoch ms (ValueError)."""
        if isinstance(taskid, bool) or not isinstance(taskid, int) or taskid not in _RANK:
            raise ValueError(f"taskid must be one of {TASK_ORDER}, got {taskid!r}")
        resep = None
        if jenisresep is not None and jenisresep.strip():
            resep = _RESEP.get(" ".join(jenisresep.split()).casefold())
            if resep is None:
                raise ValueError(f"jenisresep must be one of {JENIS_RESEP}, got {jenisresep!r}")
        return cls(_check_kodebooking(kodebooking), int(taskid), to_epoch_ms(waktu), resep)

    @property
    def when(self) -> datetime.datetime:
        """``waktu`` as an aware datetime in Jakarta time (UTC+07:00)."""
        return datetime.datetime.fromtimestamp(self.waktu / 1000, _WIB)


_WIB = datetime.timezone(datetime.timedelta(hours=7), "WIB")


class TaskOrderError(ValueError):
    """A visit's events do not form a chain BPJS accepts; raised (or reported) before sending.

    ``taskid`` is the event whose time is not after ``previous``'s (or the id used twice).
    The message names task ids and times, never the booking code.
    """

    def __init__(self, message: str, *, taskid: int, previous: int | None) -> None:
        super().__init__(message)
        self.taskid = taskid
        self.previous = previous


@dataclass(frozen=True, slots=True)
class TaskResult:
    """What became of one event. ``error`` keeps the evidence when it did not end done.

    ``requests`` counts the requests this event cost (sends and ``getlisttask`` reads);
    ``resent`` the sends after the first, ``checked`` the ``getlisttask`` reads.
    """

    event: TaskEvent
    status: TaskStatus
    error: BaseException | None = None
    requests: int = 0
    resent: int = 0
    checked: int = 0
    note: str = ""

    @property
    def done(self) -> bool:
        """BPJS holds the event (sent now, already there, or found after a lost answer)."""
        return self.status in DONE

    @property
    def final(self) -> bool:
        """Another try would not change this outcome."""
        return self.status in FINAL


@dataclass(frozen=True, slots=True)
class TaskReport:
    """A hook's view of one event: no booking code, no times, only what metrics need."""

    taskid: int
    status: TaskStatus
    requests: int
    resent: int
    checked: int
    latency: float
    error: str | None


class RecordedTask(Protocol):
    """A task BPJS lists for a booking (``antrean/getlisttask``)."""

    @property
    def taskid(self) -> int: ...


class TaskApi(Protocol):
    """The two Antrean calls the reporter needs (``client.antrean`` provides them)."""

    async def update_waktu(
        self,
        *,
        kodebooking: str,
        taskid: int,
        waktu: int,
        jenisresep: str | None = None,
    ) -> None: ...

    async def list_task(self, kodebooking: str) -> Sequence[RecordedTask]: ...


#: Called (and awaited) just before an event is sent, so a durable store can record the intent.
OnSending = Callable[[TaskEvent], Awaitable[None]]
#: Called (and awaited) with each event's outcome, in the visit's order.
OnResult = Callable[[TaskResult], Awaitable[None]]


@dataclass
class _Counter:
    requests: int = 0
    resent: int = 0
    checked: int = 0


@dataclass
class ReporterStats:
    """Totals over the reporter's life, for metrics: statuses and the requests they cost."""

    statuses: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    resent: int = 0
    checked: int = 0

    def add(self, result: TaskResult) -> None:
        self.statuses[result.status] = self.statuses.get(result.status, 0) + 1
        self.requests += result.requests
        self.resent += result.resent
        self.checked += result.checked


_TRANSIENT = (GatewayError, RateLimitError)


class TaskReporter:
    """Sends visits' task events to Antrean RS: in order, each once, safe to run again.

    ``api`` is ``client.antrean`` of an :class:`~vclaim_async.antrean.AntreanClient` (or any
    :class:`TaskApi`). ``settle`` is the seconds to wait for BPJS's list to show a task whose
    answer was lost (the report lag), multiplied by the round on each of ``lost_rounds``
    rounds. ``retries`` bounds re-sends after 502/503/504/429 answers (backoff from
    ``backoff`` seconds doubling to ``max_backoff``, with jitter). ``sleep`` and ``clock`` are
    injectable so tests drive time. ``hooks`` get a :class:`TaskReport` per event.
    """

    def __init__(
        self,
        api: TaskApi,
        *,
        max_visits: int = 8,
        settle: float = 2.0,
        lost_rounds: int = 5,
        retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        hooks: Sequence[Callable[[TaskReport], object]] = (),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        if max_visits < 1:
            raise ValueError("max_visits must be at least 1")
        if settle < 0 or lost_rounds < 1 or retries < 0:
            raise ValueError("settle >= 0, lost_rounds >= 1 and retries >= 0 are required")
        self.api = api
        self.max_visits = max_visits
        self.settle = settle
        self.lost_rounds = lost_rounds
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.hooks = tuple(hooks)
        self.stats = ReporterStats()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()

    # -- planning (no I/O) -----------------------------------------------------------------

    @staticmethod
    def plan(
        events: Iterable[TaskEvent], recorded: Mapping[int, int] | None = None
    ) -> tuple[list[TaskEvent], list[TaskResult]]:
        """Split one visit's events into those to send (in order) and those settled already.

        ``recorded`` maps task ids BPJS is known to hold to their times (ms). Returns the
        events to send, in task order, and results for the others: ``"invalid"`` (the chain
        is inconsistent: all pending events, with a :class:`TaskOrderError`), ``"after_99"``
        (the visit ended) and ``"held"`` (a predecessor is missing). Events already recorded
        with the same time are dropped; recorded with another time are ``"invalid"``.
        """
        known = dict(recorded or {})
        pending: dict[int, TaskEvent] = {}
        settled: list[TaskResult] = []
        kodebooking = None
        for event in events:
            if kodebooking is None:
                kodebooking = event.kodebooking
            elif event.kodebooking != kodebooking:
                raise ValueError("plan() takes the events of one visit (one kodebooking)")
            if event.taskid in known:
                if known[event.taskid] != event.waktu:
                    error = TaskOrderError(
                        f"task {event.taskid} is recorded at BPJS with another time",
                        taskid=event.taskid,
                        previous=None,
                    )
                    settled.append(TaskResult(event, "invalid", error))
                continue
            twin = pending.get(event.taskid)
            if twin is not None and twin != event:
                error = TaskOrderError(
                    f"task {event.taskid} is given twice with different times",
                    taskid=event.taskid,
                    previous=event.taskid,
                )
                return [], settled + [
                    TaskResult(e, "invalid", error) for e in _ordered([*pending.values(), event])
                ]
            pending[event.taskid] = event
        if not pending:
            return [], settled
        if 99 in known:
            error = TaskOrderError("task 99 (no-show/cancel) is recorded", taskid=99, previous=99)
            return [], settled + [
                TaskResult(e, "after_99", error) for e in _ordered(pending.values())
            ]
        chain: list[tuple[int, int, TaskEvent | None]] = sorted(
            [(taskid, waktu, None) for taskid, waktu in known.items()]
            + [(e.taskid, e.waktu, e) for e in pending.values()],
            key=lambda item: _RANK[item[0]],
        )
        for (prev_id, prev_ms, _), (taskid, ms, _) in itertools.pairwise(chain):
            if ms <= prev_ms:
                error = TaskOrderError(
                    f"task {taskid} at {_hm(ms)} is not after task {prev_id} at {_hm(prev_ms)}; "
                    "BPJS needs strictly later times in task order",
                    taskid=taskid,
                    previous=prev_id,
                )
                return [], settled + [
                    TaskResult(e, "invalid", error) for e in _ordered(pending.values())
                ]
        send: list[TaskEvent] = []
        previous: int | None = None
        for index, (taskid, _, item) in enumerate(chain):
            gap = taskid != 99 and (
                (previous is None and taskid not in _STARTS)
                or (previous is not None and previous != taskid - 1)
            )
            if gap:
                note = f"task {taskid - 1} is missing before task {taskid}"
                settled.extend(
                    TaskResult(e, "held", note=note) for _, _, e in chain[index:] if e is not None
                )
                break
            if item is not None:
                send.append(item)
            previous = taskid
        return send, settled

    # -- sending ---------------------------------------------------------------------------

    async def report_visit(
        self,
        events: Iterable[TaskEvent],
        *,
        recorded: Mapping[int, int] | None = None,
        uncertain: Collection[int] = (),
        on_sending: OnSending | None = None,
        on_result: OnResult | None = None,
    ) -> list[TaskResult]:
        """Send one visit's missing events in order; returns a result per event not recorded.

        ``uncertain`` names task ids an earlier process may have sent without recording the
        answer (a crash): they are looked up with ``getlisttask`` before any send.
        ``on_sending`` is awaited before each send, ``on_result`` with each outcome.
        """
        send, settled = self.plan(events, recorded)
        results: list[TaskResult] = []
        for result in settled:
            await self._finish(result, 0.0, on_result)
            results.append(result)
        blocked: TaskResult | None = None
        for event in send:
            started = self._clock()
            if blocked is not None:
                # Each event waits for its predecessor's outcome; a later one is never sent first.
                note = f"not sent: task {blocked.event.taskid} ended {blocked.status}"
                result = TaskResult(event, "held", note=note)
            else:
                result = await self._send(event, event.taskid in uncertain, on_sending)
                if not result.done:
                    blocked = result
            await self._finish(result, self._clock() - started, on_result)
            results.append(result)
        return results

    def report(
        self,
        events: Iterable[TaskEvent],
        *,
        recorded: Mapping[str, Mapping[int, int]] | None = None,
        uncertain: Mapping[str, Collection[int]] | None = None,
        on_sending: OnSending | None = None,
        on_result: OnResult | None = None,
    ) -> AsyncIterator[TaskResult]:
        """Report many visits' events: visits concurrently (``max_visits``), each in order.

        Yields each event's result as its visit finishes. ``recorded`` and ``uncertain`` are
        per booking code, as in :meth:`report_visit`.
        """
        visits: dict[str, list[TaskEvent]] = {}
        for event in events:
            visits.setdefault(event.kodebooking, []).append(event)
        return self._report_all(visits, recorded or {}, uncertain or {}, on_sending, on_result)

    async def _report_all(
        self,
        visits: dict[str, list[TaskEvent]],
        recorded: Mapping[str, Mapping[int, int]],
        uncertain: Mapping[str, Collection[int]],
        on_sending: OnSending | None,
        on_result: OnResult | None,
    ) -> AsyncIterator[TaskResult]:
        queue: asyncio.Queue[list[TaskResult] | BaseException] = asyncio.Queue()
        gate = asyncio.Semaphore(self.max_visits)

        async def one(kodebooking: str, events: list[TaskEvent]) -> None:
            async with gate:
                try:
                    results = await self.report_visit(
                        events,
                        recorded=recorded.get(kodebooking),
                        uncertain=uncertain.get(kodebooking, ()),
                        on_sending=on_sending,
                        on_result=on_result,
                    )
                except BaseException as exc:  # handed to the consumer, re-raised there
                    await queue.put(exc)
                    raise
                await queue.put(results)

        tasks = [asyncio.create_task(one(kb, evs)) for kb, evs in visits.items()]
        try:
            for _ in tasks:
                item = await queue.get()
                if isinstance(item, BaseException):
                    raise item
                for result in item:
                    yield result
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _finish(self, result: TaskResult, latency: float, on_result: OnResult | None) -> None:
        self.stats.add(result)
        logger.info(
            "antrean task %s of visit %s: %s (%d requests)",
            result.event.taskid,
            visit_ref(result.event.kodebooking),
            result.status,
            result.requests,
        )
        if on_result is not None:
            await on_result(result)
        report = TaskReport(
            taskid=result.event.taskid,
            status=result.status,
            requests=result.requests,
            resent=result.resent,
            checked=result.checked,
            latency=latency,
            error=None if result.error is None else type(result.error).__name__,
        )
        for hook in self.hooks:
            hook(report)

    async def _send(
        self, event: TaskEvent, uncertain: bool, on_sending: OnSending | None
    ) -> TaskResult:
        count = _Counter()
        if uncertain:
            # An earlier process may have sent it and died before recording the answer.
            found = await self._look_up(event, count, first_wait=self.settle)
            if isinstance(found, TaskResult):
                return found
        lost: VClaimError | None = None
        for round_ in range(self.lost_rounds):
            if on_sending is not None:
                await on_sending(event)
            outcome = await self._update(event, count)
            if isinstance(outcome, TaskResult):
                return outcome
            lost = outcome
            # The answer was lost: the task may be recorded. Look before sending again.
            logger.info(
                "antrean task %s of visit %s: answer lost, checking getlisttask",
                event.taskid,
                visit_ref(event.kodebooking),
            )
            found = await self._look_up(event, count, first_wait=self.settle * (round_ + 1))
            if isinstance(found, TaskResult):
                return found
            if round_ + 1 < self.lost_rounds:
                count.resent += 1
        return self._result(event, "unknown", count, lost, "answers lost; not listed yet")

    async def _update(self, event: TaskEvent, count: _Counter) -> TaskResult | VClaimError:
        """Send once, re-sending only after answers that say the update was not taken."""
        for attempt in range(self.retries + 1):
            count.requests += 1
            try:
                await self.api.update_waktu(
                    kodebooking=event.kodebooking,
                    taskid=event.taskid,
                    waktu=event.waktu,
                    jenisresep=event.jenisresep,
                )
            except AlreadyRecordedError as exc:
                return self._result(event, "already", count, None, _bounded(exc.message))
            except (OutcomeUnknownError, DecodeError) as exc:
                # No readable answer to a write that may have landed: look before re-sending.
                return exc
            except AuthenticationError:
                raise  # wrong credentials fail every event alike: stop, do not mark events
            except TaskRuleError as exc:
                ended = exc.taskid == 99 and getattr(exc, "reason", "") in ("last_task", "")
                status: TaskStatus = "after_99" if ended else "refused"
                return self._result(event, status, count, exc)
            except _TRANSIENT as exc:
                if attempt >= self.retries:
                    return self._result(event, "failed", count, exc)
                count.resent += 1
                await self._sleep(self._delay(attempt, exc))
            except (VClaimConnectionError, VClaimTimeoutError) as exc:
                # The transport re-sends those that never left; these are final for a write.
                return self._result(event, "failed", count, exc)
            except VClaimError as exc:
                return self._result(event, "refused", count, exc)
            else:
                return self._result(event, "sent", count)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _look_up(
        self, event: TaskEvent, count: _Counter, *, first_wait: float
    ) -> TaskResult | None:
        """``getlisttask`` after ``first_wait`` s: ``"found"``, ``"unknown"`` or None (absent)."""
        if first_wait > 0:
            await self._sleep(first_wait)
        for attempt in range(self.retries + 1):
            count.requests += 1
            count.checked += 1
            try:
                listed = await self.api.list_task(event.kodebooking)
            except NotFoundError:
                listed = []
            except VClaimError as exc:
                if attempt < self.retries and isinstance(
                    exc, (*_TRANSIENT, VClaimConnectionError, VClaimTimeoutError)
                ):
                    await self._sleep(self._delay(attempt, exc))
                    continue
                return self._result(event, "unknown", count, exc, "getlisttask failed")
            if any(int(task.taskid) == event.taskid for task in listed):
                return self._result(event, "found", count, None, "listed by getlisttask")
            return None
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, attempt: int, exc: BaseException) -> float:
        after = getattr(exc, "retry_after", None)
        if isinstance(after, (int, float)) and after > 0:
            return min(float(after), self.max_backoff)
        ceiling = min(self.max_backoff, self.backoff * 2**attempt)
        return self._rng.uniform(ceiling / 2, ceiling)

    @staticmethod
    def _result(
        event: TaskEvent,
        status: TaskStatus,
        count: _Counter,
        error: BaseException | None = None,
        note: str = "",
    ) -> TaskResult:
        return TaskResult(
            event,
            status,
            error,
            requests=count.requests,
            resent=count.resent,
            checked=count.checked,
            note=note,
        )


def _ordered(events: Iterable[TaskEvent]) -> list[TaskEvent]:
    return sorted(events, key=lambda e: _RANK[e.taskid])


def _hm(ms: int) -> str:
    return datetime.datetime.fromtimestamp(ms / 1000, _WIB).strftime("%Y-%m-%d %H:%M:%S WIB")


def _bounded(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
