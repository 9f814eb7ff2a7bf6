"""Rencana kontrol answers: the PRB form, and an SPRI without an originating SEP."""

from __future__ import annotations

import datetime
import json
from typing import Any

import msgspec

from tests._fixtures import load_fixture
from vclaim_async.models import rencana_kontrol


def _decode(name: str, model: type[Any]) -> Any:
    data = load_fixture(f"responses/rencana_kontrol/{name}")
    return msgspec.json.decode(json.dumps(data), type=model)


def test_surat_kontrol_detail_with_form_prb() -> None:
    result = _decode("surat-kontrol.json", rencana_kontrol.SuratKontrolDetail)
    assert result.sep is not None
    assert result.sep.prov_perujuk.tgl_rujukan == datetime.date(2021, 3, 1)
    assert result.sep.prov_umum.nm_provider == "KLINIK"
    assert result.form_prb is not None
    assert (result.form_prb.data.hba1c, result.form_prb.data.gdp) == (7.5, "120")
    assert result.form_prb.data.hamil is None
    spri = _decode("spri.json", rencana_kontrol.SuratKontrolDetail)
    assert spri.sep is None
    assert spri.jns_kontrol == "1"


def test_rencana_kontrol_lists() -> None:
    result = _decode("list.json", rencana_kontrol.RencanaKontrolList)
    assert result.items[0].tgl_sep == datetime.date(2021, 3, 10)
    assert result.items[0].terbit_sep == "Belum"
    poli = _decode("poli.json", rencana_kontrol.PoliKontrolList)
    assert poli.items[0].jml_rencana_kontrol_dan_rujukan == "4"
    spri = _decode("insert-spri.json", rencana_kontrol.SpriResult)
    assert spri.no_spri == "0301R0110321K000004"
    assert spri.nama_diagnosa is None


def test_spri_rows_in_a_list_have_no_originating_sep() -> None:
    data = load_fixture("responses/rencana_kontrol/list.json")
    data["list"][0].update(jnsKontrol="1", noSepAsalKontrol=None, tglSEP=None)
    del data["list"][0]["terbitSEP"]  # the by-date list omits it
    item = msgspec.json.decode(json.dumps(data), type=rencana_kontrol.RencanaKontrolList).items[0]
    assert (item.no_sep_asal_kontrol, item.tgl_sep, item.terbit_sep) == (None, None, None)
