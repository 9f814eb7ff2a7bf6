"""SEP answers: BPJS's irregular names, and the fields an issued SEP always has."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import msgspec
import pytest
from aioresponses import aioresponses

from tests._fixtures import load_fixture
from tests.conftest import MOCK_BASE, mock_config
from tests.models._helpers import has_wire_items
from vclaim_async import DecodeError, VClaimClient
from vclaim_async.models import sep


def _decode(name: str, model: type[Any], **changes: Any) -> Any:
    data = load_fixture(f"responses/sep/{name}")
    data.update(changes)
    return msgspec.json.decode(json.dumps(data), type=model)


def test_sep_detail_irregular_names() -> None:
    data = load_fixture("responses/sep/detail.json")
    result = msgspec.json.decode(json.dumps(data), type=sep.SepDetail)
    assert result.tgl_sep == datetime.date(2021, 3, 10)
    assert result.nmstatus_kecelakaan == "Bukan Kecelakaan"
    assert result.dpjp is not None
    assert result.dpjp.kd_dpjp == "31574"
    assert result.peserta.no_mr == "MR9835"
    assert result.peserta.tgl_lahir == datetime.date(1980, 2, 1)
    assert result.assestmen_pel.kode == "5"
    assert result.flag_procedure.kode is None
    assert result.e_sep == "False"
    assert result.lokasi_kejadian.tgl_kejadian is None
    assert has_wire_items(msgspec.to_builtins(result), data)


def test_answers_ignore_unknown_fields() -> None:
    data = load_fixture("responses/sep/detail.json")
    data = {**data, "fieldBaru": {"x": 1}, "peserta": {**data["peserta"], "nik": "1"}}
    result = msgspec.json.decode(json.dumps(data), type=sep.SepDetail)
    assert result.no_sep == "0301R0111018V000006"
    assert "fieldBaru" not in msgspec.to_builtins(result)


def test_answers_accept_omitted_and_null_optional_fields() -> None:
    data = load_fixture("responses/sep/detail.json")
    for key in ("dpjp", "kontrol", "informasi"):
        data.pop(key, None)
    data["penjamin"] = None
    result = msgspec.json.decode(json.dumps(data), type=sep.SepDetail)
    assert (result.dpjp, result.kontrol, result.informasi, result.penjamin) == (None,) * 4


def test_answers_refuse_null_required_fields() -> None:
    for key in ("peserta", "tglSep"):
        data = {**load_fixture("responses/sep/detail.json"), key: None}
        with pytest.raises(msgspec.ValidationError, match=f"got `null` - at `\\$.{key}`"):
            msgspec.json.decode(json.dumps(data), type=sep.SepDetail)


def test_sep_insert_result_informasi() -> None:
    result = _decode("insert.json", sep.SepInsertResult)
    assert result.sep.no_sep == "0301R0110721V000001"
    assert result.sep.informasi is not None
    assert result.sep.informasi.e_sep == "True"
    assert result.sep.informasi.prolanis_prb == "PRB"
    assert msgspec.to_builtins(result)["sep"]["informasi"]["noSKTM"] is None


def test_sep_inacbg_lowercase_key() -> None:
    data = load_fixture("responses/sep/inacbg.json")
    result = msgspec.json.decode(json.dumps(data), type=sep.SepInacbg)
    assert result.peserta_sep.no_kartu_bpjs == "9999905689835"
    assert has_wire_items(msgspec.to_builtins(result), data)


def test_sep_internal_lowercase_keys_and_numeric_count() -> None:
    data = load_fixture("responses/sep/internal.json")
    result = msgspec.json.decode(json.dumps(data), type=sep.SepInternalList)
    assert result.count == 1
    assert result.items[0].noka_pst == "9999905689835"
    assert result.items[0].tgl_rujuk_internal == datetime.date(2021, 1, 22)
    assert result.items[0].flag_prosedur is None
    assert has_wire_items(msgspec.to_builtins(result.items[0]), data["list"][0])
    text = _decode("internal.json", sep.SepInternalList, count="1")
    assert text.count == "1"


def test_persetujuan_and_kll_induk_names() -> None:
    persetujuan = _decode("persetujuan-list.json", sep.PersetujuanSepList)
    assert persetujuan.items[0].tgl_sep == datetime.date(2021, 7, 1)
    assert persetujuan.items[0].jns_pelayanan == "2"
    kll = _decode("kll-induk.json", sep.KllIndukList)
    assert (kll.items[0].no_sep, kll.items[0].ppk_pel_sep) == ("S1", "0301R011")
    assert kll.items[0].no_sep_suplesi == "S0"


_INSERT_URL = re.compile(re.escape(MOCK_BASE) + r"/SEP/2\.0/insert$")


async def _insert_answering(answer: dict[str, Any]) -> sep.InsertedSep:
    envelope = {"metaData": {"code": "200", "message": "OK"}, "response": answer}
    async with VClaimClient(mock_config(ppk_pelayanan="0301R011")) as client:
        with aioresponses() as mocked:
            mocked.post(_INSERT_URL, body=json.dumps(envelope))
            return await client.sep.insert(
                no_kartu="9999905689835",
                tgl_sep="2021-07-30",
                jns_pelayanan="2",
                kls_rawat="2",
                no_mr="MR9835",
                rujukan=sep.SepRujukan(
                    asal_rujukan="1",
                    tgl_rujukan="2021-07-23",
                    no_rujukan="RJKMR9835001",
                    ppk_rujukan="0301U011",
                ),
                diag_awal="E10",
                poli="INT",
                no_telp="081111111101",
                user="admisi",
                dpjp_layan="31574",
            )


async def test_inserted_sep_number_is_a_str() -> None:
    inserted = await _insert_answering(load_fixture("responses/sep/insert.json"))
    no_sep: str = inserted.no_sep
    assert no_sep == "0301R0110721V000001"
    assert inserted.peserta.nama == "BUDI"


async def test_insert_answer_without_no_sep_is_a_decode_error_naming_the_field() -> None:
    answer = load_fixture("responses/sep/insert.json")
    del answer["sep"]["noSep"]
    with pytest.raises(DecodeError) as info:
        await _insert_answering(answer)
    message = str(info.value)
    assert "`noSep`" in message and "SepInsertResult" in message
    assert info.value.endpoint == "sep.insert"
    for value in ("9999905689835", "BUDI", "MR9835", "RJKMR9835001"):
        assert value not in message and value not in repr(info.value)
