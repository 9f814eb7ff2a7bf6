"""Request models check their own fields when built: nothing malformed reaches the wire."""

from __future__ import annotations

import datetime

import msgspec
import pytest

from vclaim_async import _validate
from vclaim_async.models.lpk import LpkData, LpkPoli, RencanaTL
from vclaim_async.models.prb import PrbObat
from vclaim_async.models.sep import (
    Jaminan,
    KlsRawat,
    LokasiLaka,
    Penjamin,
    Poli,
    SepCob,
    SepInsertRequest,
    SepRujukan,
    SepSuplesi,
    Skdp,
)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Skdp(no_surat=12345), "Skdp.no_surat must be a str, got int"),
        (lambda: LokasiLaka(kode_propinsi=31), "LokasiLaka.kode_propinsi must be a str"),
        (lambda: PrbObat(kode_obat=None, signa1="1", signa2="1", jml_obat="30"), "kode_obat"),
        (lambda: SepSuplesi(lokasi_laka={"kdPropinsi": "31"}), "lokasi_laka must be a LokasiLaka"),
        (lambda: Penjamin(tgl_kejadian=20240301), "tgl_kejadian"),
        (lambda: Poli(tujuan="INT", eksekutif="ya"), "eksekutif"),
        (lambda: SepCob(cob=1), "cob must be a bool"),
        (
            lambda: LpkData(
                no_sep="0301R0010324V000001",
                tgl_masuk="2024-03-01",
                tgl_keluar="2024-03-02",
                poli=LpkPoli(poli="INT"),
                diagnosa=[{"kode": "I10", "level": "1"}],
                rencana_tl=RencanaTL(tindak_lanjut="1"),
                dpjp="31486",
                user="1",
            ),
            "LpkData.diagnosa",
        ),
    ],
)
def test_a_wrong_type_is_refused_when_built(build: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        build()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: SepRujukan(
                asal_rujukan="1", tgl_rujukan="2024-02-30", no_rujukan="X", ppk_rujukan="Y"
            ),
            "tgl_rujukan is not a real date",
        ),
        (
            lambda: SepRujukan(asal_rujukan="3", tgl_rujukan="", no_rujukan="X", ppk_rujukan="Y"),
            "asal_rujukan",
        ),
        (lambda: KlsRawat(kls_rawat_hak="3", kls_rawat_naik="4"), "pembiayaan"),
        (lambda: Jaminan(laka_lantas="1"), "tgl_kejadian"),
        (lambda: Jaminan(laka_lantas="7"), "laka_lantas"),
    ],
)
def test_a_wrong_value_is_refused_when_built(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()  # type: ignore[operator]


def test_dates_and_flags_are_coerced_to_their_wire_form() -> None:
    poli = Poli(tujuan="INT", eksekutif=True)
    rujukan = SepRujukan(
        asal_rujukan="1", tgl_rujukan=datetime.date(2024, 2, 27), no_rujukan="X", ppk_rujukan="Y"
    )
    penjamin = Penjamin(tgl_kejadian=datetime.date(2024, 2, 1), suplesi=SepSuplesi(suplesi=True))
    assert msgspec.json.decode(msgspec.json.encode(poli)) == {"tujuan": "INT", "eksekutif": "1"}
    assert msgspec.to_builtins(rujukan)["tglRujukan"] == "2024-02-27"
    assert msgspec.to_builtins(penjamin)["tglKejadian"] == "2024-02-01"
    assert msgspec.to_builtins(penjamin)["suplesi"]["suplesi"] == "1"
    assert msgspec.to_builtins(Poli(tujuan="INT"))["eksekutif"] == "0"


def test_a_recorded_body_still_decodes_into_its_model() -> None:
    body = {
        "request": {
            "t_sep": {
                "noKartu": "0001234567890", "tglSep": "2024-03-01", "ppkPelayanan": "0301R001",
                "jnsPelayanan": "2", "klsRawat": {"klsRawatHak": "3"}, "noMR": "MR",
                "rujukan": {"asalRujukan": "1", "tglRujukan": "2024-02-27", "noRujukan": "X",
                            "ppkRujukan": "Y"},
                "diagAwal": "I10", "poli": {"tujuan": "INT", "eksekutif": "0"},
                "noTelp": "0812", "user": "1",
            }
        }
    }  # fmt: skip
    decoded = msgspec.json.decode(msgspec.json.encode(body), type=SepInsertRequest)
    assert decoded.request.t_sep.poli.eksekutif == "0"
    assert decoded.request.t_sep.tgl_sep == "2024-03-01"


@pytest.mark.parametrize("segment", [".", "..", "a/b", "a..b", "x?y", "%2e", "a b", "\x85"])
def test_one_path_segment_rule_refuses_what_would_change_the_path(segment: str) -> None:
    with pytest.raises(ValueError, match=r"path segment|whitespace|not allowed"):
        _validate.path_segment(segment, "no_sep")


def test_a_search_keyword_may_hold_inner_spaces_only() -> None:
    assert _validate.path_segment("tab 100 mg", "keyword", spaces=True) == "tab%20100%20mg"
    with pytest.raises(ValueError, match="whitespace"):
        _validate.path_segment(" tab", "keyword", spaces=True)
    with pytest.raises(ValueError, match="path segment"):
        _validate.path_segment(".", "keyword", spaces=True)
