"""PRB answers: ``DPJP`` capitalised, ``programPRB`` a string on insert and a pair elsewhere."""

from __future__ import annotations

import datetime
import json
from typing import Any

import msgspec

from tests._fixtures import load_fixture
from tests.models._helpers import has_wire_items
from vclaim_async.models import prb


def _decode(name: str, model: type[Any]) -> Any:
    return msgspec.json.decode(json.dumps(load_fixture(f"responses/prb/{name}")), type=model)


def test_prb_answers() -> None:
    detail = load_fixture("responses/prb/detail.json")
    result = msgspec.json.decode(json.dumps(detail), type=prb.PrbDetailResult)
    assert result.prb.dpjp.kode == "31486"
    assert result.prb.obat.obat[0].nm_obat == "Amlodipine"
    assert result.prb.tgl_srb == datetime.date(2021, 7, 30)
    assert has_wire_items(msgspec.to_builtins(result), detail)
    created = _decode("insert.json", prb.PrbCreated)
    assert created.program_prb == "02"
    assert created.obat.items[0].signa == "1x1"
    listed = _decode("list.json", prb.PrbListResult)
    assert listed.prb.items[0].no_srb == "1"
    assert listed.prb.items[0].peserta.tgl_lahir is None  # the list carries no birth date
    potensi = _decode("potensi.json", prb.PotensiPrbList)
    assert (potensi.items[0].nama_peserta, potensi.items[0].no_sep) == ("BUDI", "S1")
