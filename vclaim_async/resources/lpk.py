"""``client.lpk``: Lembar Pengajuan Klaim, the claim sheet of an SEP."""

from __future__ import annotations

from collections.abc import Sequence

from .. import _validate
from .._validate import DateLike
from ..models.enums import JnsPelayanan
from ..models.lpk import (
    Lpk,
    LpkData,
    LpkDelete,
    LpkDeleteRequest,
    LpkDiagnosa,
    LpkInsertRequest,
    LpkListResult,
    LpkPerawatan,
    LpkPoli,
    LpkProcedure,
    LpkUpdateRequest,
    RencanaTL,
    TLpk,
)
from ._base import Resource

__all__ = ["LpkResource"]


class LpkResource(Resource):
    """Claim sheets (LPK): insert, update, delete (each answers the noSep) and list."""

    __slots__ = ()

    async def insert(
        self,
        *,
        no_sep: str,
        tgl_masuk: DateLike,
        tgl_keluar: DateLike,
        poli: str,
        diagnosa: Sequence[LpkDiagnosa],
        rencana_tl: RencanaTL,
        dpjp: str,
        user: str,
        jaminan: str = "1",
        perawatan: LpkPerawatan | None = None,
        procedure: Sequence[str] = (),
    ) -> str:
        """Submit the claim sheet of SEP ``no_sep`` (catalog ``lpk.insert``).

        ``diagnosa`` needs one primary (level 1) diagnosis; ``procedure`` holds ICD-9-CM
        codes. ``jaminan`` ``"1"`` is JKN.
        """
        body = _lpk_data(
            no_sep=no_sep,
            tgl_masuk=tgl_masuk,
            tgl_keluar=tgl_keluar,
            poli=poli,
            diagnosa=diagnosa,
            rencana_tl=rencana_tl,
            dpjp=dpjp,
            user=user,
            jaminan=jaminan,
            perawatan=perawatan,
            procedure=procedure,
        )
        request = LpkInsertRequest(request=TLpk(t_lpk=body))
        return await self._request("lpk.insert", {}, model=str, body=request)

    async def update(
        self,
        *,
        no_sep: str,
        tgl_masuk: DateLike,
        tgl_keluar: DateLike,
        poli: str,
        diagnosa: Sequence[LpkDiagnosa],
        rencana_tl: RencanaTL,
        dpjp: str,
        user: str,
        jaminan: str = "1",
        perawatan: LpkPerawatan | None = None,
        procedure: Sequence[str] = (),
    ) -> str:
        """Replace the claim sheet of SEP ``no_sep`` (catalog ``lpk.update``)."""
        body = _lpk_data(
            no_sep=no_sep,
            tgl_masuk=tgl_masuk,
            tgl_keluar=tgl_keluar,
            poli=poli,
            diagnosa=diagnosa,
            rencana_tl=rencana_tl,
            dpjp=dpjp,
            user=user,
            jaminan=jaminan,
            perawatan=perawatan,
            procedure=procedure,
        )
        request = LpkUpdateRequest(request=TLpk(t_lpk=body))
        return await self._request("lpk.update", {}, model=str, body=request)

    async def delete(self, no_sep: str) -> str:
        """Delete the claim sheet of SEP ``no_sep`` (catalog ``lpk.delete``, body included)."""
        request = LpkDeleteRequest(
            request=TLpk(t_lpk=LpkDelete(no_sep=_validate.text(no_sep, "no_sep")))
        )
        return await self._request("lpk.delete", {}, model=str, body=request)

    async def list_by_date(
        self, tgl_masuk: DateLike, jns_pelayanan: JnsPelayanan | str
    ) -> list[Lpk]:
        """Claim sheets of patients admitted on ``tgl_masuk``."""
        params = {
            "tgl_masuk": _validate.body_date(tgl_masuk, "tgl_masuk"),
            "jns_pelayanan": _validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
        }
        result = await self._request("lpk.list_by_date", params, model=LpkListResult)
        return [] if result.lpk is None else result.lpk.items


def _lpk_data(
    *,
    no_sep: str,
    tgl_masuk: DateLike,
    tgl_keluar: DateLike,
    poli: str,
    diagnosa: Sequence[LpkDiagnosa],
    rencana_tl: RencanaTL,
    dpjp: str,
    user: str,
    jaminan: str,
    perawatan: LpkPerawatan | None,
    procedure: Sequence[str],
) -> LpkData:
    masuk, keluar = _validate.date_range(tgl_masuk, tgl_keluar, "tgl_masuk/tgl_keluar")
    if isinstance(procedure, str):
        raise TypeError("procedure must be a sequence of codes, not one str")
    return LpkData(
        no_sep=_validate.text(no_sep, "no_sep"),
        tgl_masuk=masuk.isoformat(),
        tgl_keluar=keluar.isoformat(),
        jaminan=_validate.text(jaminan, "jaminan"),
        poli=LpkPoli(poli=_validate.text(poli, "poli")),
        perawatan=perawatan if perawatan is not None else LpkPerawatan(),
        diagnosa=list(diagnosa),
        procedure=[LpkProcedure(kode=_validate.text(c, "procedure code")) for c in procedure],
        rencana_tl=rencana_tl,
        dpjp=_validate.text(dpjp, "dpjp"),
        user=_validate.text(user, "user"),
    )
