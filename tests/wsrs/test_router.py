"""The WS RS router under a real uvicorn server: auth, envelope, rules, hand-off, logging."""

from __future__ import annotations

import asyncio
import datetime
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from fastapi import FastAPI

from examples.wsrs_app import SqliteBackend, create_app
from vclaim_async.antrean.wsrs import WIB, BookingRequest, create_router

from .conftest import PASSWORD, USERNAME, serve

PATIENT = {"nomorkartu": "9999900000011", "nik": "0001010101900001", "norm": "000001"}
# Monday 7 December 2026, 13:00 WIB: BED / 90003 runs Monday-Friday 08:00-12:00.
MONDAY_1300 = datetime.datetime(2026, 12, 7, 13, 0, tzinfo=WIB).timestamp()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Client:
    """Mobile JKN, minimal: a token, then POSTs; returns (HTTP status, parsed body)."""

    def __init__(self, url: str, http: aiohttp.ClientSession) -> None:
        self.url = url
        self.http = http
        self.token = ""

    async def login(self, username: str = USERNAME, password: str = PASSWORD) -> dict[str, Any]:
        async with self.http.get(
            f"{self.url}/auth", headers={"X-Username": username, "X-PASSWORD": password}
        ) as resp:
            body: dict[str, Any] = await resp.json()
            body["_status"] = resp.status
        if body["metadata"]["code"] == 200:
            self.token = body["response"]["token"]
        return body

    async def post(
        self, path: str, body: Any, *, token: str | None = None, username: str = USERNAME
    ) -> dict[str, Any]:
        headers = {"X-Token": self.token if token is None else token, "x-USERNAME": username}
        async with self.http.post(f"{self.url}/{path}", json=body, headers=headers) as resp:
            assert resp.status == 200, resp.status  # every business reply
            data: dict[str, Any] = await resp.json()
        assert set(data) <= {"response", "metadata"} and "metadata" in data
        assert isinstance(data["metadata"]["code"], int)
        return data


def booking(tanggal: str, **over: Any) -> dict[str, Any]:
    body = {
        **PATIENT, "nohp": "0800", "kodepoli": "ANA", "kodedokter": 90001,
        "tanggalperiksa": tanggal, "jampraktek": "00:00-23:59", "jeniskunjungan": 1,
        "nomorreferensi": "",
    }  # fmt: skip
    return body | over


def meta(reply: dict[str, Any]) -> tuple[int, str]:
    return reply["metadata"]["code"], reply["metadata"]["message"]


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY_1300)


@pytest.fixture
def sink_calls() -> list[tuple[str, int, int]]:
    return []


@pytest.fixture
def app_url(backend: SqliteBackend, clock: Clock, sink_calls: list[Any]) -> Iterator[str]:
    async def sink(kodebooking: str, taskid: int, waktu: int) -> None:
        sink_calls.append((kodebooking, taskid, waktu))

    app = create_app(
        backend, credentials={USERNAME: PASSWORD, "kedua": "sandi-kedua"},
        token_ttl=60, task_sink=sink, clock=clock,
    )  # fmt: skip
    with serve(app) as url:
        yield url


@pytest.fixture
async def client(app_url: str) -> Any:
    async with aiohttp.ClientSession() as http:
        c = Client(app_url, http)
        await c.login()
        yield c


async def test_token_headers_case_insensitive_and_the_catalogue_envelope(app_url: str) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{app_url}/auth", headers={"X-USERNAME": USERNAME, "x-Password": PASSWORD}
        ) as resp,
    ):
        assert resp.status == 200
        raw = await resp.read()
    assert raw.startswith(b'{"response":{"token":"')
    assert raw.endswith(b'"metadata":{"message":"Ok","code":200}}')


async def test_refused_logins_and_the_brake_on_guessing(client: Client, clock: Clock) -> None:
    for _ in range(5):  # free attempts
        reply = await client.login(password="salah")
        assert meta(reply) == (201, "Username atau Password Tidak Sesuai")
        assert reply["_status"] == 200 and "response" not in reply
    await client.login(password="salah")  # the sixth closes the username for 1 s
    assert meta(await client.login()) == (201, "Username atau Password Tidak Sesuai")
    assert meta(await client.login("kedua", "sandi-kedua"))[0] == 200  # other usernames: open
    clock.now += 1.01
    assert meta(await client.login())[0] == 200
    # Missing headers are a refused login, not a 422.
    async with client.http.get(f"{client.url}/auth") as resp:
        assert resp.status == 200
        assert (await resp.json())["metadata"]["code"] == 201


async def test_tokens_expire_and_are_bound_to_their_username(client: Client, clock: Clock) -> None:
    status = {
        "kodepoli": "ANA", "kodedokter": 90001, "tanggalperiksa": "2026-12-07",
        "jampraktek": "00:00-23:59",
    }  # fmt: skip
    assert meta(await client.post("statusantrean", status))[0] == 200
    assert meta(await client.post("statusantrean", status, username="kedua")) == (
        201,
        "Token Expired",
    )
    assert meta(await client.post("statusantrean", status, token=""))[0] == 201
    assert meta(await client.post("statusantrean", status, token=client.token + "x"))[0] == 201
    clock.now += 59.9
    assert meta(await client.post("statusantrean", status))[0] == 200
    clock.now += 0.2
    assert meta(await client.post("statusantrean", status)) == (201, "Token Expired")


async def test_schedule_rules_read_the_injected_clock(
    client: Client, backend: SqliteBackend
) -> None:
    monday = "2026-12-07"
    bed = {"kodepoli": "BED", "kodedokter": 90003, "jampraktek": "08:00-12:00"}
    # 13:00 on Monday: the 08:00-12:00 session has ended.
    assert meta(await client.post("ambilantrean", booking(monday, **bed))) == (
        201,
        "Pendaftaran Ke Poli Bedah Sudah Tutup Jam 12:00",
    )
    # Saturday: BED has no session at all.
    assert meta(await client.post("ambilantrean", booking("2026-12-12", **bed))) == (
        201,
        "Pendaftaran ke Poli Ini Sedang Tutup",
    )
    backend.add_leave(90003, datetime.date(2026, 12, 8))
    assert meta(await client.post("ambilantrean", booking("2026-12-08", **bed))) == (
        201,
        "Jadwal dokter sedang libur ditanggal ini",
    )
    assert meta(await client.post("ambilantrean", booking("2026-12-15")))[0] == 201  # past H+7
    assert meta(await client.post("ambilantrean", booking("2026-12-06")))[1] == (
        "Tanggal Periksa Tidak Berlaku"
    )
    assert meta(await client.post("ambilantrean", booking("2026-02-30")))[1].startswith(
        "Format Tanggal Tidak Sesuai"
    )
    assert meta(await client.post("ambilantrean", booking("2026-12-09", kodepoli="XYZ"))) == (
        201,
        "Poli Tidak Ditemukan",
    )
    # kodedokter as a numeric string (APO sends strings) is accepted.
    reply = await client.post("ambilantrean", booking("2026-12-09", kodedokter="90001"))
    assert meta(reply)[0] == 200
    assert reply["response"]["nomorantrean"] == "A-1"
    assert meta(await client.post("ambilantrean", booking("2026-12-09", kodedokter="dr")))[
        1
    ].startswith("Format request tidak sesuai")


async def test_malformed_requests_are_201_never_5xx(client: Client) -> None:
    for body in (None, [], {"kodebooking": 5}, {}):
        assert meta(await client.post("sisaantrean", body))[0] == 201
    async with client.http.post(
        f"{client.url}/sisaantrean",
        data=b"{not json",
        headers={"x-token": client.token, "x-username": USERNAME},
    ) as resp:
        assert resp.status == 200
        assert (await resp.json())["metadata"]["message"] == "Format request tidak sesuai: not JSON"


async def test_check_in_hands_the_task_to_the_sink(
    client: Client, clock: Clock, sink_calls: list[Any]
) -> None:
    today = "2026-12-07"
    existing = (await client.post("ambilantrean", booking(today)))["response"]["kodebooking"]
    ids = {"nomorkartu": "9999912345678", "nik": "0012345678901234"}
    assert meta(await client.post("ambilantrean", booking(today, **ids, norm="")))[0] == 202
    new = {
        **ids, "nomorkk": "0012345678900000", "nama": "BARU", "jeniskelamin": "P",
        "tanggallahir": "2000-01-01",
    }  # fmt: skip
    norm = (await client.post("pasienbaru", new))["response"]["norm"]
    fresh = await client.post("ambilantrean", booking(today, **ids, norm=norm))
    waktu = int(clock.now * 1000)
    for kodebooking in (existing, fresh["response"]["kodebooking"]):
        reply = await client.post("checkinantrean", {"kodebooking": kodebooking, "waktu": waktu})
        assert meta(reply) == (200, "Ok")
    assert sink_calls == [
        (existing, 3, waktu),  # an existing patient waits from task 3 (poli)
        (fresh["response"]["kodebooking"], 1, waktu),  # a new one from task 1 (admission)
    ]
    again = await client.post("checkinantrean", {"kodebooking": existing, "waktu": waktu})
    assert meta(again)[0] == 201
    assert len(sink_calls) == 2


async def test_a_failing_backend_is_201_with_an_incident_and_no_identifier_in_the_log(
    backend: SqliteBackend, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(SqliteBackend):
        async def find_patient(self, request: BookingRequest) -> str | None:
            raise RuntimeError(f"database lost patient {request.nik} {request.nomorkartu}")

    broken = Broken(backend.path)
    app = FastAPI()
    app.include_router(create_router(broken, credentials={USERNAME: PASSWORD}))
    caplog.set_level(logging.DEBUG)
    with serve(app) as url:
        async with aiohttp.ClientSession() as http:
            client = Client(url, http)
            await client.login()
            today = datetime.datetime.now(WIB).date().isoformat()
            reply = await client.post("ambilantrean", booking(today))
            code, message = meta(reply)
            assert code == 201 and "insiden" in message
            incident = message.rsplit(" ", 1)[-1].rstrip(")")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert incident in text and "RuntimeError" in text
    for secret in (PASSWORD, client.token, PATIENT["nik"], PATIENT["nomorkartu"], "000001"):
        assert secret not in text


async def test_a_failing_sink_leaves_the_check_in_done_and_logs_it(
    backend: SqliteBackend, caplog: pytest.LogCaptureFixture
) -> None:
    async def failing_sink(kodebooking: str, taskid: int, waktu: int) -> None:
        raise ConnectionError(kodebooking)

    caplog.set_level(logging.ERROR)
    app = create_app(backend, credentials={USERNAME: PASSWORD}, task_sink=failing_sink)
    with serve(app) as url:
        async with aiohttp.ClientSession() as http:
            client = Client(url, http)
            await client.login()
            now = datetime.datetime.now(WIB)
            reply = await client.post("ambilantrean", booking(now.date().isoformat()))
            kodebooking = reply["response"]["kodebooking"]
            waktu = int(now.timestamp() * 1000)
            checkin = {"kodebooking": kodebooking, "waktu": waktu}
            assert meta(await client.post("checkinantrean", checkin)) == (200, "Ok")
            facts = await backend.find_booking(kodebooking)
            assert facts is not None and facts.state.value == "checked_in"
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "task sink failed for task 3: ConnectionError" in text
    assert kodebooking not in text


async def test_logs_never_hold_a_token_password_or_identifier(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    today = "2026-12-07"
    reply = await client.post("ambilantrean", booking(today))
    kodebooking = reply["response"]["kodebooking"]
    await client.post("ambilantrean", booking(today))
    await client.post("ambilantrean", booking(today, nik="123"))
    await client.post("sisaantrean", {"kodebooking": kodebooking})
    await client.post("batalantrean", {"kodebooking": kodebooking, "keterangan": "rahasia"})
    await client.login(password="salah-sekali")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "wsrs ambilantrean: 201 DUPLICATE_BOOKING" in text
    assert "wsrs auth: wrong credentials" in text
    for secret in (
        PASSWORD, "salah-sekali", client.token, PATIENT["nik"], PATIENT["nomorkartu"],
        PATIENT["norm"], kodebooking, "rahasia",
    ):  # fmt: skip
        assert secret not in text, secret


async def test_paths_are_the_hospitals(backend: SqliteBackend) -> None:
    app = FastAPI()
    app.include_router(
        create_router(
            backend,
            credentials={USERNAME: PASSWORD},
            paths={"auth": "token", "statusantrean": "/antrean/status"},
        )
    )
    with serve(app) as url:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}/auth") as resp:
                assert resp.status == 404
            client = Client(url.rstrip("/"), http)
            async with http.get(
                f"{url}/token", headers={"x-username": USERNAME, "x-password": PASSWORD}
            ) as resp:
                client.token = (await resp.json())["response"]["token"]
            today = datetime.datetime.now(WIB).date().isoformat()
            body = {"kodepoli": "ANA", "kodedokter": 90001, "tanggalperiksa": today,
                    "jampraktek": "00:00-23:59"}  # fmt: skip
            assert meta(await client.post("antrean/status", body))[0] == 200
    with pytest.raises(ValueError, match="unknown WS RS service"):
        create_router(backend, credentials={USERNAME: PASSWORD}, paths={"token": "/t"})
    with pytest.raises(ValueError, match="share one path"):
        create_router(backend, credentials={"u": "p"}, paths={"auth": "/statusantrean"})
    with pytest.raises(ValueError, match="credentials"):
        create_router(backend, credentials={})


async def test_concurrent_bookings_never_share_a_queue_number_or_beat_the_rules(
    backend: SqliteBackend, clock: Clock
) -> None:
    patients = backend.add_patients(120)
    app = create_app(backend, credentials={USERNAME: PASSWORD}, clock=clock)
    with serve(app) as url:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            client = Client(url, http)
            await client.login()

            def body(p: tuple[str, str, str], poli: str, dokter: int) -> dict[str, Any]:
                return booking("2026-12-08", nomorkartu=p[1], nik=p[2], norm=p[0],
                               kodepoli=poli, kodedokter=dokter)  # fmt: skip

            # 100 patients at once on the large session: 100 distinct numbers, 1..100.
            replies = await asyncio.gather(
                *(client.post("ambilantrean", body(p, "INT", 90002)) for p in patients[:100])
            )
            assert [meta(r)[0] for r in replies] == [200] * 100
            numbers = sorted(r["response"]["angkaantrean"] for r in replies)
            assert numbers == list(range(1, 101))
            # One patient, 10 requests at once: exactly one booking.
            same = await asyncio.gather(
                *(client.post("ambilantrean", body(patients[100], "INT", 90002)) for _ in range(10))
            )
            assert sorted(meta(r)[0] for r in same) == [200] + [201] * 9
            # 20 patients at once on ANA / 90001, JKN quota 10: exactly 10 bookings.
            race = await asyncio.gather(
                *(client.post("ambilantrean", body(p, "ANA", 90001)) for p in patients[100:120])
            )
            codes = sorted(meta(r)[0] for r in race)
            assert codes == [200] * 10 + [201] * 10
    rows = sqlite3.connect(backend.path).execute(
        "SELECT COUNT(*), COUNT(DISTINCT tanggal || kodepoli || kodedokter || angkaantrean)"
        " FROM booking"
    )
    total, distinct = rows.fetchone()
    assert total == distinct == 111


async def test_a_booking_whose_caller_gave_up_lands_once_and_a_retry_is_refused_not_doubled(
    backend: SqliteBackend, clock: Clock
) -> None:
    # Mobile JKN's request times out while the booking transaction is still running: the
    # booking lands (whole, once), and the retry meets the one-booking rule, never a 5xx.
    class Slow(SqliteBackend):
        async def find_patient(self, request: BookingRequest) -> str | None:
            await asyncio.sleep(0.5)
            return await super().find_patient(request)

    app = create_app(Slow(backend.path), credentials={USERNAME: PASSWORD}, clock=clock)
    with serve(app) as url:
        async with aiohttp.ClientSession() as http:
            client = Client(url, http)
            await client.login()
            body = booking("2026-12-08")
            with pytest.raises(asyncio.TimeoutError):
                async with http.post(
                    f"{url}/ambilantrean",
                    json=body,
                    headers={"x-token": client.token, "x-username": USERNAME},
                    timeout=aiohttp.ClientTimeout(total=0.1),
                ):
                    pass
            await asyncio.sleep(1.0)
            retry = await client.post("ambilantrean", body)
    assert meta(retry)[1].startswith("Nomor Antrean Hanya Dapat Diambil 1 Kali")
    rows = sqlite3.connect(backend.path).execute("SELECT angkaantrean, state FROM booking")
    assert rows.fetchall() == [(1, "booked")]


async def test_a_body_past_64_kib_is_refused_without_reading_it_all(client: Client) -> None:
    big = b'{"kodebooking": "' + b"A" * 70_000 + b'"}'

    async def chunks() -> Any:
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    headers = {"x-token": client.token, "x-username": USERNAME}
    for data in (big, chunks()):  # with a Content-Length, and chunked without one
        async with client.http.post(f"{client.url}/sisaantrean", data=data, headers=headers) as r:
            assert r.status == 200
            body = await r.json()
        assert body["metadata"] == {
            "message": "Format request tidak sesuai: body too large",
            "code": 201,
        }
