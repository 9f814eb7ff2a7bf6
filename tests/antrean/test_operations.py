"""All 17 Antrean RS operations round-trip against the simulator, as a hospital calls them."""

from __future__ import annotations

import datetime
import inspect
import json
import string

import msgspec
import pytest

from tests.antrean.conftest import at
from vclaim_async import AlreadyRecordedError, NotFoundError, TaskRuleError
from vclaim_async._catalog import ANTREAN_CATALOG
from vclaim_async.antrean import (
    AntreanClient,
    AntreanConfig,
    JadwalDokterUpdate,
    JadwalHari,
    TambahAntrean,
    TaskId,
)
from vclaim_async.testing import VClaimSimulator


def tambah(
    day: datetime.date, kodebooking: str = "16032021A001", **changes: object
) -> TambahAntrean:
    """An onsite JKN registration at the INT clinic (doctor 12345) on ``day``."""
    values: dict[str, object] = {
        "kodebooking": kodebooking,
        "jenispasien": "JKN",
        "nomorkartu": "0001234567890",
        "nik": "3212345678987654",
        "nohp": "085635228888",
        "kodepoli": "INT",
        "namapoli": "Penyakit Dalam",
        "pasienbaru": 0,
        "norm": "123345",
        "tanggalperiksa": day,
        "kodedokter": 12345,
        "namadokter": "Tenaga Medis 12345",
        "jampraktek": "07:00-15:00",
        "jeniskunjungan": 1,
        "nomorreferensi": "0001R0040116A000001",
        "nomorantrean": "INT-12",
        "angkaantrean": 12,
        "estimasidilayani": at(day, 9),
        "sisakuotajkn": 5,
        "kuotajkn": 30,
        "sisakuotanonjkn": 5,
        "kuotanonjkn": 30,
        "keterangan": "Peserta harap 30 menit lebih awal guna pencatatan administrasi.",
    }
    values.update(changes)
    return TambahAntrean(**values)  # type: ignore[arg-type]


def test_every_catalog_row_is_a_method_and_its_placeholders_are_its_parameters() -> None:
    client = AntreanClient(
        AntreanConfig(cons_id="1", secret="s", user_key="k", base_url="https://x.test/antreanrs")
    )
    assert len(ANTREAN_CATALOG) == 17  # the 17 WS BPJS services of the UAT form
    for name, row in ANTREAN_CATALOG.items():
        resource, method = name.split(".")
        function = getattr(getattr(client, resource), method)
        assert (inspect.getdoc(function) or "").find(f"``{name}``") >= 0, name
        parameters = set(inspect.signature(function).parameters)
        placeholders = {f for _, f, _, _ in string.Formatter().parse(row.path) if f}
        assert placeholders <= parameters, f"{name}: {placeholders - parameters}"


async def test_references(vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient) -> None:
    state = vclaim_simulator.antrean_state
    poli = await antrean_client.referensi.list_poli()
    assert [(p.kdpoli, p.kdsubspesialis) for p in poli] == [
        (p["kdpoli"], p["kdsubspesialis"]) for p in state.poli
    ]
    dokter = await antrean_client.referensi.list_dokter()
    assert {d.kodedokter for d in dokter} == set(state.dokter)
    fp = await antrean_client.referensi.list_poli_fp()
    assert [p.kodesubspesialis for p in fp] == state.poli_fp
    card = vclaim_simulator.participants.cards()[0]
    peserta = vclaim_simulator.participants.get(card)
    assert peserta is not None and peserta.nik is not None
    by_card = await antrean_client.referensi.get_pasien_fp("noka", card)
    by_nik = await antrean_client.referensi.get_pasien_fp("nik", peserta.nik)
    assert by_card == by_nik
    assert (by_card.nomorkartu, by_card.tgllahir) == (card, peserta.tgl_lahir)
    assert card not in repr(by_card) and peserta.nik not in repr(by_card)


async def test_reference_codes_are_1_on_the_wire(vclaim_simulator: VClaimSimulator) -> None:
    # The client accepts 1 as success only because the dialect says so; a raw look confirms
    # the simulator answers as BPJS does (code 1, lower-case metadata, numeric).
    import aiohttp

    from vclaim_async import _signing

    stamp = str(int(vclaim_simulator.clock()))
    headers = _signing.signed_headers(
        vclaim_simulator.cons_id,
        vclaim_simulator.secret,
        vclaim_simulator.antrean_user_key,
        stamp,
    )
    async with (
        aiohttp.ClientSession() as session,
        session.get(vclaim_simulator.antrean_base_url + "/ref/poli", headers=headers) as resp,
    ):
        envelope = json.loads(await resp.read())
    assert envelope["metadata"] == {"code": 1, "message": "OK"}
    assert isinstance(envelope["response"], str)


async def test_the_vclaim_user_key_does_not_open_antrean(
    vclaim_simulator: VClaimSimulator,
) -> None:
    from vclaim_async import AuthenticationError

    config = vclaim_simulator.antrean_config(user_key=vclaim_simulator.user_key)
    async with AntreanClient(config) as client:
        with pytest.raises(AuthenticationError):
            await client.referensi.list_poli()


async def test_doctor_schedules(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient
) -> None:
    monday = datetime.date(2026, 12, 7)
    rows = await antrean_client.jadwal_dokter.get("INT", monday)
    assert {(r.kodedokter, r.jampraktek, r.hari) for r in rows} == {
        (12345, "07:00-15:00", 1),
        (12346, "15:00-20:00", 1),
    }
    assert await antrean_client.jadwal_dokter.get("INT", monday + datetime.timedelta(6)) == []
    update = JadwalDokterUpdate(
        kodepoli="INT",
        kodesubspesialis="INT",
        kodedokter=12345,
        jadwal=[
            JadwalHari(hari=1, buka="08:00", tutup="10:00"),
            JadwalHari(hari="2", buka="15:00", tutup="17:00"),
        ],
    )
    await antrean_client.jadwal_dokter.update(update)
    (sent,) = vclaim_simulator.antrean_state.jadwal_updates
    assert sent == {
        "kodepoli": "INT",
        "kodesubspesialis": "INT",
        "kodedokter": 12345,
        "jadwal": [
            {"hari": "1", "buka": "08:00", "tutup": "10:00"},
            {"hari": "2", "buka": "15:00", "tutup": "17:00"},
        ],
    }


async def test_an_onsite_visit_end_to_end(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    state = vclaim_simulator.antrean_state
    api = antrean_client.antrean
    await api.add(tambah(today))
    with pytest.raises(AlreadyRecordedError) as dup:
        await api.add(tambah(today))
    assert dup.value.message == "Terdapat duplikasi Kode Booking"
    booking = state.bookings["16032021A001"]
    assert (booking.kodedokter, booking.tanggal, booking.status) == (12345, today, "Belum dilayani")

    detail = await api.get("16032021A001")
    assert (detail.kodebooking, detail.tanggal, detail.nokapst) == (
        "16032021A001",
        today,
        "0001234567890",
    )
    assert "0001234567890" not in repr(detail)
    assert [d.kodebooking for d in await api.list_by_tanggal(today)] == ["16032021A001"]
    assert [d.kodebooking for d in await api.list_aktif()] == ["16032021A001"]
    session = await api.list_aktif_by_dokter("INT", 12345, today.isoweekday(), "07:00-15:00")
    assert [d.kodebooking for d in session] == ["16032021A001"]
    assert await api.list_aktif_by_dokter("INT", 12345, today.isoweekday(), "08:00-09:00") == []

    times = {1: (8, 0), 2: (8, 5), 3: (8, 12), 4: (8, 40), 5: (9, 0), 6: (9, 10), 7: (9, 25)}
    for taskid, (hour, minute) in times.items():
        if taskid == 6:
            await api.add_farmasi(
                kodebooking="16032021A001", jenisresep="Non Racikan", nomorantrean=17
            )
        await api.update_waktu(
            kodebooking="16032021A001",
            taskid=TaskId(taskid),
            waktu=at(today, hour, minute),
            jenisresep="Non racikan" if taskid == 5 else None,
        )
    assert booking.farmasi == {"jenisresep": "non racikan", "nomorantrean": 17}
    with pytest.raises(AlreadyRecordedError):
        await api.add_farmasi(kodebooking="16032021A001", jenisresep="racikan", nomorantrean=17)
    assert [t.taskid for t in await api.list_task("16032021A001")] == list(times)
    assert (await api.get("16032021A001")).status == "Selesai dilayani"
    assert await api.list_aktif() == []

    (row,) = await antrean_client.dashboard.per_tanggal(today)
    assert (row.kodepoli, row.tanggal, row.jumlah_antrean) == ("INT", today.isoformat(), 1)
    # Intervals from the sent times: 5, 7, 28, 20, 10, 15 minutes.
    assert [row.waktu_task1, row.waktu_task2, row.waktu_task3] == [300, 420, 1680]
    assert [row.waktu_task4, row.waktu_task5, row.waktu_task6] == [1200, 600, 900]
    assert row.avg_waktu_task3 == 1680
    server = await antrean_client.dashboard.per_tanggal(today, waktu="server")
    # Sent within milliseconds of each other, the receipt times make near-zero intervals.
    assert server[0].waktu_task3 < 5
    (month_row,) = await antrean_client.dashboard.per_bulan(today.month, today.year)
    assert msgspec.structs.replace(month_row, insertdate=row.insertdate) == row


async def test_a_cancelled_booking_takes_no_more_tasks(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    api = antrean_client.antrean
    await api.update_waktu(kodebooking=booking.kodebooking, taskid=3, waktu=at(today, 8))
    await api.batal(kodebooking=booking.kodebooking, keterangan="Pasien tidak jadi berobat")
    assert booking.cancelled == "Pasien tidak jadi berobat"
    assert (await api.get(booking.kodebooking)).status == "Batal"
    with pytest.raises(TaskRuleError) as caught:
        await api.update_waktu(kodebooking=booking.kodebooking, taskid=4, waktu=at(today, 9))
    assert caught.value.taskid == 99
    with pytest.raises(NotFoundError):
        await api.batal(kodebooking=booking.kodebooking, keterangan="lagi")


async def test_booking_codes_with_path_characters_round_trip(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    # Khanza uses the visit number (with '/') and the catalogue's own example has a '#'.
    for code in ("2026/03/13/000317", "Y03-20#1617068533"):
        vclaim_simulator.antrean_state.add_booking(code, tanggal=today)
        assert (await antrean_client.antrean.get(code)).kodebooking == code
        await antrean_client.antrean.update_waktu(kodebooking=code, taskid=3, waktu=at(today, 8))
        assert [t.kodebooking for t in await antrean_client.antrean.list_task(code)] == [code]
    paths = [r.path for r in vclaim_simulator.requests if "kodebooking/" in r.path]
    assert paths[0].endswith("/kodebooking/2026%2F03%2F13%2F000317")
    assert paths[1].endswith("/kodebooking/Y03-20%231617068533")


async def test_jampraktek_goes_out_with_its_colons(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient
) -> None:
    await antrean_client.antrean.list_aktif_by_dokter("INT", "12345", 1, "07:00 - 15:00")
    assert vclaim_simulator.requests[-1].path.endswith(
        "/kodepoli/INT/kodedokter/12345/hari/1/jampraktek/07:00-15:00"
    )


async def test_no_data_is_an_empty_list(antrean_client: AntreanClient) -> None:
    assert await antrean_client.antrean.list_aktif() == []
    assert await antrean_client.antrean.list_by_tanggal("2020-01-01") == []
    assert await antrean_client.dashboard.per_bulan(1, 2020) == []
    with pytest.raises(NotFoundError):
        await antrean_client.antrean.get("UNKNOWN")


async def test_writes_go_out_as_json_with_their_wire_bodies(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    booking = vclaim_simulator.antrean_state.add_booking()
    waktu = at(today, 8, 5)
    await antrean_client.antrean.update_waktu(
        kodebooking=booking.kodebooking, taskid=TaskId.ADMISSION_END, waktu=waktu
    )
    request = vclaim_simulator.requests[-1]
    assert request.method == "POST"
    assert request.path.endswith("/antreanrs/antrean/updatewaktu")
    assert request.content_type is not None and request.content_type.startswith("application/json")
    # jenisresep is left out when not given (the catalogue: "dapat dihilangkan").
    assert json.loads(request.body) == {
        "kodebooking": booking.kodebooking,
        "taskid": 3,
        "waktu": int(waktu.timestamp()) * 1000,
    }
    await antrean_client.antrean.add(tambah(today, kodebooking="X1"))
    body = json.loads(vclaim_simulator.requests[-1].body)
    assert len(body) == 23
    assert (body["kodedokter"], body["tanggalperiksa"], body["estimasidilayani"]) == (
        12345,
        today.isoformat(),
        int(at(today, 9).timestamp()) * 1000,
    )


async def test_a_fault_can_target_an_antrean_operation(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient
) -> None:
    vclaim_simulator.faults.fail(status=502, times=1, operation="referensi.list_dokter")
    # The VClaim referensi.list_dokter shares the name; only Antrean's path is called here.
    assert await antrean_client.referensi.list_dokter()
    assert [r.path.rsplit("/", 2)[-2:] for r in vclaim_simulator.requests] == [
        ["ref", "dokter"],
        ["ref", "dokter"],
    ]


async def test_hooks_see_antrean_operations(vclaim_simulator: VClaimSimulator) -> None:
    from vclaim_async import CallEvent

    events: list[CallEvent] = []
    async with AntreanClient(vclaim_simulator.antrean_config(), hooks=[events.append]) as client:
        await client.referensi.list_poli()
        with pytest.raises(NotFoundError):
            await client.antrean.list_task("NOPE")
    assert [(e.operation, e.code, e.error) for e in events] == [
        ("referensi.list_poli", "200", None),
        ("antrean.list_task", "201", "NotFoundError"),
    ]
