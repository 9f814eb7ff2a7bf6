"""Every write endpoint, as it goes over the wire: method, path, content type, exact JSON body.

The expected bodies are written out from the protocol notes §3 (wrappers, key spelling, every
key the catalog lists), not produced by our encoder, and compared with what the simulator
recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import FAST_RETRY
from tests.vclaim_world import CALLS, World, build_world
from vclaim_async import CATALOG, VClaimClient
from vclaim_async._config import FORM_CONTENT_TYPE
from vclaim_async.testing import VClaimSimulator

Body = dict[str, Any]

_EMPTY_KLS = {"klsRawatHak": "3", "klsRawatNaik": "", "pembiayaan": "", "penanggungJawab": ""}
_EMPTY_PENJAMIN = {
    "tglKejadian": "",
    "keterangan": "",
    "suplesi": {
        "suplesi": "0",
        "noSepSuplesi": "",
        "lokasiLaka": {"kdPropinsi": "", "kdKabupaten": "", "kdKecamatan": ""},
    },
}
_FORM_PRB_KEYS = (
    "HBA1C", "GDP", "GD2JPP", "eGFR", "TD_Sistolik", "TD_Diastolik", "LDL", "Rata_TD_Sistolik",
    "Rata_TD_Diastolik", "JantungKoroner", "Stroke", "VaskularPerifer", "Aritmia",
    "AtrialFibrilasi", "NadiIstirahat", "SesakNapas3Bulan", "NyeriDada3Bulan",
    "SesakNapasAktivitas", "NyeriDadaAktivitas", "Terkontrol", "Gejala2xMinggu", "BangunMalam",
    "KeterbatasanFisik", "FungsiParu", "SkorMMRC", "Eksaserbasi1Tahun", "MampuAktivitas",
    "Epileptik6Bulan", "EfekSampingOAB", "HamilMenyusui", "Remisi", "TerapiRumatan", "Usia",
    "AsamUrat", "RemisiSLE", "Hamil",
)  # fmt: skip
# A v2 body with no assessment still sends every key, each null.
_FORM_PRB = {"kdStatusPRB": None, "data": dict.fromkeys(_FORM_PRB_KEYS)}
_EMPTY_RENCANA_TL = {
    "tindakLanjut": "1",
    "dirujukKe": {"kodePPK": ""},
    "kontrolKembali": {"tglKontrol": "", "poli": ""},
}
_EMPTY_PERAWATAN = {
    "ruangRawat": "",
    "kelasRawat": "",
    "spesialistik": "",
    "caraKeluar": "",
    "kondisiPulang": "",
}


def _kontrol(w: World, *, v2: bool = False, update: bool = False) -> Body:
    body: Body = {"noSuratKontrol": w.surat_kontrol} if update else {}
    body |= {
        "noSEP": w.no_sep,
        "kodeDokter": "31486",
        "poliKontrol": "INT",
        "tglRencanaKontrol": "2024-03-31",
        "user": "1001",
    }
    if v2:
        body["formPRB"] = _FORM_PRB
    return {"request": body}


def _rujukan(first: Body) -> Body:
    return {
        "request": {
            "t_rujukan": first
            | {
                "tglRujukan": "2024-03-01",
                "tglRencanaKunjungan": "2024-03-01",
                "ppkDirujuk": "0302R002",
                "jnsPelayanan": "2",
                "catatan": "",
                "diagRujukan": "I10",
                "tipeRujukan": "0",
                "poliRujukan": "INT",
                "user": "1001",
            }
        }
    }


def _lpk(no_sep: str, diag: str) -> Body:
    return {
        "request": {
            "t_lpk": {
                "noSep": no_sep,
                "tglMasuk": "2024-03-01",
                "tglKeluar": "2024-03-01",
                "jaminan": "1",
                "poli": {"poli": "INT"},
                "perawatan": _EMPTY_PERAWATAN,
                "diagnosa": [{"kode": diag, "level": "1"}],
                "procedure": [],
                "rencanaTL": _EMPTY_RENCANA_TL,
                "DPJP": "31486",
                "user": "1001",
            }
        }
    }


EXPECTED: dict[str, Callable[[World], Body]] = {
    "sep.insert": lambda w: {
        "request": {
            "t_sep": {
                "noKartu": w.card,
                "tglSep": "2024-03-01",
                "ppkPelayanan": "0301R001",
                "jnsPelayanan": "2",
                "klsRawat": _EMPTY_KLS,
                "noMR": "MR-0001",
                "rujukan": {
                    "asalRujukan": "1",
                    "tglRujukan": "2024-02-27",
                    "noRujukan": w.rujukan_fktp,
                    "ppkRujukan": "0301U001",
                },
                "catatan": "",
                "diagAwal": "I10",
                "poli": {"tujuan": "INT", "eksekutif": "0"},
                "cob": {"cob": "0"},
                "katarak": {"katarak": "0"},
                "jaminan": {"lakaLantas": "0", "noLP": "", "penjamin": _EMPTY_PENJAMIN},
                "tujuanKunj": "0",
                "flagProcedure": "",
                "kdPenunjang": "",
                "assesmentPel": "",
                "skdp": {"noSurat": "", "kodeDPJP": ""},
                "dpjpLayan": "31486",
                "noTelp": "081200000000",
                "user": "1001",
            }
        }
    },
    "sep.update": lambda w: {
        "request": {
            "t_sep": {
                "noSep": w.no_sep,
                "klsRawat": _EMPTY_KLS,
                "noMR": "MR-0002",
                "catatan": "",
                "diagAwal": "I10",
                "poli": {"tujuan": "INT", "eksekutif": "0"},
                "cob": {"cob": "0"},
                "katarak": {"katarak": "0"},
                "jaminan": {"lakaLantas": "0", "penjamin": _EMPTY_PENJAMIN},
                "dpjpLayan": "31486",
                "noTelp": "0812",
                "user": "1001",
            }
        }
    },
    "sep.delete": lambda w: {"request": {"t_sep": {"noSep": w.no_sep, "user": "1001"}}},
    "sep.insert_pengajuan": lambda w: {
        "request": {
            "t_sep": {
                "noKartu": w.card,
                "tglSep": "2024-03-01",
                "jnsPelayanan": "1",
                "jnsPengajuan": "2",
                "keterangan": "",
                "user": "1001",
            }
        }
    },
    "sep.insert_persetujuan": lambda w: {
        "request": {
            "t_sep": {
                "noKartu": w.card,
                "tglSep": "2024-03-01",
                "jnsPelayanan": "2",
                "jnsPengajuan": "1",
                "keterangan": "",
                "user": "1001",
            }
        }
    },
    "sep.update_tgl_pulang": lambda w: {
        "request": {
            "t_sep": {
                "noSep": w.accident_sep,
                "statusPulang": "3",
                "noSuratMeninggal": "",
                "tglMeninggal": "",
                "tglPulang": "2024-03-01",
                "noLPManual": "",
                "user": "1001",
            }
        }
    },
    "sep.delete_internal": lambda w: {
        "request": {
            "t_sep": {
                "noSep": w.no_sep,
                "noSurat": "INT-1",
                "tglRujukanInternal": "2024-03-01",
                "kdPoliTuj": "JAN",
                "user": "1001",
            }
        }
    },
    "sep.insert_random_answer": lambda w: {
        "request": {
            "t_sep": {
                "noKartu": w.card,
                "tglSep": "2024-03-01",
                "jenPel": "2",
                "ppkPelSep": "0301R001",
                "tglLahir": "1970-01-01",
                "ppkPst": "0301U001",
                "user": "1001",
            }
        }
    },
    "rujukan.insert": lambda w: _rujukan({"noSep": w.no_sep}),
    "rujukan.update": lambda w: _rujukan({"noRujukan": w.rujukan_keluar}),
    "rujukan.delete": lambda w: {
        "request": {"t_rujukan": {"noRujukan": w.rujukan_keluar, "user": "1001"}}
    },
    "rujukan.insert_khusus": lambda w: {
        "noRujukan": w.rujukan_fktp,
        "diagnosa": [{"kode": "P;Z49.1"}],
        "procedure": [{"kode": "39.95"}],
        "user": "1001",
    },
    "rujukan.delete_khusus": lambda w: {
        "request": {
            "t_rujukan": {"idRujukan": w.khusus_id, "noRujukan": w.khusus_no, "user": "1001"}
        }
    },
    "rencana_kontrol.insert": lambda w: _kontrol(w),
    "rencana_kontrol.insert_v2": lambda w: _kontrol(w, v2=True),
    "rencana_kontrol.update": lambda w: _kontrol(w, update=True),
    "rencana_kontrol.update_v2": lambda w: _kontrol(w, v2=True, update=True),
    "rencana_kontrol.delete": lambda w: {
        "request": {"t_suratkontrol": {"noSuratKontrol": w.surat_kontrol, "user": "1001"}}
    },
    "rencana_kontrol.insert_spri": lambda w: {
        "request": {
            "noKartu": w.card,
            "kodeDokter": "31486",
            "poliKontrol": "INT",
            "tglRencanaKontrol": "2024-03-31",
            "user": "1001",
        }
    },
    "rencana_kontrol.update_spri": lambda w: {
        "request": {
            "noSPRI": w.spri,
            "kodeDokter": "31486",
            "poliKontrol": "INT",
            "tglRencanaKontrol": "2024-03-31",
            "user": "1001",
        }
    },
    "prb.insert": lambda w: {
        "request": {
            "t_prb": {
                "noSep": w.no_sep,
                "noKartu": w.card,
                "alamat": "Jl. Contoh 2",
                "email": "",
                "programPRB": "02",
                "kodeDPJP": "31486",
                "keterangan": "",
                "saran": "",
                "user": "1001",
                "obat": [],
            }
        }
    },
    "prb.update": lambda w: {
        "request": {
            "t_prb": {
                "noSrb": w.no_srb,
                "noSep": w.no_sep,
                "alamat": "Jl. Baru 3",
                "email": "",
                "kodeDPJP": "31486",
                "keterangan": "",
                "saran": "",
                "user": "1001",
                "obat": [],
            }
        }
    },
    "prb.delete": lambda w: {
        "request": {"t_prb": {"noSrb": w.no_srb, "noSep": w.no_sep, "user": "1001"}}
    },
    "lpk.insert": lambda w: _lpk(w.accident_sep, "S06.0"),
    "lpk.update": lambda w: _lpk(w.no_sep, "I10"),
    "lpk.delete": lambda w: {"request": {"t_lpk": {"noSep": w.no_sep}}},
}

WRITES = [row.name for row in CATALOG.values() if row.method != "GET"]


def test_every_write_endpoint_has_an_expected_body() -> None:
    assert sorted(EXPECTED) == sorted(WRITES)


@pytest.mark.parametrize("name", WRITES)
async def test_write_goes_over_the_wire_as_the_catalog_says(
    sim: VClaimSimulator, client: VClaimClient, name: str
) -> None:
    world = await build_world(sim, client)
    before = len(sim.requests)
    await CALLS[name](client, world)
    row = CATALOG[name]
    sent = [r for r in sim.requests[before:] if r.method != "GET"]
    assert len(sent) == 1, "a write is sent exactly once"
    request = sent[0]
    assert request.method == row.method
    assert request.path == "/vclaim-rest/" + row.path
    assert request.content_type == FORM_CONTENT_TYPE
    assert request.json() == EXPECTED[name](world)


async def test_write_content_type_can_be_overridden(sim: VClaimSimulator) -> None:
    config = sim.config(retry=FAST_RETRY, write_content_type="application/json")
    async with VClaimClient(config) as client:
        world = await build_world(sim, client)
        await client.sep.delete(world.no_sep, "1001")
    assert sim.requests[-1].method == "DELETE"
    assert sim.requests[-1].content_type == "application/json"


@pytest.mark.parametrize("name", [n for n in WRITES if CATALOG[n].method == "DELETE"])
async def test_delete_carries_its_body(
    sim: VClaimSimulator, client: VClaimClient, name: str
) -> None:
    world = await build_world(sim, client)
    await CALLS[name](client, world)
    deletes = [r for r in sim.requests if r.method == "DELETE"]
    assert deletes and deletes[-1].body.startswith(b'{"request":')
