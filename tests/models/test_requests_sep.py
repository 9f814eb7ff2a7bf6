"""Request bodies of the sep writes, byte for byte against recorded catalog samples.

The expected bodies (``tests/fixtures/requests/...``) are written out from the catalog
(protocol doc §3 and the public client types), not from our encoder, so they pin BPJS's
names, nesting and wrappers.
"""

from __future__ import annotations

import json

import msgspec
import pytest

from tests._fixtures import load_fixture
from tests.models._helpers import wire
from vclaim_async.models import enums, sep


def _sep_insert() -> sep.SepInsertRequest:
    body = sep.SepInsert(
        no_kartu="9999905689835",
        tgl_sep="2021-07-30",
        ppk_pelayanan="0301R011",
        jns_pelayanan=enums.JnsPelayanan.RAWAT_INAP,
        kls_rawat=sep.KlsRawat(kls_rawat_hak=enums.KlsRawatHak.KELAS_2),
        no_mr="MR9835",
        rujukan=sep.SepRujukan(
            asal_rujukan=enums.AsalRujukan.FASKES_2,
            tgl_rujukan="2021-07-23",
            no_rujukan="RJKMR9835001",
            ppk_rujukan="0301R011",
        ),
        catatan="testinsert RI",
        diag_awal="E10",
        poli=sep.Poli(tujuan=""),
        jaminan=sep.Jaminan(no_lp="12345"),
        skdp=sep.Skdp(no_surat="0301R0110721K000021", kode_dpjp="31574"),
        no_telp="081111111101",
        user="Coba Ws",
    )
    return sep.SepInsertRequest(request=sep.TSep(t_sep=body))


def _penjamin_kll() -> sep.Penjamin:
    return sep.Penjamin(
        tgl_kejadian="2021-08-01",
        keterangan="tabrakan",
        suplesi=sep.SepSuplesi(
            suplesi=enums.Suplesi.YA,
            no_sep_suplesi="0301R0110821V000001",
            lokasi_laka=sep.LokasiLaka(
                kode_propinsi="03", kode_kabupaten="0050", kode_kecamatan="0574"
            ),
        ),
    )


# (id, request object, fixture of the exact body the catalog shows)
CASES: list[tuple[str, msgspec.Struct, str]] = [
    (
        "sep-insert",
        _sep_insert(),
        "requests/sep/sep-insert.json",
    ),
    (
        "sep-update",
        sep.SepUpdateRequest(
            request=sep.TSep(
                t_sep=sep.SepUpdate(
                    no_sep="0301R0111018V000006",
                    kls_rawat=sep.KlsRawat(
                        kls_rawat_hak="2",
                        kls_rawat_naik=enums.KlsRawatNaik.KELAS_1,
                        pembiayaan=enums.Pembiayaan.PRIBADI,
                        penanggung_jawab="Pribadi",
                    ),
                    no_mr="MR9835",
                    catatan="",
                    diag_awal="E10",
                    poli=sep.Poli(tujuan="INT", eksekutif=enums.Eksekutif.TIDAK),
                    cob=sep.SepCob(cob=enums.Cob.TIDAK),
                    katarak=sep.SepKatarak(katarak=enums.Katarak.TIDAK),
                    jaminan=sep.JaminanUpdate(
                        laka_lantas=enums.LakaLantas.KLL_BUKAN_KK, penjamin=_penjamin_kll()
                    ),
                    dpjp_layan="46",
                    no_telp="08522424",
                    user="Coba Ws",
                )
            )
        ),
        "requests/sep/sep-update.json",
    ),
    (
        "sep-delete",
        sep.SepDeleteRequest(
            request=sep.TSep(t_sep=sep.SepDelete(no_sep="0301R0011017V000007", user="Coba Ws"))
        ),
        "requests/sep/sep-delete.json",
    ),
    (
        "sep-pengajuan",
        sep.PengajuanSepRequest(
            request=sep.TSep(
                t_sep=sep.PengajuanSep(
                    no_kartu="9999905689835",
                    tgl_sep="2021-07-30",
                    jns_pelayanan="2",
                    jns_pengajuan=enums.JnsPengajuan.BACKDATE,
                    keterangan="Hari libur",
                    user="Coba Ws",
                )
            )
        ),
        "requests/sep/sep-pengajuan.json",
    ),
    (
        "sep-approval",
        sep.ApprovalSepRequest(
            request=sep.TSep(
                t_sep=sep.PengajuanSep(
                    no_kartu="9999905689835",
                    tgl_sep="2021-07-30",
                    jns_pelayanan="2",
                    jns_pengajuan=enums.JnsPengajuan.FINGER_PRINT,
                    keterangan="",
                    user="Coba Ws",
                )
            )
        ),
        "requests/sep/sep-approval.json",
    ),
    (
        "sep-updtglplg",
        sep.UpdateTglPulangRequest(
            request=sep.TSep(
                t_sep=sep.UpdateTglPulang(
                    no_sep="0301R0111018V000006",
                    status_pulang=enums.StatusPulang.MENINGGAL,
                    no_surat_meninggal="325/Set/RS/X/2021",
                    tgl_meninggal="2021-10-01",
                    tgl_pulang="2021-10-01",
                    user="Coba Ws",
                )
            )
        ),
        "requests/sep/sep-updtglplg.json",
    ),
    (
        "sep-internal-delete",
        sep.SepInternalDeleteRequest(
            request=sep.TSep(
                t_sep=sep.SepInternalDelete(
                    no_sep="0301R0110121V000829",
                    no_surat="0301R0110121K000028",
                    tgl_rujukan_internal="2021-01-22",
                    kode_poli_tujuan="INT",
                    user="Coba Ws",
                )
            )
        ),
        "requests/sep/sep-internal-delete.json",
    ),
    (
        "sep-randomanswer",
        sep.RandomAnswerRequest(
            request=sep.TSep(
                t_sep=sep.RandomAnswer(
                    no_kartu="9999905689835",
                    tgl_sep="2021-07-30",
                    jen_pel="2",
                    ppk_pel_sep="0301R011",
                    tgl_lahir="1980-02-01",
                    ppk_pst="0301U011",
                    user="Coba Ws",
                )
            )
        ),
        "requests/sep/sep-randomanswer.json",
    ),
]


def test_request_rejects_unknown_field_in_nested_part() -> None:
    body = load_fixture("requests/sep/sep-insert.json")
    body["request"]["t_sep"]["jaminan"]["penjamin"]["suplesi"]["lokasiLaka"]["kdDesa"] = "1"
    with pytest.raises(msgspec.ValidationError, match="lokasiLaka"):
        msgspec.json.decode(json.dumps(body), type=sep.SepInsertRequest)


def test_request_defaults_are_empty_strings_not_nulls() -> None:
    body = wire(
        sep.SepInsert(
            no_kartu="1",
            tgl_sep="2021-01-01",
            ppk_pelayanan="X",
            jns_pelayanan="2",
            kls_rawat=sep.KlsRawat(kls_rawat_hak="3"),
            no_mr="1",
            rujukan=sep.SepRujukan(
                asal_rujukan="1", tgl_rujukan="2021-01-01", no_rujukan="R", ppk_rujukan="P"
            ),
            diag_awal="A00",
            poli=sep.Poli(tujuan="INT"),
            no_telp="0",
            user="u",
        )
    )
    assert body["flagProcedure"] == ""
    assert body["kdPenunjang"] == ""
    assert body["jaminan"]["penjamin"]["suplesi"]["lokasiLaka"]["kdPropinsi"] == ""
    assert "null" not in json.dumps(body)


def test_request_needs_keywords() -> None:
    with pytest.raises(TypeError):
        sep.SepDelete("0301R0011017V000007", "user")  # type: ignore[call-arg]
