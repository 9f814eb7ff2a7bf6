"""``client.peserta``: participant eligibility look-ups."""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from typing import Literal

from .. import _cache, _validate
from .._bulk import CheckKind, CheckProgress, CheckStream, _Engine, classify
from .._validate import DateLike
from ..errors import DecodeError
from ..models.peserta import Peserta, PesertaPayload
from ._base import Resource

__all__ = ["PesertaResource"]


class PesertaResource(Resource):
    """Participant (Peserta) look-ups by card number or NIK."""

    __slots__ = ()

    async def lookup(
        self, identifier: str, tgl_sep: DateLike | None = None, *, fresh: bool = False
    ) -> Peserta:
        """The participant with card number (13 digits) or NIK (16 digits) ``identifier``.

        The kind is picked by length, as ``check_many(kind="auto")`` does; anything else is a
        :class:`ValueError` before sending. ``tgl_sep`` defaults to today in Asia/Jakarta;
        ``fresh`` as for :meth:`by_card`.
        """
        if not isinstance(identifier, str):
            raise TypeError(f"identifier must be a str, got {type(identifier).__name__}")
        kind, value = classify(identifier)
        if kind == "card":
            return await self.by_card(value, tgl_sep, fresh=fresh)
        return await self.by_nik(value, tgl_sep, fresh=fresh)

    async def by_card(
        self, no_kartu: str, tgl_sep: DateLike | None = None, *, fresh: bool = False
    ) -> Peserta:
        """The participant holding JKN card ``no_kartu`` (13 digits) on ``tgl_sep``.

        ``tgl_sep`` defaults to today in Asia/Jakarta. With a client cache, a recent answer
        may be reused; ``fresh=True`` always asks BPJS (and refreshes the cache). Raises
        :class:`ValueError` before sending for a malformed number or date, and
        :class:`~vclaim_async.errors.NotFoundError` when BPJS has no such participant.
        """
        params = {
            "no_kartu": _validate.card_number(no_kartu),
            "tgl_sep": _service_date(tgl_sep),
        }
        return await _cache.lookup(
            self._client, "peserta.by_card", params, self._fetch, fresh=fresh
        )

    async def by_nik(
        self, nik: str, tgl_sep: DateLike | None = None, *, fresh: bool = False
    ) -> Peserta:
        """The participant with national identity number ``nik`` (16 digits) on ``tgl_sep``.

        ``tgl_sep`` defaults to today in Asia/Jakarta; ``fresh`` as for :meth:`by_card`.
        """
        params = {"nik": _validate.nik(nik), "tgl_sep": _service_date(tgl_sep)}
        return await _cache.lookup(self._client, "peserta.by_nik", params, self._fetch, fresh=fresh)

    def check_many(
        self,
        identifiers: Iterable[str] | AsyncIterable[str],
        tgl_sep: DateLike | None = None,
        *,
        kind: CheckKind = "auto",
        ordered: bool = False,
        concurrency: int | None = None,
        on_progress: Callable[[CheckProgress], object] | None = None,
    ) -> CheckStream:
        """Check many card numbers or NIKs; an async iterator of :class:`~vclaim_async.CheckResult`.

        ``identifiers`` may be a plain or an async iterable and is read lazily, as the
        workers need more. ``kind`` is ``"card"``, ``"nik"`` or ``"auto"`` (13 digits: card,
        16 digits: NIK). A fixed pool of ``concurrency`` workers does the look-ups, so memory
        stays flat for any number of inputs. The default is ``max(2 * cap, cap + 20)`` with
        ``cap = config.max_concurrency``:
        the client still keeps at most ``max_concurrency`` requests on the wire, and the spare
        workers use the slots that items waiting in retry backoff leave free. One service
        date, ``tgl_sep`` (default: today in Asia/Jakarta), serves the run.

        Results come in completion order; with ``ordered=True`` in input order, which means a
        slow item (a retried one, say) holds back the ones after it, and once a bounded window
        of later items is done the workers wait for it. One item's failure never ends the run:
        a malformed identifier is a result with a :class:`ValueError` and nothing sent; BPJS's
        "no data" is a :class:`~vclaim_async.NotFoundError`; any other failure is the typed
        :class:`~vclaim_async.VClaimError`, after the client's usual retries.
        A repeated identifier is sent once: its repeats wait for the first look-up and come
        back as their own results with ``reused=True`` and ``attempts == 0``. With a client
        cache, an answer kept for the same identifier and service day is reused too.
        ``on_progress`` is called with a :class:`~vclaim_async.CheckProgress` after every result.

        Use ``async with client.peserta.check_many(...) as results:`` (or ``aclose()``) so an
        early ``break`` stops the workers at once. Bad arguments raise :class:`ValueError` here.
        """
        engine = _Engine(
            self._look_up,
            self._client.config.max_concurrency,
            identifiers,
            tgl_sep,
            kind=kind,
            ordered=ordered,
            concurrency=concurrency,
            on_progress=on_progress,
        )
        return CheckStream(engine)

    async def _fetch(self, operation: str, params: Mapping[str, str]) -> Peserta:
        """One participant answer from BPJS (the cache's way to ask when it has no answer)."""
        payload = await self._request(operation, params, model=PesertaPayload)
        return payload.peserta

    async def _look_up(
        self, kind: Literal["card", "nik"], value: str, tgl_sep: str
    ) -> tuple[Peserta, int]:
        """One checked look-up and how many attempts it took (for ``check_many``).

        With a client cache, an answer kept for the same identifier and service day (by an
        earlier run, another process, or the lookups of an app) is reused: 0 attempts.
        """
        if kind == "card":
            operation, params = "peserta.by_card", {"no_kartu": value, "tgl_sep": tgl_sep}
        else:
            operation, params = "peserta.by_nik", {"nik": value, "tgl_sep": tgl_sep}
        attempts = 0

        async def fetch(operation: str, params: Mapping[str, str]) -> Peserta:
            nonlocal attempts
            payload, answer = await self._send(operation, params, model=PesertaPayload)
            if payload is None:  # pragma: no cover - only a nullable request answers None
                raise DecodeError("participant answer has no data", endpoint=operation)
            attempts = answer.attempts
            return payload.peserta

        peserta = await _cache.lookup(self._client, operation, params, fetch)
        return peserta, attempts


def _service_date(value: DateLike | None) -> str:
    if value is None:
        return _validate.today_jakarta().isoformat()
    return _validate.date_segment(value, "tgl_sep")
