"""Peserta look-ups against the simulator, through the public API only."""

from __future__ import annotations

import datetime

import msgspec
import pytest

from vclaim_async import NotFoundError, Peserta, VClaimClient
from vclaim_async._validate import today_jakarta
from vclaim_async.testing import VClaimSimulator


async def test_by_card_returns_typed_participant(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    card = sim.participants.cards()[0]
    expected = sim.participants.get(card)
    peserta = await client.peserta.by_card(card, datetime.date(2024, 3, 1))
    assert isinstance(peserta, Peserta)
    assert expected is not None
    assert peserta.no_kartu == card
    assert peserta.nik == expected.nik
    assert isinstance(peserta.tgl_lahir, datetime.date)
    assert peserta.status_peserta is not None and peserta.status_peserta.kode in "0129"
    assert peserta.umur is not None and "tahun" in (peserta.umur.umur_saat_pelayanan or "")
    assert sim.requests[-1].path.endswith(f"/Peserta/nokartu/{card}/tglSEP/2024-03-01")


async def test_by_nik_finds_the_same_person(sim: VClaimSimulator, client: VClaimClient) -> None:
    card = sim.participants.cards()[3]
    person = sim.participants.get(card)
    assert person is not None and person.nik is not None
    by_nik = await client.peserta.by_nik(person.nik, "2024-03-01")
    assert by_nik.no_kartu == card
    assert sim.requests[-1].path.endswith(f"/Peserta/nik/{person.nik}/tglSEP/2024-03-01")


async def test_to_builtins_gives_bpjs_names(sim: VClaimSimulator, client: VClaimClient) -> None:
    peserta = await client.peserta.by_card(sim.participants.cards()[0])
    wire = msgspec.to_builtins(peserta)
    for key in ("noKartu", "nik", "nama", "tglLahir", "statusPeserta", "hakKelas", "tglTAT"):
        assert key in wire
    assert set(wire["mr"]) <= {"noMR", "noTelepon"}
    assert set(wire["informasi"]) <= {"dinsos", "noSKTM", "prolanisPRB", "eSEP"}


async def test_unknown_card_is_not_found(client: VClaimClient) -> None:
    with pytest.raises(NotFoundError) as info:
        await client.peserta.by_card("0009999999999")
    assert info.value.code == "201"
    assert info.value.endpoint == "peserta.by_card"


async def test_added_participant_is_served(sim: VClaimSimulator, client: VClaimClient) -> None:
    sim.participants.add(
        {
            "noKartu": "0001112223334",
            "nik": "3671234567890123",
            "nama": "JOSÉ 😀 KUTIP",
            "statusPeserta": {"kode": "0", "keterangan": "AKTIF"},
        }
    )
    peserta = await client.peserta.by_nik("3671234567890123")
    assert peserta.nama == "JOSÉ 😀 KUTIP"
    assert peserta.is_active


async def test_default_date_is_today_in_jakarta(client: VClaimClient, sim: VClaimSimulator) -> None:
    await client.peserta.by_card(sim.participants.cards()[0])
    assert sim.requests[-1].path.endswith(f"/tglSEP/{today_jakarta().isoformat()}")


def test_jakarta_date_differs_from_utc_late_evening() -> None:
    late_utc = datetime.datetime(2024, 1, 1, 18, 30, tzinfo=datetime.timezone.utc)
    assert today_jakarta(late_utc) == datetime.date(2024, 1, 2)


@pytest.mark.parametrize(
    ("method", "value"),
    [
        ("by_card", "123"),
        ("by_card", "00012345678901"),
        ("by_card", "000123456789a"),
        ("by_card", "0001234567/89"),
        ("by_nik", "367123456789012"),
        ("by_nik", "3671234567890123 "),
        ("by_nik", "36712345678901234"),
    ],
)
async def test_bad_numbers_raise_before_sending(
    sim: VClaimSimulator, client: VClaimClient, method: str, value: str
) -> None:
    with pytest.raises(ValueError, match="digits"):
        await getattr(client.peserta, method)(value)
    assert sim.requests == []


@pytest.mark.parametrize("date", ["2024-02-30", "01-02-2024", "2024/01/02", "today"])
async def test_bad_dates_raise_before_sending(
    sim: VClaimSimulator, client: VClaimClient, date: str
) -> None:
    with pytest.raises(ValueError, match="tgl_sep"):
        await client.peserta.by_card(sim.participants.cards()[0], date)
    assert sim.requests == []


async def test_full_nik_never_in_validation_message(client: VClaimClient) -> None:
    with pytest.raises(ValueError) as info:
        await client.peserta.by_nik("36712345678901234")
    assert "36712345678901234" not in str(info.value)
    assert "3671" in str(info.value)


async def test_lookup_picks_card_or_nik_by_length(
    sim: VClaimSimulator, client: VClaimClient
) -> None:
    card = sim.participants.cards()[3]
    person = sim.participants.get(card)
    assert person is not None and person.nik is not None
    nik = person.nik
    by_card = await client.peserta.lookup(card, "2024-03-01")
    by_nik = await client.peserta.lookup(f" {nik} ", datetime.date(2024, 3, 1))
    assert by_card.no_kartu == by_nik.no_kartu == card
    sent = [r.path for r in sim.requests]
    assert "/Peserta/nokartu/" in sent[0] and "/Peserta/nik/" in sent[1]


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("12345", "13-digit card number or a 16-digit NIK, got 5 digits"),
        ("0" * 14, "13-digit card number or a 16-digit NIK, got 14 digits"),
        ("", "got nothing"),
        ("00012345678a9", "card number .* must be exactly 13 digits"),
    ],
)
async def test_lookup_refuses_what_is_neither_before_sending(
    sim: VClaimSimulator, client: VClaimClient, identifier: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await client.peserta.lookup(identifier)
    assert sim.requests == []
