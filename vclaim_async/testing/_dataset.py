"""The simulator's small built-in reference data: a sample, not BPJS's full lists.

ICD-10 and ICD-9-CM codes and names are the public WHO/CMS classifications; clinic, class and
discharge codes follow the VClaim catalog. Facilities, doctors and drugs are made up, shaped
like BPJS's (8-character facility codes, numeric doctor codes).
"""

from __future__ import annotations

__all__ = [
    "CARA_KELUAR",
    "DIAGNOSA",
    "DIAGNOSA_PRB",
    "DOKTER",
    "FASKES",
    "KABUPATEN",
    "KECAMATAN",
    "KELAS_RAWAT",
    "OBAT_PRB",
    "PASCA_PULANG",
    "POLI",
    "PROCEDURE",
    "PROPINSI",
    "RUANG_RAWAT",
    "SARANA",
    "SPESIALISTIK",
    "name_of",
    "search",
]

Pairs = tuple[tuple[str, str], ...]

DIAGNOSA: Pairs = (
    ("A01.0", "Typhoid fever"),
    ("A09", "Diarrhoea and gastroenteritis of presumed infectious origin"),
    ("A15.0", "Tuberculosis of lung, confirmed by sputum microscopy"),
    ("A90", "Dengue fever [classical dengue]"),
    ("A91", "Dengue haemorrhagic fever"),
    ("B20", "HIV disease resulting in infectious and parasitic diseases"),
    ("E11", "Non-insulin-dependent diabetes mellitus"),
    ("E11.9", "Non-insulin-dependent diabetes mellitus without complications"),
    ("E78.0", "Pure hypercholesterolaemia"),
    ("F20.0", "Paranoid schizophrenia"),
    ("G40.9", "Epilepsy, unspecified"),
    ("I10", "Essential (primary) hypertension"),
    ("I21.9", "Acute myocardial infarction, unspecified"),
    ("I50.0", "Congestive heart failure"),
    ("I63.9", "Cerebral infarction, unspecified"),
    ("J06.9", "Acute upper respiratory infection, unspecified"),
    ("J18.9", "Pneumonia, unspecified"),
    ("J44.9", "Chronic obstructive pulmonary disease, unspecified"),
    ("J45.9", "Asthma, unspecified"),
    ("K29.7", "Gastritis, unspecified"),
    ("K35.8", "Acute appendicitis, other and unspecified"),
    ("M32.9", "Systemic lupus erythematosus, unspecified"),
    ("N18.5", "Chronic kidney disease, stage 5"),
    ("N39.0", "Urinary tract infection, site not specified"),
    ("O80", "Single spontaneous delivery"),
    ("R50.9", "Fever, unspecified"),
    ("S06.0", "Concussion"),
    ("S72.0", "Fracture of neck of femur"),
    ("Z09.8", "Follow-up examination after other treatment for other conditions"),
    ("Z49.1", "Extracorporeal dialysis"),
)

POLI: Pairs = (
    ("ANA", "ANAK"),
    ("BED", "BEDAH"),
    ("GIG", "GIGI UMUM"),
    ("HDL", "HEMODIALISA"),
    ("INT", "PENYAKIT DALAM"),
    ("JAN", "JANTUNG DAN PEMBULUH DARAH"),
    ("JIW", "JIWA"),
    ("KLT", "KULIT KELAMIN"),
    ("MAT", "MATA"),
    ("OBG", "OBGYN"),
    ("ORT", "ORTHOPEDI"),
    ("PAR", "PARU"),
    ("SAR", "SARAF"),
    ("THT", "THT-KL"),
    ("URO", "UROLOGI"),
    ("IRM", "REHABILITASI MEDIK"),
)

#: (kode, nama, jenis): jenis "1" is an FKTP, "2" a hospital.
FASKES: tuple[tuple[str, str, str], ...] = (
    ("0301U001", "PUSKESMAS KECAMATAN MENTENG", "1"),
    ("0302U014", "PUSKESMAS KELURAHAN CEMPAKA", "1"),
    ("1302P011", "KLINIK PRATAMA SEHAT", "1"),
    ("0401U128", "dr. ANITA, PRAKTEK DOKTER", "1"),
    ("0301R001", "RSUP SIMULASI", "2"),
    ("0302R002", "RSUD KOTA SIMULASI", "2"),
    ("0303R003", "RS JANTUNG SIMULASI", "2"),
    ("1301R004", "RS ISLAM SIMULASI", "2"),
)

PROPINSI: Pairs = (
    ("01", "ACEH"),
    ("12", "SUMATERA UTARA"),
    ("31", "DKI JAKARTA"),
    ("32", "JAWA BARAT"),
    ("33", "JAWA TENGAH"),
    ("34", "DI YOGYAKARTA"),
    ("35", "JAWA TIMUR"),
    ("36", "BANTEN"),
    ("51", "BALI"),
    ("73", "SULAWESI SELATAN"),
)

#: Propinsi code -> its kabupaten/kota (a sample).
KABUPATEN: dict[str, Pairs] = {
    "31": (
        ("3171", "KOTA JAKARTA SELATAN"),
        ("3172", "KOTA JAKARTA TIMUR"),
        ("3173", "KOTA JAKARTA PUSAT"),
    ),
    "32": (("3201", "KAB. BOGOR"), ("3273", "KOTA BANDUNG")),
    "35": (("3578", "KOTA SURABAYA"), ("3507", "KAB. MALANG")),
    "51": (("5171", "KOTA DENPASAR"), ("5103", "KAB. BADUNG")),
}

#: Kabupaten code -> its kecamatan (a sample).
KECAMATAN: dict[str, Pairs] = {
    "3171": (("317101", "JAGAKARSA"), ("317102", "PASAR MINGGU"), ("317108", "TEBET")),
    "3173": (("317301", "GAMBIR"), ("317306", "MENTENG")),
    "3273": (("327301", "SUKASARI"), ("327318", "COBLONG")),
    "5171": (("517101", "DENPASAR SELATAN"), ("517102", "DENPASAR TIMUR")),
}

#: (kode, nama, kode spesialis/poli): the facility's doctors; they are also the DPJP list.
DOKTER: tuple[tuple[str, str, str], ...] = (
    ("31486", "dr. Ayu Lestari, Sp.PD", "INT"),
    ("31487", "dr. Bima Prakoso, Sp.PD-KGH", "INT"),
    ("31501", "dr. Citra Maharani, Sp.A", "ANA"),
    ("31522", "dr. Dimas Saputra, Sp.B", "BED"),
    ("31530", "dr. Eka Wulandari, Sp.JP", "JAN"),
    ("31544", "dr. Fajar Nugroho, Sp.M", "MAT"),
    ("31550", "dr. Gita Purnama, Sp.OG", "OBG"),
    ("31561", "dr. Hadi Santoso, Sp.P", "PAR"),
    ("31577", "dr. Indra Kusuma, Sp.N", "SAR"),
    ("31590", "drg. Joko Widodo", "GIG"),
)

#: Doctor code -> name, for answers that name the doctor a request gave by code.
DOKTER_NAMA: dict[str, str] = {kode: nama for kode, nama, _ in DOKTER}

DIAGNOSA_PRB: Pairs = (
    ("01 ", "Diabetes Mellitus"),
    ("02 ", "Hipertensi"),
    ("03 ", "Asma"),
    ("04 ", "Penyakit Jantung"),
    ("05 ", "PPOK"),
    ("06 ", "Skizofrenia"),
    ("07 ", "Stroke"),
    ("08 ", "Epilepsi"),
    ("09 ", "SLE"),
)

OBAT_PRB: Pairs = (
    ("12140100042", "Amlodipine tab 5 mg"),
    ("12140100043", "Amlodipine tab 10 mg"),
    ("12110300011", "Metformin tab 500 mg"),
    ("12110300012", "Metformin tab 850 mg"),
    ("12110400021", "Glimepiride tab 2 mg"),
    ("12140300061", "Captopril tab 25 mg"),
    ("12141000022", "Bisoprolol tab 5 mg"),
    ("12150100010", "Salbutamol tab 4 mg"),
    ("12160200032", "Risperidone tab 2 mg"),
    ("12170100015", "Asam Valproat tab 250 mg"),
    ("12140500071", "Simvastatin tab 20 mg"),
    ("12140500072", "Atorvastatin tab 100 mg"),
)

PROCEDURE: Pairs = (
    ("00.66", "Percutaneous transluminal coronary angioplasty [PTCA]"),
    ("39.95", "Hemodialysis"),
    ("45.13", "Other endoscopy of small intestine"),
    ("47.09", "Other appendectomy"),
    ("73.59", "Other manually assisted delivery"),
    ("74.1", "Low cervical cesarean section"),
    ("87.44", "Routine chest x-ray, so described"),
    ("88.72", "Diagnostic ultrasound of heart"),
    ("89.52", "Electrocardiogram"),
    ("99.04", "Transfusion of packed cells"),
)

KELAS_RAWAT: Pairs = (
    ("1", "VVIP"),
    ("2", "VIP"),
    ("3", "Kelas 1"),
    ("4", "Kelas 2"),
    ("5", "Kelas 3"),
    ("6", "ICCU"),
    ("7", "ICU"),
)

SPESIALISTIK: Pairs = (
    ("ANA", "Anak"),
    ("BED", "Bedah"),
    ("INT", "Penyakit Dalam"),
    ("JAN", "Jantung dan Pembuluh Darah"),
    ("MAT", "Mata"),
    ("OBG", "Obstetri dan Ginekologi"),
    ("PAR", "Paru"),
    ("SAR", "Saraf"),
)

RUANG_RAWAT: Pairs = (
    ("1", "Rawat Inap Kelas 1"),
    ("2", "Rawat Inap Kelas 2"),
    ("3", "Rawat Inap Kelas 3"),
    ("4", "ICU"),
    ("5", "ICCU"),
    ("6", "NICU"),
    ("7", "PICU"),
    ("8", "Ruang Isolasi"),
)

CARA_KELUAR: Pairs = (
    ("1", "Atas Persetujuan Dokter"),
    ("3", "Atas Permintaan Sendiri"),
    ("4", "Meninggal"),
    ("5", "Lain-lain"),
)

PASCA_PULANG: Pairs = (
    ("1", "Sembuh"),
    ("2", "Dirujuk"),
    ("3", "Pulang Paksa"),
    ("4", "Meninggal"),
    ("5", "Lain-lain"),
)

SARANA: Pairs = (
    ("1", "Rehabilitasi Medik"),
    ("2", "Hemodialisa"),
    ("3", "Kemoterapi"),
    ("4", "Radioterapi"),
)


def search(pairs: Pairs, keyword: str) -> list[dict[str, str]]:
    """The pairs whose code or name contains ``keyword`` (case-insensitive), as BPJS lists."""
    needle = keyword.strip().lower()
    return [
        {"kode": kode, "nama": nama}
        for kode, nama in pairs
        if needle in kode.lower() or needle in nama.lower()
    ]


def name_of(pairs: Pairs, kode: str, default: str | None = None) -> str:
    """The name of ``kode`` in ``pairs`` (``default``, or the code itself, when unknown)."""
    for k, nama in pairs:
        if k.strip() == kode.strip():
            return nama
    return kode if default is None else default
