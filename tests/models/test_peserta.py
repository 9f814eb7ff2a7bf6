"""Participant answers: the fields every Peserta answer carries are plain values."""

from __future__ import annotations

import datetime
import json

import msgspec
import pytest

from tests._fixtures import load_fixture
from vclaim_async.models import peserta


def _peserta(**changes: object) -> peserta.Peserta:
    data = load_fixture("responses/peserta/by-card.json")
    data["peserta"].update(changes)
    return msgspec.json.decode(json.dumps(data), type=peserta.PesertaPayload).peserta


def test_full_answer_reads_without_guards() -> None:
    p = _peserta()
    assert p.nama.upper() == "BUDI"
    assert p.status_peserta.keterangan == "AKTIF"
    assert p.hak_kelas.kode == "1"
    assert p.prov_umum.kd_provider == "03010701"
    assert p.umur.umur_saat_pelayanan.startswith("78 tahun")
    assert p.tgl_tat == datetime.date(2038, 8, 31)
    assert p.is_active


@pytest.mark.parametrize(("kode", "active"), [("0", True), ("1", False), ("9", False)])
def test_is_active_follows_status_kode(kode: str, active: bool) -> None:
    status = {"kode": kode, "keterangan": "X"}
    assert _peserta(statusPeserta=status).is_active is active


def test_nik_may_be_null_as_in_referral_answers() -> None:
    assert _peserta(nik=None).nik is None


def test_cob_dates_stay_strings() -> None:
    cob = {"nmAsuransi": "X", "noAsuransi": "1", "tglTAT": "", "tglTMT": "2020-01-01"}
    p = _peserta(cob=cob)
    assert (p.cob.tgl_tat, p.cob.tgl_tmt) == ("", "2020-01-01")
