"""``client.sep``: the SEP lifecycle, applications, discharge dates, fingerprints.

SEP applications (pengajuan) are submitted with :meth:`SepResource.pengajuan`, approved with
:meth:`SepResource.approval` and listed with :meth:`SepResource.list_pengajuan`. **Cancelling an
application has no BPJS endpoint**: the reference document's ``kunjungan/batalPengajuanSEP``
is a route of the SIMGOS middleware, which only marks its own database row as cancelled. No
public client calls BPJS to cancel one, so this client offers no such method; record a
cancellation in your own system, as SIMGOS does.
"""

from __future__ import annotations

import asyncio
import logging

from .. import _validate
from .._validate import DateLike
from ..errors import DecodeError, NotFoundError, OutcomeUnknownError, VClaimError
from ..models.enums import (
    AsalRujukan,
    AssesmentPel,
    Eksekutif,
    FlagProcedure,
    JnsPelayanan,
    JnsPengajuan,
    KdPenunjang,
    KlsRawatHak,
    KlsRawatNaik,
    LakaLantas,
    Pembiayaan,
    StatusPulang,
    Suplesi,
    TujuanKunj,
)
from ..models.monitoring import Kunjungan
from ..models.referensi import KodeNama
from ..models.sep import (
    ApprovalSepRequest,
    FingerPrint,
    FingerPrintList,
    FingerPrintStatus,
    InsertedSep,
    Jaminan,
    JaminanUpdate,
    KllInduk,
    KllIndukList,
    KlsRawat,
    LokasiLaka,
    PengajuanSep,
    PengajuanSepRequest,
    Penjamin,
    PersetujuanSep,
    PersetujuanSepList,
    PesertaSep,
    Poli,
    RandomAnswer,
    RandomAnswerRequest,
    RandomQuestionFaskesList,
    SepCob,
    SepDelete,
    SepDeleteRequest,
    SepDetail,
    SepInacbg,
    SepInsert,
    SepInsertRequest,
    SepInsertResult,
    SepInternal,
    SepInternalDelete,
    SepInternalDeleteRequest,
    SepInternalList,
    SepKatarak,
    SepRujukan,
    SepSuplesi,
    SepUpdate,
    SepUpdateRequest,
    Skdp,
    SuplesiJaminan,
    SuplesiJasaRaharjaList,
    TSep,
    UpdateTglPulang,
    UpdateTglPulangItem,
    UpdateTglPulangList,
    UpdateTglPulangRequest,
)
from ._base import Resource

__all__ = ["SepResource"]

logger = logging.getLogger("vclaim_async")

#: How many times a reconciled insert may be sent when each answer is lost and no SEP landed.
_RECONCILE_ROUNDS = 3


class SepResource(Resource):
    """SEP (Surat Eligibilitas Peserta) operations.

    The lifecycle is :meth:`insert` -> :meth:`get` -> :meth:`update` -> :meth:`inacbg` ->
    :meth:`delete`. Applications: :meth:`pengajuan` submits one, :meth:`approval` approves it,
    :meth:`list_pengajuan` lists them between two dates. There is no method to cancel an
    application because BPJS has no endpoint for it (see the module docstring).
    """

    __slots__ = ()

    # -- lifecycle ---------------------------------------------------------------------------

    async def insert(
        self,
        *,
        no_kartu: str,
        tgl_sep: DateLike,
        jns_pelayanan: JnsPelayanan | str,
        kls_rawat: KlsRawat | KlsRawatHak | str,
        no_mr: str,
        rujukan: SepRujukan,
        diag_awal: str,
        poli: Poli | str,
        no_telp: str,
        user: str,
        ppk_pelayanan: str | None = None,
        catatan: str = "",
        cob: bool = False,
        katarak: bool = False,
        jaminan: Jaminan | None = None,
        tujuan_kunj: TujuanKunj | str = TujuanKunj.NORMAL,
        flag_procedure: FlagProcedure | str | None = None,
        kd_penunjang: KdPenunjang | str | None = None,
        assesment_pel: AssesmentPel | str | None = None,
        skdp: Skdp | None = None,
        dpjp_layan: str = "",
        reconcile: bool = False,
    ) -> InsertedSep:
        """Issue an SEP (``POST SEP/2.0/insert``) and return it as BPJS issued it.

        A timeout, reset or 5xx after the request left raises
        :class:`~vclaim_async.errors.OutcomeUnknownError`: the SEP may exist. With
        ``reconcile=True`` the client settles it instead: it notes the participant's SEPs of
        that day before sending (one extra read), and after an unknown outcome it looks again
        (:meth:`find_issued`). One new SEP there is returned as the result; none means the
        insert never landed, so it is sent again (at most ``3`` rounds); more than one, or a
        failed look-up, re-raises the original error. This trusts BPJS's visit monitoring to
        list an SEP as soon as it is issued.

        ``ppk_pelayanan`` defaults to ``config.ppk_pelayanan`` (the hospital's BPJS code).
        ``kls_rawat`` may be a bare hak-kelas code when the patient does not move up a class;
        ``poli`` may be a bare clinic code for a non-executive clinic. ``flag_procedure`` and
        ``kd_penunjang`` are only for ``tujuan_kunj`` other than Normal. Everything is checked
        before sending; a write is never re-sent once it may have reached BPJS.
        """
        ppk = ppk_pelayanan if ppk_pelayanan is not None else self._client.config.ppk_pelayanan
        if ppk is None or not ppk.strip():
            raise ValueError("ppk_pelayanan is required: pass it or set VClaimConfig.ppk_pelayanan")
        tujuan = _validate.code(TujuanKunj, tujuan_kunj, "tujuan_kunj")
        flag = _validate.optional_code(FlagProcedure, flag_procedure, "flag_procedure")
        penunjang = _validate.optional_code(KdPenunjang, kd_penunjang, "kd_penunjang")
        if tujuan == TujuanKunj.NORMAL.value and (flag or penunjang):
            raise ValueError("flag_procedure and kd_penunjang must be empty when tujuan_kunj is 0")
        body = SepInsert(
            no_kartu=_validate.card_number(no_kartu),
            tgl_sep=_validate.body_date(tgl_sep, "tgl_sep"),
            ppk_pelayanan=_validate.text(ppk, "ppk_pelayanan"),
            jns_pelayanan=_validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
            kls_rawat=_kls_rawat(kls_rawat),
            no_mr=_validate.text(no_mr, "no_mr"),
            rujukan=_rujukan(rujukan),
            catatan=_validate.text(catatan, "catatan", required=False),
            diag_awal=_validate.text(diag_awal, "diag_awal"),
            poli=_poli(poli),
            cob=SepCob(cob=_validate.flag(cob, "cob")),
            katarak=SepKatarak(katarak=_validate.flag(katarak, "katarak")),
            jaminan=_jaminan(jaminan if jaminan is not None else Jaminan()),
            tujuan_kunj=tujuan,
            flag_procedure=flag,
            kd_penunjang=penunjang,
            assesment_pel=_validate.optional_code(AssesmentPel, assesment_pel, "assesment_pel"),
            skdp=skdp if skdp is not None else Skdp(),
            dpjp_layan=_validate.text(dpjp_layan, "dpjp_layan", required=False),
            no_telp=_validate.text(no_telp, "no_telp"),
            user=_validate.text(user, "user"),
        )
        request = SepInsertRequest(request=TSep(t_sep=body))
        if not reconcile:
            return await self._insert_once(request)
        return await self._insert_reconciled(request, body)

    async def _insert_once(self, request: SepInsertRequest) -> InsertedSep:
        result = await self._request("sep.insert", {}, model=SepInsertResult, body=request)
        if result.sep is None:
            raise DecodeError("SEP insert answer has no sep object", endpoint="sep.insert")
        return result.sep

    async def _insert_reconciled(self, request: SepInsertRequest, body: SepInsert) -> InsertedSep:
        card, day, jns = body.no_kartu, body.tgl_sep, body.jns_pelayanan
        before = {k.no_sep for k in await self.find_issued(card, day, jns)}
        last: OutcomeUnknownError | None = None
        for _ in range(_RECONCILE_ROUNDS):
            try:
                return await self._insert_once(request)
            except OutcomeUnknownError as unknown:
                try:
                    now = await self.find_issued(card, day, jns)
                except VClaimError:
                    raise unknown from None
                new = [k for k in now if k.no_sep and k.no_sep not in before]
                if len(new) > 1:
                    raise unknown
                if new:
                    logger.info("vclaim: SEP insert outcome settled: it had landed")
                    detail = await self.get(new[0].no_sep or "")
                    return _inserted_from_detail(detail)
                logger.info("vclaim: SEP insert outcome settled: it had not landed; sending again")
                last = unknown
        assert last is not None
        raise last

    async def find_issued(
        self, no_kartu: str, tgl_sep: DateLike, jns_pelayanan: JnsPelayanan | str
    ) -> list[Kunjungan]:
        """The SEPs this hospital issued to ``no_kartu`` on ``tgl_sep`` (visit monitoring).

        Use it before re-trying an insert whose outcome is unknown: a SEP listed here that was
        not there before the insert is the one that landed.
        """
        card = _validate.card_number(no_kartu)
        try:
            visits = await self._client.monitoring.kunjungan(tgl_sep, jns_pelayanan)
        except NotFoundError:
            return []  # BPJS answers "201" for a day with no visits
        return [visit for visit in visits if visit.no_kartu == card]

    async def get(self, no_sep: str) -> SepDetail:
        """The SEP numbered ``no_sep`` (``GET SEP/{noSep}``)."""
        params = {"no_sep": _validate.path_segment(no_sep, "no_sep")}
        return await self._request("sep.get", params, model=SepDetail)

    async def update(
        self,
        *,
        no_sep: str,
        kls_rawat: KlsRawat | KlsRawatHak | str,
        no_mr: str,
        diag_awal: str,
        poli: Poli | str,
        no_telp: str,
        user: str,
        catatan: str = "",
        cob: bool = False,
        katarak: bool = False,
        jaminan: JaminanUpdate | None = None,
        dpjp_layan: str = "",
    ) -> str:
        """Update an SEP (``PUT SEP/2.0/update``); BPJS answers with the noSep."""
        body = SepUpdate(
            no_sep=_validate.text(no_sep, "no_sep"),
            kls_rawat=_kls_rawat(kls_rawat),
            no_mr=_validate.text(no_mr, "no_mr"),
            catatan=_validate.text(catatan, "catatan", required=False),
            diag_awal=_validate.text(diag_awal, "diag_awal"),
            poli=_poli(poli),
            cob=SepCob(cob=_validate.flag(cob, "cob")),
            katarak=SepKatarak(katarak=_validate.flag(katarak, "katarak")),
            jaminan=_jaminan_update(jaminan if jaminan is not None else JaminanUpdate()),
            dpjp_layan=_validate.text(dpjp_layan, "dpjp_layan", required=False),
            no_telp=_validate.text(no_telp, "no_telp"),
            user=_validate.text(user, "user"),
        )
        request = SepUpdateRequest(request=TSep(t_sep=body))
        return await self._request("sep.update", {}, model=str, body=request)

    async def delete(self, no_sep: str, user: str) -> str:
        """Delete an SEP (``DELETE SEP/2.0/delete``, body included); answers the noSep.

        Deleting an SEP that does not exist (or no longer does) raises
        :class:`~vclaim_async.errors.NotFoundError`.
        """
        body = SepDelete(no_sep=_validate.text(no_sep, "no_sep"), user=_validate.text(user, "user"))
        request = SepDeleteRequest(request=TSep(t_sep=body))
        return await self._request("sep.delete", {}, model=str, body=request)

    async def inacbg(self, no_sep: str) -> PesertaSep:
        """The SEP as the INA-CBG grouper needs it (``GET sep/cbg/{noSep}``, unencrypted)."""
        params = {"no_sep": _validate.path_segment(no_sep, "no_sep")}
        result = await self._request("sep.inacbg", params, model=SepInacbg)
        if result.peserta_sep is None:
            raise DecodeError("INA-CBG answer has no pesertasep object", endpoint="sep.inacbg")
        return result.peserta_sep

    async def last_by_rujukan(self, no_rujukan: str) -> SepDetail:
        """The last SEP issued on referral ``no_rujukan``."""
        params = {"no_rujukan": _validate.path_segment(no_rujukan, "no_rujukan")}
        return await self._request("sep.last_by_rujukan", params, model=SepDetail)

    # -- accidents ---------------------------------------------------------------------------

    async def suplesi_jasa_raharja(
        self, no_kartu: str, tgl_pelayanan: DateLike
    ) -> list[SuplesiJaminan]:
        """Earlier accident SEPs this service could supplement (Jasa Raharja)."""
        params = {
            "no_kartu": _validate.card_number(no_kartu),
            "tgl_pelayanan": _validate.date_segment(tgl_pelayanan, "tgl_pelayanan"),
        }
        result = await self._request(
            "sep.suplesi_jasa_raharja", params, model=SuplesiJasaRaharjaList
        )
        return result.jaminan

    async def kll_induk(self, no_kartu: str) -> list[KllInduk]:
        """The participant's index traffic-accident SEPs."""
        params = {"no_kartu": _validate.card_number(no_kartu)}
        result = await self._request("sep.kll_induk", params, model=KllIndukList)
        return result.items

    # -- applications (pengajuan) ------------------------------------------------------------

    async def pengajuan(
        self,
        *,
        no_kartu: str,
        tgl_sep: DateLike,
        jns_pelayanan: JnsPelayanan | str,
        jns_pengajuan: JnsPengajuan | str,
        user: str,
        keterangan: str = "",
    ) -> str:
        """Apply for an SEP (``POST Sep/pengajuanSEP``): backdate or fingerprint exemption.

        BPJS answers with the noKartu. To cancel an application there is no BPJS endpoint.
        """
        body = _pengajuan(no_kartu, tgl_sep, jns_pelayanan, jns_pengajuan, user, keterangan)
        request = PengajuanSepRequest(request=TSep(t_sep=body))
        return await self._request("sep.pengajuan", {}, model=str, body=request)

    async def approval(
        self,
        *,
        no_kartu: str,
        tgl_sep: DateLike,
        jns_pelayanan: JnsPelayanan | str,
        jns_pengajuan: JnsPengajuan | str,
        user: str,
        keterangan: str = "",
    ) -> str:
        """Approve an SEP application (``POST Sep/aprovalSEP``); answers the noKartu.

        To cancel an application there is no BPJS endpoint.
        """
        body = _pengajuan(no_kartu, tgl_sep, jns_pelayanan, jns_pengajuan, user, keterangan)
        request = ApprovalSepRequest(request=TSep(t_sep=body))
        return await self._request("sep.approval", {}, model=str, body=request)

    async def list_persetujuan(self, bulan: int, tahun: int) -> list[PersetujuanSep]:
        """SEP applications of one month (``Sep/persetujuanSEP/list/bulan/{MM}/tahun/{YYYY}``)."""
        mm, yyyy = _validate.month(bulan, tahun, pad=True)
        result = await self._request(
            "sep.list_persetujuan", {"bulan": mm, "tahun": yyyy}, model=PersetujuanSepList
        )
        return result.items

    async def list_pengajuan(self, tgl_awal: DateLike, tgl_akhir: DateLike) -> list[PersetujuanSep]:
        """SEP applications whose SEP date lies between two dates, both included.

        BPJS lists applications per month only, so every month in the range is fetched
        concurrently (the client's concurrency cap still holds) and the rows are filtered by
        date. A month BPJS answers with "no data" (code 201) counts as empty; rows without a
        date cannot be placed and are left out. A reversed range raises :class:`ValueError`.
        """
        first, last = _validate.date_range(tgl_awal, tgl_akhir, "list_pengajuan")
        months = list(_validate.months_between(first, last))
        tasks = [asyncio.ensure_future(self._month_or_empty(y, m)) for y, m in months]
        try:
            per_month = await asyncio.gather(*tasks)
        except BaseException:
            # One month failed: stop the others rather than leave them running unobserved.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return [
            row
            for rows in per_month
            for row in rows
            if row.tgl_sep is not None and first <= row.tgl_sep <= last
        ]

    async def _month_or_empty(self, year: int, month: int) -> list[PersetujuanSep]:
        try:
            return await self.list_persetujuan(month, year)
        except NotFoundError:
            return []

    # -- discharge ---------------------------------------------------------------------------

    async def update_tgl_pulang(
        self,
        *,
        no_sep: str,
        status_pulang: StatusPulang | str,
        tgl_pulang: DateLike,
        user: str,
        no_surat_meninggal: str = "",
        tgl_meninggal: DateLike | None = None,
        no_lp_manual: str = "",
    ) -> None:
        """Record the discharge date (``PUT SEP/2.0/updtglplg``); BPJS answers null.

        ``no_surat_meninggal`` and ``tgl_meninggal`` are required when the status is
        Meninggal (4); ``no_lp_manual`` is the police report number of an accident SEP.
        """
        status = _validate.code(StatusPulang, status_pulang, "status_pulang")
        died = _validate.optional_body_date(tgl_meninggal, "tgl_meninggal")
        letter = _validate.text(no_surat_meninggal, "no_surat_meninggal", required=False)
        if status == StatusPulang.MENINGGAL.value and not (died and letter.strip()):
            raise ValueError("status_pulang 4 needs no_surat_meninggal and tgl_meninggal")
        body = UpdateTglPulang(
            no_sep=_validate.text(no_sep, "no_sep"),
            status_pulang=status,
            no_surat_meninggal=letter,
            tgl_meninggal=died,
            tgl_pulang=_validate.body_date(tgl_pulang, "tgl_pulang"),
            no_lp_manual=_validate.text(no_lp_manual, "no_lp_manual", required=False),
            user=_validate.text(user, "user"),
        )
        request = UpdateTglPulangRequest(request=TSep(t_sep=body))
        await self._request("sep.update_tgl_pulang", {}, model=str, body=request, nullable=True)

    async def list_tgl_pulang(
        self, bulan: int, tahun: int, *, filter_text: str = ""
    ) -> list[UpdateTglPulangItem]:
        """Discharge-date updates of a month, optionally narrowed by a free-text filter."""
        mm, yyyy = _validate.month(bulan, tahun, pad=True)
        # An empty filter leaves the last segment empty, as BPJS's catalog and JKN send it.
        text = (
            ""
            if filter_text == ""
            else _validate.path_segment(filter_text, "filter_text", spaces=True)
        )
        params = {"bulan": mm, "tahun": yyyy, "filter": text}
        result = await self._request("sep.list_tgl_pulang", params, model=UpdateTglPulangList)
        return result.items

    # -- internal referrals ------------------------------------------------------------------

    async def list_internal(self, no_sep: str) -> list[SepInternal]:
        """Internal referrals (SEP internal) made under SEP ``no_sep``."""
        params = {"no_sep": _validate.path_segment(no_sep, "no_sep")}
        result = await self._request("sep.list_internal", params, model=SepInternalList)
        return result.items

    async def delete_internal(
        self,
        *,
        no_sep: str,
        no_surat: str,
        tgl_rujukan_internal: DateLike,
        kd_poli_tuj: str,
        user: str,
    ) -> str:
        """Delete an internal referral (``DELETE SEP/Internal/delete``, answered plain)."""
        body = SepInternalDelete(
            no_sep=_validate.text(no_sep, "no_sep"),
            no_surat=_validate.text(no_surat, "no_surat"),
            tgl_rujukan_internal=_validate.body_date(tgl_rujukan_internal, "tgl_rujukan_internal"),
            kd_poli_tuj=_validate.text(kd_poli_tuj, "kd_poli_tuj"),
            user=_validate.text(user, "user"),
        )
        request = SepInternalDeleteRequest(request=TSep(t_sep=body))
        return await self._request("sep.delete_internal", {}, model=str, body=request)

    # -- fingerprints ------------------------------------------------------------------------

    async def finger_print(self, no_kartu: str, tgl_pelayanan: DateLike) -> FingerPrintStatus:
        """Whether the participant's fingerprint was validated on ``tgl_pelayanan``."""
        params = {
            "no_kartu": _validate.card_number(no_kartu),
            "tgl_pelayanan": _validate.date_segment(tgl_pelayanan, "tgl_pelayanan"),
        }
        return await self._request("sep.finger_print", params, model=FingerPrintStatus)

    async def list_finger_print(self, tgl_pelayanan: DateLike) -> list[FingerPrint]:
        """Participants whose fingerprint was validated on ``tgl_pelayanan``."""
        params = {"tgl_pelayanan": _validate.date_segment(tgl_pelayanan, "tgl_pelayanan")}
        result = await self._request("sep.list_finger_print", params, model=FingerPrintList)
        return result.items

    async def random_question(self, no_kartu: str, tgl_sep: DateLike) -> list[KodeNama]:
        """The FKTP choices of the random question (which one is the participant's?)."""
        params = {
            "no_kartu": _validate.card_number(no_kartu),
            "tgl_sep": _validate.date_segment(tgl_sep, "tgl_sep"),
        }
        result = await self._request("sep.random_question", params, model=RandomQuestionFaskesList)
        return result.faskes

    async def random_answer(
        self,
        *,
        no_kartu: str,
        tgl_sep: DateLike,
        jns_pelayanan: JnsPelayanan | str,
        tgl_lahir: DateLike,
        ppk_pst: str,
        user: str,
        ppk_pel_sep: str | None = None,
    ) -> bool:
        """Answer the random question; True when BPJS accepts the answer.

        ``ppk_pst`` is the participant's registered FKTP as chosen from :meth:`random_question`;
        ``ppk_pel_sep`` defaults to ``config.ppk_pelayanan``.
        """
        ppk = ppk_pel_sep if ppk_pel_sep is not None else self._client.config.ppk_pelayanan
        if ppk is None or not ppk.strip():
            raise ValueError("ppk_pel_sep is required: pass it or set VClaimConfig.ppk_pelayanan")
        body = RandomAnswer(
            no_kartu=_validate.card_number(no_kartu),
            tgl_sep=_validate.body_date(tgl_sep, "tgl_sep"),
            jen_pel=_validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
            ppk_pel_sep=ppk,
            tgl_lahir=_validate.body_date(tgl_lahir, "tgl_lahir"),
            ppk_pst=_validate.text(ppk_pst, "ppk_pst"),
            user=_validate.text(user, "user"),
        )
        request = RandomAnswerRequest(request=TSep(t_sep=body))
        answer = await self._request("sep.random_answer", {}, model=str, body=request)
        verdict = answer.strip().lower()
        if verdict not in ("true", "false"):
            raise DecodeError(
                "random answer is neither True nor False", endpoint="sep.random_answer"
            )
        return verdict == "true"


# ----------------------------------------------------------------------------------------------
# Body parts, checked


def _inserted_from_detail(detail: SepDetail) -> InsertedSep:
    """The insert's answer rebuilt from the landed SEP's detail, for a reconciled insert."""
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


def _kls_rawat(value: KlsRawat | KlsRawatHak | str) -> KlsRawat:
    if not isinstance(value, KlsRawat):
        return KlsRawat(kls_rawat_hak=_validate.code(KlsRawatHak, value, "kls_rawat"))
    naik = _validate.optional_code(KlsRawatNaik, value.kls_rawat_naik, "kls_rawat.kls_rawat_naik")
    pembiayaan = _validate.optional_code(Pembiayaan, value.pembiayaan, "kls_rawat.pembiayaan")
    if naik and not (pembiayaan and value.penanggung_jawab.strip()):
        raise ValueError("moving up a class needs kls_rawat.pembiayaan and penanggung_jawab")
    return KlsRawat(
        kls_rawat_hak=_validate.code(KlsRawatHak, value.kls_rawat_hak, "kls_rawat.kls_rawat_hak"),
        kls_rawat_naik=naik,
        pembiayaan=pembiayaan,
        penanggung_jawab=value.penanggung_jawab,
    )


def _rujukan(value: SepRujukan) -> SepRujukan:
    if not isinstance(value, SepRujukan):
        raise TypeError(f"rujukan must be a SepRujukan, got {type(value).__name__}")
    return SepRujukan(
        asal_rujukan=_validate.code(AsalRujukan, value.asal_rujukan, "rujukan.asal_rujukan"),
        tgl_rujukan=_validate.optional_body_date(value.tgl_rujukan, "rujukan.tgl_rujukan"),
        no_rujukan=_validate.text(value.no_rujukan, "rujukan.no_rujukan", required=False),
        ppk_rujukan=_validate.text(value.ppk_rujukan, "rujukan.ppk_rujukan", required=False),
    )


def _poli(value: Poli | str) -> Poli:
    if isinstance(value, str):
        return Poli(tujuan=value)
    if not isinstance(value, Poli):
        raise TypeError(f"poli must be a Poli or a clinic code, got {type(value).__name__}")
    return Poli(
        tujuan=value.tujuan, eksekutif=_validate.code(Eksekutif, value.eksekutif, "poli.eksekutif")
    )


def _penjamin(value: Penjamin) -> Penjamin:
    suplesi = value.suplesi
    return Penjamin(
        tgl_kejadian=_validate.optional_body_date(
            value.tgl_kejadian, "jaminan.penjamin.tgl_kejadian"
        ),
        keterangan=value.keterangan,
        suplesi=SepSuplesi(
            suplesi=_validate.code(Suplesi, suplesi.suplesi, "jaminan.penjamin.suplesi.suplesi"),
            no_sep_suplesi=suplesi.no_sep_suplesi,
            lokasi_laka=LokasiLaka(
                kd_propinsi=suplesi.lokasi_laka.kd_propinsi,
                kd_kabupaten=suplesi.lokasi_laka.kd_kabupaten,
                kd_kecamatan=suplesi.lokasi_laka.kd_kecamatan,
            ),
        ),
    )


def _check_accident(laka: str, penjamin: Penjamin) -> None:
    if laka != LakaLantas.BKLL.value and not penjamin.tgl_kejadian:
        raise ValueError("an accident SEP (laka_lantas 1-3) needs jaminan.penjamin.tgl_kejadian")


def _jaminan(value: Jaminan) -> Jaminan:
    if not isinstance(value, Jaminan):
        raise TypeError(f"jaminan must be a Jaminan, got {type(value).__name__}")
    laka = _validate.code(LakaLantas, value.laka_lantas, "jaminan.laka_lantas")
    penjamin = _penjamin(value.penjamin)
    _check_accident(laka, penjamin)
    return Jaminan(laka_lantas=laka, no_lp=value.no_lp, penjamin=penjamin)


def _jaminan_update(value: JaminanUpdate) -> JaminanUpdate:
    if not isinstance(value, JaminanUpdate):
        raise TypeError(f"jaminan must be a JaminanUpdate, got {type(value).__name__}")
    laka = _validate.code(LakaLantas, value.laka_lantas, "jaminan.laka_lantas")
    penjamin = _penjamin(value.penjamin)
    _check_accident(laka, penjamin)
    return JaminanUpdate(laka_lantas=laka, penjamin=penjamin)


def _pengajuan(
    no_kartu: str,
    tgl_sep: DateLike,
    jns_pelayanan: JnsPelayanan | str,
    jns_pengajuan: JnsPengajuan | str,
    user: str,
    keterangan: str,
) -> PengajuanSep:
    return PengajuanSep(
        no_kartu=_validate.card_number(no_kartu),
        tgl_sep=_validate.body_date(tgl_sep, "tgl_sep"),
        jns_pelayanan=_validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
        jns_pengajuan=_validate.code(JnsPengajuan, jns_pengajuan, "jns_pengajuan"),
        keterangan=_validate.text(keterangan, "keterangan", required=False),
        user=_validate.text(user, "user"),
    )
