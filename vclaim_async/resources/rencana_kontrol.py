"""``client.rencana_kontrol``: surat kontrol (follow-up letters) and SPRI (admission orders)."""

from __future__ import annotations

from typing import TypedDict

from .. import _validate
from .._validate import DateLike
from ..models.enums import FilterRencanaKontrol, JnsKontrol
from ..models.rencana_kontrol import (
    FormPrb,
    JadwalDokter,
    JadwalDokterList,
    PoliKontrol,
    PoliKontrolList,
    RencanaKontrolDeleteRequest,
    RencanaKontrolInsert,
    RencanaKontrolInsertRequest,
    RencanaKontrolInsertV2,
    RencanaKontrolInsertV2Request,
    RencanaKontrolItem,
    RencanaKontrolList,
    RencanaKontrolSep,
    RencanaKontrolUpdate,
    RencanaKontrolUpdateRequest,
    RencanaKontrolUpdateV2,
    RencanaKontrolUpdateV2Request,
    SpriInsert,
    SpriInsertRequest,
    SpriResult,
    SpriUpdate,
    SpriUpdateRequest,
    SuratKontrolDelete,
    SuratKontrolDetail,
    SuratKontrolResult,
    SuratKontrolResultV2,
    TSuratKontrol,
)
from ._base import Resource

__all__ = ["RencanaKontrolResource"]

_DEFAULT_FILTER = FilterRencanaKontrol.TGL_RENCANA_KONTROL


class RencanaKontrolResource(Resource):
    """Rencana kontrol and SPRI.

    A surat kontrol follows an SEP (``insert``/``update``, or the ``_v2`` variants that carry
    a PRB form); an SPRI orders an admission for a participant (``insert_spri``/
    ``update_spri``). Both are deleted with :meth:`delete` and read with :meth:`get`.
    """

    __slots__ = ()

    # -- surat kontrol -----------------------------------------------------------------------

    async def insert(
        self,
        *,
        no_sep: str,
        kode_dokter: str,
        poli_kontrol: str,
        tgl_rencana_kontrol: DateLike,
        user: str,
    ) -> SuratKontrolResult:
        """Issue a surat kontrol after SEP ``no_sep`` (catalog ``rencana_kontrol.insert``)."""
        body = RencanaKontrolInsert(
            **_kontrol(no_sep, kode_dokter, poli_kontrol, tgl_rencana_kontrol, user),
        )
        request = RencanaKontrolInsertRequest(request=body)
        return await self._request(
            "rencana_kontrol.insert", {}, model=SuratKontrolResult, body=request
        )

    async def insert_v2(
        self,
        *,
        no_sep: str,
        kode_dokter: str,
        poli_kontrol: str,
        tgl_rencana_kontrol: DateLike,
        user: str,
        form_prb: FormPrb | None = None,
    ) -> SuratKontrolResultV2:
        """Issue a surat kontrol with a PRB assessment (catalog ``rencana_kontrol.insert_v2``)."""
        body = RencanaKontrolInsertV2(
            **_kontrol(no_sep, kode_dokter, poli_kontrol, tgl_rencana_kontrol, user),
            form_prb=form_prb if form_prb is not None else FormPrb(),
        )
        request = RencanaKontrolInsertV2Request(request=body)
        return await self._request(
            "rencana_kontrol.insert_v2", {}, model=SuratKontrolResultV2, body=request
        )

    async def update(
        self,
        *,
        no_surat_kontrol: str,
        no_sep: str,
        kode_dokter: str,
        poli_kontrol: str,
        tgl_rencana_kontrol: DateLike,
        user: str,
    ) -> SuratKontrolResult:
        """Change a surat kontrol (catalog ``rencana_kontrol.update``)."""
        body = RencanaKontrolUpdate(
            no_surat_kontrol=_validate.text(no_surat_kontrol, "no_surat_kontrol"),
            **_kontrol(no_sep, kode_dokter, poli_kontrol, tgl_rencana_kontrol, user),
        )
        request = RencanaKontrolUpdateRequest(request=body)
        return await self._request(
            "rencana_kontrol.update", {}, model=SuratKontrolResult, body=request
        )

    async def update_v2(
        self,
        *,
        no_surat_kontrol: str,
        no_sep: str,
        kode_dokter: str,
        poli_kontrol: str,
        tgl_rencana_kontrol: DateLike,
        user: str,
        form_prb: FormPrb | None = None,
    ) -> SuratKontrolResultV2:
        """Change a surat kontrol and its PRB assessment (catalog ``rencana_kontrol.update_v2``)."""
        body = RencanaKontrolUpdateV2(
            no_surat_kontrol=_validate.text(no_surat_kontrol, "no_surat_kontrol"),
            **_kontrol(no_sep, kode_dokter, poli_kontrol, tgl_rencana_kontrol, user),
            form_prb=form_prb if form_prb is not None else FormPrb(),
        )
        request = RencanaKontrolUpdateV2Request(request=body)
        return await self._request(
            "rencana_kontrol.update_v2", {}, model=SuratKontrolResultV2, body=request
        )

    async def delete(self, no_surat_kontrol: str, user: str) -> None:
        """Delete a surat kontrol or SPRI (catalog ``rencana_kontrol.delete``); answers null."""
        body = SuratKontrolDelete(
            no_surat_kontrol=_validate.text(no_surat_kontrol, "no_surat_kontrol"),
            user=_validate.text(user, "user"),
        )
        request = RencanaKontrolDeleteRequest(request=TSuratKontrol(t_suratkontrol=body))
        await self._request("rencana_kontrol.delete", {}, model=str, body=request, nullable=True)

    # -- SPRI --------------------------------------------------------------------------------

    async def insert_spri(
        self,
        *,
        no_kartu: str,
        kode_dokter: str,
        poli_kontrol: str,
        tgl_rencana_kontrol: DateLike,
        user: str,
    ) -> SpriResult:
        """Issue an SPRI, an inpatient admission order (catalog ``rencana_kontrol.insert_spri``)."""
        body = SpriInsert(
            no_kartu=_validate.card_number(no_kartu),
            kode_dokter=_validate.text(kode_dokter, "kode_dokter"),
            poli_kontrol=_validate.text(poli_kontrol, "poli_kontrol"),
            tgl_rencana_kontrol=_validate.body_date(tgl_rencana_kontrol, "tgl_rencana_kontrol"),
            user=_validate.text(user, "user"),
        )
        request = SpriInsertRequest(request=body)
        return await self._request(
            "rencana_kontrol.insert_spri", {}, model=SpriResult, body=request
        )

    async def update_spri(
        self,
        *,
        no_spri: str,
        kode_dokter: str,
        poli_kontrol: str,
        tgl_rencana_kontrol: DateLike,
        user: str,
    ) -> SpriResult:
        """Change an SPRI (catalog ``rencana_kontrol.update_spri``)."""
        body = SpriUpdate(
            no_spri=_validate.text(no_spri, "no_spri"),
            kode_dokter=_validate.text(kode_dokter, "kode_dokter"),
            poli_kontrol=_validate.text(poli_kontrol, "poli_kontrol"),
            tgl_rencana_kontrol=_validate.body_date(tgl_rencana_kontrol, "tgl_rencana_kontrol"),
            user=_validate.text(user, "user"),
        )
        request = SpriUpdateRequest(request=body)
        return await self._request(
            "rencana_kontrol.update_spri", {}, model=SpriResult, body=request
        )

    # -- reads -------------------------------------------------------------------------------

    async def get_sep(self, no_sep: str) -> RencanaKontrolSep:
        """The SEP a surat kontrol would follow, as rencana kontrol sees it."""
        params = {"no_sep": _validate.path_segment(no_sep, "no_sep")}
        return await self._request("rencana_kontrol.get_sep", params, model=RencanaKontrolSep)

    async def get(self, no_surat_kontrol: str) -> SuratKontrolDetail:
        """A surat kontrol or SPRI by number (``sep`` is None for an SPRI)."""
        params = {"no_surat_kontrol": _validate.path_segment(no_surat_kontrol, "no_surat_kontrol")}
        return await self._request("rencana_kontrol.get", params, model=SuratKontrolDetail)

    async def list_by_card(
        self,
        no_kartu: str,
        bulan: int,
        tahun: int,
        *,
        filter_by: FilterRencanaKontrol | str = _DEFAULT_FILTER,
    ) -> list[RencanaKontrolItem]:
        """A participant's surat kontrol in a month, by entry date or by planned date."""
        mm, yyyy = _validate.month(bulan, tahun, pad=True)
        params = {
            "bulan": mm,
            "tahun": yyyy,
            "no_kartu": _validate.card_number(no_kartu),
            "filter_by": _validate.code(FilterRencanaKontrol, filter_by, "filter_by"),
        }
        result = await self._request(
            "rencana_kontrol.list_by_card", params, model=RencanaKontrolList
        )
        return result.items

    async def list_by_date(
        self,
        tgl_awal: DateLike,
        tgl_akhir: DateLike,
        *,
        filter_by: FilterRencanaKontrol | str = _DEFAULT_FILTER,
    ) -> list[RencanaKontrolItem]:
        """Surat kontrol between two dates (both included), by entry or planned date."""
        first, last = _validate.date_range(tgl_awal, tgl_akhir, "list_by_date")
        params = {
            "tgl_awal": first.isoformat(),
            "tgl_akhir": last.isoformat(),
            "filter_by": _validate.code(FilterRencanaKontrol, filter_by, "filter_by"),
        }
        result = await self._request(
            "rencana_kontrol.list_by_date", params, model=RencanaKontrolList
        )
        return result.items

    async def list_poli(
        self, jns_kontrol: JnsKontrol | str, nomor: str, tgl_rencana_kontrol: DateLike
    ) -> list[PoliKontrol]:
        """Clinics open for a kontrol date, with their load.

        ``nomor`` is the card number for an SPRI (jns_kontrol 1) and the noSEP for a rencana
        kontrol (2).
        """
        jenis = _validate.code(JnsKontrol, jns_kontrol, "jns_kontrol")
        if jenis == JnsKontrol.SPRI.value:
            number = _validate.card_number(nomor)
        else:
            number = _validate.path_segment(nomor, "nomor")
        params = {
            "jns_kontrol": jenis,
            "nomor": number,
            "tgl_rencana_kontrol": _validate.date_segment(
                tgl_rencana_kontrol, "tgl_rencana_kontrol"
            ),
        }
        result = await self._request("rencana_kontrol.list_poli", params, model=PoliKontrolList)
        return result.items

    async def list_jadwal_dokter(
        self, jns_kontrol: JnsKontrol | str, kode_poli: str, tgl_rencana_kontrol: DateLike
    ) -> list[JadwalDokter]:
        """Doctors practising in clinic ``kode_poli`` on a kontrol date."""
        params = {
            "jns_kontrol": _validate.code(JnsKontrol, jns_kontrol, "jns_kontrol"),
            "kode_poli": _validate.path_segment(kode_poli, "kode_poli"),
            "tgl_rencana_kontrol": _validate.date_segment(
                tgl_rencana_kontrol, "tgl_rencana_kontrol"
            ),
        }
        result = await self._request(
            "rencana_kontrol.list_jadwal_dokter", params, model=JadwalDokterList
        )
        return result.items


class _KontrolFields(TypedDict):
    no_sep: str
    kode_dokter: str
    poli_kontrol: str
    tgl_rencana_kontrol: str
    user: str


def _kontrol(
    no_sep: str, kode_dokter: str, poli_kontrol: str, tgl_rencana_kontrol: DateLike, user: str
) -> _KontrolFields:
    """The fields every surat kontrol insert and update carries, checked."""
    return {
        "no_sep": _validate.text(no_sep, "no_sep"),
        "kode_dokter": _validate.text(kode_dokter, "kode_dokter"),
        "poli_kontrol": _validate.text(poli_kontrol, "poli_kontrol"),
        "tgl_rencana_kontrol": _validate.body_date(tgl_rencana_kontrol, "tgl_rencana_kontrol"),
        "user": _validate.text(user, "user"),
    }
