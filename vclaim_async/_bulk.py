"""Bulk eligibility checks: a fixed pool of workers over a lazily read stream of identifiers.

One producer task pulls identifiers from a plain or async iterable and hands them to a fixed
number of worker tasks through a queue; results flow back to the consumer. A semaphore of
"slots" bounds everything that is in flight (queued, being looked up, or waiting in the reorder
buffer), so memory stays flat however long the input is: a million identifiers never become a
million tasks or a million buffered results.
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
import time
from collections import OrderedDict
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Sized,
)
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal

from . import _validate
from .errors import NotFoundError, VClaimError
from .models.peserta import Peserta

#: How the engine looks one participant up: ``(kind, identifier, date) -> (peserta, attempts)``.
LookUp = Callable[[Literal["card", "nik"], str, str], Awaitable[tuple[Peserta, int]]]

__all__ = [
    "CheckKind",
    "CheckProgress",
    "CheckResult",
    "CheckStatus",
    "CheckStream",
    "EligibilitySummary",
]

#: How to read an identifier: by card number, by NIK, or decided per item by its length.
CheckKind = Literal["auto", "card", "nik"]
#: The outcome of one check, as the CLI's ``status`` column spells it.
CheckStatus = Literal["active", "inactive", "not_found", "invalid", "error"]

_KINDS = ("auto", "card", "nik")
#: In input order a slow item holds back later ones: this many items (per worker) may wait.
_ORDERED_WINDOW_PER_WORKER = 16
_ORDERED_WINDOW_MIN = 64
#: Repeats are answered from the first look-up of the same identifier; at most this many
#: distinct answers are remembered (about 3 KB each; the oldest finished ones are forgotten
#: in blocks of ``_FORGET``), so memory stays bounded for any input.
_MAX_REMEMBERED = 10_000
_FORGET = 500


@dataclass(frozen=True, slots=True)
class EligibilitySummary:
    """What a clinic desk needs from a :class:`~vclaim_async.Peserta`, flattened.

    ``active`` is True exactly when BPJS sent statusPeserta kode ``"0"`` (AKTIF).
    """

    active: bool
    status: str | None
    status_code: str | None
    hak_kelas: str | None
    jenis_peserta: str | None
    prolanis_prb: str | None
    tgl_tat: datetime.date | None

    @property
    def prb(self) -> bool:
        """True when the participant is in a PRB/prolanis programme (``prolanisPRB`` is set)."""
        return bool(self.prolanis_prb and self.prolanis_prb.strip())

    @classmethod
    def of(cls, peserta: Peserta) -> EligibilitySummary:
        status = peserta.status_peserta
        informasi = peserta.informasi
        return cls(
            active=peserta.is_active,
            status=status.keterangan if status else None,
            status_code=status.kode if status else None,
            hak_kelas=peserta.hak_kelas.keterangan if peserta.hak_kelas else None,
            jenis_peserta=peserta.jenis_peserta.keterangan if peserta.jenis_peserta else None,
            prolanis_prb=informasi.prolanis_prb if informasi else None,
            tgl_tat=peserta.tgl_tat,
        )


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One identifier's outcome from ``client.peserta.check_many()``.

    Exactly one of ``peserta`` and ``error`` is set. ``error`` is the typed
    :class:`~vclaim_async.VClaimError` the look-up raised (:class:`~vclaim_async.NotFoundError`
    when BPJS has no such participant), or the :class:`ValueError` that kept a malformed
    identifier from being sent. ``index`` is the identifier's position in the input (from 0);
    ``attempts`` counts HTTP attempts (0 when nothing was sent) and ``latency`` is seconds from
    the first attempt to the decoded answer or the final error. ``reused`` is True for a
    repeat of an identifier seen earlier in the same run (same kind, same service date): it
    carries the first look-up's outcome, and nothing was sent for it (``attempts`` is 0).
    """

    input: str
    index: int
    kind: Literal["card", "nik"] | None
    peserta: Peserta | None = None
    error: VClaimError | ValueError | None = None
    attempts: int = 0
    latency: float = 0.0
    summary: EligibilitySummary | None = field(default=None, repr=False)
    reused: bool = False

    @property
    def ok(self) -> bool:
        """True when BPJS returned a participant."""
        return self.peserta is not None

    @property
    def status(self) -> CheckStatus:
        """``active``, ``inactive``, ``not_found``, ``invalid`` or ``error``."""
        if self.summary is not None:
            return "active" if self.summary.active else "inactive"
        if isinstance(self.error, NotFoundError):
            return "not_found"
        if isinstance(self.error, ValueError):
            return "invalid"
        return "error"


@dataclass(frozen=True, slots=True)
class CheckProgress:
    """Counts so far, passed to ``on_progress`` after every result.

    ``total`` is known from the start for a sized input (a list, a tuple) and otherwise once
    the input is exhausted. ``errors`` counts failed look-ups (not "not found", not invalid
    input). ``reused`` counts repeats answered from an earlier look-up of the same
    identifier: requests saved.
    """

    done: int
    total: int | None
    active: int
    inactive: int
    not_found: int
    invalid: int
    errors: int
    elapsed: float
    reused: int = 0

    @property
    def rate(self) -> float:
        """Results per second since the run started."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate, when the total is known."""
        if self.total is None or self.rate <= 0:
            return None
        return max(0, self.total - self.done) / self.rate


#: What a repeat needs of the first look-up: its participant, its error, its summary.
_Outcome = tuple[Peserta | None, VClaimError | None, EligibilitySummary | None]


class _Counts:
    __slots__ = ("active", "done", "errors", "inactive", "invalid", "not_found", "reused")

    def __init__(self) -> None:
        self.done = self.active = self.inactive = self.not_found = self.invalid = self.errors = 0
        self.reused = 0

    def add(self, status: CheckStatus, *, reused: bool = False) -> None:
        self.done += 1
        self.reused += reused
        if status == "active":
            self.active += 1
        elif status == "inactive":
            self.inactive += 1
        elif status == "not_found":
            self.not_found += 1
        elif status == "invalid":
            self.invalid += 1
        else:
            self.errors += 1


@dataclass(frozen=True)
class _Crash:
    """A worker died of something that is not a per-item error: a bug, surfaced as such."""

    exc: BaseException


#: The producer's last message: the input is exhausted (or failed).
_END = object()
#: A CheckResult, a _Crash or _END.
_Message = object


class CheckStream(AsyncIterator[CheckResult]):
    """The async iterator :meth:`check_many` returns.

    Iterate it with ``async for``. Leaving early (``break``, an exception, cancellation)
    stops the workers: ``async with client.peserta.check_many(...) as results:`` (or
    :meth:`aclose`) does so at once; otherwise the event loop closes it when it is dropped.
    Nothing starts until the first result is asked for.
    """

    def __init__(self, engine: _Engine) -> None:
        self._engine = engine
        self._results = engine.run()

    def __aiter__(self) -> CheckStream:
        return self

    async def __anext__(self) -> CheckResult:
        return await self._results.__anext__()

    async def aclose(self) -> None:
        """Cancel the workers and the producer and wait until they have stopped."""
        await self._results.aclose()

    async def __aenter__(self) -> CheckStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    @property
    def progress(self) -> CheckProgress:
        """The counts so far (the same object ``on_progress`` receives)."""
        return self._engine.snapshot()


class _Engine:
    """One run of ``check_many``: its settings, its counters and its tasks."""

    def __init__(
        self,
        look_up: LookUp,
        cap: int,
        identifiers: Iterable[str] | AsyncIterable[str],
        tgl_sep: datetime.date | str | None,
        *,
        kind: CheckKind,
        ordered: bool,
        concurrency: int | None,
        on_progress: Callable[[CheckProgress], object] | None,
    ) -> None:
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {', '.join(_KINDS)}, got {kind!r}")
        # By default at least twice the client's cap: the transport's semaphore still keeps at most
        # ``max_concurrency`` requests on the wire, and an item sleeping in retry backoff
        # leaves its slot to a spare worker instead of idling it.
        # At small caps twice is thin: a few items in backoff can still idle slots.
        workers = max(2 * cap, cap + 20) if concurrency is None else concurrency
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValueError(f"concurrency must be a positive whole number, got {workers!r}")
        if not isinstance(identifiers, (Iterable, AsyncIterable)) or isinstance(
            identifiers, (str, bytes)
        ):
            raise TypeError("identifiers must be an iterable or async iterable of str")
        self._look_up = look_up
        self._source = identifiers
        # One service date for the whole run, even one that crosses midnight in Jakarta.
        self._date = (
            _validate.today_jakarta().isoformat()
            if tgl_sep is None
            else _validate.date_segment(tgl_sep, "tgl_sep")
        )
        self._kind = kind
        self._ordered = ordered
        self._known_total = len(identifiers) if isinstance(identifiers, Sized) else None
        if self._known_total is not None:
            # Never more workers than items: three identifiers need three tasks, not ten.
            workers = max(1, min(workers, self._known_total))
        self._workers = workers
        self._window = (
            max(_ORDERED_WINDOW_MIN, workers * _ORDERED_WINDOW_PER_WORKER)
            if ordered
            else workers * 2
        )
        self._on_progress = on_progress
        self._counts = _Counts()
        self._started: float | None = None
        self._produced: int | None = None
        self._source_error: Exception | None = None
        # (kind, identifier) -> the first look-up's outcome: one request per identifier per run.
        self._answers: OrderedDict[tuple[str, str], asyncio.Future[_Outcome]] = OrderedDict()

    # -- progress --------------------------------------------------------------------------

    def snapshot(self) -> CheckProgress:
        counts = self._counts
        elapsed = 0.0 if self._started is None else time.monotonic() - self._started
        total = self._produced if self._produced is not None else self._known_total
        return CheckProgress(
            done=counts.done,
            total=total,
            active=counts.active,
            inactive=counts.inactive,
            not_found=counts.not_found,
            invalid=counts.invalid,
            errors=counts.errors,
            elapsed=elapsed,
            reused=counts.reused,
        )

    def _deliver(self, result: CheckResult) -> None:
        self._counts.add(result.status, reused=result.reused)
        if self._on_progress is not None:
            self._on_progress(self.snapshot())

    # -- the run ---------------------------------------------------------------------------

    async def run(self) -> AsyncGenerator[CheckResult, None]:
        self._started = time.monotonic()
        slots = asyncio.Semaphore(self._window)
        todo: asyncio.Queue[tuple[int, object] | None] = asyncio.Queue()
        done: asyncio.Queue[_Message] = asyncio.Queue()
        tasks = [asyncio.create_task(self._produce(slots, todo, done), name="check_many.producer")]
        tasks += [
            asyncio.create_task(self._work(todo, done), name=f"check_many.worker-{n}")
            for n in range(self._workers)
        ]
        buffer: dict[int, CheckResult] = {}
        yielded = 0
        try:
            while self._produced is None or yielded < self._produced:
                message = await done.get()
                if isinstance(message, _Crash):
                    raise message.exc
                if not isinstance(message, CheckResult):
                    continue  # the producer's end marker: re-check the loop condition
                if not self._ordered:
                    slots.release()
                    yielded += 1
                    self._deliver(message)
                    yield message
                    continue
                buffer[message.index] = message
                while yielded in buffer:
                    result = buffer.pop(yielded)
                    slots.release()
                    yielded += 1
                    self._deliver(result)
                    yield result
            if self._source_error is not None:
                raise self._source_error
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _produce(
        self,
        slots: asyncio.Semaphore,
        todo: asyncio.Queue[tuple[int, object] | None],
        done: asyncio.Queue[_Message],
    ) -> None:
        index = 0
        try:
            source = self._source
            if isinstance(source, AsyncIterable):
                items = aiter(source)
                while True:
                    # Take a slot before pulling, so the input is read no faster than checked.
                    await slots.acquire()
                    try:
                        item: object = await anext(items)
                    except StopAsyncIteration:
                        slots.release()
                        break
                    todo.put_nowait((index, item))
                    index += 1
            else:
                plain: Iterator[object] = iter(source)
                while True:
                    await slots.acquire()
                    try:
                        item = next(plain)
                    except StopIteration:
                        slots.release()
                        break
                    todo.put_nowait((index, item))
                    index += 1
        except Exception as exc:
            # The input itself failed (a bad file, a broken generator): finish what was read,
            # then the consumer re-raises this.
            self._source_error = exc
        self._produced = index
        for _ in range(self._workers):
            todo.put_nowait(None)
        done.put_nowait(_END)

    async def _work(
        self, todo: asyncio.Queue[tuple[int, object] | None], done: asyncio.Queue[_Message]
    ) -> None:
        while True:
            job = await todo.get()
            if job is None:
                return
            index, item = job
            try:
                result = await self._check(index, item)
            except Exception as exc:
                done.put_nowait(_Crash(exc))
                return
            done.put_nowait(result)

    async def _check(self, index: int, item: object) -> CheckResult:
        text = item if isinstance(item, str) else repr(item)
        try:
            kind, value = classify(item, self._kind)
        except ValueError as exc:
            return CheckResult(text, index, None, error=exc)
        key = (kind, value)
        earlier = self._answers.get(key)
        if earlier is not None:
            # A repeat: the first look-up (done or still in flight) answers it; nothing is sent.
            peserta, error, summary = await asyncio.shield(earlier)
            return CheckResult(
                text, index, kind, peserta=peserta, error=error, summary=summary, reused=True
            )
        answer: asyncio.Future[_Outcome] = asyncio.get_running_loop().create_future()
        self._remember(key, answer)
        started = time.monotonic()
        try:
            peserta, attempts = await self._look_up(kind, value, self._date)
        except VClaimError as exc:
            answer.set_result((None, exc, None))
            return CheckResult(
                text,
                index,
                kind,
                error=exc,
                attempts=exc.attempts or 1,
                latency=time.monotonic() - started,
            )
        except BaseException:
            # Cancelled or a bug: repeats waiting on it look it up again rather than hang.
            del self._answers[key]
            answer.cancel()
            raise
        summary = EligibilitySummary.of(peserta)
        answer.set_result((peserta, None, summary))
        return CheckResult(
            text,
            index,
            kind,
            peserta=peserta,
            attempts=attempts,
            latency=time.monotonic() - started,
            summary=summary,
        )

    def _remember(self, key: tuple[str, str], answer: asyncio.Future[_Outcome]) -> None:
        answers = self._answers
        answers[key] = answer
        if len(answers) > _MAX_REMEMBERED:
            # Bounded memory: forget the oldest finished answers (a later repeat asks again).
            for old in [k for k, f in itertools.islice(answers.items(), _FORGET) if f.done()]:
                del answers[old]


def classify(item: object, kind: CheckKind = "auto") -> tuple[Literal["card", "nik"], str]:
    """``item`` as a checked card number or NIK; ``"auto"`` picks by length (13 or 16)."""
    if not isinstance(item, str):
        raise ValueError(f"identifier must be a str, got {type(item).__name__}")
    value = item.strip()
    if kind == "auto":
        if len(value) == 13:
            kind = "card"
        elif len(value) == 16:
            kind = "nik"
        else:
            unit = "digit" if value.isdigit() else "character"
            shown = f"{len(value)} {unit}{'' if len(value) == 1 else 's'}"
            if not value:
                shown = "nothing"
            raise ValueError(
                f"identifier must be a 13-digit card number or a 16-digit NIK, got {shown}"
            )
    if kind == "card":
        return "card", _validate.card_number(value)
    return "nik", _validate.nik(value)
