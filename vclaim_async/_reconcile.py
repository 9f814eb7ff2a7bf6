"""Settling a SEP insert whose answer was lost, without ever issuing a second SEP.

``sep.insert(..., reconcile=True)`` sends the insert at once. Only when its outcome is unknown
(:class:`~vclaim_async.errors.OutcomeUnknownError`: the request may have reached BPJS but no
answer came back) does this module read, and then only that one participant's own service
history for that one day (``monitoring.list_histori_pelayanan``), never the hospital's list.

**Re-send only on proof of absence.** BPJS may perform an insert seconds after the client gave
up on it (a slow insert), and its history may show a new SEP seconds after that (a lagging
history). An empty history read just after the timeout proves nothing. So the insert is sent
again only when a **settle window**, counted from when the lost attempt was *sent*, has passed
and the history read after the window's end still shows no row that could be this visit. The
history is read more than once across the window (:data:`READS` times; the first read right
away, so a SEP that already shows settles at once). The default window is the attempt timeout
plus :data:`LATE_WRITE_ALLOWANCE` plus :data:`HISTORY_LAG_ALLOWANCE`; ``sep.insert(settle=)``
changes it per call.

**Which rows count.** A row *could be* this visit when its card, SEP date and service type
are the request's own, whatever its referral or clinic says. It *is* this visit's SEP when, in
addition, its referral number equals the request's and its clinic does not contradict it.
Comparisons are tolerant: dates ``yyyy-MM-dd`` or ``dd-MM-yyyy``, the service type as a code
(``"1"``/``"2"``) or as text (``"Rawat Inap"``/``"Rawat Jalan"``), the clinic as a code or a
name (a name never rules a row out; a different 3-character code does; an empty one never does).

- one row is the SEP: it landed; it is read (``sep.get``) and returned as if the answer had
  arrived. If that read fails or does not decode, :class:`OutcomeUnknownError` is raised with
  ``.landed`` and ``.candidates == (no_sep,)``: a SEP number once known is never lost;
- two or more rows are the SEP: ``OutcomeUnknownError``, their numbers in ``.candidates``;
- no row is the SEP but some could be (same card, day and service type; another referral or
  clinic): nothing is guessed and nothing is re-sent: ``OutcomeUnknownError`` with those
  numbers in ``.candidates``;
- no row at all, read after the window closed: the insert never landed and is sent again (at
  most :data:`ROUNDS` sends in all);
- the history cannot be read at the window's end: the original ``OutcomeUnknownError``; a
  reporting outage never becomes a refused admission, and nothing that may have landed is
  re-sent.

Time is an input: the settle loop takes a ``clock`` and a ``sleep`` that tests drive.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from .errors import NotFoundError, OutcomeUnknownError, VClaimError
from .models.monitoring import HistoriPelayanan
from .models.sep import InsertedSep, LandedSeps, SepDetail, SepInsert

__all__ = [
    "HISTORY_LAG_ALLOWANCE",
    "LATE_WRITE_ALLOWANCE",
    "READS",
    "ROUNDS",
    "Settle",
    "Visit",
    "classify",
    "default_settle",
    "inserted_from_detail",
    "landed",
    "matching",
    "read",
    "reconciled",
    "watch",
]

logger = logging.getLogger(__name__)

#: How many times a reconciled insert may be sent when each answer is lost and none landed.
ROUNDS = 3
#: How many times the history is read across one settle window (the first read right away).
READS = 4
#: Seconds BPJS may still perform an insert after the client's attempt timed out (a slow
#: insert): measured slow inserts finish within 1-3 s of arriving; 5 s leaves headroom.
LATE_WRITE_ALLOWANCE = 5.0
#: Seconds the participant's history may take to show a SEP after it was issued. Lags of up
#: to 5 s were seen in testing against a lagging history; 10 s leaves headroom.
HISTORY_LAG_ALLOWANCE = 10.0

History = Callable[[str, str], Awaitable[Sequence[HistoriPelayanan]]]
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def default_settle(timeout: float) -> float:
    """The default settle window for an attempt timeout of ``timeout`` seconds."""
    return timeout + LATE_WRITE_ALLOWANCE + HISTORY_LAG_ALLOWANCE


@dataclass(frozen=True)
class Settle:
    """How one lost insert is settled: the window (seconds from sending), reads, clock, sleep.

    ``clock`` is a monotonic clock in seconds; when it is not ``time.monotonic`` the time the
    lost attempt was sent is carried over as an age (how long ago it was sent).
    """

    window: float
    reads: int = READS
    clock: Clock = time.monotonic
    sleep: Sleep | None = None

    def __post_init__(self) -> None:
        if not self.window >= 0:
            raise ValueError("settle must be a number of seconds, not negative")
        if self.reads < 2:
            raise ValueError("a settle window needs at least 2 history reads")


# -- tolerant comparisons ------------------------------------------------------------------

_JNS = {
    "1": "1",
    "r.inap": "1",
    "rawat inap": "1",
    "inap": "1",
    "ri": "1",
    "ranap": "1",
    "2": "2",
    "r.jalan": "2",
    "rawat jalan": "2",
    "jalan": "2",
    "rj": "2",
    "rajal": "2",
}
_DMY = re.compile(r"^(\d{2})[-/](\d{2})[-/](\d{4})")
_YMD = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})")
_CODE = re.compile(r"^[A-Za-z0-9]{3}$")


def _norm(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def _jns(value: str | None) -> str:
    text = _norm(value)
    return _JNS.get(text, text)


def _day(value: str | None) -> str:
    """A date as ``yyyy-MM-dd``, from ``yyyy-MM-dd`` or ``dd-MM-yyyy`` (a time may follow)."""
    text = (value or "").strip()
    if found := _YMD.match(text):
        return "-".join(found.groups())
    if found := _DMY.match(text):
        day, month, year = found.groups()
        return f"{year}-{month}-{day}"
    return text


def _clinic_agrees(row_poli: str | None, code: str) -> bool:
    """False only when the row names another clinic by code; a name never rules a row out."""
    text = (row_poli or "").strip()
    if not text or not _CODE.match(text):
        return True
    return text.casefold() == code.strip().casefold()


@dataclass(frozen=True)
class Visit:
    """The keys that identify one SEP's visit: card, date, service type, clinic, referral."""

    no_kartu: str
    tgl_sep: str
    jns_pelayanan: str
    poli: str
    no_rujukan: str

    @classmethod
    def of(cls, body: SepInsert) -> Visit:
        return cls(
            no_kartu=body.no_kartu,
            tgl_sep=str(body.tgl_sep),
            jns_pelayanan=body.jns_pelayanan,
            poli=body.poli.tujuan,
            no_rujukan=body.rujukan.no_rujukan,
        )


def classify(rows: Sequence[HistoriPelayanan], visit: Visit) -> LandedSeps:
    """Sort ``rows`` into this visit's SEPs and rows that could be it (module docstring)."""
    matches: list[str] = []
    could: list[str] = []
    day = _day(visit.tgl_sep)
    for row in rows:
        if not row.no_sep or (row.no_kartu and row.no_kartu.strip() != visit.no_kartu):
            continue
        if _day(row.tgl_sep) != day or _jns(row.jns_pelayanan) != _jns(visit.jns_pelayanan):
            continue
        same_referral = _norm(row.no_rujukan) == _norm(visit.no_rujukan)
        target = matches if same_referral and _clinic_agrees(row.poli, visit.poli) else could
        if row.no_sep not in matches and row.no_sep not in could:
            target.append(row.no_sep)
    return LandedSeps(matches=tuple(matches), candidates=tuple(could))


def matching(rows: Sequence[HistoriPelayanan], visit: Visit) -> list[str]:
    """The SEP numbers among ``rows`` that are ``visit``'s SEP (see :func:`classify`)."""
    return list(classify(rows, visit).matches)


async def read(history: History, visit: Visit) -> LandedSeps:
    """One read of the participant's history for the visit's day, classified."""
    try:
        rows = await history(visit.no_kartu, _day(visit.tgl_sep))
    except NotFoundError:
        return LandedSeps()  # "201": no service at all that day
    return classify(rows, visit)


async def landed(history: History, visit: Visit) -> list[str]:
    """The SEP numbers of ``visit`` already in the participant's history (one read)."""
    return list((await read(history, visit)).matches)


# -- the settle loop -----------------------------------------------------------------------


class _Resend:
    """The history proved the insert never landed."""


_RESEND = _Resend()


async def reconciled(
    send: Callable[[], Awaitable[InsertedSep]],
    history: History,
    get: Callable[[str], Awaitable[SepDetail]],
    body: SepInsert,
    settle: Settle,
) -> InsertedSep:
    """Send the insert; after a lost answer settle it by the participant's history.

    With answers arriving normally this is exactly one request. See the module docstring for
    what is matched, when the insert is sent again, and what is raised.
    """
    visit = Visit.of(body)
    last: OutcomeUnknownError | None = None
    for _ in range(ROUNDS):
        try:
            return await send()
        except OutcomeUnknownError as unknown:
            last = unknown
            outcome = await _settle(unknown, history, get, visit, settle)
            if isinstance(outcome, InsertedSep):
                return outcome
            logger.info("vclaim: a lost SEP insert had not landed; sending it again")
    assert last is not None
    raise last


async def _watch(
    history: History, visit: Visit, settle: Settle, sent_at: float | None
) -> tuple[LandedSeps, VClaimError | None]:
    """Read the history across the window (from ``sent_at``, or now), until a match shows.

    Returns what was seen (matches end the watch at once; candidates accumulate over every
    read) and the error of the last read if it failed (then absence is not proven).
    """
    clock, sleep = settle.clock, settle.sleep
    # How long ago the lost attempt left; the window counts from then.
    age = 0.0 if sent_at is None else max(0.0, time.monotonic() - sent_at)
    deadline = clock() + max(0.0, settle.window - age)
    step = max(0.0, deadline - clock()) / (settle.reads - 1)
    could: list[str] = []
    failure: VClaimError | None = None
    while True:
        final = clock() >= deadline
        try:
            found = await read(history, visit)
        except VClaimError as exc:
            failure = exc
            logger.info("vclaim: history read while settling failed: %s", type(exc).__name__)
        else:
            failure = None
            could.extend(n for n in found.candidates if n not in could)
            if found.matches:
                return LandedSeps(matches=found.matches, candidates=tuple(could)), None
        if final:
            return LandedSeps(candidates=tuple(could)), failure
        wait = min(step, deadline - clock())
        await (sleep or _sleep)(max(0.0, wait))


async def watch(history: History, visit: Visit, settle: Settle) -> LandedSeps:
    """What the history shows for ``visit`` across a window from now (``sep.get_landed``).

    Returns as soon as a read shows a match; otherwise what the read at the window's end
    shows, with candidates seen by any read. Raises that read's error if it failed.
    """
    found, failure = await _watch(history, visit, settle, None)
    if failure is not None:
        raise failure
    return found


async def _settle(
    unknown: OutcomeUnknownError,
    history: History,
    get: Callable[[str], Awaitable[SepDetail]],
    visit: Visit,
    settle: Settle,
) -> InsertedSep | _Resend:
    found, failure = await _watch(history, visit, settle, unknown.sent_at)
    if len(found.matches) > 1:
        raise _unknown(
            unknown,
            found.matches,
            f"{len(found.matches)} candidate SEPs match this visit (see "
            ".candidates); check and delete the extra one",
        )
    if found.matches:
        return await _landed_sep(unknown, found.matches[0], get)
    if failure is not None:
        logger.info("vclaim: a lost SEP insert could not be settled: the history is unreadable")
        if found.candidates:
            raise _unknown(unknown, found.candidates, _COULD) from failure
        raise unknown from failure
    if found.candidates:
        raise _unknown(unknown, found.candidates, _COULD)
    return _RESEND


_COULD = (
    "{n} SEP(s) of this participant, day and service type could be this visit but do not "
    "match its referral or clinic (see .candidates); it was not sent again: check them"
)


async def _sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def _landed_sep(
    unknown: OutcomeUnknownError, no_sep: str, get: Callable[[str], Awaitable[SepDetail]]
) -> InsertedSep:
    """The landed SEP, read back; its number in an OutcomeUnknownError if it cannot be."""
    try:
        detail = await get(no_sep)
        if detail.no_sep != no_sep:
            raise ValueError("the SEP read back is another SEP")
        result = inserted_from_detail(detail)
    except (VClaimError, ValueError) as exc:
        logger.info(
            "vclaim: a lost SEP insert landed but its detail could not be read: %s",
            type(exc).__name__,
        )
        error = _unknown(
            unknown,
            (no_sep,),
            "the SEP landed (its number is in .landed and .candidates) but its detail could "
            "not be read; read it later with sep.get, never insert again",
        )
        error.landed = no_sep
        raise error from exc
    logger.info("vclaim: a lost SEP insert had landed; returning it")
    return result


def _unknown(
    unknown: OutcomeUnknownError, candidates: tuple[str, ...], text: str
) -> OutcomeUnknownError:
    error = OutcomeUnknownError(
        "SEP insert outcome unknown: " + text.format(n=len(candidates)),
        endpoint=unknown.endpoint,
        method=unknown.method,
        path=unknown.path,
        body=unknown.body,
    )
    error.candidates = tuple(candidates)
    error.attempts = unknown.attempts
    error.sent_at = unknown.sent_at
    return error


def inserted_from_detail(detail: SepDetail) -> InsertedSep:
    """The insert's answer rebuilt from the landed SEP's detail."""
    return InsertedSep(
        no_sep=detail.no_sep,
        tgl_sep=detail.tgl_sep,
        jns_pelayanan=detail.jns_pelayanan,
        kelas_rawat=detail.kelas_rawat,
        diagnosa=detail.diagnosa,
        no_rujukan=detail.no_rujukan,
        poli=detail.poli,
        poli_eksekutif=detail.poli_eksekutif,
        catatan=detail.catatan,
        penjamin=detail.penjamin,
        peserta=detail.peserta,
        informasi=detail.informasi if not isinstance(detail.informasi, str) else None,
    )
