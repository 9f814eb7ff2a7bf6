"""Bad input raises a clear ValueError/TypeError before anything is sent (a request counter)."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.antrean.conftest import WIB
from tests.antrean.test_operations import tambah
from vclaim_async.antrean import (
    AntreanClient,
    JadwalDokterUpdate,
    JadwalHari,
    TaskId,
    UpdateWaktu,
    epoch_ms,
)
from vclaim_async.testing import VClaimSimulator

DAY = datetime.date(2026, 12, 7)
OK_MS = 1_796_518_800_000

Call = Callable[[AntreanClient], Awaitable[Any]]

BAD: list[tuple[str, Call, type[Exception], str]] = [
    # update_waktu: the times, task ids and codes a desk system gets wrong.
    (
        "naive datetime",
        lambda c: c.antrean.update_waktu(
            kodebooking="A1", taskid=3, waktu=datetime.datetime(2026, 12, 7, 8, 0)
        ),
        ValueError,
        "naive datetime",
    ),
    (
        "seconds, not ms",
        lambda c: c.antrean.update_waktu(kodebooking="A1", taskid=3, waktu=1_796_518_800),
        ValueError,
        "looks like seconds",
    ),
    (
        "waktu as text",
        lambda c: c.antrean.update_waktu(kodebooking="A1", taskid=3, waktu="08:00"),  # type: ignore[arg-type]
        TypeError,
        "aware datetime or epoch milliseconds",
    ),
    (
        "taskid 8",
        lambda c: c.antrean.update_waktu(kodebooking="A1", taskid=8, waktu=OK_MS),
        ValueError,
        "1-7 or 99",
    ),
    (
        "taskid as str",
        lambda c: c.antrean.update_waktu(kodebooking="A1", taskid="3", waktu=OK_MS),  # type: ignore[arg-type]
        TypeError,
        "taskid",
    ),
    (
        "blank booking",
        lambda c: c.antrean.update_waktu(kodebooking=" ", taskid=3, waktu=OK_MS),
        ValueError,
        "kodebooking",
    ),
    (
        "unknown jenisresep",
        lambda c: c.antrean.update_waktu(
            kodebooking="A1", taskid=5, waktu=OK_MS, jenisresep="Kapsul"
        ),
        ValueError,
        "jenisresep",
    ),
    (
        "batal without a reason",
        lambda c: c.antrean.batal(kodebooking="A1", keterangan=""),
        ValueError,
        "keterangan",
    ),
    (
        "list_task of nothing",
        lambda c: c.antrean.list_task(""),
        ValueError,
        "kodebooking",
    ),
    (
        "booking code '..'",
        lambda c: c.antrean.get(".."),
        ValueError,
        "path segment",
    ),
    (
        "farmasi jenisresep",
        lambda c: c.antrean.add_farmasi(kodebooking="A1", jenisresep="Tidak ada", nomorantrean=1),
        ValueError,
        "jenisresep",
    ),
    (
        "farmasi number 0",
        lambda c: c.antrean.add_farmasi(kodebooking="A1", jenisresep="racikan", nomorantrean=0),
        ValueError,
        "nomorantrean",
    ),
    (
        "add: JKN card of 12 digits",
        lambda c: c.antrean.add(tambah(DAY, nomorkartu="000123456789")),
        ValueError,
        "13 digits",
    ),
    (
        "add: NON-JKN with a hyphen",
        lambda c: c.antrean.add(tambah(DAY, jenispasien="NON-JKN")),
        ValueError,
        "jenispasien",
    ),
    (
        "add: jeniskunjungan 5",
        lambda c: c.antrean.add(tambah(DAY, jeniskunjungan=5)),
        ValueError,
        "jeniskunjungan",
    ),
    (
        "add: session backwards",
        lambda c: c.antrean.add(tambah(DAY, jampraktek="15:00-07:00")),
        ValueError,
        "ends before it starts",
    ),
    (
        "add: remaining over quota",
        lambda c: c.antrean.add(tambah(DAY, sisakuotajkn=31)),
        ValueError,
        "exceeds",
    ),
    (
        "add: naive estimasidilayani",
        lambda c: c.antrean.add(tambah(DAY, estimasidilayani=datetime.datetime(2026, 12, 7, 9))),
        ValueError,
        "naive",
    ),
    (
        "add: not a date",
        lambda c: c.antrean.add(tambah(DAY, tanggalperiksa="07-12-2026")),
        ValueError,
        "YYYY-MM-DD",
    ),
    (
        "add: a dict instead of the model",
        lambda c: c.antrean.add({"kodebooking": "A1"}),  # type: ignore[arg-type]
        TypeError,
        "TambahAntrean",
    ),
    (
        "pasien fp: unknown kind",
        lambda c: c.referensi.get_pasien_fp("kk", "3212345678987654"),  # type: ignore[arg-type]
        ValueError,
        "jenis",
    ),
    (
        "pasien fp: NIK of 15 digits",
        lambda c: c.referensi.get_pasien_fp("nik", "321234567898765"),
        ValueError,
        "16 digits",
    ),
    (
        "jadwal: poli with a slash",
        lambda c: c.jadwal_dokter.get("INT/1", DAY),
        ValueError,
        "path segment",
    ),
    (
        "jadwal update: hari 9",
        lambda c: c.jadwal_dokter.update(
            JadwalDokterUpdate(
                kodepoli="INT",
                kodesubspesialis="INT",
                kodedokter=1,
                jadwal=[JadwalHari(hari="9", buka="08:00", tutup="10:00")],
            )
        ),
        ValueError,
        "hari",
    ),
    (
        "jadwal update: closing first",
        lambda c: c.jadwal_dokter.update(
            JadwalDokterUpdate(
                kodepoli="INT",
                kodesubspesialis="INT",
                kodedokter=1,
                jadwal=[JadwalHari(hari="1", buka="10:00", tutup="08:00")],
            )
        ),
        ValueError,
        "tutup",
    ),
    (
        "aktif by dokter: hari 0",
        lambda c: c.antrean.list_aktif_by_dokter("INT", 1, 0, "08:00-10:00"),
        ValueError,
        "hari",
    ),
    (
        "aktif by dokter: doctor code text",
        lambda c: c.antrean.list_aktif_by_dokter("INT", "dr. A", 1, "08:00-10:00"),
        ValueError,
        "kodedokter",
    ),
    (
        "aktif by dokter: hours 8-10",
        lambda c: c.antrean.list_aktif_by_dokter("INT", 1, 1, "8-10"),
        ValueError,
        "jampraktek",
    ),
    (
        "dashboard: waktu bpjs",
        lambda c: c.dashboard.per_tanggal(DAY, waktu="bpjs"),  # type: ignore[arg-type]
        ValueError,
        "waktu",
    ),
    (
        "dashboard: month 13",
        lambda c: c.dashboard.per_bulan(13, 2026),
        ValueError,
        "bulan",
    ),
]


@pytest.mark.parametrize(("case", "call", "error", "says"), BAD, ids=[b[0] for b in BAD])
async def test_bad_input_raises_before_anything_is_sent(
    vclaim_simulator: VClaimSimulator,
    antrean_client: AntreanClient,
    case: str,
    call: Call,
    error: type[Exception],
    says: str,
) -> None:
    before = len(vclaim_simulator.requests)
    with pytest.raises(error, match=says):
        await call(antrean_client)
    assert len(vclaim_simulator.requests) == before, f"{case}: a request was sent"


def test_a_card_number_is_never_whole_in_the_error() -> None:
    with pytest.raises(ValueError) as caught:
        tambah(DAY, nik="32123456789876")
    assert "32123456789876" not in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # 2024-05-06 08:05:00 WIB, the protocol notes' example, in three spellings.
        (datetime.datetime(2024, 5, 6, 8, 5, tzinfo=WIB), 1_714_957_500_000),
        (datetime.datetime(2024, 5, 6, 1, 5, tzinfo=datetime.timezone.utc), 1_714_957_500_000),
        (1_714_957_500_000, 1_714_957_500_000),
        # Milliseconds survive exactly (no float rounding).
        (datetime.datetime(2024, 5, 6, 8, 5, 0, 999_000, tzinfo=WIB), 1_714_957_500_999),
    ],
)
def test_epoch_ms(value: datetime.datetime | int, expected: int) -> None:
    assert epoch_ms(value) == expected


def test_update_waktu_body_keeps_the_task_as_a_number() -> None:
    body = UpdateWaktu(kodebooking="A1", taskid=TaskId.POLI_END, waktu=OK_MS, jenisresep="racikan")
    assert (body.taskid, type(body.taskid), body.jenisresep) == (5, int, "Racikan")
