"""The kit without a server: tokens, the login brake, the rules, the public surface."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest

import vclaim_async.antrean.wsrs as wsrs
from vclaim_async.antrean.wsrs import (
    BookingFacts,
    BookingPolicy,
    BookingState,
    LoginGuard,
    Rule,
    Session,
    TokenCheck,
    TokenSigner,
    rules,
)

D = datetime.date(2026, 12, 7)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_tokens_are_signed_expiring_and_bound() -> None:
    clock = Clock()
    signer = TokenSigner(ttl=10, clock=clock)
    token = signer.issue("mjkn")
    assert signer.verify(token, "mjkn") is TokenCheck.VALID
    assert signer.verify(token, "mjkn2") is TokenCheck.INVALID
    assert signer.verify(token, None) is TokenCheck.INVALID
    assert signer.verify(None, "mjkn") is TokenCheck.INVALID
    body, _, signature = token.partition(".")
    assert signer.verify(f"{body}.{signature[:-1]}A", "mjkn") is TokenCheck.INVALID
    assert signer.verify(body, "mjkn") is TokenCheck.INVALID
    assert signer.verify("é." + signature, "mjkn") is TokenCheck.INVALID
    # Another process (another key) did not issue it; a shared key makes it valid there.
    assert TokenSigner(clock=clock).verify(token, "mjkn") is TokenCheck.INVALID
    key = b"k" * 32
    assert (
        TokenSigner(key=key, clock=clock).verify(
            TokenSigner(key=key, clock=clock).issue("mjkn"), "mjkn"
        )
        is TokenCheck.VALID
    )
    clock.now += 9.999
    assert signer.verify(token, "mjkn") is TokenCheck.VALID
    clock.now += 0.001
    assert signer.verify(token, "mjkn") is TokenCheck.EXPIRED
    assert "mjkn" not in repr(signer.__dict__.get("_key"))
    with pytest.raises(ValueError, match="32 bytes"):
        TokenSigner(key=b"short")
    with pytest.raises(ValueError, match="positive"):
        TokenSigner(ttl=0)


def test_the_login_guard_doubles_the_wait_and_forgets_on_success() -> None:
    clock = Clock()
    guard = LoginGuard(free_attempts=2, base_delay=1, max_delay=4, clock=clock)
    guard.failed("u")
    guard.failed("u")
    assert guard.retry_after("u") == 0
    waits = []
    for _ in range(4):
        guard.failed("u")
        waits.append(guard.retry_after("u"))
    assert waits == [1, 2, 4, 4]
    assert guard.retry_after("other") == 0
    clock.now += 4
    assert guard.retry_after("u") == 0
    guard.succeeded("u")
    guard.failed("u")
    assert guard.retry_after("u") == 0


def test_the_guard_remembers_a_bounded_number_of_usernames() -> None:
    guard = LoginGuard(free_attempts=0, max_tracked=3, clock=Clock())
    for name in "abcd":
        guard.failed(name)
    assert guard.retry_after("a") == 0  # forgotten, the oldest
    assert guard.retry_after("d") > 0


def session(**over: object) -> Session:
    fields: dict[str, object] = {
        "kodepoli": "BED", "namapoli": "Bedah", "kodedokter": 1, "namadokter": "dr. X",
        "jampraktek": "08:00-12:00", "kuotajkn": 2, "kuotanonjkn": 1,
    }  # fmt: skip
    return Session(**(fields | over))  # type: ignore[arg-type]


def at(hour: int, minute: int = 0, day: datetime.date = D) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=rules.WIB)


def test_every_rule_answers_with_its_text() -> None:
    assert rules.parse_date("2026-12-07") == D
    for bad in ("07-12-2026", "2026-13-01", "2026-02-30", "20261207", " 2026-12-07"):
        refusal = rules.parse_date(bad)
        assert isinstance(refusal, wsrs.Refusal) and refusal.rule == "DATE_FORMAT"
    policy = BookingPolicy(max_days_ahead=7)
    assert rules.check_booking_date(D, today=D, policy=policy) is None
    past = rules.check_booking_date(D, today=D + datetime.timedelta(days=1), policy=policy)
    assert past is not None and past.message == "Tanggal Periksa Tidak Berlaku"
    far = rules.check_booking_date(D + datetime.timedelta(days=8), today=D, policy=policy)
    assert far is not None and far.message == "Tanggal Periksa Paling Lambat H+7"
    same = rules.check_booking_date(D, today=D, policy=BookingPolicy(same_day=False))
    assert same is not None and same.rule == "SAME_DAY_CLOSED"
    assert rules.check_card("", required=False) is None
    assert rules.check_card("", required=True) is not None
    assert rules.check_card("９９９９９０００００００１", required=True) is not None  # full-width
    assert rules.check_nik("0" * 15) == rules.refuse(Rule.NIK_DIGITS)
    assert [rules.check_jeniskunjungan(j) is None for j in (0, 1, 4, 5)] == [
        False, True, True, False
    ]  # fmt: skip
    # Sessions: leave, closing hour (inclusive minute), quotas.
    leave = rules.check_session(session(on_leave=True), tanggal=D, now=at(9), jkn=True)
    assert leave is not None and leave.message == "Jadwal dokter sedang libur ditanggal ini"
    assert rules.check_session(session(), tanggal=D, now=at(12, 0), jkn=True) is None
    closed = rules.check_session(session(), tanggal=D, now=at(12, 1), jkn=True)
    assert (
        closed is not None and closed.message == "Pendaftaran Ke Poli Bedah Sudah Tutup Jam 12:00"
    )
    tomorrow = D + datetime.timedelta(days=1)
    assert rules.check_session(session(), tanggal=tomorrow, now=at(23), jkn=True) is None
    full = session(taken_jkn=2)
    assert rules.check_session(full, tanggal=tomorrow, now=at(9), jkn=True) == rules.refuse(
        Rule.QUOTA_EXHAUSTED
    )
    assert rules.check_session(full, tanggal=tomorrow, now=at(9), jkn=False) is None
    assert rules.check_session(full, tanggal=tomorrow, now=at(9), jkn=None) is None


def test_check_in_and_cancel_follow_the_booking_state() -> None:
    def facts(state: BookingState, day: datetime.date = D) -> BookingFacts:
        return BookingFacts(kodebooking="K", tanggalperiksa=day, state=state)

    booked = facts(BookingState.BOOKED)
    assert rules.check_checkin(booked, waktu=at(8), today=D) is None
    late = rules.check_checkin(booked, waktu=at(8, day=D + datetime.timedelta(days=1)), today=D)
    assert late is not None and late.rule == "CHECKIN_NOT_SERVICE_DAY"
    early = rules.check_checkin(
        facts(BookingState.BOOKED, D + datetime.timedelta(days=1)), waktu=at(8), today=D
    )
    assert early is not None and early.message == "Tidak dapat melakukan check in diluar hari-H"
    expected = {
        BookingState.CHECKED_IN: ("ALREADY_CHECKED_IN", "CANCEL_AFTER_CHECKIN"),
        BookingState.SERVED: ("ALREADY_SERVED", "CANCEL_AFTER_SERVICE"),
        BookingState.CANCELLED: ("ALREADY_CANCELLED", "ALREADY_CANCELLED"),
    }
    for state, (on_checkin, on_cancel) in expected.items():
        a = rules.check_checkin(facts(state), waktu=at(8), today=D)
        b = rules.check_cancel(facts(state), today=D)
        assert (a and a.rule, b and b.rule) == (on_checkin, on_cancel)
    assert rules.check_cancel(booked, today=D) is None
    past = rules.check_cancel(booked, today=D + datetime.timedelta(days=1))
    assert past is not None and past.rule == "CANCEL_PAST"


def test_reply_codes_and_the_new_patient_rule() -> None:
    assert {rule.code for rule in Rule} == {201, 202}
    assert [rule for rule in Rule if rule.code == 202] == [Rule.NEW_PATIENT]
    assert rules.refuse(Rule.NO_SCHEDULE, namadokter="dr. A").message.startswith(
        "Jadwal Dokter dr. A Tersebut Belum Tersedia"
    )
    assert rules.refuse(Rule.POLI_UNKNOWN, {Rule.POLI_UNKNOWN: "Poli salah"}).message == (
        "Poli salah"
    )
    ok = {"nomorkartu": "9" * 13, "nik": "0" * 16, "nomorkk": "0" * 16, "jeniskelamin": "L",
          "tanggallahir": D, "today": D}  # fmt: skip
    assert rules.check_new_patient(**ok) is None  # type: ignore[arg-type]
    for field, value, rule in (
        ("nomorkk", "1", "NOMORKK_DIGITS"),
        ("jeniskelamin", "X", "SEX"),
        ("tanggallahir", D + datetime.timedelta(days=1), "BIRTH_DATE_FUTURE"),
    ):
        refusal = rules.check_new_patient(**(ok | {field: value}))  # type: ignore[arg-type]
        assert refusal is not None and refusal.rule == rule


def test_the_kit_and_the_rehearsal_import_without_fastapi() -> None:
    code = (
        "import sys; sys.modules['fastapi'] = None\n"
        "import vclaim_async, vclaim_async.cli, vclaim_async.antrean.wsrs as w\n"
        "import vclaim_async.antrean.wsrs.uat\n"
        "try:\n    w.create_router\nexcept ImportError:\n    print('needs fastapi')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "needs fastapi"
