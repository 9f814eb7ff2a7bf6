"""``client.sep``: the SEP lifecycle, applications, discharge dates, fingerprints.

SEP applications (pengajuan) are submitted with :meth:`SepResource.insert_pengajuan`,
approved with :meth:`SepResource.insert_persetujuan` and listed with
:meth:`SepResource.list_pengajuan`. **Cancelling an application has no BPJS endpoint**: the
reference document's ``kunjungan/batalPengajuanSEP`` is a route of the SIMGOS middleware,
which only marks its own database row as cancelled. No public client calls BPJS to cancel one,
so this client offers no such method; record a cancellation in your own system, as SIMGOS does.
"""

from __future__ import annotations

import asyncio

from .. import _reconcile, _validate
from .._validate import DateLike
from ..errors import DecodeError, NotFoundError
from ..models.enums import (
    AssesmentPel,
    FlagProcedure,
    JnsPelayanan,
    JnsPengajuan,
    KdPenunjang,
    KlsRawatHak,
    StatusPulang,
    TujuanKunj,
)
from ..models.monitoring import HistoriPelayanan
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
    LandedSeps,
    PengajuanSep,
    PengajuanSepRequest,
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


class SepResource(Resource):
    """SEP (Surat Eligibilitas Peserta) operations.

    The lifecycle is :meth:`insert` -> :meth:`get` -> :meth:`update` -> :meth:`get_inacbg` ->
    :meth:`delete`. Applications: :meth:`insert_pengajuan` submits one,
    :meth:`insert_persetujuan` approves it, :meth:`list_pengajuan` lists them between two
    dates. There is no method to cancel an application because BPJS has no endpoint for it
    (see the module docstring).
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
        kode_penunjang: KdPenunjang | str | None = None,
        assesment_pel: AssesmentPel | str | None = None,
        skdp: Skdp | None = None,
        dpjp_layan: str = "",
        reconcile: bool = False,
        settle: float | None = None,
    ) -> InsertedSep:
        """Issue an SEP (catalog ``sep.insert``) and return it as BPJS issued it.

        A timeout, reset or 5xx after the request left raises
        :class:`~vclaim_async.errors.OutcomeUnknownError`: the SEP may exist. With
        ``reconcile=True`` the client settles it instead, and never reads before the insert:
        with answers arriving normally it costs no extra request. After a lost answer it reads
        that participant's service history for that day, at once and again across a settle
        window counted from when the lost attempt was sent (``settle`` seconds; default the
        attempt timeout + 5 s for a late write + 10 s for a lagging history), and matches the
        request's own card, date, service type, referral and clinic, tolerantly
        (:mod:`vclaim_async._reconcile` explains the rule). A match is returned as the result
        (one more read: the SEP itself). Only a history read after the window that shows no
        row that could be this visit proves the insert never landed; then it is sent again
        (at most 3 sends). Anything else raises OutcomeUnknownError: with ``.candidates``
        when rows could be this visit, with ``.landed`` when the SEP landed but could not be
        read back; docs/writing-seps.md lists every outcome and what to do.

        ``ppk_pelayanan`` defaults to ``config.ppk_pelayanan`` (the hospital's BPJS code).
        ``kls_rawat`` may be a bare hak-kelas code when the patient does not move up a class;
        ``poli`` may be a bare clinic code for a non-executive clinic. ``flag_procedure`` and
        ``kode_penunjang`` are only for ``tujuan_kunj`` other than Normal. Everything is checked
        before sending; a write is never re-sent once it may have reached BPJS.
        """
        ppk = ppk_pelayanan if ppk_pelayanan is not None else self._client.config.ppk_pelayanan
        if ppk is None or not ppk.strip():
            raise ValueError("ppk_pelayanan is required: pass it or set VClaimConfig.ppk_pelayanan")
        tujuan = _validate.code(TujuanKunj, tujuan_kunj, "tujuan_kunj")
        flag = _validate.optional_code(FlagProcedure, flag_procedure, "flag_procedure")
        penunjang = _validate.optional_code(KdPenunjang, kode_penunjang, "kode_penunjang")
        if tujuan == TujuanKunj.NORMAL.value and (flag or penunjang):
            raise ValueError(
                "flag_procedure and kode_penunjang must be empty when tujuan_kunj is 0"
            )
        body = SepInsert(
            no_kartu=_validate.card_number(no_kartu),
            tgl_sep=_validate.body_date(tgl_sep, "tgl_sep"),
            ppk_pelayanan=_validate.text(ppk, "ppk_pelayanan"),
            jns_pelayanan=_validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
            kls_rawat=_kls_rawat(kls_rawat),
            no_mr=_validate.text(no_mr, "no_mr"),
            rujukan=rujukan,
            catatan=_validate.text(catatan, "catatan", required=False),
            diag_awal=_validate.text(diag_awal, "diag_awal"),
            poli=_poli(poli),
            cob=SepCob(cob=_validate.flag(cob, "cob")),
            katarak=SepKatarak(katarak=_validate.flag(katarak, "katarak")),
            jaminan=jaminan if jaminan is not None else Jaminan(),
            tujuan_kunj=tujuan,
            flag_procedure=flag,
            kode_penunjang=penunjang,
            assesment_pel=_validate.optional_code(AssesmentPel, assesment_pel, "assesment_pel"),
            skdp=skdp if skdp is not None else Skdp(),
            dpjp_layan=_validate.text(dpjp_layan, "dpjp_layan", required=False),
            no_telp=_validate.text(no_telp, "no_telp"),
            user=_validate.text(user, "user"),
        )
        request = SepInsertRequest(request=TSep(t_sep=body))

        async def send() -> InsertedSep:
            result = await self._request("sep.insert", {}, model=SepInsertResult, body=request)
            if result.sep is None:
                raise DecodeError("SEP insert answer has no sep object", endpoint="sep.insert")
            return result.sep

        if settle is not None and not reconcile:
            raise ValueError("settle applies only with reconcile=True")
        if not reconcile:
            return await send()
        client = self._client
        window = self.settle_window if settle is None else settle
        plan = _reconcile.Settle(window=window, clock=client.monotonic, sleep=client.sleep)
        return await _reconcile.reconciled(send, self._history, self.get, body, plan)

    @property
    def settle_window(self) -> float:
        """The default settle window of this client's reconciled inserts, in seconds.

        The attempt timeout plus 5 s for a write BPJS performs late plus 10 s for a history
        that shows a new SEP late (:data:`vclaim_async._reconcile.LATE_WRITE_ALLOWANCE`,
        :data:`~vclaim_async._reconcile.HISTORY_LAG_ALLOWANCE`).
        """
        return _reconcile.default_settle(self._client.config.timeout)

    async def list_landed(
        self,
        *,
        no_kartu: str,
        tgl_sep: DateLike,
        jns_pelayanan: JnsPelayanan | str,
        poli: Poli | str,
        no_rujukan: str,
    ) -> list[str]:
        """The numbers of SEPs already issued for this visit (one read of the history).

        A visit is the participant's card, the SEP date, the service type, the clinic and the
        referral, matched tolerantly as :mod:`vclaim_async._reconcile` explains. An empty list
        means no SEP matches; before sending a job again whose earlier delivery may have
        issued its SEP, prefer :meth:`get_landed`, which also returns the rows that could be
        this visit (another referral or clinic spelling) and so must block a re-send.
        """
        found = await self.get_landed(
            no_kartu=no_kartu,
            tgl_sep=tgl_sep,
            jns_pelayanan=jns_pelayanan,
            poli=poli,
            no_rujukan=no_rujukan,
        )
        return list(found.matches)

    async def get_landed(
        self,
        *,
        no_kartu: str,
        tgl_sep: DateLike,
        jns_pelayanan: JnsPelayanan | str,
        poli: Poli | str,
        no_rujukan: str,
        settle: float | None = None,
    ) -> LandedSeps:
        """This visit's SEPs (``.matches``) and rows that could be it (``.candidates``).

        One read of the participant's history, classified by the rule of a reconciled insert;
        with ``settle`` (seconds), the history is read again across that window from now and
        the answer comes as soon as a match shows, so a SEP issued moments ago by a crashed
        worker and not yet in the lagging history is still found. Send a job again only when
        both are empty; one match is its SEP; anything else goes to a person.
        """
        visit = _reconcile.Visit(
            no_kartu=_validate.card_number(no_kartu),
            tgl_sep=_validate.body_date(tgl_sep, "tgl_sep"),
            jns_pelayanan=_validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
            poli=_poli(poli).tujuan,
            no_rujukan=_validate.text(no_rujukan, "no_rujukan", required=False),
        )
        if settle is None:
            return await _reconcile.read(self._history, visit)
        client = self._client
        plan = _reconcile.Settle(window=settle, clock=client.monotonic, sleep=client.sleep)
        return await _reconcile.watch(self._history, visit, plan)

    async def _history(self, no_kartu: str, day: str) -> list[HistoriPelayanan]:
        return await self._client.monitoring.list_histori_pelayanan(no_kartu, day, day)

    async def get(self, no_sep: str) -> SepDetail:
        """The SEP numbered ``no_sep`` (catalog ``sep.get``)."""
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
        """Update an SEP (catalog ``sep.update``); BPJS answers with the noSep."""
        body = SepUpdate(
            no_sep=_validate.text(no_sep, "no_sep"),
            kls_rawat=_kls_rawat(kls_rawat),
            no_mr=_validate.text(no_mr, "no_mr"),
            catatan=_validate.text(catatan, "catatan", required=False),
            diag_awal=_validate.text(diag_awal, "diag_awal"),
            poli=_poli(poli),
            cob=SepCob(cob=_validate.flag(cob, "cob")),
            katarak=SepKatarak(katarak=_validate.flag(katarak, "katarak")),
            jaminan=jaminan if jaminan is not None else JaminanUpdate(),
            dpjp_layan=_validate.text(dpjp_layan, "dpjp_layan", required=False),
            no_telp=_validate.text(no_telp, "no_telp"),
            user=_validate.text(user, "user"),
        )
        request = SepUpdateRequest(request=TSep(t_sep=body))
        return await self._request("sep.update", {}, model=str, body=request)

    async def delete(self, no_sep: str, user: str) -> str:
        """Delete an SEP (catalog ``sep.delete``, body included); answers the noSep.

        Deleting an SEP that does not exist (or no longer does) raises
        :class:`~vclaim_async.errors.NotFoundError`.
        """
        body = SepDelete(no_sep=_validate.text(no_sep, "no_sep"), user=_validate.text(user, "user"))
        request = SepDeleteRequest(request=TSep(t_sep=body))
        return await self._request("sep.delete", {}, model=str, body=request)

    async def get_inacbg(self, no_sep: str) -> PesertaSep:
        """The SEP as the INA-CBG grouper needs it (catalog ``sep.get_inacbg``, unencrypted)."""
        params = {"no_sep": _validate.path_segment(no_sep, "no_sep")}
        result = await self._request("sep.get_inacbg", params, model=SepInacbg)
        if result.peserta_sep is None:
            raise DecodeError("INA-CBG answer has no pesertasep object", endpoint="sep.get_inacbg")
        return result.peserta_sep

    async def get_last_by_rujukan(self, no_rujukan: str) -> SepDetail:
        """The last SEP issued on referral ``no_rujukan``."""
        params = {"no_rujukan": _validate.path_segment(no_rujukan, "no_rujukan")}
        return await self._request("sep.get_last_by_rujukan", params, model=SepDetail)

    # -- accidents ---------------------------------------------------------------------------

    async def list_suplesi_jasa_raharja(
        self, no_kartu: str, tgl_pelayanan: DateLike
    ) -> list[SuplesiJaminan]:
        """Earlier accident SEPs this service could supplement (Jasa Raharja)."""
        params = {
            "no_kartu": _validate.card_number(no_kartu),
            "tgl_pelayanan": _validate.date_segment(tgl_pelayanan, "tgl_pelayanan"),
        }
        result = await self._request(
            "sep.list_suplesi_jasa_raharja", params, model=SuplesiJasaRaharjaList
        )
        return result.jaminan

    async def list_kll_induk(self, no_kartu: str) -> list[KllInduk]:
        """The participant's index traffic-accident SEPs."""
        params = {"no_kartu": _validate.card_number(no_kartu)}
        result = await self._request("sep.list_kll_induk", params, model=KllIndukList)
        return result.items

    # -- applications (pengajuan) ------------------------------------------------------------

    async def insert_pengajuan(
        self,
        *,
        no_kartu: str,
        tgl_sep: DateLike,
        jns_pelayanan: JnsPelayanan | str,
        jns_pengajuan: JnsPengajuan | str,
        user: str,
        keterangan: str = "",
    ) -> str:
        """Apply for an SEP (catalog ``sep.insert_pengajuan``): backdate or fingerprint exemption.

        BPJS answers with the noKartu. To cancel an application there is no BPJS endpoint.
        """
        body = _pengajuan(no_kartu, tgl_sep, jns_pelayanan, jns_pengajuan, user, keterangan)
        request = PengajuanSepRequest(request=TSep(t_sep=body))
        return await self._request("sep.insert_pengajuan", {}, model=str, body=request)

    async def insert_persetujuan(
        self,
        *,
        no_kartu: str,
        tgl_sep: DateLike,
        jns_pelayanan: JnsPelayanan | str,
        jns_pengajuan: JnsPengajuan | str = JnsPengajuan.BACKDATE,
        user: str,
        keterangan: str = "",
    ) -> str:
        """Approve an SEP application (catalog ``sep.insert_persetujuan``); answers the noKartu.

        ``jns_pengajuan`` defaults to ``"1"`` (backdate), as the catalog says BPJS does when the
        field is left out; it is always sent. To cancel an application there is no BPJS
        endpoint.
        """
        body = _pengajuan(no_kartu, tgl_sep, jns_pelayanan, jns_pengajuan, user, keterangan)
        request = ApprovalSepRequest(request=TSep(t_sep=body))
        return await self._request("sep.insert_persetujuan", {}, model=str, body=request)

    async def list_persetujuan(self, bulan: int, tahun: int) -> list[PersetujuanSep]:
        """SEP applications of one month (catalog ``sep.list_persetujuan``)."""
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
        """Record the discharge date (catalog ``sep.update_tgl_pulang``); BPJS answers null.

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
        params = {"bulan": mm, "tahun": yyyy, "filter_text": text}
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
        kode_poli_tujuan: str,
        user: str,
    ) -> str:
        """Delete an internal referral (catalog ``sep.delete_internal``, answered plain)."""
        body = SepInternalDelete(
            no_sep=_validate.text(no_sep, "no_sep"),
            no_surat=_validate.text(no_surat, "no_surat"),
            tgl_rujukan_internal=_validate.body_date(tgl_rujukan_internal, "tgl_rujukan_internal"),
            kode_poli_tujuan=_validate.text(kode_poli_tujuan, "kode_poli_tujuan"),
            user=_validate.text(user, "user"),
        )
        request = SepInternalDeleteRequest(request=TSep(t_sep=body))
        return await self._request("sep.delete_internal", {}, model=str, body=request)

    # -- fingerprints ------------------------------------------------------------------------

    async def get_finger_print(self, no_kartu: str, tgl_pelayanan: DateLike) -> FingerPrintStatus:
        """Whether the participant's fingerprint was validated on ``tgl_pelayanan``."""
        params = {
            "no_kartu": _validate.card_number(no_kartu),
            "tgl_pelayanan": _validate.date_segment(tgl_pelayanan, "tgl_pelayanan"),
        }
        return await self._request("sep.get_finger_print", params, model=FingerPrintStatus)

    async def list_finger_print(self, tgl_pelayanan: DateLike) -> list[FingerPrint]:
        """Participants whose fingerprint was validated on ``tgl_pelayanan``."""
        params = {"tgl_pelayanan": _validate.date_segment(tgl_pelayanan, "tgl_pelayanan")}
        result = await self._request("sep.list_finger_print", params, model=FingerPrintList)
        return result.items

    async def get_random_question(self, no_kartu: str, tgl_sep: DateLike) -> list[KodeNama]:
        """The FKTP choices of the random question (which one is the participant's?)."""
        params = {
            "no_kartu": _validate.card_number(no_kartu),
            "tgl_sep": _validate.date_segment(tgl_sep, "tgl_sep"),
        }
        result = await self._request(
            "sep.get_random_question", params, model=RandomQuestionFaskesList
        )
        return result.faskes

    async def insert_random_answer(
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

        ``ppk_pst`` is the participant's registered FKTP as chosen from :meth:`get_random_question`;
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
        answer = await self._request("sep.insert_random_answer", {}, model=str, body=request)
        verdict = answer.strip().lower()
        if verdict not in ("true", "false"):
            raise DecodeError(
                "random answer is neither True nor False", endpoint="sep.insert_random_answer"
            )
        return verdict == "true"


# ----------------------------------------------------------------------------------------------
# Shorthands the methods accept


def _kls_rawat(value: KlsRawat | KlsRawatHak | str) -> KlsRawat:
    return value if isinstance(value, KlsRawat) else KlsRawat(kls_rawat_hak=value)


def _poli(value: Poli | str) -> Poli:
    return Poli(tujuan=value) if isinstance(value, str) else value


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
