"""``client.sep`` against the simulator: the lifecycle, applications, discharge, fingerprints."""

from __future__ import annotations

import datetime
import json
import re
import time
from collections.abc import Callable

import aiohttp
import pytest

from tests.conftest import FAST_RETRY
from tests.resources.world import ACCIDENT, TGL, USER, build_world, issue_sep
from vclaim_async import NotFoundError, RefusedError, VClaimClient, _signing
from vclaim_async.models.enums import JnsPengajuan, KlsRawatNaik, StatusPulang, TujuanKunj
from vclaim_async.models.sep import (
    InsertedSep,
    Jaminan,
    KlsRawat,
    Poli,
    SepDetail,
    SepRujukan,
    Skdp,
)
from vclaim_async.testing import VClaimSimulator


async def _fktp_referral(client: VClaimClient, card: str) -> str:
    rujukan = await client.rujukan.by_card(card)
    assert rujukan.no_kunjungan is not None
    return rujukan.no_kunjungan


async def _raw(sim: VClaimSimulator, method: str, path: str, body: object = None) -> object:
    """The envelope's ``response`` exactly as the simulator sent it (no client decoding)."""
    headers = _signing.signed_headers(sim.cons_id, sim.secret, sim.user_key, str(int(time.time())))
    data = None if body is None else json.dumps(body)
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"{sim.base_url}/{path}", headers=headers, data=data) as resp,
    ):
        return json.loads(await resp.text())["response"]


# An inpatient SEP's rujukan is the SPRI from the same hospital.
SPRI_RUJUKAN = SepRujukan(
    asal_rujukan="2", tgl_rujukan="2024-03-01", no_rujukan="SPRI-1", ppk_rujukan="0301R001"
)


# -- the lifecycle ------------------------------------------------------------------------------


async def test_sep_lifecycle(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards(active=True)[0]
    inserted = await issue_sep(client, card, await _fktp_referral(client, card))
    assert isinstance(inserted, InsertedSep)
    no_sep = inserted.no_sep
    assert no_sep is not None
    assert re.fullmatch(r"0301R0012403V\d{6}", no_sep) and len(no_sep) == 19
    assert inserted.tgl_sep == TGL and inserted.peserta is not None
    assert inserted.peserta.no_kartu == card

    detail = await client.sep.get(no_sep)
    assert isinstance(detail, SepDetail)
    assert detail.no_sep == no_sep and detail.diagnosa is not None
    assert detail.diagnosa.startswith("I10")

    updated = await client.sep.update(
        no_sep=no_sep,
        kls_rawat="3",
        no_mr="MR-0002",
        diag_awal="I10",
        poli="INT",
        no_telp="0812",
        user=USER,
        catatan="kontrol rutin",
        dpjp_layan="31486",
    )
    assert updated == no_sep
    assert sim.state.seps[no_sep].t_sep["catatan"] == "kontrol rutin"
    assert (await client.sep.get(no_sep)).catatan == "kontrol rutin"

    grouper = await client.sep.get_inacbg(no_sep)
    assert grouper.no_kartu_bpjs == card and grouper.no_mr == "MR-0002"
    assert grouper.tgl_pelayanan == TGL

    assert await client.sep.delete(no_sep, USER) == no_sep
    assert no_sep not in sim.state.seps and no_sep in sim.state.deleted_seps
    with pytest.raises(NotFoundError) as info:
        await client.sep.delete(no_sep, USER)
    assert info.value.code == "201" and info.value.endpoint == "sep.delete"
    with pytest.raises(NotFoundError):
        await client.sep.get(no_sep)


async def test_sep_numbers_count_up(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards(active=True)[0]
    no_rujukan = await _fktp_referral(client, card)
    first = await issue_sep(client, card, no_rujukan)
    second = await issue_sep(client, card, no_rujukan, tgl=datetime.date(2024, 4, 2))
    assert first.no_sep == "0301R0012403V000001"
    assert second.no_sep == "0301R0012404V000002"


async def test_delete_and_inacbg_answers_are_plain_on_the_wire(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    card = sim.participants.cards(active=True)[0]
    no_sep = (await issue_sep(client, card, await _fktp_referral(client, card))).no_sep
    assert no_sep is not None
    cbg = await _raw(sim, "GET", f"sep/cbg/{no_sep}")
    assert isinstance(cbg, dict) and cbg["pesertasep"]["noKartuBpjs"] == card
    gone = await _raw(
        sim, "DELETE", "SEP/2.0/delete", {"request": {"t_sep": {"noSep": no_sep, "user": "1"}}}
    )
    assert gone == no_sep


async def test_unverified_answers_decode_when_encrypted_too(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    sim.state.encrypt_unverified = True
    card = sim.participants.cards(active=True)[0]
    no_sep = (await issue_sep(client, card, await _fktp_referral(client, card))).no_sep
    assert no_sep is not None
    raw_update = {
        "request": {
            "t_sep": {
                "noSep": no_sep,
                "klsRawat": {"klsRawatHak": "3"},
                "noMR": "X",
                "diagAwal": "I10",
                "noTelp": "1",
                "user": "1",
            }
        }
    }
    ciphertext = await _raw(sim, "PUT", "SEP/2.0/update", raw_update)
    assert isinstance(ciphertext, str) and ciphertext != no_sep
    answer = await client.sep.update(
        no_sep=no_sep, kls_rawat="3", no_mr="X", diag_awal="I10", poli="INT", no_telp="1", user="1"
    )
    assert answer == no_sep


# -- insert: defaults, validation, BPJS refusals -------------------------------------------------


async def test_ppk_pelayanan_defaults_to_the_config(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    card = sim.participants.cards(active=True)[0]
    await issue_sep(client, card, await _fktp_referral(client, card))
    assert sim.requests[-1].json()["request"]["t_sep"]["ppkPelayanan"] == "0301R001"


async def test_missing_ppk_pelayanan_is_refused_before_sending(sim: VClaimSimulator) -> None:
    card = sim.participants.cards(active=True)[0]
    async with VClaimClient(sim.config(retry=FAST_RETRY, ppk_pelayanan=None)) as client:
        with pytest.raises(ValueError, match="ppk_pelayanan"):
            await issue_sep(client, card, "0301U0012402Y000001")
    assert sim.requests == []


async def test_explicit_ppk_pelayanan_wins(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards(active=True)[0]
    with pytest.raises(RefusedError, match="PPK Pelayanan"):
        await client.sep.insert(
            no_kartu=card,
            tgl_sep=TGL,
            jns_pelayanan="1",
            kls_rawat="3",
            no_mr="MR",
            rujukan=SPRI_RUJUKAN,
            diag_awal="S06.0",
            poli="",
            no_telp="0812",
            user=USER,
            ppk_pelayanan="0999R999",
        )
    assert sim.requests[-1].json()["request"]["t_sep"]["ppkPelayanan"] == "0999R999"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"no_kartu": "12345"}, "digits"),
        ({"tgl_sep": "2024-02-30"}, "tgl_sep"),
        ({"tgl_sep": datetime.datetime(2024, 3, 1, 8)}, "datetime"),
        ({"jns_pelayanan": "3"}, "jns_pelayanan"),
        ({"kls_rawat": "4"}, "kls_rawat"),
        # Nested parts are checked when built, before any request exists.
        (
            lambda: {"kls_rawat": KlsRawat(kls_rawat_hak="3", kls_rawat_naik=KlsRawatNaik.VIP)},
            "pembiayaan",
        ),
        ({"tujuan_kunj": "0", "flag_procedure": "1"}, "tujuan_kunj"),
        ({"tujuan_kunj": "9"}, "tujuan_kunj"),
        (lambda: {"jaminan": Jaminan(laka_lantas="1")}, "tgl_kejadian"),
        (lambda: {"poli": Poli(tujuan="INT", eksekutif="2")}, "eksekutif"),
        (lambda: {"skdp": Skdp(no_surat=12345)}, "Skdp.no_surat must be a str"),  # type: ignore[arg-type]
        (
            lambda: {
                "rujukan": SepRujukan(
                    asal_rujukan="1", tgl_rujukan="2024-02-30", no_rujukan="X", ppk_rujukan="Y"
                )
            },
            "tgl_rujukan",
        ),
        ({"rujukan": {"asalRujukan": "1"}}, "SepInsert.rujukan must be a SepRujukan"),
        ({"no_mr": "  "}, "no_mr"),
        ({"user": ""}, "user"),
        ({"cob": "1"}, "cob"),
    ],
)
async def test_insert_refuses_bad_arguments_before_sending(
    sim: VClaimSimulator,
    client: VClaimClient,
    change: dict[str, object] | Callable[[], dict[str, object]],
    message: str,
) -> None:
    card = sim.participants.cards(active=True)[0]
    arguments: dict[str, object] = {
        "no_kartu": card,
        "tgl_sep": TGL,
        "jns_pelayanan": "2",
        "kls_rawat": "3",
        "no_mr": "MR",
        "rujukan": SPRI_RUJUKAN,
        "diag_awal": "I10",
        "poli": "INT",
        "no_telp": "0812",
        "user": USER,
    }

    async def attempt() -> None:
        arguments.update(change() if callable(change) else change)
        await client.sep.insert(**arguments)  # type: ignore[arg-type]

    with pytest.raises((ValueError, TypeError), match=message):
        await attempt()
    assert sim.requests == []


async def test_enum_members_and_values_are_both_accepted(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    card = sim.participants.cards(active=True)[0]
    no_rujukan = await _fktp_referral(client, card)
    await client.sep.insert(
        no_kartu=card,
        tgl_sep="2024-03-01",
        jns_pelayanan="2",
        kls_rawat=KlsRawat(
            kls_rawat_hak="3", kls_rawat_naik="4", pembiayaan="1", penanggung_jawab="Pribadi"
        ),
        no_mr="MR",
        rujukan=SepRujukan(
            asal_rujukan="1",
            tgl_rujukan="2024-02-28",
            no_rujukan=no_rujukan,
            ppk_rujukan="0301U001",
        ),
        diag_awal="Z09.8",
        poli=Poli(tujuan="INT", eksekutif="1"),
        no_telp="0812",
        user=USER,
        dpjp_layan="31486",
        tujuan_kunj=TujuanKunj.PROSEDUR,
        flag_procedure="1",
        kode_penunjang="12",
        assesment_pel="5",
        cob=True,
    )
    t_sep = sim.requests[-1].json()["request"]["t_sep"]
    assert t_sep["klsRawat"] == {
        "klsRawatHak": "3",
        "klsRawatNaik": "4",
        "pembiayaan": "1",
        "penanggungJawab": "Pribadi",
    }
    assert (t_sep["tujuanKunj"], t_sep["flagProcedure"], t_sep["kdPenunjang"]) == ("1", "1", "12")
    assert t_sep["cob"] == {"cob": "1"} and t_sep["poli"] == {"tujuan": "INT", "eksekutif": "1"}


@pytest.mark.parametrize(
    ("drop", "field"),
    [("dpjp_layan", "dpjpLayan"), ("poli", "poli.tujuan")],
)
async def test_simulator_names_the_missing_field(
    sim: VClaimSimulator, client: VClaimClient, drop: str, field: str
) -> None:
    card = sim.participants.cards(active=True)[0]
    arguments: dict[str, object] = {
        "no_kartu": card,
        "tgl_sep": TGL,
        "jns_pelayanan": "2",
        "kls_rawat": "3",
        "no_mr": "MR",
        "rujukan": SPRI_RUJUKAN,
        "diag_awal": "I10",
        "poli": "INT",
        "no_telp": "0812",
        "user": USER,
        "dpjp_layan": "31486",
    }
    arguments[drop] = ""
    with pytest.raises(RefusedError) as info:
        await client.sep.insert(**arguments)  # type: ignore[arg-type]
    assert info.value.code == "201" and field in info.value.message


async def test_raw_body_without_required_field_gets_bpjs_201(sim: VClaimSimulator) -> None:
    card = sim.participants.cards(active=True)[0]
    body = {"request": {"t_sep": {"noKartu": card, "tglSep": "2024-03-01"}}}
    headers = _signing.signed_headers(sim.cons_id, sim.secret, sim.user_key, str(int(time.time())))
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sim.base_url}/SEP/2.0/insert", headers=headers, json=body) as resp,
    ):
        envelope = json.loads(await resp.text())
    assert envelope == {
        "metaData": {"code": "201", "message": "ppkPelayanan tidak boleh kosong"},
        "response": None,
    }


async def test_inactive_participant_is_refused(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards(active=False)[0]
    # A business refusal, not a "not found": the participant exists (issue 21).
    with pytest.raises(RefusedError, match="Tidak Aktif"):
        await issue_sep(client, card, "0301U0012402Y000001")
    assert not sim.state.seps


async def test_a_card_number_in_a_code_argument_is_masked(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    card = sim.participants.cards()[0]
    with pytest.raises(ValueError, match="jns_pelayanan") as info:
        await client.sep.insert_pengajuan(
            no_kartu=card, tgl_sep=TGL, jns_pelayanan=card, jns_pengajuan="1", user=USER
        )
    assert card not in str(info.value)
    assert sim.requests == []


# -- identifiers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["../x", "a/b", "a b", "a%2Fb", "a?b", "a#b", "a\\b", "a\x00b", "", "0301R001..1"]
)
async def test_sep_numbers_that_would_change_the_path_are_refused(
    sim: VClaimSimulator, client: VClaimClient, bad: str
) -> None:
    for call in (client.sep.get, client.sep.get_inacbg, client.sep.list_internal):
        with pytest.raises(ValueError):
            await call(bad)
    assert sim.requests == []


# -- applications --------------------------------------------------------------------------------


async def test_pengajuan_then_approval(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards(active=True)[1]
    answer = await client.sep.insert_pengajuan(
        no_kartu=card,
        tgl_sep="2024-03-04",
        jns_pelayanan="2",
        jns_pengajuan=JnsPengajuan.BACKDATE,
        keterangan="pasien IGD malam",
        user=USER,
    )
    assert answer == card
    rows = await client.sep.list_persetujuan(3, 2024)
    assert [(r.no_kartu, r.status) for r in rows] == [(card, "Belum Disetujui")]
    assert rows[0].tgl_sep == datetime.date(2024, 3, 4)
    approved = await client.sep.insert_persetujuan(
        no_kartu=card,
        tgl_sep="2024-03-04",
        jns_pelayanan="2",
        jns_pengajuan="1",
        user=USER,
    )
    assert approved == card
    assert (await client.sep.list_persetujuan(3, 2024))[0].status == "Disetujui"


async def test_approval_defaults_jns_pengajuan_to_backdate_as_the_catalog_says(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    card = sim.participants.cards()[0]
    await client.sep.insert_pengajuan(
        no_kartu=card,
        tgl_sep="2024-03-05",
        jns_pelayanan="2",
        jns_pengajuan=JnsPengajuan.BACKDATE,
        keterangan="pasien IGD malam",
        user=USER,
    )
    assert (
        await client.sep.insert_persetujuan(
            no_kartu=card, tgl_sep="2024-03-05", jns_pelayanan="2", user=USER
        )
        == card
    )
    sent = json.loads(sim.requests[-1].body)["request"]["t_sep"]
    assert sent["jnsPengajuan"] == "1"


async def test_approving_an_unknown_application_is_not_found(client: VClaimClient) -> None:
    with pytest.raises(NotFoundError, match="pengajuan"):
        await client.sep.insert_persetujuan(
            no_kartu="0009999999999",
            tgl_sep=TGL,
            jns_pelayanan="2",
            jns_pengajuan="1",
            user=USER,
        )


async def test_persetujuan_month_is_zero_padded(sim: VClaimSimulator, client: VClaimClient) -> None:
    with pytest.raises(NotFoundError):
        await client.sep.list_persetujuan(1, 2024)
    assert sim.requests[-1].path.endswith("/Sep/persetujuanSEP/list/bulan/01/tahun/2024")


@pytest.mark.parametrize(("bulan", "tahun"), [(0, 2024), (13, 2024), (1, 24), (True, 2024)])
async def test_bad_months_are_refused(
    sim: VClaimSimulator, client: VClaimClient, bulan: int, tahun: int
) -> None:
    with pytest.raises((ValueError, TypeError)):
        await client.sep.list_persetujuan(bulan, tahun)
    assert sim.requests == []


async def _apply(client: VClaimClient, card: str, day: str) -> None:
    await client.sep.insert_pengajuan(
        no_kartu=card, tgl_sep=day, jns_pelayanan="2", jns_pengajuan="1", user=USER
    )


async def test_list_pengajuan_spans_months_and_filters_by_date(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    cards = sim.participants.cards(active=True)
    days = ["2024-01-10", "2024-01-20", "2024-02-14", "2024-03-09", "2024-03-11"]
    for card, day in zip(cards, days, strict=False):
        await _apply(client, card, day)
    before = len(sim.requests)
    rows = await client.sep.list_pengajuan("2024-01-15", datetime.date(2024, 3, 10))
    assert sorted(str(r.tgl_sep) for r in rows) == ["2024-01-20", "2024-02-14", "2024-03-09"]
    paths = sorted(r.path.rsplit("/bulan/", 1)[1] for r in sim.requests[before:])
    assert paths == ["01/tahun/2024", "02/tahun/2024", "03/tahun/2024"]


async def test_list_pengajuan_crosses_a_year_and_skips_empty_months(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    await _apply(client, sim.participants.cards(active=True)[0], "2023-12-30")
    await _apply(client, sim.participants.cards(active=True)[1], "2024-02-01")
    rows = await client.sep.list_pengajuan("2023-12-01", "2024-02-29")  # January is empty (201)
    assert sorted(str(r.tgl_sep) for r in rows) == ["2023-12-30", "2024-02-01"]


async def test_list_pengajuan_fetches_months_concurrently(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    sim.faults.delay("persetujuanSEP", 0.2)  # long enough for the six months to overlap
    assert await client.sep.list_pengajuan("2024-01-01", "2024-06-30") == []
    assert sim.peak_in_flight >= 2  # one month after another would never have two in flight


async def test_list_pengajuan_stays_within_the_concurrency_cap(sim: VClaimSimulator) -> None:
    sim.faults.delay("persetujuanSEP", 0.02)
    async with VClaimClient(sim.config(retry=FAST_RETRY, max_concurrency=1)) as client:
        await client.sep.list_pengajuan("2024-01-01", "2024-06-30")
    assert sim.peak_in_flight == 1


async def test_list_pengajuan_refuses_a_reversed_range(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    with pytest.raises(ValueError, match="before the start"):
        await client.sep.list_pengajuan("2024-03-10", "2024-01-15")
    assert sim.requests == []


async def test_list_pengajuan_surfaces_a_failing_month(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    sim.faults.fail("bulan/02", status=503, times=None)
    with pytest.raises(Exception, match="503"):
        await client.sep.list_pengajuan("2024-01-01", "2024-03-31")


def test_cancelling_an_application_is_documented_not_invented() -> None:
    from vclaim_async.resources import sep as module

    assert "no BPJS endpoint" in (module.__doc__ or "")
    assert not [name for name in dir(module.SepResource) if "batal" in name or "cancel" in name]


# -- discharge -----------------------------------------------------------------------------------


async def test_update_tgl_pulang_and_its_list(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    result = await client.sep.update_tgl_pulang(
        no_sep=world.accident_sep,
        status_pulang=StatusPulang.MENINGGAL,
        tgl_pulang=TGL,
        tgl_meninggal=TGL,
        no_surat_meninggal="SK/1",
        user=USER,
    )
    assert result is None
    assert sim.state.seps[world.accident_sep].status_pulang == "4"
    rows = await client.sep.list_tgl_pulang(3, 2024)
    assert {r.no_sep for r in rows} == {world.no_sep, world.accident_sep}
    assert sim.requests[-1].path.endswith("/Sep/updtglplg/list/bulan/03/tahun/2024/")
    filtered = await client.sep.list_tgl_pulang(3, 2024, filter_text=world.accident_sep)
    assert [r.no_sep for r in filtered] == [world.accident_sep]


async def test_death_needs_its_letter_and_date(sim: VClaimSimulator, client: VClaimClient) -> None:
    with pytest.raises(ValueError, match="no_surat_meninggal"):
        await client.sep.update_tgl_pulang(
            no_sep="0301R0012403V000001", status_pulang="4", tgl_pulang=TGL, user=USER
        )
    with pytest.raises(ValueError, match="status_pulang"):
        await client.sep.update_tgl_pulang(
            no_sep="0301R0012403V000001", status_pulang="2", tgl_pulang=TGL, user=USER
        )
    assert sim.requests == []


async def test_filter_text_is_percent_encoded(sim: VClaimSimulator, client: VClaimClient) -> None:
    with pytest.raises(NotFoundError):
        await client.sep.list_tgl_pulang(3, 2024, filter_text="BUDI SANTOSO")
    assert sim.requests[-1].path.endswith("/tahun/2024/BUDI%20SANTOSO")


# -- internal referrals, accidents, fingerprints -------------------------------------------------


async def test_internal_referrals(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    items = await client.sep.list_internal(world.no_sep)
    assert [(i.no_surat, i.kd_poli_tuj) for i in items] == [("INT-1", "JAN")]
    deleted = await client.sep.delete_internal(
        no_sep=world.no_sep,
        no_surat="INT-1",
        tgl_rujukan_internal=TGL,
        kode_poli_tujuan="JAN",
        user=USER,
    )
    assert deleted == world.no_sep
    with pytest.raises(NotFoundError):
        await client.sep.list_internal(world.no_sep)


async def test_accident_lookups(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    induk = await client.sep.list_kll_induk(world.card)
    assert [i.no_sep for i in induk] == [world.accident_sep]
    assert induk[0].kd_kab == "3171" and induk[0].tgl_kejadian == datetime.date(2024, 2, 28)
    suplesi = await client.sep.list_suplesi_jasa_raharja(world.card, "2024-03-05")
    assert [s.no_sep for s in suplesi] == [world.accident_sep]
    detail = await client.sep.get(world.accident_sep)
    assert detail.kd_status_kecelakaan == "1"
    assert detail.lokasi_kejadian is not None and detail.lokasi_kejadian.kd_prop == "31"


async def test_last_sep_by_rujukan(sim: VClaimSimulator, client: VClaimClient) -> None:
    world = await build_world(sim, client)
    last = await client.sep.get_last_by_rujukan(world.rujukan_fktp)
    assert last.no_sep == world.accident_sep  # issued after the first one


async def test_fingerprint_and_random_question(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards(active=True)[2]
    peserta = sim.participants.get(card)
    assert peserta is not None and peserta.prov_umum is not None and peserta.tgl_lahir
    assert (await client.sep.get_finger_print(card, TGL)).kode == "0"
    choices = await client.sep.get_random_question(card, TGL)
    assert peserta.prov_umum.kd_provider in {c.kode for c in choices}
    wrong = await client.sep.insert_random_answer(
        no_kartu=card,
        tgl_sep=TGL,
        jns_pelayanan="2",
        tgl_lahir="1900-01-01",
        ppk_pst=str(peserta.prov_umum.kd_provider),
        user=USER,
    )
    assert wrong is False
    right = await client.sep.insert_random_answer(
        no_kartu=card,
        tgl_sep=TGL,
        jns_pelayanan="2",
        tgl_lahir=peserta.tgl_lahir,
        ppk_pst=str(peserta.prov_umum.kd_provider),
        user=USER,
    )
    assert right is True
    assert (await client.sep.get_finger_print(card, TGL)).kode == "1"
    assert [f.no_kartu for f in await client.sep.list_finger_print(TGL)] == [card]


async def test_accident_jaminan_goes_on_the_wire(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    card = sim.participants.cards(active=True)[0]
    await issue_sep(client, card, await _fktp_referral(client, card), jaminan=ACCIDENT)
    jaminan = sim.requests[-1].json()["request"]["t_sep"]["jaminan"]
    assert jaminan == {
        "lakaLantas": "1",
        "noLP": "LP/123/III/2024",
        "penjamin": {
            "tglKejadian": "2024-02-28",
            "keterangan": "Tabrakan motor",
            "suplesi": {
                "suplesi": "0",
                "noSepSuplesi": "",
                "lokasiLaka": {"kdPropinsi": "31", "kdKabupaten": "3171", "kdKecamatan": "317101"},
            },
        },
    }
