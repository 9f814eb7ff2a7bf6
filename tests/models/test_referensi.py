"""Referensi answers: lists of ``{kode, nama}`` under one key each."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from tests._fixtures import load_fixture
from tests.models._helpers import has_wire_items
from vclaim_async.models import referensi


def test_referensi_list_uses_bpjs_list_key(vectors: dict[str, Any]) -> None:
    plaintext = vectors["vectors"][0]["plaintext"]
    result = msgspec.json.decode(plaintext, type=referensi.ReferensiList)
    assert [(i.kode, i.nama) for i in result.items] == [("16", "Bali"), ("17", "Banten")]
    assert has_wire_items(msgspec.to_builtins(result), json.loads(plaintext))


def test_diagnosa_list() -> None:
    data = load_fixture("responses/referensi/diagnosa.json")
    result = msgspec.json.decode(json.dumps(data), type=referensi.DiagnosaList)
    assert result.diagnosa[0].kode == "A04"
    assert result.diagnosa[0].nama.startswith("A04 - ")  # a str, no None-guard needed
