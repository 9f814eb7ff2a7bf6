"""``client.peserta``: participant eligibility look-ups."""

from __future__ import annotations

import datetime

from .. import _validate
from ..models.peserta import Peserta, PesertaPayload
from ._base import Resource

__all__ = ["PesertaResource"]


class PesertaResource(Resource):
    """Participant (Peserta) look-ups by card number or NIK."""

    __slots__ = ()

    async def by_card(self, no_kartu: str, tgl_sep: datetime.date | str | None = None) -> Peserta:
        """The participant holding JKN card ``no_kartu`` (13 digits) on ``tgl_sep``.

        ``tgl_sep`` defaults to today in Asia/Jakarta. Raises :class:`ValueError` before
        sending for a malformed number or date, and
        :class:`~vclaim_async.errors.NotFoundError` when BPJS has no such participant.
        """
        params = {
            "no_kartu": _validate.card_number(no_kartu),
            "tgl_sep": _service_date(tgl_sep),
        }
        payload = await self._client._call("peserta.by_card", params, model=PesertaPayload)
        return payload.peserta

    async def by_nik(self, nik: str, tgl_sep: datetime.date | str | None = None) -> Peserta:
        """The participant with national identity number ``nik`` (16 digits) on ``tgl_sep``.

        ``tgl_sep`` defaults to today in Asia/Jakarta.
        """
        params = {"nik": _validate.nik(nik), "tgl_sep": _service_date(tgl_sep)}
        payload = await self._client._call("peserta.by_nik", params, model=PesertaPayload)
        return payload.peserta


def _service_date(value: datetime.date | str | None) -> str:
    if value is None:
        return _validate.today_jakarta().isoformat()
    return _validate.date_segment(value, "tgl_sep")
