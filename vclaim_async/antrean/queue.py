"""A durable queue of task events on Redis Streams, and the workers that report them.

Desks, clinics and pharmacy systems call :meth:`TaskQueue.add` (or hand :meth:`TaskQueue.sink`
to the WS RS kit as its ``task_sink``); any number of :class:`TaskWorker` processes report the
events with a :class:`~vclaim_async.antrean.reporter.TaskReporter`. Needs redis-py's asyncio
API (``pip install 'vclaim-async[redis]'``), imported only by :meth:`TaskQueue.from_url`.

**Keys** (``prefix`` defaults to ``vclaim:antrean``; on Redis Cluster give one with a hash
tag, e.g. ``{antrean}``, so the scripts' keys share a slot):

* ``PREFIX:events`` — the stream; one entry per event (``kb``, ``task``, ``waktu``,
  ``resep``), read by the consumer group ``group``.
* ``PREFIX:v:<digest>`` — one hash per visit (keyed by a digest of the booking code, expiring
  ``visit_ttl`` after its last event: H+7 plus a day by default): ``t<id>`` the event,
  ``s<id>`` "may have been sent" (written before each send), ``d<id>`` done, ``x<id>`` refused.
* ``PREFIX:lock:<digest>`` — the visit's lease while a worker reports it.
* ``PREFIX:dead`` — the dead-letter stream; ``PREFIX:stats`` — counters for metrics.

**Order within a visit, across workers.** The consumer group hands a visit's entries to
whichever workers ask, so order cannot come from delivery. It comes from the visit hash: the
producer writes the event into it atomically with the stream entry (one Lua script), and a
worker that takes an entry locks the visit and reports *every* event the hash holds that is not
done yet, in task order (the reporter's plan), not just its own entry. Whoever takes task 4
first therefore sends 3 before it; the worker holding 3's entry then finds 3 done and only
acknowledges. A task whose predecessor has not been added yet is held (left pending) and tried
again later, never sent into a refusal.

**Acknowledgement.** An entry is ``XACK``'d only when its event is done (BPJS accepted it, said
208, or lists it after a lost answer), or when it is final and moved to the dead-letter stream
(refused by a task rule, an inconsistent time, after 99, or given up after
``max_deliveries``). Events whose outcome is unknown or that failed (502s exhausted) stay
pending.

**Crashes.** A killed worker's entries stay in the group's pending list; after ``claim_idle``
seconds any worker takes them over with ``XAUTOCLAIM``, and a restarted worker first re-reads
its own. Its visit leases lapse after ``lease`` seconds. Before each send the worker writes
``s<id>`` and renews its lease (stopping if another worker has taken the visit), so an event
a crashed worker may have sent is looked up with ``getlisttask`` before it is sent again.
Should a paused worker's lease lapse and both send the same event, BPJS answers the second
with 208: one record.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .reporter import TaskEvent, TaskReporter, TaskResult, visit_ref

if TYPE_CHECKING:
    import datetime

__all__ = ["DeadLetter", "TaskQueue", "TaskWorker"]

logger = logging.getLogger(__name__)

#: H+7 (BPJS takes task events up to 7 days after the service date) and a day to spare.
VISIT_TTL = 8 * 24 * 3600.0

# KEYS: visit hash, stream. ARGV: field, value, kodebooking, ttl ms, taskid, waktu, resep.
# Returns the entry id, or "" when the task is done with another time.
_ADD = """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and cur ~= ARGV[2] then
  if redis.call('HEXISTS', KEYS[1], 'd' .. ARGV[5]) == 1 then return '' end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], 'kb', ARGV[3])
-- The visit changed: what was refused is judged again (a corrected time revives its chain).
for _, name in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(name, 1, 1) == 'x' then redis.call('HDEL', KEYS[1], name) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return redis.call('XADD', KEYS[2], '*', 'kb', ARGV[3], 'task', ARGV[5], 'waktu', ARGV[6],
                  'resep', ARGV[7])
"""
# KEYS: lock. ARGV: token, lease ms. 1 when still ours (and renewed).
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class LeaseLost(Exception):
    """Another worker holds the visit now: stop before sending anything more."""


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An event the workers will not report: why, and BPJS's answer when there was one."""

    id: str
    kodebooking: str
    taskid: int
    waktu: int
    status: str
    code: str
    message: str


def _text(value: object) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _digest(kodebooking: str) -> str:
    return hashlib.sha256(kodebooking.encode("utf-8")).hexdigest()[:24]


class TaskQueue:
    """The stream, the visit hashes and the dead letters of one queue on one Redis.

    ``redis`` is a ``redis.asyncio.Redis`` (any client with its commands and
    ``register_script``).
    """

    def __init__(
        self,
        redis: Any,
        *,
        prefix: str = "vclaim:antrean",
        group: str = "reporters",
        visit_ttl: float = VISIT_TTL,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.group = group
        self.visit_ttl = visit_ttl
        self.stream = f"{prefix}:events"
        self.dead = f"{prefix}:dead"
        self.stats_key = f"{prefix}:stats"
        self._add = redis.register_script(_ADD)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> TaskQueue:
        """A queue on the Redis at ``url`` (``redis://host:port/db``)."""
        import redis.asyncio as aioredis

        return cls(aioredis.Redis.from_url(url), **kwargs)

    async def aclose(self) -> None:
        await self.redis.aclose()

    def visit_key(self, kodebooking: str) -> str:
        return f"{self.prefix}:v:{_digest(kodebooking)}"

    def lock_key(self, kodebooking: str) -> str:
        return f"{self.prefix}:lock:{_digest(kodebooking)}"

    async def setup(self) -> None:
        """Create the stream and the consumer group if they do not exist."""
        import redis.exceptions

        try:
            await self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except redis.exceptions.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def add(
        self,
        kodebooking: str,
        taskid: int,
        waktu: datetime.datetime | int,
        jenisresep: str | None = None,
    ) -> str:
        """Queue one event (checked first: ValueError, nothing queued); returns its entry id.

        Adding the same event again is harmless (the workers find it done). Adding a task
        again with another time replaces the time while it is not reported yet; once BPJS
        holds it, ValueError. Any add clears the visit's refusals, so after a dead letter,
        adding the corrected event (or the same one, once the cause is fixed) tries again.
        """
        return await self.add_event(TaskEvent.of(kodebooking, taskid, waktu, jenisresep))

    async def add_event(self, event: TaskEvent) -> str:
        value = f"{event.waktu}|{event.jenisresep or ''}"
        entry = await self._add(
            keys=[self.visit_key(event.kodebooking), self.stream],
            args=[
                f"t{event.taskid}",
                value,
                event.kodebooking,
                int(self.visit_ttl * 1000),
                event.taskid,
                event.waktu,
                event.jenisresep or "",
            ],
        )
        text = _text(entry)
        if not text:
            raise ValueError(f"task {event.taskid} is already reported with another time")
        return text

    async def sink(self, kodebooking: str, taskid: int, waktu: int) -> None:
        """``task_sink`` for the WS RS kit: queue (kodebooking, task id, epoch ms)."""
        await self.add(kodebooking, taskid, waktu)

    async def dead_letters(self, count: int = 100) -> list[DeadLetter]:
        """The oldest ``count`` dead letters."""
        entries = await self.redis.xrange(self.dead, count=count)
        letters = []
        for entry_id, fields in entries:
            f = {_text(k): _text(v) for k, v in fields.items()}
            letters.append(
                DeadLetter(
                    _text(entry_id),
                    f.get("kb", ""),
                    int(f.get("task", 0)),
                    int(f.get("waktu", 0)),
                    f.get("status", ""),
                    f.get("code", ""),
                    f.get("message", ""),
                )
            )
        return letters

    async def stats(self) -> dict[str, int]:
        """Counters over all workers: statuses, requests, re-sends, list reads, dead letters."""
        raw = await self.redis.hgetall(self.stats_key)
        return {_text(k): int(v) for k, v in raw.items()}

    async def pending(self) -> int:
        """Entries delivered to a worker and not acknowledged yet."""
        info = await self.redis.xpending(self.stream, self.group)
        return int(info["pending"])

    async def backlog(self) -> int:
        """Entries not acknowledged: pending plus never delivered."""
        groups = await self.redis.xinfo_groups(self.stream)
        for group in groups:
            if _text(group["name"]) == self.group:
                lag = group.get("lag")
                return int(group["pending"]) + int(lag or 0)
        return 0


@dataclass(frozen=True, slots=True)
class _Entry:
    id: str
    event: TaskEvent | None
    taskid: int


class TaskWorker:
    """Reads the queue's stream as ``consumer`` and reports the events it gets.

    ``batch`` entries per read, waiting up to ``block`` seconds for new ones; every
    ``claim_every`` seconds it takes over entries idle for ``claim_idle`` seconds (a crashed
    worker's, or its own that are still unknown/held) with ``XAUTOCLAIM``. ``lease`` is how
    long a visit stays locked to a worker that stopped answering; ``lock_wait`` how long to
    wait for a visit another worker holds before leaving the entry for later; an entry
    delivered more than ``max_deliveries`` times goes to the dead letters. :meth:`run`
    handles up to ``max_batches`` batches at once.
    """

    def __init__(
        self,
        queue: TaskQueue,
        reporter: TaskReporter,
        *,
        consumer: str | None = None,
        batch: int = 64,
        block: float = 1.0,
        claim_idle: float = 30.0,
        claim_every: float = 5.0,
        lease: float = 60.0,
        lock_wait: float = 10.0,
        max_deliveries: int = 20,
        max_batches: int = 4,
        on_result: Callable[[TaskResult], Awaitable[None]] | None = None,
    ) -> None:
        self.queue = queue
        self.reporter = reporter
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self.batch = batch
        self.block = block
        self.claim_idle = claim_idle
        self.claim_every = claim_every
        self.lease = lease
        self.lock_wait = lock_wait
        self.max_deliveries = max_deliveries
        self.max_batches = max_batches
        self.on_result = on_result
        self._locks: dict[str, asyncio.Lock] = {}
        self._gate = asyncio.Semaphore(reporter.max_visits)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Work until ``stop`` is set (then finish the entries in hand), or forever.

        Batches are handled as they arrive, up to ``max_batches`` at once, so one visit
        waiting out a lost answer's settle time does not hold up the others.
        """
        import redis.exceptions

        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        next_claim = loop.time() + self.claim_every
        started = False
        busy: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                try:
                    if not started:
                        await self.queue.setup()
                        await self._own_pending()
                        started = True
                    if loop.time() >= next_claim:
                        next_claim = loop.time() + self.claim_every
                        await self.claim()
                    if len(busy) >= self.max_batches:
                        await asyncio.wait(busy, timeout=self.block, return_when="FIRST_COMPLETED")
                        continue
                    entries = await self._read(">", block=self.block)
                    if entries:
                        task = asyncio.create_task(self._handle_logged(entries))
                        busy.add(task)
                        task.add_done_callback(busy.discard)
                except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
                    logger.warning(
                        "antrean queue: Redis unavailable (%s); retrying", type(exc).__name__
                    )
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(stop.wait(), 1.0)
                except redis.exceptions.ResponseError as exc:
                    if "NOGROUP" not in str(exc):
                        raise
                    # Redis lost the stream or the group (restarted without persistence).
                    logger.warning("antrean queue: the consumer group is gone; creating it again")
                    await self.queue.setup()
        finally:
            if busy:
                await asyncio.gather(*busy, return_exceptions=True)

    async def _handle_logged(self, entries: Sequence[Any]) -> None:
        try:
            await self.handle(entries)
        except Exception as exc:  # the entries stay pending; the claim loop retries them
            logger.warning(
                "antrean queue: a batch failed (%s); it will be claimed again", type(exc).__name__
            )

    async def _read(self, start: str, *, block: float | None = None) -> list[Any]:
        reply = await self.queue.redis.xreadgroup(
            self.queue.group,
            self.consumer,
            {self.queue.stream: start},
            count=self.batch,
            block=None if block is None else max(1, int(block * 1000)),
        )
        return [e for e in (reply[0][1] if reply else []) if e[1]]

    async def _own_pending(self) -> None:
        """A restarted worker first finishes what it was given before it stopped."""
        first = None
        while True:
            entries = await self._read("0")  # this consumer's own pending entries
            if not entries or entries[0][0] == first:
                return  # done, or the oldest did not settle: leave it to the claim loop
            first = entries[0][0]
            await self.handle(entries)

    async def read_new(self, *, block: float | None = None) -> int:
        """Read new entries and handle them; returns how many."""
        entries = await self._read(">", block=block)
        await self.handle(entries)
        return len(entries)

    async def claim(self) -> int:
        """Take over entries idle for ``claim_idle`` s (crashed workers', stuck ones)."""
        start, claimed = "0-0", 0
        while True:
            reply = await self.queue.redis.xautoclaim(
                self.queue.stream,
                self.queue.group,
                self.consumer,
                min_idle_time=int(self.claim_idle * 1000),
                start_id=start,
                count=self.batch,
            )
            start, entries = _text(reply[0]), [e for e in reply[1] if e[1]]
            if entries:
                claimed += len(entries)
                logger.info("antrean queue: claimed %d idle entries", len(entries))
                entries = await self._retire_poison(entries)
                await self.handle(entries)
            if start == "0-0":
                return claimed

    async def _retire_poison(self, entries: list[Any]) -> list[Any]:
        """Entries delivered ``max_deliveries`` times go to the dead letters instead."""
        keep = []
        for entry_id, fields in entries:
            info = await self.queue.redis.xpending_range(
                self.queue.stream, self.queue.group, min=entry_id, max=entry_id, count=1
            )
            times = int(info[0]["times_delivered"]) if info else 0
            if times > self.max_deliveries:
                parsed = _parse(_text(entry_id), fields)
                await self._dead(parsed, "gave_up", "", f"delivered {times} times without an end")
            else:
                keep.append((entry_id, fields))
        return keep

    async def handle(self, entries: Sequence[Any]) -> None:
        """Report the visits these entries belong to, visits concurrently."""
        visits: dict[str, list[_Entry]] = {}
        for entry_id, fields in entries:
            entry = _parse(_text(entry_id), fields)
            if entry.event is None:
                await self._dead(entry, "invalid", "", "not a task event")
                continue
            visits.setdefault(entry.event.kodebooking, []).append(entry)
        await asyncio.gather(*(self._visit(kb, group) for kb, group in visits.items()))

    async def _visit(self, kodebooking: str, entries: list[_Entry]) -> None:
        async with self._gate:
            local = self._locks.setdefault(kodebooking, asyncio.Lock())
            try:
                async with local:
                    token = await self._lock(kodebooking)
                    if token is None:
                        return  # another worker has held it too long: leave it for later
                    try:
                        await self._report(kodebooking, entries, token)
                    except LeaseLost:
                        logger.warning(
                            "antrean queue: lost the lease of visit %s", visit_ref(kodebooking)
                        )
                    finally:
                        await self.queue._release(
                            keys=[self.queue.lock_key(kodebooking)], args=[token]
                        )
            finally:
                if not local.locked() and self._locks.get(kodebooking) is local:
                    del self._locks[kodebooking]

    async def _lock(self, kodebooking: str) -> str | None:
        token = secrets.token_hex(8)
        key = self.queue.lock_key(kodebooking)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.lock_wait
        pause = 0.02
        while True:
            if await self.queue.redis.set(key, token, nx=True, px=int(self.lease * 1000)):
                return token
            if loop.time() >= deadline:
                return None
            await asyncio.sleep(pause)
            pause = min(0.5, pause * 2)

    async def _report(self, kodebooking: str, entries: list[_Entry], token: str) -> None:
        queue, redis = self.queue, self.queue.redis
        vkey, lkey = queue.visit_key(kodebooking), queue.lock_key(kodebooking)
        held = {_text(k): _text(v) for k, v in (await redis.hgetall(vkey)).items()}
        events: dict[int, TaskEvent] = {}
        for name, value in held.items():
            if name.startswith("t") and name[1:].isdigit():
                waktu, _, resep = value.partition("|")
                with contextlib.suppress(ValueError):
                    events[int(name[1:])] = TaskEvent.of(
                        kodebooking, int(name[1:]), int(waktu), resep or None
                    )
        for entry in entries:  # entries added by a plain XADD carry their own event
            if entry.event is not None and entry.taskid not in events:
                events[entry.taskid] = entry.event
        recorded = {t: e.waktu for t, e in events.items() if f"d{t}" in held}
        refused = {t: held[f"x{t}"] for t in events if f"x{t}" in held}
        uncertain = {t for t in events if f"s{t}" in held and t not in recorded}
        todo = [e for t, e in events.items() if t not in refused]
        outcomes: dict[int, TaskResult] = {}

        async def sending(event: TaskEvent) -> None:
            if not await queue._renew(keys=[lkey], args=[token, int(self.lease * 1000)]):
                raise LeaseLost
            await redis.hset(vkey, f"s{event.taskid}", "1")

        async def result(outcome: TaskResult) -> None:
            outcomes[outcome.event.taskid] = outcome
            taskid = outcome.event.taskid
            pipe = redis.pipeline(transaction=True)
            if outcome.done:
                pipe.hset(vkey, f"d{taskid}", outcome.status)
            elif outcome.final:
                pipe.hset(vkey, f"x{taskid}", outcome.status)
            pipe.hincrby(queue.stats_key, outcome.status, 1)
            for name in ("requests", "resent", "checked"):
                if getattr(outcome, name):
                    pipe.hincrby(queue.stats_key, name, getattr(outcome, name))
            await pipe.execute()
            if self.on_result is not None:
                await self.on_result(outcome)

        await self.reporter.report_visit(
            todo, recorded=recorded, uncertain=uncertain, on_sending=sending, on_result=result
        )
        for entry in entries:
            outcome = outcomes.get(entry.taskid)
            if entry.taskid in recorded or (outcome is not None and outcome.done):
                await redis.xack(queue.stream, queue.group, entry.id)
            elif entry.taskid in refused:
                await self._dead(entry, refused[entry.taskid], "", "refused earlier")
            elif outcome is not None and outcome.final:
                error = outcome.error
                code = str(getattr(error, "code", "") or "")
                message = str(getattr(error, "message", "") or error or outcome.note)
                await self._dead(entry, outcome.status, code, message)
            # held, unknown, failed: stays pending; the claim loop brings it back.

    async def _dead(self, entry: _Entry, status: str, code: str, message: str) -> None:
        queue = self.queue
        event = entry.event
        pipe = queue.redis.pipeline(transaction=True)
        pipe.xadd(
            queue.dead,
            {
                "entry": entry.id,
                "kb": event.kodebooking if event else "",
                "task": entry.taskid,
                "waktu": event.waktu if event else 0,
                "status": status,
                "code": code,
                "message": message[:300],
            },
        )
        pipe.xack(queue.stream, queue.group, entry.id)
        pipe.hincrby(queue.stats_key, "dead", 1)
        await pipe.execute()
        logger.info(
            "antrean queue: task %s of visit %s to the dead letters (%s)",
            entry.taskid,
            visit_ref(event.kodebooking) if event else "-",
            status,
        )


def _parse(entry_id: str, fields: Mapping[Any, Any]) -> _Entry:
    f = {_text(k): _text(v) for k, v in fields.items()}
    try:
        taskid = int(f.get("task", "0"))
        event = TaskEvent.of(
            f.get("kb", ""), taskid, int(f.get("waktu", "0")), f.get("resep") or None
        )
    except (TypeError, ValueError):
        return _Entry(entry_id, None, 0)
    return _Entry(entry_id, event, taskid)
