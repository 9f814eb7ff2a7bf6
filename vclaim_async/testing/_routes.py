"""The simulator's VClaim routes: one handler per catalog operation.

Peserta is served here; every other area has its own ``_routes_<area>`` module, installed
from :func:`install` with the shared :class:`~vclaim_async.testing.SimState`.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from .. import _validate
from ._state import SimState

if TYPE_CHECKING:
    from ._simulator import Reply, SimRequest, VClaimSimulator

__all__ = ["install"]


def _bad_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return True
    return len(value) != 10


def install(sim: VClaimSimulator) -> SimState:
    """Register every route on ``sim``; returns the state the routes share (``sim.state``)."""
    from . import (
        _routes_kontrol,
        _routes_monitoring,
        _routes_prb_lpk,
        _routes_referensi,
        _routes_rujukan,
        _routes_sep,
    )
    from ._simulator import Reply, not_found

    def today() -> datetime.date:
        moment = datetime.datetime.fromtimestamp(sim.clock(), tz=datetime.timezone.utc)
        return _validate.today_jakarta(moment)

    state = SimState(sim.participants, ppk_pelayanan=sim.ppk_pelayanan, today=today)

    async def peserta(req: SimRequest, card: str | None) -> Reply:
        tgl = req.params["tgl"]
        if _bad_date(tgl):
            return not_found("Format Tanggal SEP tidak sesuai")
        if card is None:
            return not_found("Data Peserta Tidak Ditemukan")
        lz = req.sim.participants.payload_lz(card, tgl)
        if lz is None:
            return not_found("Data Peserta Tidak Ditemukan")
        return Reply(lz=lz)

    @sim.route("GET", r"Peserta/nokartu/(?P<no>[^/]+)/tglSEP/(?P<tgl>[^/]+)")
    async def peserta_by_card(req: SimRequest) -> Reply:
        no = req.params["no"]
        if len(no) != 13 or not no.isdigit():
            return not_found("No.Kartu Tidak Sesuai")
        return await peserta(req, no if no in req.sim.participants else None)

    @sim.route("GET", r"Peserta/nik/(?P<nik>[^/]+)/tglSEP/(?P<tgl>[^/]+)")
    async def peserta_by_nik(req: SimRequest) -> Reply:
        nik = req.params["nik"]
        if len(nik) != 16 or not nik.isdigit():
            return not_found("NIK Tidak Sesuai")
        return await peserta(req, req.sim.participants.card_for_nik(nik))

    for area in (
        _routes_sep,
        _routes_rujukan,
        _routes_kontrol,
        _routes_referensi,
        _routes_monitoring,
        _routes_prb_lpk,
    ):
        area.install(sim, state)
    return state
