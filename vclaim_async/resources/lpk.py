"""``client.lpk``: Lembar Pengajuan Klaim, the claim sheet of an SEP."""

from __future__ import annotations

from collections.abc import Sequence

from .. import _validate
from .._validate import DateLike
from ..models.enums import JnsPelayanan, LevelDiagnosa, TindakLanjut
from ..models.lpk import (
    DirujukKe,
    KontrolKembali,
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
        diagnosa=_diagnosa(diagnosa),
        procedure=[LpkProcedure(kode=_validate.text(c, "procedure code")) for c in procedure],
        rencana_tl=_rencana_tl(rencana_tl),
        dpjp=_validate.text(dpjp, "dpjp"),
        user=_validate.text(user, "user"),
    )


def _diagnosa(items: Sequence[LpkDiagnosa]) -> list[LpkDiagnosa]:
    checked = []
    for item in items:
        if not isinstance(item, LpkDiagnosa):
            raise TypeError(f"diagnosa items must be LpkDiagnosa, got {type(item).__name__}")
        level = _validate.code(LevelDiagnosa, item.level, "diagnosa.level")
        checked.append(LpkDiagnosa(kode=_validate.text(item.kode, "diagnosa.kode"), level=level))
    if not any(d.level == LevelDiagnosa.PRIMER.value for d in checked):
        raise ValueError("diagnosa needs one primary (level 1) diagnosis")
    return checked


def _rencana_tl(value: RencanaTL) -> RencanaTL:
    if not isinstance(value, RencanaTL):
        raise TypeError(f"rencana_tl must be a RencanaTL, got {type(value).__name__}")
    tindak = _validate.code(TindakLanjut, value.tindak_lanjut, "rencana_tl.tindak_lanjut")
    dirujuk, kontrol = value.dirujuk_ke, value.kontrol_kembali
    if tindak == TindakLanjut.DIRUJUK_KE.value and not dirujuk.kode_ppk:
        raise ValueError("rencana_tl tindak_lanjut 3 needs dirujuk_ke.kode_ppk")
    if tindak == TindakLanjut.KONTROL_KEMBALI.value and not (kontrol.tgl_kontrol and kontrol.poli):
        raise ValueError("rencana_tl tindak_lanjut 4 needs kontrol_kembali date and poli")
    return RencanaTL(
        tindak_lanjut=tindak,
        dirujuk_ke=DirujukKe(kode_ppk=dirujuk.kode_ppk),
        kontrol_kembali=KontrolKembali(
            tgl_kontrol=_validate.optional_body_date(kontrol.tgl_kontrol, "kontrol_kembali.tgl"),
            poli=kontrol.poli,
        ),
    )
