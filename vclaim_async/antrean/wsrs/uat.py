"""A UAT rehearsal: play Mobile JKN against any WS RS and check BPJS's UAT scenarios.

:func:`run_uat` calls a deployed WS RS (ours or not) the way Mobile JKN does, over aiohttp:
the token service, each service's positive path and each refusal the UAT checklist and the
protocol notes §4.5 list, and returns a :class:`UatReport` of scenario, expected, got and
pass/fail. ``vclaim-async antrean uat`` prints it.

What it needs from the server: one doctor's session open for bookings today and on three more
days within the next seven (discovered through Status Antrean from ``kodepoli``, ``kodedokter``
and ``jampraktek``), and one patient with a medical record (``nomorkartu``, ``nik``, ``norm``).
It creates patients of its own through Info Pasien Baru with synthetic identifiers from ranges
no real person has (card ``99999…``, NIK province ``00``), fills one session's JKN quota to see
the refusal (up to ``quota_fill_max`` bookings), and cancels every booking it made, except the
one it checked in: a WS RS must refuse that cancel, so it is listed in ``left_behind``.

Where the notes call something hospital policy the rehearsal accepts either answer: reply texts
the UAT forms do not fix (only "Username atau Password Tidak Sesuai", "Token Expired", "Poli
Tidak Ditemukan" and "Format Tanggal…" are compared), an empty list or a 201 from the surgery and
pharmacy services, and HTTP 200 or 401 for a refused login. Every reply must be the envelope:
lower-case ``metadata`` with a numeric ``code`` and a ``message``, and never HTTP 5xx.

The expired-token scenario needs the server's token lifetime (``token_ttl``): the rehearsal
keeps one token from its start and uses it once that lifetime has passed; without it the
scenario is reported as skipped, and a skipped scenario does not pass.
"""

from __future__ import annotations

import asyncio
import datetime
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
import msgspec

from .paths import KHANZA_PATHS
from .rules import WIB

__all__ = ["FixtureSession", "ScenarioResult", "UatOptions", "UatReport", "run_uat"]

#: The seeded session and patient of ``examples/wsrs_app.py`` (the defaults of the options).
REFERENCE_SESSION = ("ANA", 90001, "00:00-23:59")
REFERENCE_PATIENT = ("9999900000011", "0001010101900001", "000001")

_STATUS_FIELDS = {
    "namapoli": str, "namadokter": str, "totalantrean": int, "sisaantrean": int,
    "antreanpanggil": str, "sisakuotajkn": int, "kuotajkn": int, "sisakuotanonjkn": int,
    "kuotanonjkn": int, "keterangan": str,
}  # fmt: skip
_BOOKING_FIELDS = {
    "nomorantrean": str, "angkaantrean": int, "kodebooking": str, "norm": str, "namapoli": str,
    "namadokter": str, "estimasidilayani": int, "sisakuotajkn": int, "kuotajkn": int,
    "sisakuotanonjkn": int, "kuotanonjkn": int, "keterangan": str,
}  # fmt: skip
_REMAINING_FIELDS = {
    "nomorantrean": str, "namapoli": str, "namadokter": str, "sisaantrean": int,
    "antreanpanggil": str, "waktutunggu": int, "keterangan": str,
}  # fmt: skip
_SURGERY_FIELDS = {
    "kodebooking": str, "tanggaloperasi": str, "jenistindakan": str, "kodepoli": str,
    "namapoli": str, "terlaksana": int,
}  # fmt: skip
_PHARMACY_FIELDS = {"jenisresep": str, "nomorantrean": int, "keterangan": str}
_PHARMACY_STATUS_FIELDS = {
    "jenisresep": str, "totalantrean": int, "sisaantrean": int, "antreanpanggil": int,
    "keterangan": str,
}  # fmt: skip

CREDENTIALS_TEXT = "Username atau Password Tidak Sesuai"
EXPIRED_TEXT = "Token Expired"
POLI_TEXT = "Poli Tidak Ditemukan"
DATE_FORMAT_PREFIX = "Format Tanggal"


class FixtureSession(msgspec.Struct, frozen=True):
    """A session on a date that the server should refuse (see :class:`UatOptions`)."""

    kodepoli: str
    kodedokter: int
    jampraktek: str
    tanggal: datetime.date

    @classmethod
    def parse(cls, text: str) -> FixtureSession:
        """``KODEPOLI,KODEDOKTER,JAMPRAKTEK,YYYY-MM-DD``; ``ValueError`` when it is not."""
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 4 or not parts[1].isdigit():
            raise ValueError(f"expected KODEPOLI,KODEDOKTER,JAMPRAKTEK,YYYY-MM-DD, got {text!r}")
        return cls(parts[0], int(parts[1]), parts[2], datetime.date.fromisoformat(parts[3]))


class UatOptions(msgspec.Struct, frozen=True, kw_only=True):
    """What to rehearse against. ``paths``: service name → path (SIMRS Khanza's by default)."""

    base_url: str
    username: str
    password: str
    paths: Mapping[str, str] = msgspec.field(default_factory=lambda: dict(KHANZA_PATHS))
    kodepoli: str = REFERENCE_SESSION[0]
    kodedokter: int = REFERENCE_SESSION[1]
    jampraktek: str = REFERENCE_SESSION[2]
    nomorkartu: str = REFERENCE_PATIENT[0]
    nik: str = REFERENCE_PATIENT[1]
    norm: str = REFERENCE_PATIENT[2]
    token_ttl: float | None = None
    quota_fill_max: int = 40
    #: Optional fixtures only the hospital can set up, each a session on a date that must be
    #: refused: the doctor on leave, the poli closed that day, and today's session already
    #: over (registration closed). Run only when given.
    on_leave: FixtureSession | None = None
    poli_closed: FixtureSession | None = None
    registration_closed: FixtureSession | None = None
    timeout: float = 15.0


class ScenarioResult(msgspec.Struct, frozen=True, kw_only=True):
    """One scenario: ``passed`` is ``None`` when it could not run (skipped)."""

    service: str
    scenario: str
    expected: str
    got: str
    passed: bool | None


class UatReport(msgspec.Struct, frozen=True, kw_only=True):
    """The whole rehearsal; ``ok`` only when every scenario passed (none failed or skipped)."""

    base_url: str
    scenarios: list[ScenarioResult]
    left_behind: list[str]

    @property
    def ok(self) -> bool:
        """True when every scenario passed."""
        return bool(self.scenarios) and all(s.passed for s in self.scenarios)

    @property
    def counts(self) -> tuple[int, int, int]:
        """(passed, failed, skipped)."""
        passed = sum(1 for s in self.scenarios if s.passed)
        skipped = sum(1 for s in self.scenarios if s.passed is None)
        return passed, len(self.scenarios) - passed - skipped, skipped


class _Reply(msgspec.Struct, kw_only=True):
    status: int
    code: int | None = None
    message: str = ""
    response: Any = None
    problem: str | None = None  # an envelope or transport fault

    def describe(self) -> str:
        if self.problem is not None:
            return f"HTTP {self.status}: {self.problem}"
        text = self.message if len(self.message) <= 70 else self.message[:67] + "..."
        return f"{self.code} {text}".strip()


def _envelope(status: int, body: bytes) -> _Reply:
    if status >= 500:
        return _Reply(status=status, problem="server error (Mobile JKN: gagal terhubung)")
    try:
        data = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return _Reply(status=status, problem="not JSON")
    if not isinstance(data, dict):
        return _Reply(status=status, problem="not a JSON object")
    if "metadata" not in data:
        spelled = next((k for k in data if k.lower() == "metadata"), None)
        return _Reply(
            status=status,
            problem=f"envelope key {spelled!r}, not 'metadata'" if spelled else "no metadata",
        )
    meta = data["metadata"]
    if not isinstance(meta, dict):
        return _Reply(status=status, problem="metadata is not an object")
    code, message = meta.get("code"), meta.get("message")
    if not isinstance(code, int) or isinstance(code, bool):
        return _Reply(status=status, problem=f"metadata.code is not a number: {code!r:.20}")
    if not isinstance(message, str):
        return _Reply(status=status, problem="metadata.message is not text")
    return _Reply(status=status, code=code, message=message, response=data.get("response"))


def _typed(response: Any, fields: Mapping[str, type]) -> str | None:
    """Why ``response`` lacks a field of the catalogue's type, or ``None`` when it has all."""
    if not isinstance(response, dict):
        return "response is not an object"
    for name, kind in fields.items():
        value = response.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"response.{name} is not {kind.__name__}"
    return None


def _synthetic_patient() -> dict[str, str]:
    """A new identity from impossible ranges: card 99999…, NIK and KK of province 00."""
    digits = f"{secrets.randbelow(10**8):08d}"
    return {
        "nomorkartu": f"99999{digits}",
        "nik": f"00{digits}{secrets.randbelow(10**6):06d}",
        "nomorkk": f"00{secrets.randbelow(10**14):014d}",
    }


class _Rehearsal:
    def __init__(
        self, options: UatOptions, http: aiohttp.ClientSession, clock: Callable[[], float]
    ) -> None:
        self.o = options
        self.http = http
        self.clock = clock
        self.base = options.base_url.rstrip("/")
        self.results: list[ScenarioResult] = []
        self.made: dict[str, str] = {}  # kodebooking -> state as far as we know
        self.envelope_faults: list[str] = []
        self._token: tuple[str, float] | None = None
        self.today = datetime.datetime.fromtimestamp(clock(), WIB).date()

    # --- transport ------------------------------------------------------------------------

    def url(self, service: str) -> str:
        return self.base + "/" + self.o.paths.get(service, KHANZA_PATHS[service]).lstrip("/")

    async def _send(self, method: str, service: str, headers: dict[str, str], body: Any) -> _Reply:
        try:
            async with self.http.request(
                method,
                self.url(service),
                headers=headers,
                data=None if body is None else msgspec.json.encode(body),
            ) as resp:
                raw = await resp.read()
                reply = _envelope(resp.status, raw)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            reply = _Reply(status=0, problem=f"{type(exc).__name__}")
        if reply.problem is not None:
            self.envelope_faults.append(f"{service}: {reply.describe()}")
        return reply

    async def login(self, password: str | None = None) -> _Reply:
        return await self._send(
            "GET",
            "auth",
            {
                "x-username": self.o.username,
                "x-password": self.o.password if password is None else password,
            },
            None,
        )

    async def token(self) -> str:
        """A valid token, renewed after half the server's lifetime (as Mobile JKN would)."""
        ttl = self.o.token_ttl
        if self._token is not None and (ttl is None or self.clock() - self._token[1] < ttl / 2):
            return self._token[0]
        reply = await self.login()
        token = reply.response.get("token") if isinstance(reply.response, dict) else None
        if reply.code != 200 or not isinstance(token, str) or not token:
            raise _Abort(f"no token: {reply.describe()}")
        self._token = (token, self.clock())
        return token

    async def post(
        self,
        service: str,
        body: Any,
        *,
        token: str | None = None,
        username: str | None = None,
        with_token: bool = True,
    ) -> _Reply:
        headers = {"x-username": self.o.username if username is None else username}
        if with_token:
            headers["x-token"] = token if token is not None else await self.token()
        return await self._send("POST", service, headers, body)

    # --- judging --------------------------------------------------------------------------

    def record(
        self, service: str, scenario: str, expected: str, reply: _Reply | None, ok: bool | None
    ) -> bool:
        got = "not run" if reply is None else reply.describe()
        self.results.append(
            ScenarioResult(
                service=service, scenario=scenario, expected=expected, got=got, passed=ok
            )
        )
        return bool(ok)

    def expect_ok(
        self,
        service: str,
        scenario: str,
        reply: _Reply,
        fields: Mapping[str, type] | None = None,
    ) -> bool:
        why = None if reply.problem is None and reply.code == 200 else "not 200"
        if why is None and fields is not None:
            why = _typed(reply.response, fields)
        got = reply if why in (None, "not 200") else _Reply(status=reply.status, problem=why)
        return self.record(service, scenario, "200", got, why is None)

    def expect_refusal(
        self,
        service: str,
        scenario: str,
        reply: _Reply,
        *,
        code: int = 201,
        text: str | None = None,
        prefix: bool = False,
    ) -> bool:
        ok = reply.problem is None and reply.code == code
        if ok and text is not None:
            given = reply.message.strip().lower()
            ok = given.startswith(text.lower()) if prefix else given == text.lower()
        expected = f"{code}" + (f' "{text}{"…" if prefix else ""}"' if text else "")
        return self.record(service, scenario, expected, reply, ok)

    def expect_list_or_refusal(
        self, service: str, scenario: str, reply: _Reply, fields: Mapping[str, type]
    ) -> bool:
        ok = reply.problem is None and reply.code in (200, 201)
        if ok and reply.code == 200:
            items = reply.response.get("list") if isinstance(reply.response, dict) else None
            ok = isinstance(items, list) and all(_typed(i, fields) is None for i in items)
        return self.record(service, scenario, "200 list, or 201 (policy)", reply, ok)

    def expect_ok_or_refusal(
        self, service: str, scenario: str, reply: _Reply, fields: Mapping[str, type]
    ) -> bool:
        ok = reply.problem is None and reply.code in (200, 201)
        if ok and reply.code == 200:
            ok = _typed(reply.response, fields) is None
        return self.record(service, scenario, "200, or 201 (policy)", reply, ok)

    # --- bodies ---------------------------------------------------------------------------

    def session(self, tanggal: datetime.date | str, **over: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kodepoli": self.o.kodepoli,
            "kodedokter": self.o.kodedokter,
            "tanggalperiksa": tanggal if isinstance(tanggal, str) else tanggal.isoformat(),
            "jampraktek": self.o.jampraktek,
        }
        return body | over

    def booking(
        self, tanggal: datetime.date | str, patient: Mapping[str, str] | None = None, **over: Any
    ) -> dict[str, Any]:
        who = patient or {"nomorkartu": self.o.nomorkartu, "nik": self.o.nik, "norm": self.o.norm}
        body = self.session(tanggal) | {
            "nomorkartu": who["nomorkartu"],
            "nik": who["nik"],
            "nohp": "080000000000",
            "norm": who.get("norm", ""),
            "jeniskunjungan": 1,
            "nomorreferensi": f"UAT{secrets.token_hex(8).upper()}",
        }
        return body | over

    def new_patient(self, ids: Mapping[str, str], **over: Any) -> dict[str, Any]:
        body = {
            "nomorkartu": ids["nomorkartu"], "nik": ids["nik"], "nomorkk": ids["nomorkk"],
            "nama": "PASIEN UAT SINTETIS", "jeniskelamin": "L", "tanggallahir": "1990-01-01",
            "nohp": "080000000000", "alamat": "ALAMAT SINTETIS", "kodeprop": "00",
            "namaprop": "SINTETIS", "kodedati2": "0000", "namadati2": "SINTETIS",
            "kodekec": "000000", "namakec": "SINTETIS", "kodekel": "0000000000",
            "namakel": "SINTETIS", "rw": "001", "rt": "001",
        }  # fmt: skip
        return body | over

    async def book(self, body: Mapping[str, Any]) -> _Reply:
        reply = await self.post("ambilantrean", body)
        code = reply.response.get("kodebooking") if isinstance(reply.response, dict) else None
        if reply.code == 200 and isinstance(code, str):
            self.made[code] = "booked"
        return reply

    async def register(self) -> dict[str, str] | None:
        """A new patient through 202 → Info Pasien Baru; their ids with the new norm."""
        ids = _synthetic_patient()
        reply = await self.post("pasienbaru", self.new_patient(ids))
        norm = reply.response.get("norm") if isinstance(reply.response, dict) else None
        if reply.code != 200 or not isinstance(norm, str) or not norm:
            return None
        return ids | {"norm": norm}

    # --- the scenarios --------------------------------------------------------------------

    async def open_dates(self) -> list[datetime.date]:
        """Today and the next open days (Status Antrean 200), up to H+7."""
        found: list[datetime.date] = []
        for offset in range(8):
            day = self.today + datetime.timedelta(days=offset)
            reply = await self.post("statusantrean", self.session(day))
            if reply.code == 200:
                found.append(day)
            elif offset == 0:
                self.record(
                    "statusantrean",
                    "discovery: the session is open today",
                    "200 (give --kodepoli/--kodedokter/--jampraktek)",
                    reply,
                    False,
                )
                raise _Abort("the session is not open today")
            if len(found) == 4:
                break
        return found

    async def run(self) -> None:
        o = self.o
        # Token (B1).
        reply = await self.login()
        good = isinstance(reply.response, dict) and isinstance(reply.response.get("token"), str)
        self.record("auth", "token with the right credentials", "200 token", reply,
                    reply.code == 200 and good)  # fmt: skip
        if not good:
            raise _Abort("no token")
        old_token = (str(reply.response["token"]), self.clock())
        self._token = old_token
        reply = await self.login(password=o.password + "-salah")
        self.expect_refusal("auth", "wrong password", reply, text=CREDENTIALS_TEXT)
        body = self.session(self.today)
        self.expect_refusal(
            "statusantrean", "no x-token", await self.post("statusantrean", body, with_token=False)
        )
        forged = old_token[0][:-2] + ("AA" if not old_token[0].endswith("AA") else "BB")
        self.expect_refusal(
            "statusantrean", "forged token", await self.post("statusantrean", body, token=forged)
        )
        self.expect_refusal(
            "statusantrean",
            "token used with another x-username",
            await self.post("statusantrean", body, username=o.username + "-lain"),
        )

        # Status Antrean (B2).
        dates = await self.open_dates()
        today = dates[0]
        later = dates[1:]
        yesterday = (self.today - datetime.timedelta(days=1)).isoformat()
        reply = await self.post("statusantrean", self.session(today))
        self.expect_ok("statusantrean", "status of an open session", reply, _STATUS_FIELDS)
        self.expect_refusal(
            "statusantrean",
            "unknown poli",
            await self.post("statusantrean", self.session(today, kodepoli="ZZZ")),
            text=POLI_TEXT,
        )
        self.expect_refusal(
            "statusantrean",
            "date format dd-mm-yyyy",
            await self.post("statusantrean", self.session(f"{today:%d-%m-%Y}")),
            text=DATE_FORMAT_PREFIX,
            prefix=True,
        )
        self.expect_refusal(
            "statusantrean",
            "date in the past",
            await self.post("statusantrean", self.session(yesterday)),
        )
        self.expect_refusal(
            "statusantrean",
            "no such session (jampraktek)",
            await self.post("statusantrean", self.session(today, jampraktek="00:00-00:01")),
        )

        # Ambil Antrean (B3) and its refusals.
        first = self.booking(today)
        reply = await self.book(first)
        self.expect_ok("ambilantrean", "booking for today", reply, _BOOKING_FIELDS)
        booked_today = reply.response.get("kodebooking") if reply.code == 200 else None
        self.expect_refusal(
            "ambilantrean",
            "second booking, same patient, day and poli",
            await self.book(self.booking(today)),
        )
        checks: list[tuple[str, dict[str, Any], str | None, bool]] = [
            ("date in the past", self.booking(yesterday), None, False),
            ("date format dd-mm-yyyy", self.booking(f"{today:%d-%m-%Y}"), DATE_FORMAT_PREFIX, True),
            ("unknown poli", self.booking(today, kodepoli="ZZZ"), POLI_TEXT, False),
            ("no such session (jampraktek)", self.booking(today, jampraktek="00:00-00:01"),
             None, False),
            ("jeniskunjungan 5", self.booking(today, jeniskunjungan=5), None, False),
            ("card number of 12 digits", self.booking(today, nomorkartu=o.nomorkartu[:12]),
             None, False),
            ("NIK of 15 digits", self.booking(today, nik=o.nik[:15]), None, False),
        ]  # fmt: skip
        for scenario, body, text, prefix in checks:
            self.expect_refusal(
                "ambilantrean", scenario, await self.book(body), text=text, prefix=prefix
            )
        if later:
            self.expect_refusal(
                "ambilantrean",
                "same referral number, another day",
                await self.book(self.booking(later[-1], nomorreferensi=first["nomorreferensi"])),
            )
        else:
            self.record("ambilantrean", "same referral number, another day", "201", None, None)

        # New patient: 202, Info Pasien Baru (B7), then the booking.
        ids = _synthetic_patient()
        patient = {"nomorkartu": ids["nomorkartu"], "nik": ids["nik"], "norm": ""}
        reply = await self.book(self.booking(today, patient))
        self.expect_refusal("ambilantrean", "patient without a medical record", reply, code=202)
        reply = await self.post("pasienbaru", self.new_patient(ids))
        self.expect_ok("pasienbaru", "new patient gets a norm", reply, {"norm": str})
        norm = reply.response.get("norm") if isinstance(reply.response, dict) else None
        self.expect_ok_or_refusal(
            "pasienbaru",
            "the same patient again",
            await self.post("pasienbaru", self.new_patient(ids)),
            {"norm": str},
        )
        self.expect_refusal(
            "pasienbaru",
            "NIK of 15 digits",
            await self.post("pasienbaru", self.new_patient(ids | {"nik": ids["nik"][:15]})),
        )
        booked_later = None
        if later and isinstance(norm, str):
            reply = await self.book(self.booking(later[0], patient | {"norm": norm}))
            self.expect_ok("ambilantrean", "booking after Info Pasien Baru", reply,
                           _BOOKING_FIELDS)  # fmt: skip
            booked_later = reply.response.get("kodebooking") if reply.code == 200 else None

        # Sisa Antrean (B4).
        if booked_today:
            reply = await self.post("sisaantrean", {"kodebooking": booked_today})
            self.expect_ok("sisaantrean", "remaining queue of a booking", reply, _REMAINING_FIELDS)
        unknown = {"kodebooking": f"UAT{secrets.token_hex(6).upper()}"}
        self.expect_refusal(
            "sisaantrean", "unknown kodebooking", await self.post("sisaantrean", unknown)
        )

        # Check In (B6).
        now_ms = int(self.clock() * 1000)
        if booked_later:
            reply = await self.post(
                "checkinantrean", {"kodebooking": booked_later, "waktu": now_ms}
            )
            if reply.code == 200:
                self.made[booked_later] = "checked_in"
            self.expect_refusal("checkinantrean", "check-in on another day than booked", reply)
        else:
            self.record("checkinantrean", "check-in on another day than booked", "201", None, None)
        self.expect_refusal(
            "checkinantrean",
            "unknown kodebooking",
            await self.post("checkinantrean", unknown | {"waktu": now_ms}),
        )
        if booked_today:
            reply = await self.post(
                "checkinantrean", {"kodebooking": booked_today, "waktu": now_ms}
            )
            if reply.code == 200:
                self.made[booked_today] = "checked_in"
            self.expect_ok("checkinantrean", "check-in on the service day", reply)
            reply = await self.post(
                "batalantrean", {"kodebooking": booked_today, "keterangan": "UAT"}
            )
            if reply.code == 200:
                self.made[booked_today] = "cancelled"
            self.expect_refusal("batalantrean", "cancel after check-in", reply)

        # Batal Antrean (B5).
        if booked_later and self.made.get(booked_later) == "booked":
            cancel = {"kodebooking": booked_later, "keterangan": "UAT rehearsal"}
            reply = await self.post("batalantrean", cancel)
            if reply.code == 200:
                self.made[booked_later] = "cancelled"
            self.expect_ok("batalantrean", "cancel a booking", reply)
            self.expect_refusal(
                "batalantrean", "cancel it again", await self.post("batalantrean", cancel)
            )
        self.expect_refusal(
            "batalantrean",
            "unknown kodebooking",
            await self.post("batalantrean", unknown | {"keterangan": "UAT"}),
        )

        # Pharmacy (B10, B11), on the checked-in visit.
        if booked_today:
            visit = {"kodebooking": booked_today}
            self.expect_ok_or_refusal(
                "ambilantreanfarmasi",
                "pharmacy number for a visit",
                await self.post("ambilantreanfarmasi", visit),
                _PHARMACY_FIELDS,
            )
            self.expect_ok_or_refusal(
                "statusantreanfarmasi",
                "pharmacy queue of a visit",
                await self.post("statusantreanfarmasi", visit),
                _PHARMACY_STATUS_FIELDS,
            )
        self.expect_refusal(
            "ambilantreanfarmasi",
            "unknown kodebooking",
            await self.post("ambilantreanfarmasi", unknown),
        )

        # Surgery schedules (B8, B9).
        week = {
            "tanggalawal": today.isoformat(),
            "tanggalakhir": (today + datetime.timedelta(days=7)).isoformat(),
        }
        self.expect_list_or_refusal(
            "jadwaloperasirs",
            "surgery schedule of a week",
            await self.post("jadwaloperasirs", week),
            _SURGERY_FIELDS | {"nopeserta": str, "lastupdate": int},
        )
        self.expect_refusal(
            "jadwaloperasirs",
            "first date after the last",
            await self.post(
                "jadwaloperasirs",
                {"tanggalawal": week["tanggalakhir"], "tanggalakhir": week["tanggalawal"]},
            ),
        )
        self.expect_list_or_refusal(
            "jadwaloperasipasien",
            "a participant's surgeries",
            await self.post("jadwaloperasipasien", {"nopeserta": o.nomorkartu}),
            _SURGERY_FIELDS,
        )
        self.expect_refusal(
            "jadwaloperasipasien",
            "card number of 12 digits",
            await self.post("jadwaloperasipasien", {"nopeserta": o.nomorkartu[:12]}),
        )

        # The hospital's own fixtures, when named.
        fixtures = (
            ("doctor on leave", o.on_leave),
            ("poli closed that day", o.poli_closed),
            ("registration closed (session over)", o.registration_closed),
        )
        for scenario, fixture in fixtures:
            if fixture is None:
                continue
            where: dict[str, Any] = {
                "kodepoli": fixture.kodepoli,
                "kodedokter": fixture.kodedokter,
                "jampraktek": fixture.jampraktek,
            }
            self.expect_refusal(
                "statusantrean",
                scenario,
                await self.post("statusantrean", self.session(fixture.tanggal, **where)),
            )
            self.expect_refusal(
                "ambilantrean",
                scenario,
                await self.book(self.booking(fixture.tanggal, None, **where)),
            )

        # The quota, filled on the last open day with new patients, then one more.
        await self.quota(later[-1] if later else None)

        # The token kept from the start, once its lifetime has passed.
        if o.token_ttl is None:
            self.record("statusantrean", "expired token", f'201 "{EXPIRED_TEXT}"', None, None)
        else:
            wait = old_token[1] + o.token_ttl + 1.0 - self.clock()
            if wait > 0:
                await asyncio.sleep(wait)
            self.expect_refusal(
                "statusantrean",
                "expired token",
                await self.post("statusantrean", self.session(today), token=old_token[0]),
                text=EXPIRED_TEXT,
            )

    async def quota(self, day: datetime.date | None) -> None:
        scenario = "booking past the JKN quota"
        if day is None:
            self.record("ambilantrean", scenario, "201", None, None)
            return
        reply = await self.post("statusantrean", self.session(day))
        left = reply.response.get("sisakuotajkn") if isinstance(reply.response, dict) else None
        if not isinstance(left, int) or left > self.o.quota_fill_max:
            self.record("ambilantrean", scenario, f"201 (quota ≤ {self.o.quota_fill_max})",
                        reply, None)  # fmt: skip
            return
        for _ in range(left):
            patient = await self.register()
            if patient is None:
                self.record("ambilantrean", scenario, "201", None, False)
                return
            reply = await self.book(self.booking(day, patient))
            if reply.code != 200:
                self.record("ambilantrean", f"{scenario} (filling it)", "200", reply, False)
                return
        patient = await self.register()
        if patient is None:
            self.record("ambilantrean", scenario, "201", None, False)
            return
        self.expect_refusal("ambilantrean", scenario, await self.book(self.booking(day, patient)))

    async def clean_up(self) -> list[str]:
        """Cancel every booking still booked; return those that could not be cancelled."""
        left: list[str] = []
        for kodebooking, state in self.made.items():
            if state == "cancelled":
                continue
            try:
                reply = await self.post(
                    "batalantrean", {"kodebooking": kodebooking, "keterangan": "UAT rehearsal"}
                )
            except _Abort:
                reply = _Reply(status=0, problem="no token")
            if reply.code != 200:
                left.append(kodebooking)
        return left


class _Abort(Exception):
    """The rehearsal cannot go on (no token, no open session)."""


async def run_uat(
    options: UatOptions,
    *,
    http: aiohttp.ClientSession | None = None,
    clock: Callable[[], float] = time.time,
) -> UatReport:
    """Rehearse the UAT against ``options.base_url``; never raises for what the server does."""
    own = http is None
    session = http or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=options.timeout))
    rehearsal = _Rehearsal(options, session, clock)
    try:
        try:
            await rehearsal.run()
        except _Abort as stop:
            rehearsal.record("-", "rehearsal stopped", "-", _Reply(status=0, problem=str(stop)),
                             False)  # fmt: skip
        finally:
            left = await rehearsal.clean_up()
    finally:
        if own:
            await session.close()
    faults = rehearsal.envelope_faults
    rehearsal.results.append(
        ScenarioResult(
            service="*",
            scenario="every reply: JSON, lower-case metadata, numeric code, no HTTP 5xx",
            expected="all",
            got="all" if not faults else f"{len(faults)} bad, first {faults[0]}",
            passed=not faults,
        )
    )
    return UatReport(base_url=options.base_url, scenarios=rehearsal.results, left_behind=left)
