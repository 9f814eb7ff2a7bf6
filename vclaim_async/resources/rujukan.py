"""``client.rujukan``: incoming referrals, outgoing referrals, special referrals."""

from __future__ import annotations

from collections.abc import Sequence

from .. import _validate
from .._validate import DateLike
from ..errors import DecodeError
from ..models.enums import AsalRujukan, JnsPelayanan, TipeRujukan
from ..models.rujukan import (
    JumlahSep,
    KodeRujukan,
    Rujukan,
    RujukanCreated,
    RujukanDelete,
    RujukanDeleteRequest,
    RujukanInsert,
    RujukanInsertRequest,
    RujukanInsertResult,
    RujukanKeluar,
    RujukanKeluarItem,
    RujukanKeluarList,
    RujukanKeluarResult,
    RujukanKhusus,
    RujukanKhususDelete,
    RujukanKhususDeleteRequest,
    RujukanKhususInsertRequest,
    RujukanKhususList,
    RujukanKhususResult,
    RujukanList,
    RujukanResult,
    RujukanUpdate,
    RujukanUpdateRequest,
    SaranaRujukan,
    SaranaRujukanList,
    SpesialistikRujukan,
    SpesialistikRujukanList,
    TRujukan,
)
from ._base import Resource

__all__ = ["RujukanResource"]


class RujukanResource(Resource):
    """Referrals (Rujukan).

    Incoming referrals come from an FKTP (``get``, ``by_card``, ``list_by_card``) or from
    another hospital (``get_rs``, ``get_rs_by_card``, ``list_rs_by_card``). Outgoing ones are
    written with :meth:`insert`, :meth:`update` and :meth:`delete` and read back with
    :meth:`get_keluar` and :meth:`list_keluar`.
    """

    __slots__ = ()

    # -- incoming ----------------------------------------------------------------------------

    async def get(self, no_rujukan: str) -> Rujukan:
        """An FKTP (primary care) referral by its number."""
        return await self._one("rujukan.get", {"no_rujukan": _no(no_rujukan)})

    async def get_rs(self, no_rujukan: str) -> Rujukan:
        """A referral from another hospital (FKRTL) by its number."""
        return await self._one("rujukan.get_rs", {"no_rujukan": _no(no_rujukan)})

    async def by_card(self, no_kartu: str) -> Rujukan:
        """The participant's latest FKTP referral."""
        params = {"no_kartu": _validate.card_number(no_kartu)}
        return await self._one("rujukan.by_card", params)

    async def get_rs_by_card(self, no_kartu: str) -> Rujukan:
        """The participant's latest referral from another hospital."""
        params = {"no_kartu": _validate.card_number(no_kartu)}
        return await self._one("rujukan.get_rs_by_card", params)

    async def list_by_card(self, no_kartu: str) -> list[Rujukan]:
        """All of the participant's FKTP referrals."""
        params = {"no_kartu": _validate.card_number(no_kartu)}
        result = await self._request("rujukan.list_by_card", params, model=RujukanList)
        return result.rujukan

    async def list_rs_by_card(self, no_kartu: str) -> list[Rujukan]:
        """All of the participant's referrals from other hospitals."""
        params = {"no_kartu": _validate.card_number(no_kartu)}
        result = await self._request("rujukan.list_rs_by_card", params, model=RujukanList)
        return result.rujukan

    async def _one(self, name: str, params: dict[str, str]) -> Rujukan:
        result = await self._request(name, params, model=RujukanResult)
        if result.rujukan is None:
            raise DecodeError("answer has no rujukan object", endpoint=name)
        return result.rujukan

    # -- outgoing ----------------------------------------------------------------------------

    async def insert(
        self,
        *,
        no_sep: str,
        tgl_rujukan: DateLike,
        tgl_rencana_kunjungan: DateLike,
        ppk_dirujuk: str,
        jns_pelayanan: JnsPelayanan | str,
        diag_rujukan: str,
        tipe_rujukan: TipeRujukan | str,
        user: str,
        poli_rujukan: str = "",
        catatan: str = "",
    ) -> RujukanCreated | None:
        """Refer a patient out (catalog ``rujukan.insert``).

        Returns the referral BPJS created; a partial referral (tipe 1) is answered with null,
        which comes back as ``None``. ``poli_rujukan`` stays empty for a rujuk balik (tipe 2).
        """
        tipe = _validate.code(TipeRujukan, tipe_rujukan, "tipe_rujukan")
        body = RujukanInsert(
            no_sep=_validate.text(no_sep, "no_sep"),
            tgl_rujukan=_validate.body_date(tgl_rujukan, "tgl_rujukan"),
            tgl_rencana_kunjungan=_validate.body_date(
                tgl_rencana_kunjungan, "tgl_rencana_kunjungan"
            ),
            ppk_dirujuk=_validate.text(ppk_dirujuk, "ppk_dirujuk"),
            jns_pelayanan=_validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
            catatan=_validate.text(catatan, "catatan", required=False),
            diag_rujukan=_validate.text(diag_rujukan, "diag_rujukan"),
            tipe_rujukan=tipe,
            poli_rujukan=_poli_rujukan(poli_rujukan, tipe),
            user=_validate.text(user, "user"),
        )
        request = RujukanInsertRequest(request=TRujukan(t_rujukan=body))
        result = await self._request(
            "rujukan.insert", {}, model=RujukanInsertResult, body=request, nullable=True
        )
        return None if result is None else result.rujukan

    async def update(
        self,
        *,
        no_rujukan: str,
        tgl_rujukan: DateLike,
        tgl_rencana_kunjungan: DateLike,
        ppk_dirujuk: str,
        jns_pelayanan: JnsPelayanan | str,
        diag_rujukan: str,
        tipe_rujukan: TipeRujukan | str,
        user: str,
        poli_rujukan: str = "",
        catatan: str = "",
    ) -> str:
        """Update an outgoing referral (catalog ``rujukan.update``); answers the noRujukan."""
        tipe = _validate.code(TipeRujukan, tipe_rujukan, "tipe_rujukan")
        body = RujukanUpdate(
            no_rujukan=_validate.text(no_rujukan, "no_rujukan"),
            tgl_rujukan=_validate.body_date(tgl_rujukan, "tgl_rujukan"),
            tgl_rencana_kunjungan=_validate.body_date(
                tgl_rencana_kunjungan, "tgl_rencana_kunjungan"
            ),
            ppk_dirujuk=_validate.text(ppk_dirujuk, "ppk_dirujuk"),
            jns_pelayanan=_validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
            catatan=_validate.text(catatan, "catatan", required=False),
            diag_rujukan=_validate.text(diag_rujukan, "diag_rujukan"),
            tipe_rujukan=tipe,
            poli_rujukan=_poli_rujukan(poli_rujukan, tipe),
            user=_validate.text(user, "user"),
        )
        request = RujukanUpdateRequest(request=TRujukan(t_rujukan=body))
        return await self._request("rujukan.update", {}, model=str, body=request)

    async def delete(self, no_rujukan: str, user: str) -> str:
        """Delete an outgoing referral (catalog ``rujukan.delete``); answers the noRujukan."""
        body = RujukanDelete(
            no_rujukan=_validate.text(no_rujukan, "no_rujukan"), user=_validate.text(user, "user")
        )
        request = RujukanDeleteRequest(request=TRujukan(t_rujukan=body))
        return await self._request("rujukan.delete", {}, model=str, body=request)

    async def list_keluar(
        self, tgl_mulai: DateLike, tgl_akhir: DateLike
    ) -> list[RujukanKeluarItem]:
        """Outgoing referrals made between two dates (both included)."""
        first, last = _validate.date_range(tgl_mulai, tgl_akhir, "list_keluar")
        params = {"tgl_mulai": first.isoformat(), "tgl_akhir": last.isoformat()}
        result = await self._request("rujukan.list_keluar", params, model=RujukanKeluarList)
        return result.items

    async def get_keluar(self, no_rujukan: str) -> RujukanKeluar:
        """One outgoing referral in detail."""
        params = {"no_rujukan": _no(no_rujukan)}
        result = await self._request("rujukan.get_keluar", params, model=RujukanKeluarResult)
        if result.rujukan is None:
            raise DecodeError("answer has no rujukan object", endpoint="rujukan.get_keluar")
        return result.rujukan

    async def get_jumlah_sep(self, jenis_rujukan: AsalRujukan | str, no_rujukan: str) -> int:
        """How many SEPs have been issued on a referral (jenis 1 = FKTP, 2 = hospital)."""
        params = {
            "jenis_rujukan": _validate.code(AsalRujukan, jenis_rujukan, "jenis_rujukan"),
            "no_rujukan": _no(no_rujukan),
        }
        result = await self._request("rujukan.get_jumlah_sep", params, model=JumlahSep)
        value = result.jumlah_sep
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise DecodeError("jumlahSEP is not a whole number", endpoint="rujukan.get_jumlah_sep")

    # -- special referrals (rujukan khusus) --------------------------------------------------

    async def insert_khusus(
        self,
        *,
        no_rujukan: str,
        diagnosa: Sequence[str],
        user: str,
        procedure: Sequence[str] = (),
    ) -> RujukanKhusus:
        """Register a special referral (catalog ``rujukan.insert_khusus``, body not wrapped).

        ``diagnosa`` codes are written ``"P;<icd>"`` for the primary diagnosis and
        ``"S;<icd>"`` for secondary ones.
        """
        if isinstance(diagnosa, str) or isinstance(procedure, str):
            raise TypeError("diagnosa and procedure must be sequences of codes, not one str")
        codes = [_validate.text(c, "diagnosa code") for c in diagnosa]
        if not codes:
            raise ValueError("diagnosa must name at least one code")
        request = RujukanKhususInsertRequest(
            no_rujukan=_validate.text(no_rujukan, "no_rujukan"),
            diagnosa=[KodeRujukan(kode=c) for c in codes],
            procedure=[KodeRujukan(kode=_validate.text(c, "procedure code")) for c in procedure],
            user=_validate.text(user, "user"),
        )
        result = await self._request(
            "rujukan.insert_khusus", {}, model=RujukanKhususResult, body=request
        )
        if result.rujukan is None:
            raise DecodeError("answer has no rujukan object", endpoint="rujukan.insert_khusus")
        return result.rujukan

    async def delete_khusus(self, *, id_rujukan: str, no_rujukan: str, user: str) -> str:
        """Delete a special referral (catalog ``rujukan.delete_khusus``); answers a plain string."""
        body = RujukanKhususDelete(
            id_rujukan=_validate.text(id_rujukan, "id_rujukan"),
            no_rujukan=_validate.text(no_rujukan, "no_rujukan"),
            user=_validate.text(user, "user"),
        )
        request = RujukanKhususDeleteRequest(request=TRujukan(t_rujukan=body))
        return await self._request("rujukan.delete_khusus", {}, model=str, body=request)

    async def list_khusus(self, bulan: int, tahun: int) -> list[RujukanKhusus]:
        """Special referrals of a month (catalog ``rujukan.list_khusus``; the month unpadded)."""
        mm, yyyy = _validate.month(bulan, tahun, pad=False)
        params = {"bulan": mm, "tahun": yyyy}
        result = await self._request("rujukan.list_khusus", params, model=RujukanKhususList)
        return result.rujukan

    # -- referral targets --------------------------------------------------------------------

    async def list_spesialistik(
        self, kode_ppk: str, tgl_rujukan: DateLike
    ) -> list[SpesialistikRujukan]:
        """Specialties of the facility ``kode_ppk`` with their capacity on a date."""
        params = {
            "kode_ppk": _validate.path_segment(kode_ppk, "kode_ppk"),
            "tgl_rujukan": _validate.date_segment(tgl_rujukan, "tgl_rujukan"),
        }
        result = await self._request(
            "rujukan.list_spesialistik", params, model=SpesialistikRujukanList
        )
        return result.items

    async def list_sarana(self, kode_ppk: str) -> list[SaranaRujukan]:
        """Facilities (sarana) of the facility ``kode_ppk``."""
        params = {"kode_ppk": _validate.path_segment(kode_ppk, "kode_ppk")}
        result = await self._request("rujukan.list_sarana", params, model=SaranaRujukanList)
        return result.items


def _no(value: str) -> str:
    return _validate.path_segment(value, "no_rujukan")


def _poli_rujukan(value: str, tipe: str) -> str:
    poli = _validate.text(value, "poli_rujukan", required=False)
    if tipe == TipeRujukan.BALIK_PRB.value and poli:
        raise ValueError("poli_rujukan must be empty for a rujuk balik (tipe_rujukan 2)")
    return poli
