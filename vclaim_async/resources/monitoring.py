"""``client.monitoring``: visits, claims, service history and Jasa Raharja guarantees."""

from __future__ import annotations

from .. import _validate
from .._validate import DateLike
from ..models.enums import JnsPelayanan, StatusKlaim
from ..models.monitoring import (
    HistoriPelayanan,
    HistoriPelayananList,
    JaminanJasaRaharja,
    JasaRaharjaList,
    Klaim,
    KlaimList,
    Kunjungan,
    KunjunganList,
)
from ._base import Resource

__all__ = ["MonitoringResource"]


class MonitoringResource(Resource):
    """Monitoring reports; all reads."""

    __slots__ = ()

    async def list_kunjungan(
        self, tgl_sep: DateLike, jns_pelayanan: JnsPelayanan | str
    ) -> list[Kunjungan]:
        """The SEPs (visits) of one day and service type."""
        params = {
            "tgl_sep": _validate.date_segment(tgl_sep, "tgl_sep"),
            "jns_pelayanan": _validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
        }
        result = await self._request("monitoring.list_kunjungan", params, model=KunjunganList)
        return result.sep

    async def list_klaim(
        self,
        tgl_pulang: DateLike,
        jns_pelayanan: JnsPelayanan | str,
        status: StatusKlaim | str,
    ) -> list[Klaim]:
        """Claims by discharge date, service type and status (verifying, pending, claimed)."""
        params = {
            "tgl_pulang": _validate.date_segment(tgl_pulang, "tgl_pulang"),
            "jns_pelayanan": _validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
            "status": _validate.code(StatusKlaim, status, "status"),
        }
        result = await self._request("monitoring.list_klaim", params, model=KlaimList)
        return result.klaim

    async def list_histori_pelayanan(
        self, no_kartu: str, tgl_mulai: DateLike, tgl_akhir: DateLike
    ) -> list[HistoriPelayanan]:
        """A participant's services between two dates (both included).

        Public clients query at most 90 days at a time; BPJS's own limit is undocumented.
        """
        first, last = _validate.date_range(tgl_mulai, tgl_akhir, "histori_pelayanan")
        params = {
            "no_kartu": _validate.card_number(no_kartu),
            "tgl_mulai": first.isoformat(),
            "tgl_akhir": last.isoformat(),
        }
        result = await self._request(
            "monitoring.list_histori_pelayanan", params, model=HistoriPelayananList
        )
        return result.histori

    async def list_jasa_raharja(
        self, jns_pelayanan: JnsPelayanan | str, tgl_mulai: DateLike, tgl_akhir: DateLike
    ) -> list[JaminanJasaRaharja]:
        """Jasa Raharja accident guarantees between two dates.

        BPJS added the ``JnsPelayanan`` segment to this path; a gateway still on the old path
        can be reached with ``path_overrides={"monitoring.list_jasa_raharja": ...}``.
        """
        first, last = _validate.date_range(tgl_mulai, tgl_akhir, "jasa_raharja")
        params = {
            "jns_pelayanan": _validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
            "tgl_mulai": first.isoformat(),
            "tgl_akhir": last.isoformat(),
        }
        result = await self._request("monitoring.list_jasa_raharja", params, model=JasaRaharjaList)
        return result.jaminan
