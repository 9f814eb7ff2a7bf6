"""Simulator routes for Peserta: a participant by card number or by NIK on a service date."""

from __future__ import annotations

from ._base import Reply, SimRequest, bad_date, not_found, route

__all__: list[str] = []


def _answer(req: SimRequest, card: str | None) -> Reply:
    if bad_date(req.params["tgl_sep"]):
        return not_found("Format Tanggal SEP tidak sesuai")
    if card is None:
        return not_found("Data Peserta Tidak Ditemukan")
    lz = req.sim.participants.payload_lz(card, req.params["tgl_sep"])
    if lz is None:
        return not_found("Data Peserta Tidak Ditemukan")
    return Reply(lz=lz)


@route("peserta.by_card")
async def by_card(req: SimRequest) -> Reply:
    no_kartu = req.params["no_kartu"]
    if len(no_kartu) != 13 or not no_kartu.isdigit():
        return not_found("No.Kartu Tidak Sesuai")
    return _answer(req, no_kartu if no_kartu in req.sim.participants else None)


@route("peserta.by_nik")
async def by_nik(req: SimRequest) -> Reply:
    nik = req.params["nik"]
    if len(nik) != 16 or not nik.isdigit():
        return not_found("NIK Tidak Sesuai")
    return _answer(req, req.sim.participants.card_for_nik(nik))
