"""``client.prb``: Program Rujuk Balik (back-referral of chronic patients to primary care)."""

from __future__ import annotations

from collections.abc import Sequence

from .. import _validate
from .._validate import DateLike
from ..errors import DecodeError
from ..models.enums import PenyakitPrb
from ..models.prb import (
    PotensiPrb,
    PotensiPrbList,
    Prb,
    PrbCreated,
    PrbDelete,
    PrbDeleteRequest,
    PrbDetailResult,
    PrbInsert,
    PrbInsertRequest,
    PrbListItem,
    PrbListResult,
    PrbObat,
    PrbUpdate,
    PrbUpdateRequest,
    TPrb,
)
from ._base import Resource

__all__ = ["PrbResource"]


class PrbResource(Resource):
    """Rujuk balik (SRB): write, read, list, and the monthly potential-PRB recap."""

    __slots__ = ()

    async def insert(
        self,
        *,
        no_sep: str,
        no_kartu: str,
        alamat: str,
        program_prb: PenyakitPrb | str,
        kode_dpjp: str,
        user: str,
        obat: Sequence[PrbObat] = (),
        email: str = "",
        keterangan: str = "",
        saran: str = "",
    ) -> PrbCreated:
        """Issue a rujuk balik (catalog ``prb.insert``); BPJS asks for a numeric ``user``."""
        body = PrbInsert(
            no_sep=_validate.text(no_sep, "no_sep"),
            no_kartu=_validate.card_number(no_kartu),
            alamat=_validate.text(alamat, "alamat"),
            email=_validate.text(email, "email", required=False),
            program_prb=_validate.code(PenyakitPrb, program_prb, "program_prb"),
            kode_dpjp=_validate.text(kode_dpjp, "kode_dpjp"),
            keterangan=_validate.text(keterangan, "keterangan", required=False),
            saran=_validate.text(saran, "saran", required=False),
            user=_validate.text(user, "user"),
            obat=list(obat),
        )
        request = PrbInsertRequest(request=TPrb(t_prb=body))
        return await self._request("prb.insert", {}, model=PrbCreated, body=request)

    async def update(
        self,
        *,
        no_srb: str,
        no_sep: str,
        alamat: str,
        kode_dpjp: str,
        user: str,
        obat: Sequence[PrbObat] = (),
        email: str = "",
        keterangan: str = "",
        saran: str = "",
    ) -> str:
        """Change a rujuk balik (catalog ``prb.update``); answers a plain string."""
        body = PrbUpdate(
            no_srb=_validate.text(no_srb, "no_srb"),
            no_sep=_validate.text(no_sep, "no_sep"),
            alamat=_validate.text(alamat, "alamat"),
            email=_validate.text(email, "email", required=False),
            kode_dpjp=_validate.text(kode_dpjp, "kode_dpjp"),
            keterangan=_validate.text(keterangan, "keterangan", required=False),
            saran=_validate.text(saran, "saran", required=False),
            user=_validate.text(user, "user"),
            obat=list(obat),
        )
        request = PrbUpdateRequest(request=TPrb(t_prb=body))
        return await self._request("prb.update", {}, model=str, body=request)

    async def delete(self, no_srb: str, no_sep: str, user: str) -> str:
        """Delete a rujuk balik (catalog ``prb.delete``, body included)."""
        body = PrbDelete(
            no_srb=_validate.text(no_srb, "no_srb"),
            no_sep=_validate.text(no_sep, "no_sep"),
            user=_validate.text(user, "user"),
        )
        request = PrbDeleteRequest(request=TPrb(t_prb=body))
        return await self._request("prb.delete", {}, model=str, body=request)

    async def get(self, no_srb: str, no_sep: str) -> Prb:
        """A rujuk balik by its SRB number and the SEP it was issued on."""
        params = {
            "no_srb": _validate.path_segment(no_srb, "no_srb"),
            "no_sep": _validate.path_segment(no_sep, "no_sep"),
        }
        result = await self._request("prb.get", params, model=PrbDetailResult)
        if result.prb is None:
            raise DecodeError("answer has no prb object", endpoint="prb.get")
        return result.prb

    async def list_by_date(self, tgl_mulai: DateLike, tgl_akhir: DateLike) -> list[PrbListItem]:
        """Rujuk balik issued between two dates (both included)."""
        first, last = _validate.date_range(tgl_mulai, tgl_akhir, "list_by_date")
        params = {"tgl_mulai": first.isoformat(), "tgl_akhir": last.isoformat()}
        result = await self._request("prb.list_by_date", params, model=PrbListResult)
        return [] if result.prb is None else result.prb.items

    async def list_rekap_potensi(self, tahun: int, bulan: int) -> list[PotensiPrb]:
        """Claims of a month flagged as potential PRB patients.

        BPJS may answer an empty string instead of an empty list; both come back as ``[]``.
        """
        mm, yyyy = _validate.month(bulan, tahun, pad=True)
        result = await self._request(
            "prb.list_rekap_potensi",
            {"tahun": yyyy, "bulan": mm},
            model=PotensiPrbList,
            nullable=True,
        )
        return [] if result is None else result.items
