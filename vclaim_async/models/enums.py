"""Code lists that VClaim 2.0 sends and expects as strings.

Every enum subclasses ``str``, so a member can be passed wherever a request model wants a
``str`` and is encoded as its value (``JnsPelayanan.RAWAT_INAP`` goes out as ``"1"``).
Response models keep codes as plain ``str`` (BPJS adds codes without notice); compare them with
``code == JnsPelayanan.RAWAT_JALAN`` or convert with ``JnsPelayanan(code)``.

Meanings follow the BPJS TrustMark catalog, in Indonesian as BPJS writes them.
"""

from __future__ import annotations

import enum

__all__ = [
    "AsalRujukan",
    "AssesmentPel",
    "Cob",
    "Eksekutif",
    "FilterRencanaKontrol",
    "FlagProcedure",
    "JenisFaskes",
    "JnsKontrol",
    "JnsPelayanan",
    "JnsPengajuan",
    "Katarak",
    "KdPenunjang",
    "KlsRawatHak",
    "KlsRawatNaik",
    "LakaLantas",
    "LevelDiagnosa",
    "Pembiayaan",
    "PenyakitPrb",
    "StatusKlaim",
    "StatusPulang",
    "Suplesi",
    "TindakLanjut",
    "TipeRujukan",
    "TujuanKunj",
]


class JnsPelayanan(str, enum.Enum):
    """``jnsPelayanan``: jenis pelayanan."""

    RAWAT_INAP = "1"  # Rawat Inap
    RAWAT_JALAN = "2"  # Rawat Jalan


class KlsRawatHak(str, enum.Enum):
    """``klsRawatHak``: kelas rawat sesuai hak peserta."""

    KELAS_1 = "1"  # Kelas 1
    KELAS_2 = "2"  # Kelas 2
    KELAS_3 = "3"  # Kelas 3


class KlsRawatNaik(str, enum.Enum):
    """``klsRawatNaik``: kelas rawat yang dinaiki (diisi hanya jika naik kelas)."""

    VVIP = "1"  # VVIP
    VIP = "2"  # VIP
    KELAS_1 = "3"  # Kelas 1
    KELAS_2 = "4"  # Kelas 2
    KELAS_3 = "5"  # Kelas 3
    ICCU = "6"  # ICCU
    ICU = "7"  # ICU
    DI_ATAS_KELAS_1 = "8"  # Di atas Kelas 1


class Pembiayaan(str, enum.Enum):
    """``pembiayaan``: siapa yang membayar naik kelas rawat."""

    PRIBADI = "1"  # Pribadi
    PEMBERI_KERJA = "2"  # Pemberi Kerja
    ASURANSI_TAMBAHAN = "3"  # Asuransi Kesehatan Tambahan


class LakaLantas(str, enum.Enum):
    """``lakaLantas`` (SEP 2.0): jenis kecelakaan."""

    BKLL = "0"  # Bukan Kecelakaan Lalu Lintas
    KLL_BUKAN_KK = "1"  # Kecelakaan Lalu Lintas dan bukan Kecelakaan Kerja
    KLL_DAN_KK = "2"  # Kecelakaan Lalu Lintas dan Kecelakaan Kerja
    KK = "3"  # Kecelakaan Kerja


class Suplesi(str, enum.Enum):
    """``suplesi``: SEP ini suplesi (lanjutan) dari SEP kecelakaan sebelumnya."""

    TIDAK = "0"  # Tidak
    YA = "1"  # Ya


class TujuanKunj(str, enum.Enum):
    """``tujuanKunj``: tujuan kunjungan."""

    NORMAL = "0"  # Normal
    PROSEDUR = "1"  # Prosedur
    KONSUL_DOKTER = "2"  # Konsul Dokter


class FlagProcedure(str, enum.Enum):
    """``flagProcedure``; sent as ``""`` when ``tujuanKunj`` is ``"0"``."""

    TIDAK_BERKELANJUTAN = "0"  # Prosedur Tidak Berkelanjutan
    BERKELANJUTAN = "1"  # Prosedur dan Terapi Berkelanjutan


class KdPenunjang(str, enum.Enum):
    """``kdPenunjang``: kode penunjang; sent as ``""`` when ``tujuanKunj`` is ``"0"``."""

    RADIOTERAPI = "1"  # Radioterapi
    KEMOTERAPI = "2"  # Kemoterapi
    REHABILITASI_MEDIK = "3"  # Rehabilitasi Medik
    REHABILITASI_PSIKOSOSIAL = "4"  # Rehabilitasi Psikososial
    TRANSFUSI_DARAH = "5"  # Transfusi Darah
    PELAYANAN_GIGI = "6"  # Pelayanan Gigi
    LABORATORIUM = "7"  # Laboratorium
    USG = "8"  # USG
    FARMASI = "9"  # Farmasi
    LAIN_LAIN = "10"  # Lain-Lain
    MRI = "11"  # MRI
    HEMODIALISA = "12"  # Hemodialisa


class AssesmentPel(str, enum.Enum):
    """``assesmentPel``: asesmen pelayanan (BPJS's spelling, one ``s`` after ``e``)."""

    POLI_SPESIALIS_TIDAK_TERSEDIA = "1"  # Poli spesialis tidak tersedia pada hari sebelumnya
    JAM_POLI_BERAKHIR = "2"  # Jam poli telah berakhir pada hari sebelumnya
    DOKTER_TIDAK_PRAKTEK = "3"  # Dokter spesialis yang dimaksud tidak praktek hari sebelumnya
    ATAS_INSTRUKSI_RS = "4"  # Atas instruksi RS
    TUJUAN_KONTROL = "5"  # Tujuan kontrol


class StatusPulang(str, enum.Enum):
    """``statusPulang`` (update tanggal pulang 2.0); there is no code ``"2"``."""

    ATAS_PERSETUJUAN_DOKTER = "1"  # Atas Persetujuan Dokter
    ATAS_PERMINTAAN_SENDIRI = "3"  # Atas Permintaan Sendiri
    MENINGGAL = "4"  # Meninggal
    LAIN_LAIN = "5"  # Lain-lain


class AsalRujukan(str, enum.Enum):
    """``asalRujukan``: tingkat faskes yang merujuk."""

    FASKES_1 = "1"  # Faskes tingkat 1 (FKTP, PCare)
    FASKES_2 = "2"  # Faskes tingkat 2 (FKRTL, rumah sakit)


class TipeRujukan(str, enum.Enum):
    """``tipeRujukan``: tipe rujukan keluar."""

    PENUH = "0"  # Rujukan penuh
    PARTIAL = "1"  # Rujukan partial
    BALIK_PRB = "2"  # Rujuk balik (PRB); poliRujukan dikosongkan


class JenisFaskes(str, enum.Enum):
    """Jenis faskes in ``referensi/faskes/{q}/{jenis}``."""

    FASKES_1 = "1"  # Faskes tingkat 1 (FKTP)
    FASKES_2 = "2"  # Faskes tingkat 2 (FKRTL, rumah sakit)


class JnsKontrol(str, enum.Enum):
    """``jnsKontrol``: jenis surat kontrol."""

    SPRI = "1"  # Surat Perintah Rawat Inap
    RENCANA_KONTROL = "2"  # Surat kontrol (rencana kontrol rawat jalan)


class FilterRencanaKontrol(str, enum.Enum):
    """Filter of the ``RencanaKontrol/ListRencanaKontrol/...`` lists."""

    TGL_ENTRI = "1"  # Tanggal entri
    TGL_RENCANA_KONTROL = "2"  # Tanggal rencana kontrol


class StatusKlaim(str, enum.Enum):
    """Status in ``Monitoring/Klaim/.../Status/{status}``."""

    PROSES_VERIFIKASI = "1"  # Proses verifikasi
    PENDING_VERIFIKASI = "2"  # Pending verifikasi
    KLAIM = "3"  # Klaim


class JnsPengajuan(str, enum.Enum):
    """``jnsPengajuan``: jenis pengajuan SEP."""

    BACKDATE = "1"  # Pengajuan backdate
    FINGER_PRINT = "2"  # Pengajuan finger print


class Cob(str, enum.Enum):
    """``cob``: peserta punya jaminan COB (coordination of benefit)."""

    TIDAK = "0"  # Tidak
    YA = "1"  # Ya


class Katarak(str, enum.Enum):
    """``katarak``: pelayanan katarak."""

    TIDAK = "0"  # Tidak
    YA = "1"  # Ya


class Eksekutif(str, enum.Enum):
    """``eksekutif``: poli eksekutif."""

    TIDAK = "0"  # Tidak
    YA = "1"  # Ya


class LevelDiagnosa(str, enum.Enum):
    """``level`` of an LPK diagnosa."""

    PRIMER = "1"  # Primer
    SEKUNDER = "2"  # Sekunder


class TindakLanjut(str, enum.Enum):
    """``rencanaTL.tindakLanjut`` in an LPK."""

    DIPERBOLEHKAN_PULANG = "1"  # Diperbolehkan pulang
    PEMERIKSAAN_PENUNJANG = "2"  # Pemeriksaan penunjang
    DIRUJUK_KE = "3"  # Dirujuk ke (isi dirujukKe.kodePPK)
    KONTROL_KEMBALI = "4"  # Kontrol kembali (isi kontrolKembali)


class PenyakitPrb(str, enum.Enum):
    """Program/penyakit PRB: ``programPRB`` and rencana kontrol ``kdStatusPRB``."""

    DIABETES_MELLITUS = "01"  # Diabetes Mellitus
    HIPERTENSI = "02"  # Hipertensi
    ASMA = "03"  # Asma
    PENYAKIT_JANTUNG = "04"  # Penyakit Jantung
    PPOK = "05"  # PPOK (Penyakit Paru Obstruktif Kronik)
    SKIZOFRENIA = "06"  # Skizofrenia
    STROKE = "07"  # Stroke
    EPILEPSI = "08"  # Epilepsi
    SLE = "09"  # SLE (Systemic Lupus Erythematosus)
