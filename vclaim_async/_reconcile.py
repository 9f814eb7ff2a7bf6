"""Settling a SEP insert whose answer was lost, without ever reading before the insert.

``sep.insert(..., reconcile=True)`` sends the insert at once. Only when its outcome is unknown
(:class:`~vclaim_async.errors.OutcomeUnknownError`: the request may have reached BPJS but no
answer came back) does this module read, and then only that one participant's own service
history for that one day (``monitoring.list_histori_pelayanan``), never the hospital's list.

**The matching rule.** A history row is this request's SEP when all of these equal the
request's own values: the card number (the history is queried per card), the SEP date, the
service type (``jnsPelayanan``), the referral number (``noRujukan``) and the clinic
(``poli``; a row that carries no clinic, as inpatient rows do, is not ruled out by it). A
different visit of the same participant on the same day differs in at least one of them: BPJS
issues one SEP per referral, clinic and day, so another visit at another clinic or on another
referral is never taken for this one. When two rows still match (a second SEP for the same visit
exists, e.g. from an earlier delivery of the same job), nothing is guessed: the
OutcomeUnknownError is raised saying two candidates were found, with their numbers in
``.candidates``. When the history cannot be read (the endpoint is down), the original
OutcomeUnknownError is raised: a reporting outage never becomes a refused admission, and
nothing is re-sent that might have landed. Only when the history proves that no SEP matches
is the insert sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from .errors import NotFoundError, OutcomeUnknownError, VClaimError
from .models.monitoring import HistoriPelayanan
from .models.sep import InsertedSep, SepDetail, SepInsert

__all__ = ["ROUNDS", "Visit", "inserted_from_detail", "landed", "matching", "reconciled"]

logger = logging.getLogger(__name__)

#: How many times a reconciled insert may be sent when each answer is lost and none landed.
ROUNDS = 3

History = Callable[[str, str], Awaitable[Sequence[HistoriPelayanan]]]


# Service types as codes, whichever way a history row spells them.
_JNS = {"r.inap": "1", "rawat inap": "1", "r.jalan": "2", "rawat jalan": "2"}


def _norm(value: str | None) -> str:
    return (value or "").strip().casefold()


def _jns(value: str | None) -> str:
    text = _norm(value)
    return _JNS.get(text, text)


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


def matching(rows: Sequence[HistoriPelayanan], visit: Visit) -> list[str]:
    """The SEP numbers among ``rows`` that are ``visit``'s SEP, by the module's matching rule."""
    poli = _norm(visit.poli)
    found: list[str] = []
    for row in rows:
        if not row.no_sep or (row.no_kartu is not None and row.no_kartu != visit.no_kartu):
            continue
        if (row.tgl_sep or "")[:10] != visit.tgl_sep:
            continue
        if _jns(row.jns_pelayanan) != _jns(visit.jns_pelayanan):
            continue
        if _norm(row.no_rujukan) != _norm(visit.no_rujukan):
            continue
        if _norm(row.poli) and _norm(row.poli) != poli:
            continue
        if row.no_sep not in found:
            found.append(row.no_sep)
    return found


async def landed(history: History, visit: Visit) -> list[str]:
    """The SEP numbers of ``visit`` already in the participant's history (one read)."""
    try:
        rows = await history(visit.no_kartu, visit.tgl_sep)
    except NotFoundError:
        return []  # "201": no service at all that day
    return matching(rows, visit)


async def reconciled(
    send: Callable[[], Awaitable[InsertedSep]],
    history: History,
    get: Callable[[str], Awaitable[SepDetail]],
    body: SepInsert,
) -> InsertedSep:
    """Send the insert; after a lost answer settle it by the participant's history.

    With answers arriving normally this is exactly one request. See the module docstring for
    what is matched and what is raised.
    """
    last: OutcomeUnknownError | None = None
    for _ in range(ROUNDS):
        try:
            return await send()
        except OutcomeUnknownError as unknown:
            last = unknown
            try:
                found = await landed(history, Visit.of(body))
            except VClaimError as exc:
                logger.info(
                    "vclaim: a lost SEP insert could not be settled: %s", type(exc).__name__
                )
                raise unknown from exc
            if len(found) > 1:
                raise _two_candidates(unknown, found) from unknown
            if found:
                logger.info("vclaim: a lost SEP insert had landed; returning it")
                return inserted_from_detail(await get(found[0]))
            logger.info("vclaim: a lost SEP insert had not landed; sending it again")
    assert last is not None
    raise last


def _two_candidates(unknown: OutcomeUnknownError, found: list[str]) -> OutcomeUnknownError:
    error = OutcomeUnknownError(
        f"SEP insert outcome unknown: {len(found)} candidate SEPs match this visit "
        "(see .candidates); check and delete the extra one",
        endpoint=unknown.endpoint,
        method=unknown.method,
        path=unknown.path,
        body=unknown.body,
    )
    error.candidates = tuple(found)
    error.attempts = unknown.attempts
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
