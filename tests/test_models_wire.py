"""Wire shapes of the VClaim models: request bodies byte for byte, answers field by field.

The expected request dicts are written out from the catalog (protocol doc §3 and the public
client types), not from our encoder, so they pin BPJS's names, nesting and wrappers.
"""

from __future__ import annotations

import datetime
import inspect
import json
from typing import Any

import msgspec
import pytest

from vclaim_async.models import (
    enums,
    lpk,
    monitoring,
    prb,
    referensi,
    rencana_kontrol,
    rujukan,
    sep,
)
from vclaim_async.models._base import Request, Response

MODULES = [referensi, sep, rujukan, rencana_kontrol, monitoring, prb, lpk]


def _structs(base: type[msgspec.Struct]) -> list[type[msgspec.Struct]]:
    found = []
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, base)
                and getattr(obj, "__parameters__", ()) == ()
            ):
                found.append(obj)
    return found


def _wire(obj: msgspec.Struct) -> Any:
    return msgspec.json.decode(msgspec.json.encode(obj))


def _has_wire_items(built: Any, sample: Any) -> bool:
    """True when ``built`` (from ``msgspec.to_builtins``) holds every key and value of ``sample``.

    Fields the sample omits come back as ``None``, so equality would be too strict.
    """
    if isinstance(sample, dict):
        return isinstance(built, dict) and all(
            key in built and _has_wire_items(built[key], value) for key, value in sample.items()
        )
    if isinstance(sample, list):
        return (
            isinstance(built, list)
            and len(built) == len(sample)
            and all(_has_wire_items(b, v) for b, v in zip(built, sample, strict=True))
        )
    return bool(built == sample)


# ------------------------------------------------------------------------------------------
# Request bodies: the exact JSON the catalog shows

SEP_INSERT_BODY = {
    "request": {
        "t_sep": {
            "noKartu": "0001105689835",
            "tglSep": "2021-07-30",
            "ppkPelayanan": "0301R011",
            "jnsPelayanan": "1",
            "klsRawat": {
                "klsRawatHak": "2",
                "klsRawatNaik": "",
                "pembiayaan": "",
                "penanggungJawab": "",
            },
            "noMR": "MR9835",
            "rujukan": {
                "asalRujukan": "2",
                "tglRujukan": "2021-07-23",
                "noRujukan": "RJKMR9835001",
                "ppkRujukan": "0301R011",
            },
            "catatan": "testinsert RI",
            "diagAwal": "E10",
            "poli": {"tujuan": "", "eksekutif": "0"},
            "cob": {"cob": "0"},
            "katarak": {"katarak": "0"},
            "jaminan": {
                "lakaLantas": "0",
                "noLP": "12345",
                "penjamin": {
                    "tglKejadian": "",
                    "keterangan": "",
                    "suplesi": {
                        "suplesi": "0",
                        "noSepSuplesi": "",
                        "lokasiLaka": {"kdPropinsi": "", "kdKabupaten": "", "kdKecamatan": ""},
                    },
                },
            },
            "tujuanKunj": "0",
            "flagProcedure": "",
            "kdPenunjang": "",
            "assesmentPel": "",
            "skdp": {"noSurat": "0301R0110721K000021", "kodeDPJP": "31574"},
            "dpjpLayan": "",
            "noTelp": "081111111101",
            "user": "Coba Ws",
        }
    }
}


def _sep_insert() -> sep.SepInsertRequest:
    body = sep.SepInsert(
        no_kartu="0001105689835",
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


_PENJAMIN_KLL = {
    "tglKejadian": "2021-08-01",
    "keterangan": "tabrakan",
    "suplesi": {
        "suplesi": "1",
        "noSepSuplesi": "0301R0110821V000001",
        "lokasiLaka": {"kdPropinsi": "03", "kdKabupaten": "0050", "kdKecamatan": "0574"},
    },
}


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


# formPRB.data keys as the catalog lists them; every one is sent, null when not measured.
_FORM_PRB_DATA_NULLS: dict[str, Any] = dict.fromkeys(
    [
        "HBA1C",
        "GDP",
        "GD2JPP",
        "eGFR",
        "TD_Sistolik",
        "TD_Diastolik",
        "LDL",
        "Rata_TD_Sistolik",
        "Rata_TD_Diastolik",
        "JantungKoroner",
        "Stroke",
        "VaskularPerifer",
        "Aritmia",
        "AtrialFibrilasi",
        "NadiIstirahat",
        "SesakNapas3Bulan",
        "NyeriDada3Bulan",
        "SesakNapasAktivitas",
        "NyeriDadaAktivitas",
        "Terkontrol",
        "Gejala2xMinggu",
        "BangunMalam",
        "KeterbatasanFisik",
        "FungsiParu",
        "SkorMMRC",
        "Eksaserbasi1Tahun",
        "MampuAktivitas",
        "Epileptik6Bulan",
        "EfekSampingOAB",
        "HamilMenyusui",
        "Remisi",
        "TerapiRumatan",
        "Usia",
        "AsamUrat",
        "RemisiSLE",
        "Hamil",
    ]
)

_LPK_T_LPK = {
    "noSep": "0301R0011017V000015",
    "tglMasuk": "2017-10-30",
    "tglKeluar": "2017-10-30",
    "jaminan": "1",
    "poli": {"poli": "INT"},
    "perawatan": {
        "ruangRawat": "1",
        "kelasRawat": "1",
        "spesialistik": "1",
        "caraKeluar": "1",
        "kondisiPulang": "1",
    },
    "diagnosa": [{"kode": "N88.0", "level": "1"}, {"kode": "A00.1", "level": "2"}],
    "procedure": [{"kode": "00.82"}, {"kode": "00.83"}],
    "rencanaTL": {
        "tindakLanjut": "1",
        "dirujukKe": {"kodePPK": ""},
        "kontrolKembali": {"tglKontrol": "2017-11-10", "poli": ""},
    },
    "DPJP": "3",
    "user": "Coba Ws",
}


def _lpk_data() -> lpk.LpkData:
    return lpk.LpkData(
        no_sep="0301R0011017V000015",
        tgl_masuk="2017-10-30",
        tgl_keluar="2017-10-30",
        poli=lpk.LpkPoli(poli="INT"),
        perawatan=lpk.LpkPerawatan(
            ruang_rawat="1", kelas_rawat="1", spesialistik="1", cara_keluar="1", kondisi_pulang="1"
        ),
        diagnosa=[
            lpk.LpkDiagnosa(kode="N88.0", level=enums.LevelDiagnosa.PRIMER),
            lpk.LpkDiagnosa(kode="A00.1", level=enums.LevelDiagnosa.SEKUNDER),
        ],
        procedure=[lpk.LpkProcedure(kode="00.82"), lpk.LpkProcedure(kode="00.83")],
        rencana_tl=lpk.RencanaTL(
            tindak_lanjut=enums.TindakLanjut.DIPERBOLEHKAN_PULANG,
            kontrol_kembali=lpk.KontrolKembali(tgl_kontrol="2017-11-10"),
        ),
        dpjp="3",
        user="Coba Ws",
    )


_PRB_OBAT = [
    {"kdObat": "00196120124", "signa1": "1", "signa2": "1", "jmlObat": "11"},
    {"kdObat": "00011120243", "signa1": "1", "signa2": "1", "jmlObat": "10"},
]


def _prb_obat() -> list[prb.PrbObat]:
    return [
        prb.PrbObat(kode_obat="00196120124", signa1="1", signa2="1", jml_obat="11"),
        prb.PrbObat(kode_obat="00011120243", signa1="1", signa2="1", jml_obat="10"),
    ]


REQUEST_CASES: list[tuple[str, msgspec.Struct, dict[str, Any]]] = [
    ("sep-insert", _sep_insert(), SEP_INSERT_BODY),
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
        {
            "request": {
                "t_sep": {
                    "noSep": "0301R0111018V000006",
                    "klsRawat": {
                        "klsRawatHak": "2",
                        "klsRawatNaik": "3",
                        "pembiayaan": "1",
                        "penanggungJawab": "Pribadi",
                    },
                    "noMR": "MR9835",
                    "catatan": "",
                    "diagAwal": "E10",
                    "poli": {"tujuan": "INT", "eksekutif": "0"},
                    "cob": {"cob": "0"},
                    "katarak": {"katarak": "0"},
                    "jaminan": {"lakaLantas": "1", "penjamin": _PENJAMIN_KLL},
                    "dpjpLayan": "46",
                    "noTelp": "08522424",
                    "user": "Coba Ws",
                }
            }
        },
    ),
    (
        "sep-delete",
        sep.SepDeleteRequest(
            request=sep.TSep(t_sep=sep.SepDelete(no_sep="0301R0011017V000007", user="Coba Ws"))
        ),
        {"request": {"t_sep": {"noSep": "0301R0011017V000007", "user": "Coba Ws"}}},
    ),
    (
        "sep-pengajuan",
        sep.PengajuanSepRequest(
            request=sep.TSep(
                t_sep=sep.PengajuanSep(
                    no_kartu="0001105689835",
                    tgl_sep="2021-07-30",
                    jns_pelayanan="2",
                    jns_pengajuan=enums.JnsPengajuan.BACKDATE,
                    keterangan="Hari libur",
                    user="Coba Ws",
                )
            )
        ),
        {
            "request": {
                "t_sep": {
                    "noKartu": "0001105689835",
                    "tglSep": "2021-07-30",
                    "jnsPelayanan": "2",
                    "jnsPengajuan": "1",
                    "keterangan": "Hari libur",
                    "user": "Coba Ws",
                }
            }
        },
    ),
    (
        "sep-approval",
        sep.ApprovalSepRequest(
            request=sep.TSep(
                t_sep=sep.PengajuanSep(
                    no_kartu="0001105689835",
                    tgl_sep="2021-07-30",
                    jns_pelayanan="2",
                    jns_pengajuan=enums.JnsPengajuan.FINGER_PRINT,
                    keterangan="",
                    user="Coba Ws",
                )
            )
        ),
        {
            "request": {
                "t_sep": {
                    "noKartu": "0001105689835",
                    "tglSep": "2021-07-30",
                    "jnsPelayanan": "2",
                    "jnsPengajuan": "2",
                    "keterangan": "",
                    "user": "Coba Ws",
                }
            }
        },
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
        {
            "request": {
                "t_sep": {
                    "noSep": "0301R0111018V000006",
                    "statusPulang": "4",
                    "noSuratMeninggal": "325/Set/RS/X/2021",
                    "tglMeninggal": "2021-10-01",
                    "tglPulang": "2021-10-01",
                    "noLPManual": "",
                    "user": "Coba Ws",
                }
            }
        },
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
        {
            "request": {
                "t_sep": {
                    "noSep": "0301R0110121V000829",
                    "noSurat": "0301R0110121K000028",
                    "tglRujukanInternal": "2021-01-22",
                    "kdPoliTuj": "INT",
                    "user": "Coba Ws",
                }
            }
        },
    ),
    (
        "sep-randomanswer",
        sep.RandomAnswerRequest(
            request=sep.TSep(
                t_sep=sep.RandomAnswer(
                    no_kartu="0001105689835",
                    tgl_sep="2021-07-30",
                    jen_pel="2",
                    ppk_pel_sep="0301R011",
                    tgl_lahir="1980-02-01",
                    ppk_pst="0301U011",
                    user="Coba Ws",
                )
            )
        ),
        {
            "request": {
                "t_sep": {
                    "noKartu": "0001105689835",
                    "tglSep": "2021-07-30",
                    "jenPel": "2",
                    "ppkPelSep": "0301R011",
                    "tglLahir": "1980-02-01",
                    "ppkPst": "0301U011",
                    "user": "Coba Ws",
                }
            }
        },
    ),
    (
        "rujukan-insert",
        rujukan.RujukanInsertRequest(
            request=rujukan.TRujukan(
                t_rujukan=rujukan.RujukanInsert(
                    no_sep="0301R0110721V000001",
                    tgl_rujukan="2021-07-30",
                    tgl_rencana_kunjungan="2021-08-05",
                    ppk_dirujuk="0301R002",
                    jns_pelayanan="2",
                    catatan="test",
                    diag_rujukan="A15",
                    tipe_rujukan=enums.TipeRujukan.BALIK_PRB,
                    user="Coba Ws",
                )
            )
        ),
        {
            "request": {
                "t_rujukan": {
                    "noSep": "0301R0110721V000001",
                    "tglRujukan": "2021-07-30",
                    "tglRencanaKunjungan": "2021-08-05",
                    "ppkDirujuk": "0301R002",
                    "jnsPelayanan": "2",
                    "catatan": "test",
                    "diagRujukan": "A15",
                    "tipeRujukan": "2",
                    "poliRujukan": "",
                    "user": "Coba Ws",
                }
            }
        },
    ),
    (
        "rujukan-update",
        rujukan.RujukanUpdateRequest(
            request=rujukan.TRujukan(
                t_rujukan=rujukan.RujukanUpdate(
                    no_rujukan="0301R0110721B000001",
                    tgl_rujukan="2021-07-30",
                    tgl_rencana_kunjungan="2021-08-05",
                    ppk_dirujuk="0301R002",
                    jns_pelayanan="2",
                    catatan="test",
                    diag_rujukan="A15",
                    tipe_rujukan=enums.TipeRujukan.PENUH,
                    poli_rujukan="INT",
                    user="Coba Ws",
                )
            )
        ),
        {
            "request": {
                "t_rujukan": {
                    "noRujukan": "0301R0110721B000001",
                    "tglRujukan": "2021-07-30",
                    "tglRencanaKunjungan": "2021-08-05",
                    "ppkDirujuk": "0301R002",
                    "jnsPelayanan": "2",
                    "catatan": "test",
                    "diagRujukan": "A15",
                    "tipeRujukan": "0",
                    "poliRujukan": "INT",
                    "user": "Coba Ws",
                }
            }
        },
    ),
    (
        "rujukan-delete",
        rujukan.RujukanDeleteRequest(
            request=rujukan.TRujukan(
                t_rujukan=rujukan.RujukanDelete(no_rujukan="0301R0110721B000001", user="Coba Ws")
            )
        ),
        {"request": {"t_rujukan": {"noRujukan": "0301R0110721B000001", "user": "Coba Ws"}}},
    ),
    (
        "rujukan-khusus-insert",
        rujukan.RujukanKhususInsertRequest(
            no_rujukan="0301U0331019P003283",
            diagnosa=[rujukan.KodeRujukan(kode="P;N18"), rujukan.KodeRujukan(kode="S;N18.1")],
            procedure=[rujukan.KodeRujukan(kode="39.95")],
            user="Coba Ws",
        ),
        {
            "noRujukan": "0301U0331019P003283",
            "diagnosa": [{"kode": "P;N18"}, {"kode": "S;N18.1"}],
            "procedure": [{"kode": "39.95"}],
            "user": "Coba Ws",
        },
    ),
    (
        "rujukan-khusus-delete",
        rujukan.RujukanKhususDeleteRequest(
            request=rujukan.TRujukan(
                t_rujukan=rujukan.RujukanKhususDelete(
                    id_rujukan="98865", no_rujukan="0301U0331019P003283", user="Coba Ws"
                )
            )
        ),
        {
            "request": {
                "t_rujukan": {
                    "idRujukan": "98865",
                    "noRujukan": "0301U0331019P003283",
                    "user": "Coba Ws",
                }
            }
        },
    ),
    (
        "rencana-kontrol-insert",
        rencana_kontrol.RencanaKontrolInsertRequest(
            request=rencana_kontrol.RencanaKontrolInsert(
                no_sep="0301R0111018V000006",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
            )
        ),
        {
            "request": {
                "noSEP": "0301R0111018V000006",
                "kodeDokter": "12345",
                "poliKontrol": "INT",
                "tglRencanaKontrol": "2021-03-20",
                "user": "ws",
            }
        },
    ),
    (
        "rencana-kontrol-insert-v2",
        rencana_kontrol.RencanaKontrolInsertV2Request(
            request=rencana_kontrol.RencanaKontrolInsertV2(
                no_sep="0301R0111018V000006",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
                form_prb=rencana_kontrol.FormPrb(
                    kode_status_prb=enums.PenyakitPrb.DIABETES_MELLITUS,
                    data=rencana_kontrol.FormPrbData(hba1c=7.5, gdp=120, e_gfr=None),
                ),
            )
        ),
        {
            "request": {
                "noSEP": "0301R0111018V000006",
                "kodeDokter": "12345",
                "poliKontrol": "INT",
                "tglRencanaKontrol": "2021-03-20",
                "user": "ws",
                "formPRB": {
                    "kdStatusPRB": "01",
                    "data": {**_FORM_PRB_DATA_NULLS, "HBA1C": 7.5, "GDP": 120},
                },
            }
        },
    ),
    (
        "rencana-kontrol-update",
        rencana_kontrol.RencanaKontrolUpdateRequest(
            request=rencana_kontrol.RencanaKontrolUpdate(
                no_surat_kontrol="0301R0110321K000002",
                no_sep="0301R0111018V000006",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
            )
        ),
        {
            "request": {
                "noSuratKontrol": "0301R0110321K000002",
                "noSEP": "0301R0111018V000006",
                "kodeDokter": "12345",
                "poliKontrol": "INT",
                "tglRencanaKontrol": "2021-03-20",
                "user": "ws",
            }
        },
    ),
    (
        "rencana-kontrol-update-v2",
        rencana_kontrol.RencanaKontrolUpdateV2Request(
            request=rencana_kontrol.RencanaKontrolUpdateV2(
                no_surat_kontrol="0301R0110321K000002",
                no_sep="0301R0111018V000006",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
            )
        ),
        {
            "request": {
                "noSuratKontrol": "0301R0110321K000002",
                "noSEP": "0301R0111018V000006",
                "kodeDokter": "12345",
                "poliKontrol": "INT",
                "tglRencanaKontrol": "2021-03-20",
                "user": "ws",
                "formPRB": {"kdStatusPRB": None, "data": _FORM_PRB_DATA_NULLS},
            }
        },
    ),
    (
        "rencana-kontrol-delete",
        rencana_kontrol.RencanaKontrolDeleteRequest(
            request=rencana_kontrol.TSuratKontrol(
                t_suratkontrol=rencana_kontrol.SuratKontrolDelete(
                    no_surat_kontrol="0301R0110321K000002", user="ws"
                )
            )
        ),
        {"request": {"t_suratkontrol": {"noSuratKontrol": "0301R0110321K000002", "user": "ws"}}},
    ),
    (
        "spri-insert",
        rencana_kontrol.SpriInsertRequest(
            request=rencana_kontrol.SpriInsert(
                no_kartu="0001105689835",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
            )
        ),
        {
            "request": {
                "noKartu": "0001105689835",
                "kodeDokter": "12345",
                "poliKontrol": "INT",
                "tglRencanaKontrol": "2021-03-20",
                "user": "ws",
            }
        },
    ),
    (
        "spri-update",
        rencana_kontrol.SpriUpdateRequest(
            request=rencana_kontrol.SpriUpdate(
                no_spri="0301R0110321K000003",
                kode_dokter="12345",
                poli_kontrol="INT",
                tgl_rencana_kontrol="2021-03-20",
                user="ws",
            )
        ),
        {
            "request": {
                "noSPRI": "0301R0110321K000003",
                "kodeDokter": "12345",
                "poliKontrol": "INT",
                "tglRencanaKontrol": "2021-03-20",
                "user": "ws",
            }
        },
    ),
    (
        "prb-insert",
        prb.PrbInsertRequest(
            request=prb.TPrb(
                t_prb=prb.PrbInsert(
                    no_sep="0301R0111018V000006",
                    no_kartu="0000039043765",
                    alamat="Jln. Sutan Syahrir",
                    email="a@b.c",
                    program_prb=enums.PenyakitPrb.HIPERTENSI,
                    kode_dpjp="31486",
                    keterangan="Kecapekan kerja",
                    saran="Pasien harus olahraga",
                    user="123456",
                    obat=_prb_obat(),
                )
            )
        ),
        {
            "request": {
                "t_prb": {
                    "noSep": "0301R0111018V000006",
                    "noKartu": "0000039043765",
                    "alamat": "Jln. Sutan Syahrir",
                    "email": "a@b.c",
                    "programPRB": "02",
                    "kodeDPJP": "31486",
                    "keterangan": "Kecapekan kerja",
                    "saran": "Pasien harus olahraga",
                    "user": "123456",
                    "obat": _PRB_OBAT,
                }
            }
        },
    ),
    (
        "prb-update",
        prb.PrbUpdateRequest(
            request=prb.TPrb(
                t_prb=prb.PrbUpdate(
                    no_srb="1234567",
                    no_sep="0301R0111018V000006",
                    alamat="Jln. Sutan Syahrir",
                    email="",
                    kode_dpjp="31486",
                    keterangan="",
                    saran="",
                    user="123456",
                    obat=_prb_obat(),
                )
            )
        ),
        {
            "request": {
                "t_prb": {
                    "noSrb": "1234567",
                    "noSep": "0301R0111018V000006",
                    "alamat": "Jln. Sutan Syahrir",
                    "email": "",
                    "kodeDPJP": "31486",
                    "keterangan": "",
                    "saran": "",
                    "user": "123456",
                    "obat": _PRB_OBAT,
                }
            }
        },
    ),
    (
        "prb-delete",
        prb.PrbDeleteRequest(
            request=prb.TPrb(
                t_prb=prb.PrbDelete(no_srb="1234567", no_sep="0301R0111018V000006", user="1")
            )
        ),
        {"request": {"t_prb": {"noSrb": "1234567", "noSep": "0301R0111018V000006", "user": "1"}}},
    ),
    (
        "lpk-insert",
        lpk.LpkInsertRequest(request=lpk.TLpk(t_lpk=_lpk_data())),
        {"request": {"t_lpk": _LPK_T_LPK}},
    ),
    (
        "lpk-update",
        lpk.LpkUpdateRequest(request=lpk.TLpk(t_lpk=_lpk_data())),
        {"request": {"t_lpk": _LPK_T_LPK}},
    ),
    (
        "lpk-delete",
        lpk.LpkDeleteRequest(request=lpk.TLpk(t_lpk=lpk.LpkDelete(no_sep="0301R0011017V000015"))),
        {"request": {"t_lpk": {"noSep": "0301R0011017V000015"}}},
    ),
]


@pytest.mark.parametrize(
    ("obj", "expected"), [c[1:] for c in REQUEST_CASES], ids=[c[0] for c in REQUEST_CASES]
)
def test_request_encodes_to_catalog_body(obj: msgspec.Struct, expected: dict[str, Any]) -> None:
    assert _wire(obj) == expected


@pytest.mark.parametrize(
    ("obj", "expected"), [c[1:] for c in REQUEST_CASES], ids=[c[0] for c in REQUEST_CASES]
)
def test_request_decodes_back_from_catalog_body(
    obj: msgspec.Struct, expected: dict[str, Any]
) -> None:
    assert msgspec.json.decode(json.dumps(expected), type=type(obj)) == obj


def _add_unknown_key_innermost(body: dict[str, Any]) -> dict[str, Any]:
    """Copy ``body`` with an extra key in its deepest wrapper level (t_sep, request, ...)."""
    copy = json.loads(json.dumps(body))
    target = copy
    while len(target) == 1:
        (only,) = target.values()
        if not isinstance(only, dict):
            break
        target = only
    target["unknownField"] = "x"
    return copy  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("obj", "expected"), [c[1:] for c in REQUEST_CASES], ids=[c[0] for c in REQUEST_CASES]
)
def test_request_rejects_unknown_fields(obj: msgspec.Struct, expected: dict[str, Any]) -> None:
    with pytest.raises(msgspec.ValidationError, match="unknown field `unknownField`"):
        msgspec.json.decode(json.dumps(_add_unknown_key_innermost(expected)), type=type(obj))


def test_request_rejects_unknown_field_in_nested_part() -> None:
    body = json.loads(json.dumps(SEP_INSERT_BODY))
    body["request"]["t_sep"]["jaminan"]["penjamin"]["suplesi"]["lokasiLaka"]["kdDesa"] = "1"
    with pytest.raises(msgspec.ValidationError, match="lokasiLaka"):
        msgspec.json.decode(json.dumps(body), type=sep.SepInsertRequest)


def test_every_request_body_class_has_a_wire_case() -> None:
    covered = {type(c[1]) for c in REQUEST_CASES}
    top_level = {cls for cls in _structs(Request) if cls.__name__.endswith("Request")}
    assert top_level - covered == set()


def test_request_defaults_are_empty_strings_not_nulls() -> None:
    body = _wire(
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


# ------------------------------------------------------------------------------------------
# Enums


def test_enum_members_are_wire_strings() -> None:
    code_from_bpjs: str = json.loads('"1"')
    assert code_from_bpjs == enums.JnsPelayanan.RAWAT_INAP
    assert enums.KlsRawatNaik.DI_ATAS_KELAS_1.value == "8"
    assert enums.KdPenunjang.HEMODIALISA.value == "12"
    assert [m.value for m in enums.StatusPulang] == ["1", "3", "4", "5"]
    assert enums.JnsPelayanan("2") is enums.JnsPelayanan.RAWAT_JALAN
    assert msgspec.json.encode(enums.TipeRujukan.BALIK_PRB) == b'"2"'


@pytest.mark.parametrize("name", enums.__all__)
def test_enums_are_str_enums_with_string_values(name: str) -> None:
    enum_cls = getattr(enums, name)
    assert issubclass(enum_cls, str)
    assert all(isinstance(m.value, str) and m.value.isdigit() for m in enum_cls)


# ------------------------------------------------------------------------------------------
# Answers


@pytest.mark.parametrize("cls", _structs(Response), ids=lambda c: c.__name__)
def test_every_answer_model_accepts_an_empty_object(cls: type[msgspec.Struct]) -> None:
    msgspec.json.decode(b"{}", type=cls)


@pytest.mark.parametrize("cls", _structs(Response), ids=lambda c: c.__name__)
def test_every_answer_model_is_frozen(cls: type[msgspec.Struct]) -> None:
    assert cls.__struct_config__.frozen


def test_referensi_list_uses_bpjs_list_key(vectors: dict[str, Any]) -> None:
    plaintext = vectors["vectors"][0]["plaintext"]
    result = msgspec.json.decode(plaintext, type=referensi.ReferensiList)
    assert [(i.kode, i.nama) for i in result.items] == [("16", "Bali"), ("17", "Banten")]
    assert _has_wire_items(msgspec.to_builtins(result), json.loads(plaintext))


def test_diagnosa_list() -> None:
    data = b'{"diagnosa":[{"kode":"A04","nama":"A04 - Other bacterial intestinal infections"}]}'
    result = msgspec.json.decode(data, type=referensi.DiagnosaList)
    assert result.diagnosa[0].kode == "A04"


SEP_DETAIL: dict[str, Any] = {
    "noSep": "0301R0111018V000006",
    "tglSep": "2021-03-10",
    "jnsPelayanan": "Rawat Jalan",
    "kelasRawat": "2",
    "diagnosa": "A15 - Respiratory tuberculosis",
    "noRujukan": "0301U0331019P003283",
    "poli": "INTERNA",
    "poliEksekutif": "0",
    "catatan": "test",
    "penjamin": None,
    "kdStatusKecelakaan": "0",
    "nmstatusKecelakaan": "Bukan Kecelakaan",
    "lokasiKejadian": {
        "kdKab": None,
        "kdKec": None,
        "kdProp": None,
        "ketKejadian": None,
        "lokasi": None,
        "tglKejadian": None,
    },
    "dpjp": {"kdDPJP": "31574", "nmDPJP": "dr. Satu"},
    "peserta": {
        "asuransi": None,
        "hakKelas": "Kelas 2",
        "jnsPeserta": "PNS Daerah",
        "kelamin": "Laki-Laki",
        "nama": "BUDI",
        "noKartu": "0001105689835",
        "noMr": "MR9835",
        "tglLahir": "1980-02-01",
    },
    "klsRawat": {
        "klsRawatHak": "2",
        "klsRawatNaik": None,
        "pembiayaan": None,
        "penanggungJawab": None,
    },
    "kontrol": {"kdDokter": "31574", "nmDokter": "dr. Satu", "noSurat": "0301R0110321K000002"},
    "cob": "0",
    "katarak": "0",
    "tujuanKunj": {"kode": "0", "nama": "Normal"},
    "flagProcedure": {"kode": None, "nama": None},
    "kdPenunjang": {"kode": None, "nama": None},
    "assestmenPel": {"kode": "5", "nama": "Tujuan Kontrol"},
    "eSEP": "False",
}


def test_sep_detail_irregular_names() -> None:
    result = msgspec.json.decode(json.dumps(SEP_DETAIL), type=sep.SepDetail)
    assert result.tgl_sep == datetime.date(2021, 3, 10)
    assert result.nmstatus_kecelakaan == "Bukan Kecelakaan"
    assert result.dpjp is not None
    assert result.dpjp.kd_dpjp == "31574"
    assert result.peserta is not None
    assert result.peserta.no_mr == "MR9835"
    assert result.peserta.tgl_lahir == datetime.date(1980, 2, 1)
    assert result.assestmen_pel is not None
    assert result.assestmen_pel.kode == "5"
    assert result.e_sep == "False"
    assert result.lokasi_kejadian is not None
    assert result.lokasi_kejadian.tgl_kejadian is None
    assert _has_wire_items(msgspec.to_builtins(result), SEP_DETAIL)


def test_answers_ignore_unknown_fields() -> None:
    data = {**SEP_DETAIL, "fieldBaru": {"x": 1}, "peserta": {**SEP_DETAIL["peserta"], "nik": "1"}}
    result = msgspec.json.decode(json.dumps(data), type=sep.SepDetail)
    assert result.no_sep == "0301R0111018V000006"
    assert "fieldBaru" not in msgspec.to_builtins(result)


def test_answers_accept_omitted_and_null_fields() -> None:
    result = msgspec.json.decode(b'{"noSep":"X","peserta":null,"tglSep":null}', type=sep.SepDetail)
    assert result.peserta is None
    assert result.tgl_sep is None
    assert result.kontrol is None


def test_sep_insert_result_informasi() -> None:
    data = {
        "sep": {
            "noSep": "0301R0110721V000001",
            "tglSep": "2021-07-30",
            "informasi": {"dinsos": None, "eSEP": "True", "noSKTM": None, "prolanisPRB": "PRB"},
            "peserta": {"noKartu": "0001105689835", "noMr": "MR9835", "hakKelas": "Kelas 2"},
            "assestmenPel": "",
        }
    }
    result = msgspec.json.decode(json.dumps(data), type=sep.SepInsertResult)
    assert result.sep is not None
    assert result.sep.informasi is not None
    assert result.sep.informasi.e_sep == "True"
    assert result.sep.informasi.prolanis_prb == "PRB"
    assert msgspec.to_builtins(result)["sep"]["informasi"]["noSKTM"] is None


def test_sep_inacbg_lowercase_key() -> None:
    data = {
        "pesertasep": {
            "kelamin": "L",
            "klsRawat": "3",
            "nama": "BUDI",
            "noKartuBpjs": "0001105689835",
            "noMr": "MR9835",
            "noRujukan": "0301U0331019P003283",
            "tglLahir": "1980-02-01",
            "tglPelayanan": "2021-07-30",
            "tktPelayanan": "2",
        }
    }
    result = msgspec.json.decode(json.dumps(data), type=sep.SepInacbg)
    assert result.peserta_sep is not None
    assert result.peserta_sep.no_kartu_bpjs == "0001105689835"
    assert _has_wire_items(msgspec.to_builtins(result), data)


def test_sep_internal_lowercase_keys_and_numeric_count() -> None:
    item = {
        "tujuanrujuk": "MAT",
        "nmtujuanrujuk": "MATA",
        "nokapst": "0001105689835",
        "nosep": "0301R0110121V000829",
        "tglrujukinternal": "2021-01-22",
        "flagprosedur": None,
    }
    result = msgspec.json.decode(json.dumps({"count": 1, "list": [item]}), type=sep.SepInternalList)
    assert result.count == 1
    assert result.items[0].noka_pst == "0001105689835"
    assert result.items[0].tgl_rujuk_internal == datetime.date(2021, 1, 22)
    assert _has_wire_items(msgspec.to_builtins(result.items[0]), item)


def test_persetujuan_and_kll_induk_names() -> None:
    persetujuan = msgspec.json.decode(
        b'{"list":[{"noKartu":"1","tglsep":"2021-07-01","jnspelayanan":"2","status":"Approve"}]}',
        type=sep.PersetujuanSepList,
    )
    assert persetujuan.items[0].tgl_sep == datetime.date(2021, 7, 1)
    assert persetujuan.items[0].jns_pelayanan == "2"
    kll = msgspec.json.decode(
        b'{"list":[{"noSEP":"S1","ppkPelSEP":"0301R011","noSEPSuplesi":"S0"}]}',
        type=sep.KllIndukList,
    )
    assert (kll.items[0].no_sep, kll.items[0].ppk_pel_sep) == ("S1", "0301R011")
    assert kll.items[0].no_sep_suplesi == "S0"


RUJUKAN = {
    "diagnosa": {"kode": "N40", "nama": "Hyperplasia of prostate"},
    "keluhan": "kencing tidak puas",
    "noKunjungan": "030107010217Y001465",
    "pelayanan": {"kode": "2", "nama": "Rawat Jalan"},
    "peserta": {
        "cob": {"nmAsuransi": None, "noAsuransi": None, "tglTAT": None, "tglTMT": None},
        "hakKelas": {"keterangan": "KELAS I", "kode": "1"},
        "informasi": {"dinsos": None, "noSKTM": None, "prolanisPRB": None},
        "jenisPeserta": {"keterangan": "PENERIMA PENSIUN PNS", "kode": "15"},
        "mr": {"noMR": "1234", "noTelepon": None},
        "nama": "BUDI",
        "nik": None,
        "noKartu": "0000416382632",
        "pisa": "2",
        "provUmum": {"kdProvider": "03010701", "nmProvider": "SITEBA"},
        "sex": "L",
        "statusPeserta": {"keterangan": "AKTIF", "kode": "0"},
        "tglCetakKartu": "2017-11-13",
        "tglLahir": "1938-08-31",
        "tglTAT": "2038-08-31",
        "tglTMT": "1996-08-10",
        "umur": {"umurSaatPelayanan": "78 tahun", "umurSekarang": "79 tahun"},
    },
    "poliRujukan": {"kode": "URO", "nama": "UROLOGI"},
    "provPerujuk": {"kode": "03010701", "nama": "SITEBA"},
    "tglKunjungan": "2017-12-20",
}


def test_rujukan_with_full_peserta() -> None:
    result = msgspec.json.decode(json.dumps({"rujukan": RUJUKAN}), type=rujukan.RujukanResult)
    assert result.rujukan is not None
    assert result.rujukan.tgl_kunjungan == datetime.date(2017, 12, 20)
    peserta = result.rujukan.peserta
    assert peserta is not None
    assert peserta.mr is not None
    assert peserta.mr.no_mr == "1234"
    assert peserta.tgl_tat == datetime.date(2038, 8, 31)
    assert peserta.prov_umum is not None
    assert peserta.prov_umum.kd_provider == "03010701"
    many = msgspec.json.decode(json.dumps({"rujukan": [RUJUKAN] * 2}), type=rujukan.RujukanList)
    assert len(many.rujukan) == 2


def test_rujukan_insert_result_capitalised_asal() -> None:
    data = {
        "rujukan": {
            "AsalRujukan": {"kode": "0304R002", "nama": "RSOMH BUKITTINGGI"},
            "diagnosa": {"kode": "I63", "nama": "I63 - Cerebral infarction"},
            "noRujukan": "0311R0010922B000395",
            "peserta": {"noKartu": "0002076773488", "hakKelas": None, "noMr": "137208"},
            "poliTujuan": {"kode": "SAR", "nama": "SARAF"},
            "tglBerlakuKunjungan": "2022-12-12",
            "tglRencanaKunjungan": "2022-10-19",
            "tglRujukan": "2022-09-13",
            "tujuanRujukan": {"kode": "0304R003", "nama": "RST TNI AD Tk IV Bukittinggi"},
        }
    }
    result = msgspec.json.decode(json.dumps(data), type=rujukan.RujukanInsertResult)
    assert result.rujukan is not None
    assert result.rujukan.asal_rujukan is not None
    assert result.rujukan.asal_rujukan.kode == "0304R002"
    assert result.rujukan.tgl_berlaku_kunjungan == datetime.date(2022, 12, 12)
    assert "AsalRujukan" in msgspec.to_builtins(result)["rujukan"]


def test_rujukan_khusus_and_counts() -> None:
    item = {
        "idrujukan": "98865",
        "norujukan": "0301U0331019P003283",
        "nokapst": "0000039043765",
        "nmpst": "BUDI",
        "diagppk": "N18",
        "tglrujukan_awal": "2021-10-01",
        "tglrujukan_berakhir": "2021-12-30",
    }
    result = msgspec.json.decode(json.dumps({"rujukan": [item]}), type=rujukan.RujukanKhususList)
    assert result.rujukan[0].tgl_rujukan_berakhir == "2021-12-30"
    assert _has_wire_items(msgspec.to_builtins(result.rujukan[0]), item)
    spes = msgspec.json.decode(
        b'{"list":[{"kodeSpesialis":"INT","kapasitas":"10","jumlahRujukan":3,"persentase":30.0}]}',
        type=rujukan.SpesialistikRujukanList,
    )
    assert (spes.items[0].kapasitas, spes.items[0].jumlah_rujukan) == ("10", 3)
    jumlah = msgspec.json.decode(b'{"jumlahSEP":"2"}', type=rujukan.JumlahSep)
    assert jumlah.jumlah_sep == "2"


def test_surat_kontrol_detail_with_form_prb() -> None:
    data = {
        "noSuratKontrol": "0301R0110321K000002",
        "tglRencanaKontrol": "2021-03-20",
        "tglTerbit": "2021-03-10",
        "jnsKontrol": "2",
        "flagKontrol": "False",
        "sep": {
            "noSep": "0301R0111018V000006",
            "tglSep": "2021-03-10",
            "peserta": {"noKartu": "0001105689835", "tglLahir": "1980-02-01"},
            "provUmum": {"kdProvider": "0301U011", "nmProvider": "KLINIK"},
            "provPerujuk": {
                "kdProviderPerujuk": "0301U011",
                "asalRujukan": "1",
                "tglRujukan": "2021-03-01",
            },
        },
        "formPRB": {"kdStatusPRB": "01", "data": {"HBA1C": 7.5, "GDP": "120", "Hamil": None}},
    }
    result = msgspec.json.decode(json.dumps(data), type=rencana_kontrol.SuratKontrolDetail)
    assert result.sep is not None
    assert result.sep.prov_perujuk is not None
    assert result.sep.prov_perujuk.tgl_rujukan == datetime.date(2021, 3, 1)
    assert result.sep.prov_umum is not None
    assert result.sep.prov_umum.nm_provider == "KLINIK"
    assert result.form_prb is not None
    assert result.form_prb.data is not None
    assert (result.form_prb.data.hba1c, result.form_prb.data.gdp) == (7.5, "120")
    spri = msgspec.json.decode(b'{"noSuratKontrol":"X","sep":null}', type=type(result))
    assert spri.sep is None


def test_rencana_kontrol_lists() -> None:
    item = {"noSuratKontrol": "K1", "tglSEP": "2021-03-10", "terbitSEP": "Belum"}
    result = msgspec.json.decode(
        json.dumps({"list": [item]}), type=rencana_kontrol.RencanaKontrolList
    )
    assert result.items[0].tgl_sep == datetime.date(2021, 3, 10)
    assert result.items[0].terbit_sep == "Belum"
    poli = msgspec.json.decode(
        b'{"list":[{"kodePoli":"INT","jmlRencanaKontroldanRujukan":"4","persentase":"0.00"}]}',
        type=rencana_kontrol.PoliKontrolList,
    )
    assert poli.items[0].jml_rencana_kontrol_dan_rujukan == "4"
    spri = msgspec.json.decode(
        b'{"noSPRI":"S1","namaDiagnosa":null}', type=rencana_kontrol.SpriResult
    )
    assert spri.no_spri == "S1"


def test_monitoring_klaim_irregular_names() -> None:
    data = {
        "klaim": [
            {
                "Inacbg": {"kode": "K-1-17-I", "nama": "NYERI ABDOMEN"},
                "biaya": {"byPengajuan": "1000", "byTarifRS": 1200.5, "byTopup": "0"},
                "noFPK": "FPK1",
                "noSEP": "0301R0110121V000829",
                "peserta": {"nama": "BUDI", "noKartu": "1", "noMR": "MR1"},
                "tglPulang": "2021-01-25",
            }
        ]
    }
    result = msgspec.json.decode(json.dumps(data), type=monitoring.KlaimList)
    klaim = result.klaim[0]
    assert klaim.inacbg is not None
    assert klaim.inacbg.kode == "K-1-17-I"
    assert klaim.biaya is not None
    assert klaim.biaya.by_tarif_rs == 1200.5
    assert klaim.peserta is not None
    assert klaim.peserta.no_mr == "MR1"
    assert klaim.tgl_pulang == datetime.date(2021, 1, 25)
    assert _has_wire_items(msgspec.to_builtins(result), data)


def test_monitoring_histori_and_jasa_raharja() -> None:
    histori = msgspec.json.decode(
        b'{"histori":[{"noSep":"S1","namaPeserta":"BUDI","tglSep":"2023-01-01",'
        b'"tglPlgSep":"2023-01-10","ppkPelayanan":"RS"}]}',
        type=monitoring.HistoriPelayananList,
    )
    assert histori.histori[0].tgl_plg_sep == "2023-01-10"
    data = {
        "jaminan": [
            {
                "sep": {
                    "noSEP": "S1",
                    "tglSEP": "2021-01-01",
                    "tglPlgSEP": "2021-01-05",
                    "noMr": "MR1",
                    "peserta": {"noKartu": "1", "nama": "BUDI", "noMR": "MR1"},
                },
                "jasaRaharja": {"noRegister": "R1", "plafon": "20000000", "jmlDibayar": 0},
            }
        ]
    }
    result = msgspec.json.decode(json.dumps(data), type=monitoring.JasaRaharjaList)
    jaminan = result.jaminan[0]
    assert jaminan.sep is not None
    assert jaminan.sep.tgl_plg_sep == datetime.date(2021, 1, 5)
    assert jaminan.jasa_raharja is not None
    assert jaminan.jasa_raharja.jml_dibayar == 0
    assert _has_wire_items(msgspec.to_builtins(result), data)


def test_prb_answers() -> None:
    detail = {
        "prb": {
            "DPJP": {"kode": "31486", "nama": "dr. Dua"},
            "noSEP": "0301R0111018V000006",
            "noSRB": "1234567",
            "obat": {"obat": [{"kdObat": "00196120124", "nmObat": "Amlodipine", "jmlObat": "11"}]},
            "peserta": {"noKartu": "0000039043765", "asalFaskes": {"kode": "0301U011"}},
            "programPRB": {"kode": "02", "nama": "Hipertensi"},
            "tglSRB": "2021-07-30",
        }
    }
    result = msgspec.json.decode(json.dumps(detail), type=prb.PrbDetailResult)
    assert result.prb is not None
    assert result.prb.dpjp is not None
    assert result.prb.dpjp.kode == "31486"
    assert result.prb.obat is not None
    assert result.prb.obat.obat is not None
    assert result.prb.obat.obat[0].nm_obat == "Amlodipine"
    assert result.prb.tgl_srb == datetime.date(2021, 7, 30)
    assert _has_wire_items(msgspec.to_builtins(result), detail)
    created = msgspec.json.decode(
        b'{"noSRB":"1","programPRB":"02","obat":{"list":[{"nmObat":"A","signa":"1x1"}]}}',
        type=prb.PrbCreated,
    )
    assert created.program_prb == "02"
    assert created.obat is not None
    assert created.obat.items is not None
    assert created.obat.items[0].signa == "1x1"
    listed = msgspec.json.decode(b'{"prb":{"list":[{"noSRB":"1"}]}}', type=prb.PrbListResult)
    assert listed.prb is not None
    assert listed.prb.items[0].no_srb == "1"
    potensi = msgspec.json.decode(
        b'{"list":[{"NamaPeserta":"BUDI","NOSEP":"S1","KategoriPenyakitPRB":"DM"}]}',
        type=prb.PotensiPrbList,
    )
    assert (potensi.items[0].nama_peserta, potensi.items[0].no_sep) == ("BUDI", "S1")


def test_lpk_list_nested_list_keys() -> None:
    item = {
        "DPJP": {"dokter": {"kode": "3", "nama": "dr. Tiga"}},
        "diagnosa": {"list": [{"level": "1", "list": {"kode": "N88.0", "nama": "Leukoplakia"}}]},
        "jnsPelayanan": "1",
        "noSep": "0301R0011017V000015",
        "perawatan": {"caraKeluar": {"kode": "1", "nama": "Atas Persetujuan Dokter"}},
        "peserta": {"noKartu": "1", "noMR": "MR1", "tglLahir": "1980-02-01"},
        "poli": {"eksekutif": "0", "poli": {"kode": "INT"}},
        "procedure": {"list": [{"list": {"kode": "00.82", "nama": "Revision"}}]},
        "rencanaTL": None,
        "tglKeluar": "2017-10-30",
        "tglMasuk": "2017-10-30",
    }
    result = msgspec.json.decode(json.dumps({"lpk": {"list": [item]}}), type=lpk.LpkListResult)
    assert result.lpk is not None
    entry = result.lpk.items[0]
    assert entry.dpjp is not None
    assert entry.dpjp.dokter is not None
    assert entry.dpjp.dokter.nama == "dr. Tiga"
    assert entry.diagnosa is not None
    assert entry.diagnosa.items is not None
    assert entry.diagnosa.items[0].diagnosa is not None
    assert entry.diagnosa.items[0].diagnosa.kode == "N88.0"
    assert entry.procedure is not None
    assert entry.procedure.items is not None
    assert entry.procedure.items[0].procedure is not None
    assert entry.rencana_tl is None
    assert entry.peserta is not None
    assert entry.peserta.no_mr == "MR1"
    built = msgspec.to_builtins(result)["lpk"]["list"][0]
    assert set(built) >= {"DPJP", "rencanaTL", "diagnosa"}
    assert built["diagnosa"]["list"][0]["list"]["kode"] == "N88.0"
