"""Monitoring answers: irregular names, numbers as strings or numbers, history kept as sent."""

from __future__ import annotations

import datetime
import json
from typing import Any

import msgspec

from tests._fixtures import load_fixture
from tests.models._helpers import has_wire_items
from vclaim_async.models import monitoring


def _load(name: str) -> Any:
    return load_fixture(f"responses/monitoring/{name}")


def test_monitoring_klaim_irregular_names() -> None:
    data = _load("klaim.json")
    result = msgspec.json.decode(json.dumps(data), type=monitoring.KlaimList)
    klaim = result.klaim[0]
    assert klaim.inacbg.kode == "K-1-17-I"
    assert klaim.biaya.by_tarif_rs == 1200.5
    assert klaim.peserta.no_mr == "MR1"
    assert klaim.tgl_pulang == datetime.date(2021, 1, 25)
    assert has_wire_items(msgspec.to_builtins(result), data)


def test_monitoring_histori_and_jasa_raharja() -> None:
    histori = msgspec.json.decode(
        json.dumps(_load("histori.json")), type=monitoring.HistoriPelayananList
    )
    assert histori.histori[0].tgl_plg_sep == "2023-01-10"
    assert histori.histori[0].tgl_sep == "2023-01-00"  # BPJS's day-zero dates are kept as sent
    data = _load("jasa-raharja.json")
    result = msgspec.json.decode(json.dumps(data), type=monitoring.JasaRaharjaList)
    jaminan = result.jaminan[0]
    assert jaminan.sep.tgl_plg_sep == datetime.date(2021, 1, 5)
    assert jaminan.jasa_raharja.jml_dibayar == 0
    assert has_wire_items(msgspec.to_builtins(result), data)


def test_open_stay_has_no_discharge_date() -> None:
    data = _load("kunjungan.json")
    data["sep"][0].update(tglPlgSep=None, poli=None)
    visit = msgspec.json.decode(json.dumps(data), type=monitoring.KunjunganList).sep[0]
    assert (visit.tgl_plg_sep, visit.poli) == (None, None)
    assert visit.no_sep == "0301R0110121V000829"
