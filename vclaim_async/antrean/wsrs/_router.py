"""The FastAPI router of the WS RS kit (needs the ``server`` extra: ``pip install
'vclaim-async[server]'``). Import it as ``from vclaim_async.antrean.wsrs import create_router``.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import msgspec
from fastapi import APIRouter, Request
from fastapi.responses import Response

from . import rules
from .backend import WsRsBackend
from .models import (
    BookingOrder,
    BookingRequest,
    CancelRequest,
    CheckinRequest,
    KodeBookingRequest,
    NewPatient,
    NewPatientRequest,
    PatientSurgeryRequest,
    Refusal,
    StatusRequest,
    SurgeryScheduleRequest,
)
from .paths import resolve_paths
from .rules import BookingPolicy, Rule, refuse
from .tokens import LoginGuard, TokenCheck, TokenSigner

__all__ = ["TaskSink", "create_router"]

logger = logging.getLogger("vclaim_async.antrean.wsrs")

#: ``(kodebooking, taskid, waktu epoch ms)``: where the kit hands a task event BPJS expects.
TaskSink = Callable[[str, int, int], Awaitable[None]]

_MAX_BODY = 64 * 1024
_T = TypeVar("_T")


# What Mobile JKN sends, before validation: strings where the catalogue has strings (dates are
# parsed by the rules, for the UAT's own "Format Tanggal" reply), numbers where it has numbers
# (a numeric string is accepted: strict=False).
class _StatusWire(msgspec.Struct):
    kodepoli: str
    kodedokter: int
    tanggalperiksa: str
    jampraktek: str


class _BookingWire(msgspec.Struct):
    kodepoli: str
    tanggalperiksa: str
    kodedokter: int
    jampraktek: str
    jeniskunjungan: int
    nik: str
    nomorkartu: str = ""
    nohp: str = ""
    norm: str = ""
    nomorreferensi: str = ""


class _KodeBookingWire(msgspec.Struct):
    kodebooking: str


class _CancelWire(msgspec.Struct):
    kodebooking: str
    keterangan: str = ""


class _CheckinWire(msgspec.Struct):
    kodebooking: str
    waktu: int


class _NewPatientWire(msgspec.Struct):
    nomorkartu: str
    nik: str
    nomorkk: str
    nama: str
    jeniskelamin: str
    tanggallahir: str
    nohp: str = ""
    alamat: str = ""
    kodeprop: str = ""
    namaprop: str = ""
    kodedati2: str = ""
    namadati2: str = ""
    kodekec: str = ""
    namakec: str = ""
    kodekel: str = ""
    namakel: str = ""
    rw: str = ""
    rt: str = ""


class _SurgeryWire(msgspec.Struct):
    tanggalawal: str
    tanggalakhir: str


class _PatientSurgeryWire(msgspec.Struct):
    nopeserta: str


class _Reply(Exception):
    """Ends a handler early with this refusal (internal control flow, never escapes)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.rule or "refusal")
        self.refusal = refusal


def _check(result: _T | Refusal) -> _T:
    if isinstance(result, Refusal):
        raise _Reply(result)
    return result


def _digest(password: str) -> bytes:
    return hashlib.sha256(password.encode("utf-8", "surrogatepass")).digest()


async def _read_body(request: Request) -> bytes | None:
    """The body, or ``None`` past :data:`_MAX_BODY` (stops reading there)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _MAX_BODY:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > _MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _date(value: str) -> datetime.date:
    return _check(rules.parse_date(value))


def envelope(code: int, message: str, response: Any = None) -> bytes:
    """The WS RS reply body: ``{"response": ..., "metadata": {"message", "code"}}``.

    ``response`` is left out when ``None`` (failures and metadata-only replies, as CAT shows).
    """
    body: dict[str, Any] = {}
    if response is not None:
        body["response"] = response
    body["metadata"] = {"message": message, "code": code}
    return msgspec.json.encode(body)


class _Kit:
    """The state one router closes over: backend, tokens, guard, clock, policy."""

    def __init__(
        self,
        backend: WsRsBackend,
        *,
        credentials: Mapping[str, str],
        signer: TokenSigner,
        guard: LoginGuard,
        task_sink: TaskSink | None,
        cancel_task: bool,
        policy: BookingPolicy,
        messages: Mapping[Rule, str],
        clock: Callable[[], float],
        tz: datetime.tzinfo,
        login_refused_status: int,
    ) -> None:
        self.backend = backend
        # SHA-256 first: compare_digest then compares equal lengths, whatever was typed.
        self._digests = {user: _digest(password) for user, password in credentials.items()}
        self.signer = signer
        self.guard = guard
        self.task_sink = task_sink
        self.cancel_task = cancel_task
        self.policy = policy
        self.messages = messages
        self.clock = clock
        self.tz = tz
        self.login_refused_status = login_refused_status
        self._dummy = _digest(secrets.token_hex(16))

    def now(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.clock(), self.tz)

    def reply(self, code: int, message: str, response: Any = None, status: int = 200) -> Response:
        return Response(
            content=envelope(code, message, response),
            status_code=status,
            media_type="application/json",
        )

    def refusal(self, refusal: Refusal) -> Response:
        message = refusal.message
        rule = Rule.__members__.get(refusal.rule) if refusal.rule is not None else None
        if rule is not None and rule in self.messages:
            custom = self.messages[rule]
            if "{" not in custom:
                message = custom
        # Mobile JKN knows 201 (refused) and 202 (new patient) only: anything else is a 201.
        return self.reply(refusal.code if refusal.code in (201, 202) else 201, message)

    # --- authentication ------------------------------------------------------------------

    def password_ok(self, username: str, password: str) -> bool:
        expected = self._digests.get(username)
        given = _digest(password)
        # compare_digest on both branches: an unknown username costs what a known one does.
        same = secrets.compare_digest(expected if expected is not None else self._dummy, given)
        return expected is not None and same

    async def token(self, request: Request) -> Response:
        started = time.perf_counter()
        username = request.headers.get("x-username")
        password = request.headers.get("x-password")
        outcome = "issued"
        try:
            if not username or password is None:
                outcome = "missing credentials"
                return self._login_refused()
            if self.guard.retry_after(username) > 0:
                outcome = "throttled"
                return self._login_refused()
            if not self.password_ok(username, password):
                self.guard.failed(username)
                outcome = "wrong credentials"
                return self._login_refused()
            self.guard.succeeded(username)
            return self.reply(200, "Ok", {"token": self.signer.issue(username)})
        finally:
            logger.info("wsrs auth: %s (%.1f ms)", outcome, (time.perf_counter() - started) * 1000)

    def _login_refused(self) -> Response:
        refusal = refuse(Rule.CREDENTIALS, self.messages)
        return self.reply(refusal.code, refusal.message, status=self.login_refused_status)

    # --- every other service -------------------------------------------------------------

    def endpoint(
        self,
        service: str,
        wire: type[msgspec.Struct],
        handle: Callable[[Any], Awaitable[tuple[str, Any]]],
    ) -> Callable[[Request], Awaitable[Response]]:
        decoder = msgspec.json.Decoder(wire, strict=False)

        async def serve(request: Request) -> Response:
            started = time.perf_counter()
            outcome = "200"
            try:
                check = self.signer.verify(
                    request.headers.get("x-token"), request.headers.get("x-username")
                )
                if check is not TokenCheck.VALID:
                    outcome = f"201 token {check.value}"
                    return self.refusal(refuse(Rule.TOKEN_EXPIRED, self.messages))
                body = await _read_body(request)
                if body is None:
                    outcome = "201 body too large"
                    return self.refusal(refuse(Rule.BAD_REQUEST, detail="body too large"))
                try:
                    data = decoder.decode(body)
                except msgspec.ValidationError as exc:
                    outcome = "201 invalid request"
                    return self.refusal(refuse(Rule.BAD_REQUEST, detail=str(exc)))
                except msgspec.DecodeError:
                    outcome = "201 invalid json"
                    return self.refusal(refuse(Rule.BAD_REQUEST, detail="not JSON"))
                try:
                    message, response = await handle(data)
                except _Reply as stop:
                    outcome = f"{stop.refusal.code} {stop.refusal.rule or 'backend refusal'}"
                    return self.refusal(stop.refusal)
                except Exception as exc:
                    incident = secrets.token_hex(4)
                    outcome = f"201 incident {incident}"
                    # The type and the frames, never the message: it may hold a patient's data.
                    logger.error(
                        "wsrs %s: backend failure %s, incident %s\n%s",
                        service,
                        type(exc).__name__,
                        incident,
                        "".join(traceback.format_tb(exc.__traceback__)),
                    )
                    return self.refusal(refuse(Rule.INTERNAL, incident=f"insiden {incident}"))
                return self.reply(200, message, response)
            finally:
                logger.info(
                    "wsrs %s: %s (%.1f ms)",
                    service,
                    outcome,
                    (time.perf_counter() - started) * 1000,
                )

        return serve

    # --- the services (each returns (message, response) or raises _Reply) ---------------

    async def status(self, wire: _StatusWire) -> tuple[str, Any]:
        tanggal = _date(wire.tanggalperiksa)
        now = self.now()
        _check(rules.check_booking_date(tanggal, today=now.date(), policy=self.policy))
        request = StatusRequest(
            kodepoli=wire.kodepoli,
            kodedokter=wire.kodedokter,
            tanggalperiksa=tanggal,
            jampraktek=wire.jampraktek.strip(),
        )
        session = _check(
            await self.backend.find_session(
                request.kodepoli, request.kodedokter, tanggal, request.jampraktek
            )
        )
        _check(rules.check_session(session, tanggal=tanggal, now=now, jkn=None))
        queue = await self.backend.status_antrean(request, session)
        return "Ok", {
            "namapoli": session.namapoli,
            "namadokter": session.namadokter,
            "totalantrean": queue.totalantrean,
            "sisaantrean": queue.sisaantrean,
            "antreanpanggil": queue.antreanpanggil,
            "sisakuotajkn": max(0, session.kuotajkn - session.taken_jkn),
            "kuotajkn": session.kuotajkn,
            "sisakuotanonjkn": max(0, session.kuotanonjkn - session.taken_nonjkn),
            "kuotanonjkn": session.kuotanonjkn,
            "keterangan": queue.keterangan,
        }

    async def booking(self, wire: _BookingWire) -> tuple[str, Any]:
        jkn = wire.nomorkartu != ""
        _check(rules.check_card(wire.nomorkartu, required=False))
        _check(rules.check_nik(wire.nik))
        _check(rules.check_jeniskunjungan(wire.jeniskunjungan))
        tanggal = _date(wire.tanggalperiksa)
        now = self.now()
        _check(rules.check_booking_date(tanggal, today=now.date(), policy=self.policy))
        request = BookingRequest(
            nomorkartu=wire.nomorkartu,
            nik=wire.nik,
            nohp=wire.nohp,
            kodepoli=wire.kodepoli,
            norm=wire.norm.strip(),
            tanggalperiksa=tanggal,
            kodedokter=wire.kodedokter,
            jampraktek=wire.jampraktek.strip(),
            jeniskunjungan=wire.jeniskunjungan,
            nomorreferensi=wire.nomorreferensi.strip(),
        )
        session = _check(
            await self.backend.find_session(
                request.kodepoli, request.kodedokter, tanggal, request.jampraktek
            )
        )
        _check(rules.check_session(session, tanggal=tanggal, now=now, jkn=jkn))
        norm = await self.backend.find_patient(request)
        if norm is None:
            raise _Reply(refuse(Rule.NEW_PATIENT, self.messages))
        booked = _check(
            await self.backend.ambil_antrean(
                BookingOrder(request=request, session=session, norm=norm, jkn=jkn)
            )
        )
        return "Ok", msgspec.to_builtins(booked)

    async def remaining(self, wire: _KodeBookingWire) -> tuple[str, Any]:
        result = _check(
            await self.backend.sisa_antrean(KodeBookingRequest(kodebooking=wire.kodebooking))
        )
        return "Ok", msgspec.to_builtins(result)

    async def _facts(self, kodebooking: str) -> Any:
        facts = await self.backend.find_booking(kodebooking)
        if facts is None:
            raise _Reply(refuse(Rule.BOOKING_UNKNOWN))
        return facts

    async def cancel(self, wire: _CancelWire) -> tuple[str, None]:
        facts = await self._facts(wire.kodebooking)
        now = self.now()
        _check(rules.check_cancel(facts, today=now.date()))
        refusal = await self.backend.batal_antrean(
            CancelRequest(kodebooking=wire.kodebooking, keterangan=wire.keterangan)
        )
        if refusal is not None:
            raise _Reply(refusal)
        if self.cancel_task and self.task_sink is not None:
            await self._hand_off(wire.kodebooking, 99, int(self.clock() * 1000))
        return "Ok", None

    async def checkin(self, wire: _CheckinWire) -> tuple[str, None]:
        facts = await self._facts(wire.kodebooking)
        waktu = datetime.datetime.fromtimestamp(wire.waktu / 1000, self.tz)
        _check(rules.check_checkin(facts, waktu=waktu, today=self.now().date()))
        refusal = await self.backend.checkin_antrean(
            CheckinRequest(kodebooking=wire.kodebooking, waktu=wire.waktu)
        )
        if refusal is not None:
            raise _Reply(refusal)
        if self.task_sink is not None:
            # New patients wait from task 1 (admission), existing ones from 3 (poli): §5.2.
            await self._hand_off(wire.kodebooking, 1 if facts.new_patient else 3, wire.waktu)
        return "Ok", None

    async def _hand_off(self, kodebooking: str, taskid: int, waktu: int) -> None:
        assert self.task_sink is not None
        try:
            await self.task_sink(kodebooking, taskid, waktu)
        except Exception as exc:
            # The patient's action is recorded; the event is the sink's to keep (see docs).
            logger.error(
                "wsrs task sink failed for task %d: %s, incident %s",
                taskid,
                type(exc).__name__,
                secrets.token_hex(4),
            )

    async def new_patient(self, wire: _NewPatientWire) -> tuple[str, Any]:
        born = _date(wire.tanggallahir)
        _check(
            rules.check_new_patient(
                nomorkartu=wire.nomorkartu,
                nik=wire.nik,
                nomorkk=wire.nomorkk,
                jeniskelamin=wire.jeniskelamin,
                tanggallahir=born,
                today=self.now().date(),
            )
        )
        fields = msgspec.structs.asdict(wire) | {"tanggallahir": born}
        result: NewPatient = _check(await self.backend.pasien_baru(NewPatientRequest(**fields)))
        return result.message, {"norm": result.norm}

    async def surgery(self, wire: _SurgeryWire) -> tuple[str, Any]:
        awal, akhir = _date(wire.tanggalawal), _date(wire.tanggalakhir)
        _check(rules.check_surgery_range(awal, akhir))
        found = _check(
            await self.backend.jadwal_operasi_rs(
                SurgeryScheduleRequest(tanggalawal=awal, tanggalakhir=akhir)
            )
        )
        return "Ok", {"list": msgspec.to_builtins(found)}

    async def patient_surgery(self, wire: _PatientSurgeryWire) -> tuple[str, Any]:
        _check(rules.check_card(wire.nopeserta, required=True))
        found = _check(
            await self.backend.jadwal_operasi_pasien(
                PatientSurgeryRequest(nopeserta=wire.nopeserta)
            )
        )
        return "Ok", {"list": msgspec.to_builtins(found)}

    async def pharmacy(self, wire: _KodeBookingWire) -> tuple[str, Any]:
        ticket = _check(
            await self.backend.ambil_antrean_farmasi(
                KodeBookingRequest(kodebooking=wire.kodebooking)
            )
        )
        return "Ok", msgspec.to_builtins(ticket)

    async def pharmacy_status(self, wire: _KodeBookingWire) -> tuple[str, Any]:
        status = _check(
            await self.backend.status_antrean_farmasi(
                KodeBookingRequest(kodebooking=wire.kodebooking)
            )
        )
        return "Ok", msgspec.to_builtins(status)


def create_router(
    backend: WsRsBackend,
    *,
    credentials: Mapping[str, str],
    paths: Mapping[str, str] | None = None,
    token_ttl: float = 3600.0,
    token_key: bytes | None = None,
    task_sink: TaskSink | None = None,
    cancel_task: bool = False,
    policy: BookingPolicy | None = None,
    messages: Mapping[Rule, str] | None = None,
    clock: Callable[[], float] = time.time,
    tz: datetime.tzinfo = rules.WIB,
    login_guard: LoginGuard | None = None,
    login_refused_status: int = 200,
) -> APIRouter:
    """A FastAPI router serving the token service and the ten WS RS services over ``backend``.

    - ``credentials``: username → password that the hospital gave BPJS (at least one).
    - ``paths``: service name → path, over SIMRS Khanza's names (``/auth``, ``/statusantrean``,
      ...; see :data:`~vclaim_async.antrean.wsrs.paths.SERVICES`).
    - ``token_ttl``: seconds a token lives; ``token_key`` (32+ bytes) when several processes
      serve one URL (otherwise a random key per process).
    - ``task_sink``: called ``(kodebooking, taskid, waktu_ms)`` after a check-in (task 1 for a
      patient registered through Info Pasien Baru, else 3), and after a cancel with task 99
      when ``cancel_task``. A failing sink is logged; the reply stays 200.
    - ``policy``: the booking window (default: today to H+7); ``messages``: reply texts that
      replace a rule's (texts without placeholders).
    - ``clock`` (epoch seconds) and ``tz`` (default WIB): "now" and "today".
    - ``login_guard``: the brake on wrong passwords (default :class:`LoginGuard` on ``clock``);
      ``login_refused_status``: HTTP status of a refused login (200; some hospitals use 401).

    Every business reply is HTTP 200 with ``metadata.code`` 200, 201 or 202.
    """
    if not credentials or any(not user or not pw for user, pw in credentials.items()):
        raise ValueError("credentials: give at least one non-empty username and password")
    resolved = resolve_paths(paths)
    kit = _Kit(
        backend,
        credentials=dict(credentials),
        signer=TokenSigner(ttl=token_ttl, key=token_key, clock=clock),
        guard=login_guard if login_guard is not None else LoginGuard(clock=clock),
        task_sink=task_sink,
        cancel_task=cancel_task,
        policy=policy if policy is not None else BookingPolicy(),
        messages=dict(messages or {}),
        clock=clock,
        tz=tz,
        login_refused_status=login_refused_status,
    )
    router = APIRouter()
    router.add_api_route(resolved["auth"], kit.token, methods=["GET"], include_in_schema=False)
    services: dict[str, tuple[type[msgspec.Struct], Callable[[Any], Awaitable[tuple[str, Any]]]]]
    services = {
        "statusantrean": (_StatusWire, kit.status),
        "ambilantrean": (_BookingWire, kit.booking),
        "sisaantrean": (_KodeBookingWire, kit.remaining),
        "batalantrean": (_CancelWire, kit.cancel),
        "checkinantrean": (_CheckinWire, kit.checkin),
        "pasienbaru": (_NewPatientWire, kit.new_patient),
        "jadwaloperasirs": (_SurgeryWire, kit.surgery),
        "jadwaloperasipasien": (_PatientSurgeryWire, kit.patient_surgery),
        "ambilantreanfarmasi": (_KodeBookingWire, kit.pharmacy),
        "statusantreanfarmasi": (_KodeBookingWire, kit.pharmacy_status),
    }
    for name, (wire, handle) in services.items():
        router.add_api_route(
            resolved[name],
            kit.endpoint(name, wire, handle),
            methods=["POST"],
            include_in_schema=False,
        )
    return router
