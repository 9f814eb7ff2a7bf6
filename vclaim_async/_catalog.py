"""The VClaim 2.0 catalog as data: one row per operation.

Resources build requests from these rows, the README's endpoint table is generated from them
(``python -m vclaim_async._catalog`` prints it), and the tests iterate them. A row's name is
``"<resource>.<method>"``: ``"sep.insert"`` is ``client.sep.insert()``. ``encrypted`` is True
when BPJS encrypts a 200 answer, False when it never does (SEP delete, ``sep/cbg``, internal SEP
delete) and None when sources disagree or nobody has checked (both are handled).
``idempotent`` marks the operations that may be re-sent after a timeout or a 5xx.
Legacy 1.1 operations (``SEP/1.1/insert``, ``Rujukan/insert`` ...) are deliberately absent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, dataclass
from types import MappingProxyType

__all__ = ["ANTREAN_CATALOG", "CATALOG", "CATALOGS", "SERVICES", "Endpoint", "render_table"]


@dataclass(frozen=True)
class Endpoint:
    """One catalog operation: ``Endpoint(name, method, path, encrypted=..., summary=...)``.

    ``path`` is the template the resource fills; its placeholders are the Python parameter
    names of the method.
    """

    name: str
    method: str
    path: str
    _: KW_ONLY
    encrypted: bool | None = True
    summary: str = ""
    #: The service the row belongs to (``"vclaim"``, ``"antrean"``): its base URL, user key
    #: and envelope dialect. Names are unique within a service, not across services.
    service: str = "vclaim"
    #: A POST that only reads (Antrean's ``antrean/getlisttask``), so it may be re-sent.
    read: bool = False

    @property
    def idempotent(self) -> bool:
        """Reads may be re-sent; a write is re-sent only when it provably never left us."""
        return self.method == "GET" or self.read


_ROWS: tuple[Endpoint, ...] = (
    # -- Peserta -------------------------------------------------------------------------------
    Endpoint(
        "peserta.by_card",
        "GET",
        "Peserta/nokartu/{no_kartu}/tglSEP/{tgl_sep}",
        summary="Participant by card number (13 digits) on a service date",
    ),
    Endpoint(
        "peserta.by_nik",
        "GET",
        "Peserta/nik/{nik}/tglSEP/{tgl_sep}",
        summary="Participant by NIK (16 digits) on a service date",
    ),
    # -- SEP -----------------------------------------------------------------------------------
    Endpoint("sep.insert", "POST", "SEP/2.0/insert", summary="Issue an SEP (2.0)"),
    # Update answers a noSep string; one client family reads it plain, two try to decrypt.
    Endpoint("sep.update", "PUT", "SEP/2.0/update", encrypted=None, summary="Update an SEP (2.0)"),
    Endpoint(
        "sep.delete", "DELETE", "SEP/2.0/delete", encrypted=False, summary="Delete an SEP (2.0)"
    ),
    Endpoint("sep.get", "GET", "SEP/{no_sep}", summary="An SEP by number"),
    Endpoint(
        "sep.get_last_by_rujukan",
        "GET",
        "Rujukan/lastsep/norujukan/{no_rujukan}",
        summary="The last SEP issued on a referral",
    ),
    Endpoint(
        "sep.list_suplesi_jasa_raharja",
        "GET",
        "sep/JasaRaharja/Suplesi/{no_kartu}/tglPelayanan/{tgl_pelayanan}",
        summary="Potential Jasa Raharja supplements",
    ),
    Endpoint(
        "sep.list_kll_induk",
        "GET",
        "sep/KllInduk/List/{no_kartu}",
        summary="Index traffic-accident SEPs of a participant",
    ),
    Endpoint(
        "sep.insert_pengajuan",
        "POST",
        "Sep/pengajuanSEP",
        encrypted=None,
        summary="Apply for a backdate/fingerprint SEP",
    ),
    Endpoint(
        "sep.insert_persetujuan",
        "POST",
        "Sep/aprovalSEP",
        encrypted=None,
        summary="Approve an SEP application",
    ),
    Endpoint(
        "sep.list_persetujuan",
        "GET",
        "Sep/persetujuanSEP/list/bulan/{bulan}/tahun/{tahun}",
        summary="SEP applications of a month",
    ),
    Endpoint(
        "sep.update_tgl_pulang",
        "PUT",
        "SEP/2.0/updtglplg",
        encrypted=None,
        summary="Record the discharge date (2.0)",
    ),
    Endpoint(
        "sep.list_tgl_pulang",
        "GET",
        "Sep/updtglplg/list/bulan/{bulan}/tahun/{tahun}/{filter_text}",
        summary="Discharge-date updates of a month",
    ),
    Endpoint(
        "sep.get_inacbg",
        "GET",
        "sep/cbg/{no_sep}",
        encrypted=False,
        summary="An SEP for the INA-CBG grouper",
    ),
    Endpoint(
        "sep.list_internal", "GET", "SEP/Internal/{no_sep}", summary="Internal referrals of an SEP"
    ),
    Endpoint(
        "sep.delete_internal",
        "DELETE",
        "SEP/Internal/delete",
        encrypted=False,
        summary="Delete an internal SEP",
    ),
    Endpoint(
        "sep.get_finger_print",
        "GET",
        "SEP/FingerPrint/Peserta/{no_kartu}/TglPelayanan/{tgl_pelayanan}",
        summary="Fingerprint status of a participant on a date",
    ),
    Endpoint(
        "sep.list_finger_print",
        "GET",
        "SEP/FingerPrint/List/Peserta/TglPelayanan/{tgl_pelayanan}",
        summary="Fingerprinted participants on a date",
    ),
    Endpoint(
        "sep.get_random_question",
        "GET",
        "SEP/FingerPrint/randomquestion/faskesterdaftar/nokapst/{no_kartu}/tglsep/{tgl_sep}",
        summary="Random-question choices (registered FKTP)",
    ),
    Endpoint(
        "sep.insert_random_answer",
        "POST",
        "SEP/FingerPrint/randomanswer",
        encrypted=None,
        summary="Answer the random question",
    ),
    # -- Rujukan -------------------------------------------------------------------------------
    Endpoint("rujukan.get", "GET", "Rujukan/{no_rujukan}", summary="FKTP referral by number"),
    Endpoint(
        "rujukan.get_rs",
        "GET",
        "Rujukan/RS/{no_rujukan}",
        summary="Hospital referral by number",
    ),
    Endpoint(
        "rujukan.by_card",
        "GET",
        "Rujukan/Peserta/{no_kartu}",
        summary="Latest FKTP referral of a participant",
    ),
    Endpoint(
        "rujukan.get_rs_by_card",
        "GET",
        "Rujukan/RS/Peserta/{no_kartu}",
        summary="Latest hospital referral of a participant",
    ),
    Endpoint(
        "rujukan.list_by_card",
        "GET",
        "Rujukan/List/Peserta/{no_kartu}",
        summary="All FKTP referrals of a participant",
    ),
    Endpoint(
        "rujukan.list_rs_by_card",
        "GET",
        "Rujukan/RS/List/Peserta/{no_kartu}",
        summary="All hospital referrals of a participant",
    ),
    Endpoint("rujukan.insert", "POST", "Rujukan/2.0/insert", summary="Refer a patient out (2.0)"),
    Endpoint(
        "rujukan.update",
        "PUT",
        "Rujukan/2.0/Update",
        encrypted=None,
        summary="Update a referral (2.0)",
    ),
    Endpoint(
        "rujukan.delete", "DELETE", "Rujukan/delete", encrypted=None, summary="Delete a referral"
    ),
    Endpoint(
        "rujukan.insert_khusus", "POST", "Rujukan/Khusus/insert", summary="Add a special referral"
    ),
    Endpoint(
        "rujukan.delete_khusus",
        "POST",
        "Rujukan/Khusus/delete",
        encrypted=None,
        summary="Delete a special referral",
    ),
    Endpoint(
        "rujukan.list_khusus",
        "GET",
        "Rujukan/Khusus/List/Bulan/{bulan}/Tahun/{tahun}",
        summary="Special referrals of a month",
    ),
    Endpoint(
        "rujukan.list_spesialistik",
        "GET",
        "Rujukan/ListSpesialistik/PPKRujukan/{kode_ppk}/TglRujukan/{tgl_rujukan}",
        summary="Specialties and capacity of a referral target",
    ),
    Endpoint(
        "rujukan.list_sarana",
        "GET",
        "Rujukan/ListSarana/PPKRujukan/{kode_ppk}",
        summary="Facilities of a referral target",
    ),
    Endpoint(
        "rujukan.list_keluar",
        "GET",
        "Rujukan/Keluar/List/tglMulai/{tgl_mulai}/tglAkhir/{tgl_akhir}",
        summary="Outgoing referrals between two dates",
    ),
    Endpoint(
        "rujukan.get_keluar", "GET", "Rujukan/Keluar/{no_rujukan}", summary="An outgoing referral"
    ),
    Endpoint(
        "rujukan.get_jumlah_sep",
        "GET",
        "Rujukan/JumlahSEP/{jenis_rujukan}/{no_rujukan}",
        summary="How many SEPs a referral has",
    ),
    # -- Rencana kontrol / SPRI ----------------------------------------------------------------
    Endpoint(
        "rencana_kontrol.insert", "POST", "RencanaKontrol/insert", summary="Issue a surat kontrol"
    ),
    Endpoint(
        "rencana_kontrol.insert_v2",
        "POST",
        "RencanaKontrol/v2/Insert",
        summary="Issue a surat kontrol with a PRB form",
    ),
    Endpoint(
        "rencana_kontrol.update", "PUT", "RencanaKontrol/Update", summary="Update a surat kontrol"
    ),
    Endpoint(
        "rencana_kontrol.update_v2",
        "PUT",
        "RencanaKontrol/v2/Update",
        summary="Update a surat kontrol with a PRB form",
    ),
    Endpoint(
        "rencana_kontrol.delete",
        "DELETE",
        "RencanaKontrol/Delete",
        encrypted=None,
        summary="Delete a surat kontrol or SPRI",
    ),
    Endpoint(
        "rencana_kontrol.insert_spri", "POST", "RencanaKontrol/InsertSPRI", summary="Issue an SPRI"
    ),
    Endpoint(
        "rencana_kontrol.update_spri", "PUT", "RencanaKontrol/UpdateSPRI", summary="Update an SPRI"
    ),
    Endpoint(
        "rencana_kontrol.get_sep",
        "GET",
        "RencanaKontrol/nosep/{no_sep}",
        summary="The SEP a surat kontrol would follow",
    ),
    Endpoint(
        "rencana_kontrol.get",
        "GET",
        "RencanaKontrol/noSuratKontrol/{no_surat_kontrol}",
        summary="A surat kontrol or SPRI by number",
    ),
    Endpoint(
        "rencana_kontrol.list_by_card",
        "GET",
        "RencanaKontrol/ListRencanaKontrol/Bulan/{bulan}/Tahun/{tahun}/Nokartu/{no_kartu}"
        "/filter/{filter_by}",
        summary="Surat kontrol of a participant in a month",
    ),
    Endpoint(
        "rencana_kontrol.list_by_date",
        "GET",
        "RencanaKontrol/ListRencanaKontrol/tglAwal/{tgl_awal}/tglAkhir/{tgl_akhir}/filter/{filter_by}",
        summary="Surat kontrol between two dates",
    ),
    Endpoint(
        "rencana_kontrol.list_poli",
        "GET",
        "RencanaKontrol/ListSpesialistik/JnsKontrol/{jns_kontrol}/nomor/{nomor}"
        "/TglRencanaKontrol/{tgl_rencana_kontrol}",
        summary="Clinics open for a kontrol date",
    ),
    Endpoint(
        "rencana_kontrol.list_jadwal_dokter",
        "GET",
        "RencanaKontrol/JadwalPraktekDokter/JnsKontrol/{jns_kontrol}/KdPoli/{kode_poli}"
        "/TglRencanaKontrol/{tgl_rencana_kontrol}",
        summary="Doctors' schedules for a kontrol date",
    ),
    # -- Referensi -----------------------------------------------------------------------------
    Endpoint(
        "referensi.list_diagnosa", "GET", "referensi/diagnosa/{keyword}", summary="ICD-10 search"
    ),
    Endpoint("referensi.list_poli", "GET", "referensi/poli/{keyword}", summary="Clinic search"),
    Endpoint(
        "referensi.list_faskes",
        "GET",
        "referensi/faskes/{keyword}/{jenis_faskes}",
        summary="Health-facility search",
    ),
    Endpoint(
        "referensi.list_dokter_dpjp",
        "GET",
        "referensi/dokter/pelayanan/{jns_pelayanan}/tglPelayanan/{tgl_pelayanan}"
        "/Spesialis/{kode_spesialis}",
        summary="Attending doctors (DPJP) of a specialty",
    ),
    Endpoint("referensi.list_propinsi", "GET", "referensi/propinsi", summary="Provinces"),
    Endpoint(
        "referensi.list_kabupaten",
        "GET",
        "referensi/kabupaten/propinsi/{kode_propinsi}",
        summary="Regencies of a province",
    ),
    Endpoint(
        "referensi.list_kecamatan",
        "GET",
        "referensi/kecamatan/kabupaten/{kode_kabupaten}",
        summary="Districts of a regency",
    ),
    Endpoint(
        "referensi.list_diagnosa_prb", "GET", "referensi/diagnosaprb", summary="PRB diagnoses"
    ),
    Endpoint(
        "referensi.list_obat_prb", "GET", "referensi/obatprb/{keyword}", summary="PRB drug search"
    ),
    Endpoint(
        "referensi.list_prosedur",
        "GET",
        "referensi/procedure/{keyword}",
        summary="ICD-9-CM procedure search",
    ),
    Endpoint("referensi.list_kelas_rawat", "GET", "referensi/kelasrawat", summary="Care classes"),
    Endpoint("referensi.list_dokter", "GET", "referensi/dokter/{keyword}", summary="Doctor search"),
    Endpoint("referensi.list_spesialistik", "GET", "referensi/spesialistik", summary="Specialties"),
    Endpoint("referensi.list_ruang_rawat", "GET", "referensi/ruangrawat", summary="Ward types"),
    Endpoint(
        "referensi.list_cara_keluar", "GET", "referensi/carakeluar", summary="Discharge modes"
    ),
    Endpoint(
        "referensi.list_pasca_pulang",
        "GET",
        "referensi/pascapulang",
        summary="Post-discharge states",
    ),
    # -- Monitoring ----------------------------------------------------------------------------
    Endpoint(
        "monitoring.list_kunjungan",
        "GET",
        "Monitoring/Kunjungan/Tanggal/{tgl_sep}/JnsPelayanan/{jns_pelayanan}",
        summary="Visits (SEPs) of a day",
    ),
    Endpoint(
        "monitoring.list_klaim",
        "GET",
        "Monitoring/Klaim/Tanggal/{tgl_pulang}/JnsPelayanan/{jns_pelayanan}/Status/{status}",
        summary="Claims by discharge date and status",
    ),
    Endpoint(
        "monitoring.list_histori_pelayanan",
        "GET",
        "monitoring/HistoriPelayanan/NoKartu/{no_kartu}/tglMulai/{tgl_mulai}/tglAkhir/{tgl_akhir}",
        summary="A participant's service history",
    ),
    Endpoint(
        "monitoring.list_jasa_raharja",
        "GET",
        "monitoring/JasaRaharja/JnsPelayanan/{jns_pelayanan}/tglMulai/{tgl_mulai}"
        "/tglAkhir/{tgl_akhir}",
        summary="Jasa Raharja guarantees between two dates",
    ),
    # -- PRB -----------------------------------------------------------------------------------
    Endpoint("prb.insert", "POST", "PRB/insert", summary="Issue a rujuk balik (SRB)"),
    Endpoint("prb.update", "PUT", "PRB/Update", encrypted=None, summary="Update a rujuk balik"),
    Endpoint("prb.delete", "DELETE", "PRB/Delete", encrypted=None, summary="Delete a rujuk balik"),
    Endpoint("prb.get", "GET", "prb/{no_srb}/nosep/{no_sep}", summary="A rujuk balik by number"),
    Endpoint(
        "prb.list_by_date",
        "GET",
        "prb/tglMulai/{tgl_mulai}/tglAkhir/{tgl_akhir}",
        summary="Rujuk balik between two dates",
    ),
    Endpoint(
        "prb.list_rekap_potensi",
        "GET",
        "prbpotensi/tahun/{tahun}/bulan/{bulan}",
        summary="Claims flagged as potential PRB in a month",
    ),
    # -- LPK -----------------------------------------------------------------------------------
    Endpoint(
        "lpk.insert", "POST", "LPK/insert", encrypted=None, summary="Submit a claim sheet (LPK)"
    ),
    Endpoint("lpk.update", "PUT", "LPK/update", encrypted=None, summary="Update a claim sheet"),
    Endpoint("lpk.delete", "DELETE", "LPK/delete", encrypted=None, summary="Delete a claim sheet"),
    Endpoint(
        "lpk.list_by_date",
        "GET",
        "LPK/TglMasuk/{tgl_masuk}/JnsPelayanan/{jns_pelayanan}",
        summary="Claim sheets by admission date",
    ),
)


def _antrean(name: str, method: str, path: str, summary: str, **kwargs: bool | None) -> Endpoint:
    return Endpoint(name, method, path, summary=summary, service="antrean", **kwargs)  # type: ignore[arg-type]


# Antrean RS (WS BPJS, "Antrol"): the 17 operations of the Antrean protocol notes §3. Writes
# answer metadata only, dashboards are plain, everything else is encrypted.
_ANTREAN_ROWS: tuple[Endpoint, ...] = (
    _antrean("referensi.list_poli", "GET", "ref/poli", "HFIS poli and sub-specialties"),
    _antrean("referensi.list_dokter", "GET", "ref/dokter", "HFIS doctors"),
    _antrean("referensi.list_poli_fp", "GET", "ref/poli/fp", "Sub-specialties using fingerprints"),
    _antrean(
        "referensi.get_pasien_fp",
        "GET",
        "ref/pasien/fp/identitas/{jenis}/noidentitas/{nomor}",
        "A patient's fingerprint enrolment, by NIK or card",
    ),
    _antrean(
        "jadwal_dokter.get",
        "GET",
        "jadwaldokter/kodepoli/{kodepoli}/tanggal/{tanggal}",
        "Doctor schedules of a poli on a date",
    ),
    _antrean(
        "jadwal_dokter.update",
        "POST",
        "jadwaldokter/updatejadwaldokter",
        "Change a doctor's schedule (approved by BPJS)",
        encrypted=False,
    ),
    _antrean(
        "antrean.add", "POST", "antrean/add", "Report an onsite registration", encrypted=False
    ),
    _antrean(
        "antrean.add_farmasi",
        "POST",
        "antrean/farmasi/add",
        "Report a pharmacy queue entry",
        encrypted=False,
    ),
    _antrean(
        "antrean.update_waktu",
        "POST",
        "antrean/updatewaktu",
        "Report a task-id time of a visit",
        encrypted=False,
    ),
    _antrean("antrean.batal", "POST", "antrean/batal", "Cancel a booking", encrypted=False),
    _antrean(
        "antrean.list_task", "POST", "antrean/getlisttask", "Task-id times of a booking", read=True
    ),
    _antrean(
        "antrean.list_by_tanggal",
        "GET",
        "antrean/pendaftaran/tanggal/{tanggal}",
        "Registrations of a date",
    ),
    _antrean(
        "antrean.get",
        "GET",
        "antrean/pendaftaran/kodebooking/{kodebooking}",
        "A registration by booking code",
    ),
    _antrean("antrean.list_aktif", "GET", "antrean/pendaftaran/aktif", "Registrations not served"),
    _antrean(
        "antrean.list_aktif_by_dokter",
        "GET",
        "antrean/pendaftaran/kodepoli/{kodepoli}/kodedokter/{kodedokter}/hari/{hari}"
        "/jampraktek/{jampraktek}",
        "Registrations not served, of one session",
    ),
    _antrean(
        "dashboard.per_tanggal",
        "GET",
        "dashboard/waktutunggu/tanggal/{tanggal}/waktu/{waktu}",
        "Waiting-time dashboard of a date",
        encrypted=False,
    ),
    _antrean(
        "dashboard.per_bulan",
        "GET",
        "dashboard/waktutunggu/bulan/{bulan}/tahun/{tahun}/waktu/{waktu}",
        "Waiting-time dashboard of a month",
        encrypted=False,
    ),
)

#: VClaim operation name -> row, in catalog order.
CATALOG: Mapping[str, Endpoint] = MappingProxyType({row.name: row for row in _ROWS})
#: Antrean RS operation name -> row (``"antrean.update_waktu"``).
ANTREAN_CATALOG: Mapping[str, Endpoint] = MappingProxyType({row.name: row for row in _ANTREAN_ROWS})
#: Service -> its catalog. A next service (Aplicares, iCare) is one more entry here.
CATALOGS: Mapping[str, Mapping[str, Endpoint]] = MappingProxyType(
    {"vclaim": CATALOG, "antrean": ANTREAN_CATALOG}
)
#: Service -> how people name it.
SERVICES: Mapping[str, str] = MappingProxyType({"vclaim": "VClaim", "antrean": "Antrean RS"})


_ENCRYPTED = {True: "yes", False: "no (plain)", None: "either (detected)"}


def render_table(rows: Iterable[Endpoint] | None = None) -> str:
    """The catalog as a markdown table: the endpoints page is exactly this text.

    Without ``rows``, every service's operations, VClaim first.
    """
    lines = [
        "| Service | Operation | Method | Path | Answer encrypted? | Retried on failure? |",
        "|---|---|---|---|---|---|",
    ]
    if rows is None:
        rows = [row for catalog in CATALOGS.values() for row in catalog.values()]
    for row in rows:
        retried = "yes" if row.idempotent else "no"
        lines.append(
            f"| {SERVICES.get(row.service, row.service)} | `{row.name}` | {row.method} "
            f"| `{row.path}` | {_ENCRYPTED[row.encrypted]} | {retried} |"
        )
    return "\n".join(lines) + "\n"
