"""Every answer model against a full recorded sample: what BPJS always sends is required.

A required field that is missing or null is a :class:`~vclaim_async.DecodeError` naming the field
(and its JSON path) but never the value: decoded answers are patient data. A field BPJS really
omits or nulls stays optional, and the list of those is pinned here so that loosening a type is a
reviewed change (the evidence for each is in the model's comment and ``models/_base.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest

from tests._fixtures import load_fixture
from tests.models._helpers import has_wire_items, structs
from vclaim_async import DecodeError
from vclaim_async._envelope import decode_payload
from vclaim_async.models import (
    lpk,
    monitoring,
    peserta,
    prb,
    referensi,
    rencana_kontrol,
    rujukan,
    sep,
)
from vclaim_async.models._base import Response

# One full sample per answer shape: (fixture, the model the resource decodes it into).
ANSWERS: list[tuple[str, type[Response]]] = [
    ("peserta/by-card.json", peserta.PesertaPayload),
    ("referensi/diagnosa.json", referensi.DiagnosaList),
    ("referensi/poli.json", referensi.PoliList),
    ("referensi/faskes.json", referensi.FaskesList),
    ("referensi/procedure.json", referensi.ProcedureList),
    ("referensi/dokter.json", referensi.ReferensiList),
    ("sep/insert.json", sep.SepInsertResult),
    ("sep/detail.json", sep.SepDetail),
    ("sep/inacbg.json", sep.SepInacbg),
    ("sep/internal.json", sep.SepInternalList),
    ("sep/persetujuan-list.json", sep.PersetujuanSepList),
    ("sep/kll-induk.json", sep.KllIndukList),
    ("sep/suplesi-jasa-raharja.json", sep.SuplesiJasaRaharjaList),
    ("sep/updtglplg-list.json", sep.UpdateTglPulangList),
    ("sep/fingerprint-status.json", sep.FingerPrintStatus),
    ("sep/fingerprint-list.json", sep.FingerPrintList),
    ("sep/random-question-faskes.json", sep.RandomQuestionFaskesList),
    ("rujukan/by-nomor.json", rujukan.RujukanResult),
    ("rujukan/list.json", rujukan.RujukanList),
    ("rujukan/insert.json", rujukan.RujukanInsertResult),
    ("rujukan/khusus-insert.json", rujukan.RujukanKhususResult),
    ("rujukan/khusus-list.json", rujukan.RujukanKhususList),
    ("rujukan/spesialistik.json", rujukan.SpesialistikRujukanList),
    ("rujukan/sarana.json", rujukan.SaranaRujukanList),
    ("rujukan/keluar-list.json", rujukan.RujukanKeluarList),
    ("rujukan/keluar.json", rujukan.RujukanKeluarResult),
    ("rujukan/jumlah-sep.json", rujukan.JumlahSep),
    ("rencana_kontrol/surat-kontrol.json", rencana_kontrol.SuratKontrolDetail),
    ("rencana_kontrol/spri.json", rencana_kontrol.SuratKontrolDetail),
    ("rencana_kontrol/sep.json", rencana_kontrol.RencanaKontrolSep),
    ("rencana_kontrol/insert.json", rencana_kontrol.SuratKontrolResult),
    ("rencana_kontrol/insert-v2.json", rencana_kontrol.SuratKontrolResultV2),
    ("rencana_kontrol/insert-spri.json", rencana_kontrol.SpriResult),
    ("rencana_kontrol/list.json", rencana_kontrol.RencanaKontrolList),
    ("rencana_kontrol/poli.json", rencana_kontrol.PoliKontrolList),
    ("rencana_kontrol/jadwal-dokter.json", rencana_kontrol.JadwalDokterList),
    ("monitoring/kunjungan.json", monitoring.KunjunganList),
    ("monitoring/klaim.json", monitoring.KlaimList),
    ("monitoring/histori.json", monitoring.HistoriPelayananList),
    ("monitoring/jasa-raharja.json", monitoring.JasaRaharjaList),
    ("prb/detail.json", prb.PrbDetailResult),
    ("prb/insert.json", prb.PrbCreated),
    ("prb/list.json", prb.PrbListResult),
    ("prb/potensi.json", prb.PotensiPrbList),
    ("lpk/list.json", lpk.LpkListResult),
]
IDS = [name for name, _ in ANSWERS]

# Every optional answer field by model ("*": all of them); the rest are required. The reason
# for each is the comment on the field in vclaim_async/models.
OPTIONAL: dict[str, set[str]] = {
    "COB": {"nm_asuransi", "no_asuransi", "tgl_tat", "tgl_tmt"},
    "FormPrbDetail": {"kd_status_prb"},
    "FormPrbDetailData": {"*"},  # every PRB measurement may be null
    # Evidence: tests/fixtures/catalog/monitoring-histori-pelayanan.json, the catalog's own
    # example, prints an outpatient row with "kelasRawat": null (issue 17); "poli" is "" there
    # and null for inpatient rows of the same family (Kunjungan, ssecd/jkn's ``string | null``).
    "HistoriPelayanan": {"kelas_rawat", "poli", "tgl_plg_sep"},
    # Evidence: inpatient claims and Jasa Raharja SEPs have no clinic; the simulator and the
    # Kunjungan answer of the same family send "poli": null for them (issue 17).
    "JasaRaharjaSep": {"poli"},
    "Klaim": {"poli"},
    "Informasi": {"dinsos", "e_sep", "no_sktm", "prolanis_prb"},
    "InsertedSep": {
        "assestmen_pel",
        "flag_procedure",
        "informasi",
        "kd_penunjang",
        "kd_poli",
        "penjamin",
        "tujuan_kunj",
    },
    "KllInduk": {"no_sep_suplesi"},
    "Kunjungan": {"poli", "tgl_plg_sep"},
    "LokasiKejadian": {"kd_kab", "kd_kec", "kd_prop", "ket_kejadian", "lokasi", "tgl_kejadian"},
    "Lpk": {"rencana_tl"},
    "LpkDirujukKe": {"kode_ppk"},
    "LpkKontrolKembali": {"poli", "tgl_kontrol"},
    "LpkPerawatanDetail": {
        "cara_keluar",
        "kelas_rawat",
        "kondisi_pulang",
        "ruang_rawat",
        "spesialistik",
    },
    "LpkRencanaTL": {"dirujuk_ke", "kontrol_kembali"},
    "MR": {"no_mr", "no_telepon"},
    "Peserta": {"nik"},
    "PesertaSingkat": {"asuransi", "hak_kelas"},
    "PrbPeserta": {"asal_faskes", "kelamin", "tgl_lahir"},
    "RencanaKontrolItem": {"no_sep_asal_kontrol", "terbit_sep", "tgl_sep"},
    "RujukanCreated": {"poli_tujuan"},
    "RujukanKeluar": {"nama_poli_rujukan", "poli_rujukan"},
    "RujukanKhusus": {"id_rujukan"},
    # Evidence (issue 17): a SEP of a Normal visit may carry flagProcedure, kdPenunjang and
    # assestmenPel as null instead of an object, and with them the settle step failed.
    "SepDetail": {
        "assestmen_pel",
        "dpjp",
        "flag_procedure",
        "informasi",
        "kd_penunjang",
        "kontrol",
        "penjamin",
    },
    "SepDpjp": {"kd_dpjp", "nm_dpjp"},
    "SepInformasi": {"dinsos", "e_sep", "no_sktm", "prolanis_prb"},
    "SepInternal": {"flag_prosedur", "nm_penunjang"},
    "SepKlsRawat": {"kls_rawat_naik", "pembiayaan", "penanggung_jawab"},
    "SepKodeNama": {"kode", "nama"},
    "SepKontrol": {"kd_dokter", "nm_dokter", "no_surat"},
    "SpriResult": {"nama_diagnosa"},
    "SuratKontrolDetail": {"form_prb", "kode_dokter_pembuat", "nama_dokter_pembuat", "sep"},
    "UpdateTglPulangItem": {"no_surat", "tgl_meninggal"},
}


def _decode(data: Any, model: type[Response]) -> Any:
    """Through the client's own decode step, so its error wrapping is what is tested."""
    text = json.dumps(data)
    return decode_payload(text, True, msgspec.Raw(text.encode()), model)


def _structs_in(value: Any) -> Iterator[msgspec.Struct]:
    if isinstance(value, msgspec.Struct):
        yield value
        for field in value.__struct_fields__:
            yield from _structs_in(getattr(value, field))
    elif isinstance(value, list):
        for item in value:
            yield from _structs_in(item)


def _struct_type(t: msgspec.inspect.Type) -> msgspec.inspect.StructType | None:
    """The Struct inside ``t`` (``X``, ``X | None``, ``list[X]``), if there is one."""
    if isinstance(t, msgspec.inspect.UnionType):
        for option in t.types:
            found = _struct_type(option)
            if found is not None:
                return found
    if isinstance(t, msgspec.inspect.ListType):
        return _struct_type(t.item_type)
    return t if isinstance(t, msgspec.inspect.StructType) else None


def _fields(
    data: Any, info: msgspec.inspect.StructType, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], msgspec.inspect.Field]]:
    """Every (JSON path, field) of ``info`` present in the sample, nested ones included."""
    for field in info.fields:
        if field.encode_name not in data:
            continue
        yield (*path, field.encode_name), field
        inner, value = _struct_type(field.type), data[field.encode_name]
        if inner is None or value is None:
            continue
        if isinstance(value, list):
            for i, item in enumerate(value[:1]):
                yield from _fields(item, inner, (*path, field.encode_name, i))
        else:
            yield from _fields(value, inner, (*path, field.encode_name))


def _without(data: Any, path: tuple[str | int, ...]) -> tuple[Any, Any]:
    """A deep copy of ``data`` without the key at ``path``, and the value removed."""
    copy = json.loads(json.dumps(data))
    target = copy
    for step in path[:-1]:
        target = target[step]
    return copy, target.pop(path[-1])


def _cases(required: bool) -> list[Any]:
    cases = []
    for name, model in ANSWERS:
        data = load_fixture(f"responses/{name}")
        info = msgspec.inspect.type_info(model)
        assert isinstance(info, msgspec.inspect.StructType)
        for path, field in _fields(data, info):
            if field.required == required:
                label = f"{name}:{'.'.join(map(str, path))}"
                cases.append(pytest.param(data, model, path, id=label))
    return cases


@pytest.mark.parametrize(("name", "model"), ANSWERS, ids=IDS)
def test_full_sample_decodes_and_keeps_bpjs_names(name: str, model: type[Response]) -> None:
    data = load_fixture(f"responses/{name}")
    assert has_wire_items(msgspec.to_builtins(_decode(data, model)), data)


def test_optional_fields_are_exactly_the_reviewed_ones() -> None:
    found, expected = {}, {}
    for cls in structs(Response):
        info = msgspec.inspect.type_info(cls)
        assert isinstance(info, msgspec.inspect.StructType)
        if optional := {f.name for f in info.fields if not f.required}:
            found[cls.__name__] = optional
        if cls.__name__ in OPTIONAL:
            names = OPTIONAL[cls.__name__]
            expected[cls.__name__] = set(cls.__struct_fields__) if names == {"*"} else names
    assert found == expected


def test_every_answer_model_has_a_full_sample() -> None:
    reached = {
        type(s)
        for name, model in ANSWERS
        for s in _structs_in(_decode(load_fixture(f"responses/{name}"), model))
    }
    assert set(structs(Response)) - reached == set()


@pytest.mark.parametrize(("data", "model", "path"), _cases(required=True))
def test_required_field_missing_or_null_is_a_decode_error_naming_it(
    data: Any, model: type[Response], path: tuple[str | int, ...]
) -> None:
    broken, removed = _without(data, path)
    with pytest.raises(DecodeError) as info:
        _decode(broken, model)
    message = str(info.value)
    assert f"missing required field `{path[-1]}`" in message
    # Beyond the model's name, the field's name and its JSON path, nothing of the answer shows.
    rest = message.replace(model.__name__, "").replace(f"`{path[-1]}`", "").split(" - at `$")[0]
    for text in (json.dumps(removed), *_strings(removed)):
        assert len(text) < 3 or text not in rest

    parent = broken
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = None
    json_path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    with pytest.raises(DecodeError, match="got `null`") as info:
        _decode(broken, model)
    assert f"at `{json_path}`" in str(info.value)


@pytest.mark.parametrize(("data", "model", "path"), _cases(required=False))
def test_optional_field_may_be_omitted(
    data: Any, model: type[Response], path: tuple[str | int, ...]
) -> None:
    broken, _ = _without(data, path)
    _decode(broken, model)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
