"""``client.referensi``: the code lists BPJS expects in every other request.

Every method returns a list of :class:`~vclaim_async.models.referensi.KodeNama` pairs. Search
keywords are percent-encoded path segments (``"tab 100 mg"`` goes out as ``tab%20100%20mg``);
path characters in them are refused before anything is sent.
"""

from __future__ import annotations

from .. import _validate
from .._validate import DateLike
from ..models.enums import JenisFaskes, JnsPelayanan
from ..models.referensi import (
    DiagnosaList,
    FaskesList,
    KodeNama,
    PoliList,
    ProcedureList,
    ReferensiList,
)
from ._base import Resource

__all__ = ["ReferensiResource"]


class ReferensiResource(Resource):
    """Reference lists (Referensi): diagnoses, clinics, facilities, doctors, regions, LPK codes."""

    __slots__ = ()

    async def list_diagnosa(self, keyword: str) -> list[KodeNama]:
        """ICD-10 diagnoses whose code or name matches ``keyword``."""
        params = {"keyword": _keyword(keyword)}
        result = await self._request("referensi.list_diagnosa", params, model=DiagnosaList)
        return result.diagnosa

    async def list_poli(self, keyword: str) -> list[KodeNama]:
        """Clinics (poli) whose code or name matches ``keyword``."""
        params = {"keyword": _keyword(keyword)}
        result = await self._request("referensi.list_poli", params, model=PoliList)
        return result.poli

    async def list_faskes(self, keyword: str, jenis_faskes: JenisFaskes | str) -> list[KodeNama]:
        """Health facilities of a level (1 = FKTP, 2 = hospital) matching ``keyword``."""
        params = {
            "keyword": _keyword(keyword),
            "jenis_faskes": _validate.code(JenisFaskes, jenis_faskes, "jenis_faskes"),
        }
        result = await self._request("referensi.list_faskes", params, model=FaskesList)
        return result.faskes

    async def list_dokter_dpjp(
        self, jns_pelayanan: JnsPelayanan | str, tgl_pelayanan: DateLike, kode_spesialis: str
    ) -> list[KodeNama]:
        """Attending doctors (DPJP) of a specialty on a date, for ``dpjpLayan``."""
        params = {
            "jns_pelayanan": _validate.code(JnsPelayanan, jns_pelayanan, "jns_pelayanan"),
            "tgl_pelayanan": _validate.date_segment(tgl_pelayanan, "tgl_pelayanan"),
            "kode_spesialis": _validate.path_segment(kode_spesialis, "kode_spesialis"),
        }
        return await self._list("referensi.list_dokter_dpjp", params)

    async def list_propinsi(self) -> list[KodeNama]:
        """Provinces."""
        return await self._list("referensi.list_propinsi", {})

    async def list_kabupaten(self, kode_propinsi: str) -> list[KodeNama]:
        """Regencies and cities of a province."""
        params = {"kode_propinsi": _validate.path_segment(kode_propinsi, "kode_propinsi")}
        return await self._list("referensi.list_kabupaten", params)

    async def list_kecamatan(self, kode_kabupaten: str) -> list[KodeNama]:
        """Districts of a regency or city."""
        params = {"kode_kabupaten": _validate.path_segment(kode_kabupaten, "kode_kabupaten")}
        return await self._list("referensi.list_kecamatan", params)

    async def list_diagnosa_prb(self) -> list[KodeNama]:
        """Diagnoses of the PRB programme (codes may carry trailing spaces, kept as sent)."""
        return await self._list("referensi.list_diagnosa_prb", {})

    async def list_obat_prb(self, keyword: str) -> list[KodeNama]:
        """Generic PRB drugs whose name matches ``keyword``."""
        return await self._list("referensi.list_obat_prb", {"keyword": _keyword(keyword)})

    async def list_prosedur(self, keyword: str) -> list[KodeNama]:
        """ICD-9-CM procedures whose code or name matches ``keyword`` (for LPK)."""
        params = {"keyword": _keyword(keyword)}
        result = await self._request("referensi.list_prosedur", params, model=ProcedureList)
        return result.procedure

    async def list_kelas_rawat(self) -> list[KodeNama]:
        """Care classes (for LPK)."""
        return await self._list("referensi.list_kelas_rawat", {})

    async def list_dokter(self, keyword: str) -> list[KodeNama]:
        """The facility's own doctors whose name matches ``keyword`` (for LPK)."""
        return await self._list("referensi.list_dokter", {"keyword": _keyword(keyword)})

    async def list_spesialistik(self) -> list[KodeNama]:
        """Specialties (for LPK)."""
        return await self._list("referensi.list_spesialistik", {})

    async def list_ruang_rawat(self) -> list[KodeNama]:
        """Ward types (for LPK)."""
        return await self._list("referensi.list_ruang_rawat", {})

    async def list_cara_keluar(self) -> list[KodeNama]:
        """Ways of leaving the hospital (for LPK)."""
        return await self._list("referensi.list_cara_keluar", {})

    async def list_pasca_pulang(self) -> list[KodeNama]:
        """States after discharge (for LPK)."""
        return await self._list("referensi.list_pasca_pulang", {})

    async def _list(self, name: str, params: dict[str, str]) -> list[KodeNama]:
        result = await self._request(name, params, model=ReferensiList)
        return result.items


def _keyword(value: str) -> str:
    return _validate.path_segment(value, "keyword", spaces=True)
