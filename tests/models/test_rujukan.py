"""Rujukan answers: full participant inside, BPJS's capitalised and lower-case keys."""

from __future__ import annotations

import datetime
import json
from typing import Any

import msgspec

from tests._fixtures import load_fixture
from tests.models._helpers import has_wire_items
from vclaim_async.models import rujukan


def _decode(name: str, model: type[Any]) -> Any:
    return msgspec.json.decode(json.dumps(load_fixture(f"responses/rujukan/{name}")), type=model)


def test_rujukan_with_full_peserta() -> None:
    result = _decode("by-nomor.json", rujukan.RujukanResult)
    assert result.rujukan.tgl_kunjungan == datetime.date(2017, 12, 20)
    peserta = result.rujukan.peserta
    assert peserta.nik is None
    assert peserta.mr.no_mr == "1234"
    assert peserta.tgl_tat == datetime.date(2038, 8, 31)
    assert peserta.prov_umum.kd_provider == "03010701"
    many = _decode("list.json", rujukan.RujukanList)
    assert len(many.rujukan) == 2


def test_rujukan_insert_result_capitalised_asal() -> None:
    result = _decode("insert.json", rujukan.RujukanInsertResult)
    assert result.rujukan.asal_rujukan.kode == "0304R002"
    assert result.rujukan.tgl_berlaku_kunjungan == datetime.date(2022, 12, 12)
    assert result.rujukan.peserta.hak_kelas is None
    assert "AsalRujukan" in msgspec.to_builtins(result)["rujukan"]


def test_rujukan_khusus_and_counts() -> None:
    data = load_fixture("responses/rujukan/khusus-list.json")
    result = msgspec.json.decode(json.dumps(data), type=rujukan.RujukanKhususList)
    assert result.rujukan[0].tgl_rujukan_berakhir == "2021-12-30"
    assert has_wire_items(msgspec.to_builtins(result.rujukan[0]), data["rujukan"][0])
    inserted = _decode("khusus-insert.json", rujukan.RujukanKhususResult)
    assert inserted.rujukan.id_rujukan is None  # idrujukan appears in list answers only
    spes = _decode("spesialistik.json", rujukan.SpesialistikRujukanList)
    assert (spes.items[0].kapasitas, spes.items[0].jumlah_rujukan) == ("10", 3)
    jumlah = _decode("jumlah-sep.json", rujukan.JumlahSep)
    assert jumlah.jumlah_sep == "2"
