"""LPK answers: ``list`` keys nested twice, a ``poli`` holding only a code."""

from __future__ import annotations

import json

import msgspec

from tests._fixtures import load_fixture
from vclaim_async.models import lpk


def test_lpk_list_nested_list_keys() -> None:
    data = load_fixture("responses/lpk/list.json")
    result = msgspec.json.decode(json.dumps(data), type=lpk.LpkListResult)
    entry = result.lpk.items[0]
    assert entry.dpjp.dokter.nama == "dr. Tiga"
    assert entry.diagnosa.items[0].diagnosa.kode == "N88.0"
    assert entry.procedure.items[0].procedure.kode == "00.82"
    assert entry.poli.poli.kode == "INT"
    assert entry.peserta.no_mr == "MR1"
    assert entry.rencana_tl is not None
    assert entry.rencana_tl.kontrol_kembali is not None
    assert entry.rencana_tl.kontrol_kembali.poli == "INT"
    built = msgspec.to_builtins(result)["lpk"]["list"][0]
    assert set(built) >= {"DPJP", "rencanaTL", "diagnosa"}
    assert built["diagnosa"]["list"][0]["list"]["kode"] == "N88.0"


def test_lpk_without_follow_up_plan() -> None:
    data = load_fixture("responses/lpk/list.json")
    data["lpk"]["list"][0]["rencanaTL"] = None
    entry = msgspec.json.decode(json.dumps(data), type=lpk.LpkListResult).lpk.items[0]
    assert entry.rencana_tl is None
