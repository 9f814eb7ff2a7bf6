"""A griffe extension for the docs site: a table of every model field and every enum member.

msgspec Structs declare their fields as annotated class attributes without docstrings, so the
API reference showed none of them (``Peserta`` listed only ``is_active``). For each Struct this
appends a **Fields** table to the class docstring: Python name, type as written in the source,
BPJS's name on the wire (what ``msgspec.to_builtins`` gives), the default (or "required") and
the meaning where known: the field's own docstring, else the comment at the end of its line,
else :data:`MEANINGS` by wire name. For each ``Enum`` it appends a **Members** table: name,
value and the meaning from the member's comment.

The classes are imported to ask msgspec for the real wire names (renames, inheritance), so the
table is what the code does, not a second copy of it. ``tests/test_api_reference.py`` checks
the tables; ``.ci/run`` checks the built page.
"""

from __future__ import annotations

import enum
import importlib
from typing import Any

import griffe
import msgspec

#: Meanings of BPJS wire names, keyed by the name lower-cased without underscores (BPJS spells
#: one field ``noSep``, ``noSEP`` and ``nosep`` in different answers).
MEANINGS: dict[str, str] = {
    "nokartu": "participant card number (13 digits)",
    "nokartubpjs": "participant card number (13 digits)",
    "nomorkartu": "participant card number (13 digits)",
    "nokapst": "participant card number (13 digits)",
    "nik": "national identity number, NIK (16 digits)",
    "nama": "name",
    "namapeserta": "participant's name",
    "nmpst": "participant's name",
    "tgllahir": "date of birth",
    "sex": "sex: L (male) or P (female)",
    "kelamin": "sex: L (male) or P (female)",
    "pisa": "position in the family (PISA code)",
    "statuspeserta": "membership status; kode 0 is AKTIF (covered)",
    "hakkelas": "class of care the participant is entitled to",
    "jenispeserta": "membership category (e.g. PEGAWAI SWASTA, PBI)",
    "jnspeserta": "membership category",
    "provumum": "the participant's registered primary-care provider (FKTP)",
    "cob": "coordination of benefits with another insurer",
    "informasi": "flags: social services, SKTM, PRB/prolanis, e-SEP",
    "mr": "medical-record number and phone held for this hospital",
    "nomr": "medical-record number at this hospital",
    "notelepon": "phone number",
    "notelp": "phone number",
    "umur": "age, as BPJS words it",
    "umursaatpelayanan": "age on the service date",
    "umursekarang": "age today",
    "tgltat": "end of coverage (tanggal akhir, TAT)",
    "tgltmt": "start of coverage (tanggal mulai, TMT)",
    "tglcetakkartu": "date the card was printed",
    "nosktm": "certificate of low income (SKTM) number",
    "prolanisprb": "chronic-disease programme (Prolanis) or PRB referral-back membership",
    "dinsos": "social services (Dinas Sosial) registration",
    "esep": "electronic SEP flag",
    "nmasuransi": "name of the other insurer",
    "noasuransi": "policy number with the other insurer",
    "kdprovider": "facility (PPK) code",
    "nmprovider": "facility (PPK) name",
    "nosep": "SEP number: {ppk:8}{MMYY}V{seq:6}",
    "tglsep": "SEP date (service date)",
    "tglplgsep": "discharge date of the SEP's stay",
    "tglpulang": "discharge date",
    "jnspelayanan": "service type, see `JnsPelayanan`: 1 inpatient, 2 outpatient",
    "jenpel": "service type: 1 inpatient, 2 outpatient",
    "klsrawat": "class of care",
    "kelasrawat": "class of care",
    "klsrawathak": "class of care the participant is entitled to, see `KlsRawatHak`",
    "klsrawatnaik": "class moved up to (only when moving up), see `KlsRawatNaik`",
    "pembiayaan": "who pays the class upgrade, see `Pembiayaan`",
    "penanggungjawab": "person responsible for the upgrade's cost",
    "ppkpelayanan": "serving facility: this hospital's BPJS code (or its name in history rows)",
    "ppkpelsep": "facility that issued the SEP",
    "ppkrujukan": "referring facility code",
    "ppkdirujuk": "facility referred to",
    "ppktujuan": "destination facility",
    "asalrujukan": "referral origin, see `AsalRujukan`: 1 primary care, 2 hospital",
    "tglrujukan": "referral date",
    "norujukan": "referral number",
    "rujukan": "referral",
    "diagawal": "initial diagnosis (ICD-10 code)",
    "diagnosa": "diagnosis",
    "namadiagnosa": "diagnosis name",
    "poli": "clinic",
    "tujuan": "destination clinic code",
    "politujuan": "destination clinic",
    "eksekutif": "executive clinic, see `Eksekutif`",
    "polieksekutif": "executive clinic, see `Eksekutif`",
    "catatan": "free-text note",
    "katarak": "cataract case, see `Katarak`",
    "jaminan": "guarantee details (traffic accident, work accident)",
    "lakalantas": "accident code, see `LakaLantas`",
    "nolp": "police report number of the accident",
    "penjamin": "guarantor of an accident case",
    "tglkejadian": "date of the accident",
    "keterangan": "description",
    "suplesi": "supplementary claim (suplesi) of an accident case",
    "nosepsuplesi": "SEP number of the earlier accident SEP",
    "lokasilaka": "place of the accident",
    "kdpropinsi": "province code",
    "kdkabupaten": "regency/city code",
    "kdkecamatan": "district code",
    "tujuankunj": "visit purpose, see `TujuanKunj`",
    "flagprocedure": "procedure flag, see `FlagProcedure`",
    "kdpenunjang": "supporting service code, see `KdPenunjang`",
    "assesmentpel": "service assessment code, see `AssesmentPel`",
    "skdp": "control letter (surat kontrol, SKDP) the visit comes with",
    "nosurat": "letter number (control letter or SPRI)",
    "kodedpjp": "doctor (DPJP) code",
    "dpjplayan": "treating doctor (DPJP) code",
    "dpjp": "treating doctor (DPJP)",
    "kddokter": "doctor code",
    "kodedokter": "doctor code",
    "namadokter": "doctor's name",
    "nmdokter": "doctor's name",
    "user": "user name recorded with the change",
    "kode": "code",
    "status": "status",
    "nosuratkontrol": "control letter number",
    "tglrencanakontrol": "planned control date",
    "jnskontrol": "letter type, see `JnsKontrol`: 1 SPRI (inpatient order), 2 control letter",
    "nospri": "inpatient order (SPRI) number",
    "tglterbit": "date issued",
    "tglkunjungan": "visit date",
    "nokunjungan": "visit (referral) number",
    "peserta": "the participant",
    "histori": "the participant's service history rows",
    "flag": "flag",
    "asuransi": "other insurer",
    "tiperujukan": "referral type, see `TipeRujukan`",
    "tglrencanakunjungan": "planned visit date",
    "tglberlakukunjungan": "date the referral is valid until",
    "jumlahsep": "number of SEPs",
    "nosrb": "back-referral (SRB) number",
    "tglsrb": "back-referral (SRB) date",
    "programprb": "back-referral (PRB) programme",
    "obat": "medicines",
    "kdobat": "medicine code",
    "nmobat": "medicine name",
    "jmlobat": "quantity of medicine",
    "signa1": "dosage: times a day",
    "signa2": "dosage: amount each time",
    "biaya": "amounts (billed, approved, ...)",
    "bypengajuan": "amount claimed",
    "bysetujui": "amount approved",
    "bytarifgruper": "INA-CBG grouper tariff",
    "bytarifrs": "hospital tariff",
    "bytopup": "top-up amount",
    "inacbg": "INA-CBG group",
    "nofpk": "claim settlement form (FPK) number",
    "tglmasuk": "admission date",
    "tglkeluar": "discharge date",
    "statuspulang": "discharge status, see `StatusPulang`",
    "tglmeninggal": "date of death",
    "nosuratmeninggal": "death certificate number",
    "nolpmanual": "manual police report number",
    "items": "the rows of a list answer (BPJS's `list`)",
    "list": "the rows of a list answer",
    "kapasitas": "capacity",
    "count": "number of rows",
    "diagnosapotensiprb": "diagnosis that may qualify for the back-referral programme (PRB)",
    "kategoripenyakitprb": "PRB disease category",
    "tanggalpelayanan": "service date",
    "alamat": "address",
    "asalfaskes": "origin facility",
    "assestmenpel": "service assessment code, see `AssesmentPel` (BPJS's spelling)",
    "biayadijamin": "amount guaranteed",
    "carakeluar": "how the patient left (discharge manner)",
    "data": "the answer's data",
    "diagrujukan": "referral diagnosis",
    "diagppk": "diagnosis at the facility",
    "dirujukke": "referred to",
    "dokter": "doctor",
    "email": "email address",
    "faskes": "health facility",
    "fdate": "date the record was written",
    "flagkontrol": "control-visit flag",
    "flaginternal": "internal-referral flag",
    "flagprosedur": "procedure flag, see `FlagProcedure`",
    "flagsep": "SEP flag",
    "formprb": "PRB form",
    "fuser": "user who wrote the record",
    "idrujukan": "referral id",
    "jadwalpraktek": "practice schedule",
    "jasaraharja": "Jasa Raharja (traffic-accident insurer) details",
    "jmldibayar": "amount paid",
    "jmlrencanakontroldanrujukan": "number of control plans and referrals",
    "jnspengajuan": "application type, see `JnsPengajuan`",
    "jumlahrujukan": "number of referrals",
    "kddpjp": "doctor (DPJP) code",
    "kdkab": "regency/city code",
    "kdkec": "district code",
    "kdprop": "province code",
    "kdpoli": "clinic code",
    "kdpolituj": "destination clinic code",
    "kdpoliasal": "origin clinic code",
    "kdproviderperujuk": "referring facility code",
    "kdstatuskecelakaan": "accident status code",
    "kdstatusprb": "PRB status code",
    "keluhan": "complaint",
    "ketkejadian": "description of the accident",
    "ketstatusdijamin": "guarantee status description",
    "ketstatusdikirim": "sent status description",
    "klaim": "claim",
    "kodedokterpembuat": "code of the doctor who wrote the letter",
    "kodeppk": "facility (PPK) code",
    "kodepoli": "clinic code",
    "kodesarana": "facility (sarana) code",
    "kodespesialis": "specialty code",
    "kondisipulang": "condition at discharge",
    "kontrol": "control visit",
    "kontrolkembali": "follow-up control visit",
    "level": "level",
    "lokasi": "location",
    "lokasikejadian": "place of the accident",
    "lpk": "treatment sheet (LPK)",
    "namadiagrujukan": "referral diagnosis name",
    "namadokterpembuat": "name of the doctor who wrote the letter",
    "namajnskontrol": "letter type name",
    "namapoli": "clinic name",
    "namapoliasal": "origin clinic name",
    "namapolirujukan": "referral clinic name",
    "namapolitujuan": "destination clinic name",
    "namappkdirujuk": "name of the facility referred to",
    "namasarana": "facility (sarana) name",
    "namaspesialis": "specialty name",
    "namatiperujukan": "referral type name",
    "nmdpjp": "doctor (DPJP) name",
    "nmproviderperujuk": "referring facility name",
    "nmdiag": "diagnosis name",
    "nmpenunjang": "supporting service name",
    "nmpoliasal": "origin clinic name",
    "nmstatuskecelakaan": "accident status name",
    "nmtujuanrujuk": "referral destination name",
    "noregister": "registration number",
    "nosepasalkontrol": "SEP the control letter follows",
    "nosepawal": "first SEP of the episode",
    "nosepupdating": "SEP being updated",
    "nosuratjaminan": "guarantee letter number",
    "nosepref": "referenced SEP number",
    "opsikonsul": "consultation option",
    "pelayanan": "service",
    "perawatan": "care",
    "persentase": "percentage",
    "persetujuan": "approval",
    "pesertasep": "the participant as on the SEP",
    "plafon": "ceiling amount",
    "poliasal": "origin clinic",
    "polikontrol": "control clinic",
    "polirujukan": "referral clinic",
    "ppkpst": "participant's registered facility",
    "prb": "back-referral programme (PRB)",
    "procedure": "procedure",
    "provperujuk": "referring provider",
    "rencanatl": "follow-up plan",
    "request": "the request wrapper BPJS expects",
    "resultsjasaraharja": "Jasa Raharja results",
    "ruangrawat": "ward",
    "saran": "advice",
    "sep": "the SEP",
    "signa": "dosage",
    "spesialistik": "specialty",
    "tlpk": "the LPK body wrapper",
    "tprb": "the PRB body wrapper",
    "trujukan": "the referral body wrapper",
    "tsep": "the SEP body wrapper",
    "tsuratkontrol": "the control-letter body wrapper",
    "terbitsep": "SEP issued",
    "tglkontrol": "control date",
    "tglpelayanan": "service date",
    "tglrujukaninternal": "internal referral date",
    "tglterbitkontrol": "date the control letter was issued",
    "tglrujukanawal": "referral start date",
    "tglrujukanberakhir": "referral end date",
    "tglrujukinternal": "internal referral date",
    "tindaklanjut": "follow-up, see `TindakLanjut`",
    "tktpelayanan": "service level",
    "tujuanrujukan": "referral destination",
    "tujuanrujuk": "referral destination",
}


def _meaning(member: griffe.Object | None, wire: str) -> str:
    if member is not None:
        if member.docstring is not None and member.docstring.value.strip():
            return " ".join(member.docstring.value.split())
        comment = _trailing_comment(member)
        if comment:
            return comment
    return MEANINGS.get(wire.lower().replace("_", ""), "")


def _trailing_comment(member: griffe.Object) -> str:
    """The ``# comment`` ending the member's first source line, if any."""
    try:
        line = member.lines[0] if member.lines else ""
    except (OSError, IndexError, TypeError):  # pragma: no cover - source not readable
        return ""
    code, sep, comment = line.partition("  # ")
    return comment.strip() if sep and code.strip() else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    # Python-Markdown's tables keep a pipe inside a code span: ``str | None`` needs no escape.
    return f"`{text}`"


def _default(field: msgspec.structs.FieldInfo) -> str:
    if field.required:
        return "required"
    if field.default is not msgspec.NODEFAULT:
        return _code(repr(field.default))
    factory = getattr(field.default_factory, "__name__", "")
    return _code(f"{factory}()") if factory else "—"


def _type(member: griffe.Object | None, field: msgspec.structs.FieldInfo) -> str:
    annotation = getattr(member, "annotation", None) if member is not None else None
    if annotation is not None:
        return str(annotation)
    kind = field.type
    return getattr(kind, "__name__", repr(kind).replace("typing.", ""))


def struct_table(cls: griffe.Class, runtime: type[msgspec.Struct]) -> str:
    """The Markdown **Fields** table of a msgspec Struct."""
    rows = [
        "| Python name | type | wire name | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for field in msgspec.structs.fields(runtime):
        member = cls.members.get(field.name)
        if member is None:
            try:  # inherited from a base class of ours
                member = cls.all_members.get(field.name)
            except griffe.AliasResolutionError:  # pragma: no cover - an external base
                member = None
        obj = member if isinstance(member, griffe.Object) else None
        rows.append(
            f"| {_code(field.name)} | {_code(_type(obj, field))} | {_code(field.encode_name)} "
            f"| {_default(field)} | {_cell(_meaning(obj, field.encode_name))} |"
        )
    return "**Fields** (what `msgspec.to_builtins()` sends or BPJS answers):\n\n" + "\n".join(rows)


def enum_table(cls: griffe.Class, runtime: type[enum.Enum]) -> str:
    """The Markdown **Members** table of an Enum."""
    rows = ["| member | value | meaning |", "|---|---|---|"]
    for member in runtime:
        source = cls.members.get(member.name)
        meaning = _trailing_comment(source) if isinstance(source, griffe.Object) else ""
        rows.append(f"| {_code(member.name)} | {_code(repr(member.value))} | {_cell(meaning)} |")
    return "**Members**:\n\n" + "\n".join(rows)


def _runtime(cls: griffe.Class) -> Any:
    try:
        module = importlib.import_module(cls.module.path)
    except ImportError:  # pragma: no cover - a module the docs environment cannot import
        return None
    return getattr(module, cls.name, None)


class ModelFieldTables(griffe.Extension):
    """Append a field table to every Struct and a member table to every Enum we document."""

    def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:
        if not cls.path.startswith("vclaim_async."):
            return
        runtime = _runtime(cls)
        if isinstance(runtime, type) and issubclass(runtime, msgspec.Struct):
            if not msgspec.structs.fields(runtime):
                return
            table = struct_table(cls, runtime)
        elif isinstance(runtime, type) and issubclass(runtime, enum.Enum):
            table = enum_table(cls, runtime)
        else:
            return
        if cls.docstring is None:
            cls.docstring = griffe.Docstring("", parent=cls)
        cls.docstring.value = f"{cls.docstring.value.rstrip()}\n\n{table}".lstrip()
