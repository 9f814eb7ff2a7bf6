"""The UAT rehearsal against the reference app under uvicorn, and against broken variants.

Each broken variant breaks the real code in one place (a rule of the kit, the token check,
the envelope, or the backend's booking transaction) and the rehearsal must report exactly that
scenario as failed.
"""

from __future__ import annotations

import datetime
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import msgspec
import pytest

from examples.wsrs_app import SqliteBackend, create_app
from vclaim_async.antrean.wsrs import (
    WIB,
    BookingOrder,
    Refusal,
    TokenCheck,
    TokenSigner,
    _router,
    rules,
)
from vclaim_async.antrean.wsrs.uat import FixtureSession, UatOptions, UatReport, run_uat

from .conftest import PASSWORD, USERNAME, serve


def options(url: str, **over: Any) -> UatOptions:
    return UatOptions(base_url=url, username=USERNAME, password=PASSWORD, **over)


def failed(report: UatReport) -> set[str]:
    return {f"{s.service}: {s.scenario}" for s in report.scenarios if s.passed is False}


async def test_the_reference_app_passes_every_scenario(reference: str) -> None:
    report = await run_uat(options(reference, token_ttl=1.0))
    assert failed(report) == set()
    assert report.ok, [s for s in report.scenarios if not s.passed]
    passed, bad, skipped = report.counts
    assert (bad, skipped) == (0, 0) and passed >= 40
    # Only the checked-in booking stays: cancelling it must be refused.
    assert len(report.left_behind) == 1


async def test_without_the_token_lifetime_the_expiry_scenario_is_skipped_and_not_ok(
    reference: str,
) -> None:
    report = await run_uat(options(reference))
    assert failed(report) == set()
    assert [s.scenario for s in report.scenarios if s.passed is None] == ["expired token"]
    assert not report.ok


def _accept_past_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    real = rules.check_booking_date

    def lenient(tanggal: Any, *, today: Any, policy: Any) -> Refusal | None:
        return None if tanggal < today else real(tanggal, today=today, policy=policy)

    monkeypatch.setattr(rules, "check_booking_date", lenient)


def _accept_missing_token(monkeypatch: pytest.MonkeyPatch) -> None:
    real = TokenSigner.verify

    def verify(self: TokenSigner, token: str | None, username: str | None) -> TokenCheck:
        return TokenCheck.VALID if not token else real(self, token, username)

    monkeypatch.setattr(TokenSigner, "verify", verify)


def _accept_expired_token(monkeypatch: pytest.MonkeyPatch) -> None:
    real = TokenSigner.verify

    def verify(self: TokenSigner, token: str | None, username: str | None) -> TokenCheck:
        check = real(self, token, username)
        return TokenCheck.VALID if check is TokenCheck.EXPIRED else check

    monkeypatch.setattr(TokenSigner, "verify", verify)


def _ignore_username(monkeypatch: pytest.MonkeyPatch) -> None:
    real = TokenSigner.verify

    def verify(self: TokenSigner, token: str | None, username: str | None) -> TokenCheck:
        return real(self, token, USERNAME if token else username)

    monkeypatch.setattr(TokenSigner, "verify", verify)


def _camel_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    def envelope(code: int, message: str, response: Any = None) -> bytes:
        body: dict[str, Any] = {} if response is None else {"response": response}
        body["metaData"] = {"message": message, "code": code}
        return msgspec.json.encode(body)

    monkeypatch.setattr(_router, "envelope", envelope)


def _skip_backend_rule(rule: rules.Rule) -> Callable[[pytest.MonkeyPatch], None]:
    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        real = SqliteBackend.booking_rules

        def booking_rules(
            self: SqliteBackend, conn: sqlite3.Connection, order: BookingOrder
        ) -> Refusal | None:
            refusal = real(self, conn, order)
            return None if refusal is not None and refusal.rule == rule.name else refusal

        monkeypatch.setattr(SqliteBackend, "booking_rules", booking_rules)
        if rule is rules.Rule.QUOTA_EXHAUSTED:  # the kit's early check too
            real_session = rules.check_session

            def check_session(session: Any, **kwargs: Any) -> Refusal | None:
                refusal = real_session(session, **kwargs)
                return None if refusal is not None and refusal.rule == rule.name else refusal

            monkeypatch.setattr(rules, "check_session", check_session)

    return patch


def _checkin_any_day(monkeypatch: pytest.MonkeyPatch) -> None:
    real = rules.check_checkin

    def check_checkin(facts: Any, *, waktu: Any, today: Any) -> Refusal | None:
        refusal = real(facts, waktu=waktu, today=today)
        return (
            None if refusal is not None and refusal.rule == "CHECKIN_NOT_SERVICE_DAY" else refusal
        )

    monkeypatch.setattr(rules, "check_checkin", check_checkin)


def _cancel_after_checkin(monkeypatch: pytest.MonkeyPatch) -> None:
    real = rules.check_cancel

    def check_cancel(facts: Any, *, today: Any) -> Refusal | None:
        refusal = real(facts, today=today)
        return None if refusal is not None and refusal.rule == "CANCEL_AFTER_CHECKIN" else refusal

    monkeypatch.setattr(rules, "check_cancel", check_cancel)
    real_transition = SqliteBackend._transition

    def transition(self: SqliteBackend, kodebooking: str, state: Any, extra: str, args: Any) -> Any:
        change = real_transition(self, kodebooking, state, extra, args)
        if state.value != "cancelled":
            return change

        def also_checked_in(conn: sqlite3.Connection) -> Refusal | None:
            # The backend's guarded UPDATE, loosened to checked-in visits too.
            conn.execute(
                "UPDATE booking SET state = 'booked' WHERE kodebooking = ?"
                " AND state = 'checked_in'",
                (kodebooking,),
            )
            return change(conn)  # type: ignore[no-any-return]

        return also_checked_in

    monkeypatch.setattr(SqliteBackend, "_transition", transition)


BROKEN = {
    "past date accepted": (_accept_past_dates, {
        "statusantrean: date in the past", "ambilantrean: date in the past"}),
    "request without a token accepted": (_accept_missing_token, {"statusantrean: no x-token"}),
    "expired token accepted": (_accept_expired_token, {"statusantrean: expired token"}),
    "token with another x-username accepted": (_ignore_username, {
        "statusantrean: token used with another x-username"}),
    "envelope key metaData": (_camel_metadata, {
        "*: every reply: JSON, lower-case metadata, numeric code, no HTTP 5xx"}),
    "second booking same patient, day, poli": (_skip_backend_rule(rules.Rule.DUPLICATE_BOOKING), {
        "ambilantrean: second booking, same patient, day and poli"}),
    "booking past the quota": (_skip_backend_rule(rules.Rule.QUOTA_EXHAUSTED), {
        "ambilantrean: booking past the JKN quota"}),
    "check-in on another day": (_checkin_any_day, {
        "checkinantrean: check-in on another day than booked"}),
    "cancel after check-in": (_cancel_after_checkin, {"batalantrean: cancel after check-in"}),
}  # fmt: skip


@pytest.mark.parametrize("variant", sorted(BROKEN))
async def test_each_broken_variant_is_caught(
    variant: str, backend: SqliteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    breaks, expected = BROKEN[variant]
    breaks(monkeypatch)
    ttl = 1.0 if "expired" in variant else 600.0
    app = create_app(backend, credentials={USERNAME: PASSWORD}, token_ttl=ttl)
    with serve(app) as url:
        report = await run_uat(options(url, token_ttl=ttl if "expired" in variant else None))
    got = failed(report)
    assert expected <= got, got
    if variant != "envelope key metaData":  # every reply fails there
        assert got == expected, got


async def test_the_rehearsal_cancels_what_a_broken_server_wrongly_booked(
    backend: SqliteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    _skip_backend_rule(rules.Rule.DUPLICATE_BOOKING)(monkeypatch)
    with serve(create_app(backend, credentials={USERNAME: PASSWORD})) as url:
        report = await run_uat(options(url))
    conn = sqlite3.connect(backend.path)
    active = conn.execute("SELECT kodebooking, state FROM booking WHERE state != 'cancelled'")
    assert [row[0] for row in active] == report.left_behind
    assert len(report.left_behind) == 1


async def test_the_hospitals_own_fixtures_on_a_clock_both_sides_share(
    backend: SqliteBackend,
) -> None:
    # Monday 7 December 2026, 13:00 WIB, moving with real time: BED's 08:00-12:00 is over,
    # its poli is closed on Saturday, and the doctor is on leave on Tuesday.
    base = datetime.datetime(2026, 12, 7, 13, 0, tzinfo=WIB).timestamp()
    started = time.time()

    def clock() -> float:
        return base + time.time() - started

    backend.add_leave(90003, datetime.date(2026, 12, 8))
    bed = ("BED", 90003, "08:00-12:00")
    fixtures = {
        "on_leave": FixtureSession(*bed, datetime.date(2026, 12, 8)),
        "poli_closed": FixtureSession(*bed, datetime.date(2026, 12, 12)),
        "registration_closed": FixtureSession(*bed, datetime.date(2026, 12, 7)),
    }
    app = create_app(backend, credentials={USERNAME: PASSWORD}, token_ttl=1.0, clock=clock)
    with serve(app) as url:
        report = await run_uat(options(url, token_ttl=1.0, **fixtures), clock=clock)
    assert report.ok, failed(report)
    got = {s.scenario: s.got for s in report.scenarios if s.service == "ambilantrean"}
    assert got["doctor on leave"] == "201 Jadwal dokter sedang libur ditanggal ini"
    assert got["poli closed that day"] == "201 Pendaftaran ke Poli Ini Sedang Tutup"
    assert got["registration closed (session over)"] == (
        "201 Pendaftaran Ke Poli Bedah Sudah Tutup Jam 12:00"
    )
    # A server that ignores the leave is caught.
    backend2 = SqliteBackend(backend.path.with_name("other.sqlite3"))
    app = create_app(backend2, credentials={USERNAME: PASSWORD}, clock=clock)
    with serve(app) as url:
        report = await run_uat(options(url, on_leave=fixtures["on_leave"]), clock=clock)
    assert failed(report) == {"statusantrean: doctor on leave", "ambilantrean: doctor on leave"}
