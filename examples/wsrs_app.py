"""A reference WS RS for Mobile JKN: the vclaim-async kit over a SQLite backend.

    pip install 'vclaim-async[server]'
    export VCLAIM_WSRS_USERNAME=mjkn VCLAIM_WSRS_PASSWORD='a long secret'
    uvicorn examples.wsrs_app:app --port 8081
    vclaim-async antrean uat http://127.0.0.1:8081 --username mjkn --password 'a long secret'

The router sits at the root (``/auth``, ``/statusantrean``, ... SIMRS Khanza's names). The app
refuses to start without ``VCLAIM_WSRS_USERNAME`` and ``VCLAIM_WSRS_PASSWORD``. Optional:
``VCLAIM_WSRS_DB`` (the SQLite file; default a fresh file in a private temporary directory),
``VCLAIM_WSRS_TOKEN_TTL`` (seconds, default 3600).

The database is seeded with synthetic data only, from identifier ranges no real person has (NIK
province ``00``, card numbers starting ``99999``; see ``vclaim_async.testing``). Its sessions
(``docs/wsrs.md`` lists them): ANA / 90001 and INT / 90002 every day ``00:00-23:59`` (so a
rehearsal works at any hour), BED / 90003 Monday to Friday ``08:00-12:00``.

Queue numbers never double-book: every write is one ``BEGIN IMMEDIATE`` transaction, so the
checks (one booking per patient, day and poli; the referral; the quota) and the next number are
read and written under SQLite's write lock, and a UNIQUE index backs it up.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI

from vclaim_async.antrean.wsrs import (
    WIB,
    Booking,
    BookingFacts,
    BookingOrder,
    BookingPolicy,
    BookingRequest,
    BookingState,
    CancelRequest,
    CheckinRequest,
    KodeBookingRequest,
    NewPatient,
    NewPatientRequest,
    PatientSurgery,
    PatientSurgeryRequest,
    PharmacyStatus,
    PharmacyTicket,
    QueueStatus,
    Refusal,
    RemainingQueue,
    Rule,
    Session,
    StatusRequest,
    Surgery,
    SurgeryScheduleRequest,
    TaskSink,
    create_router,
    refuse,
)
from vclaim_async.antrean.wsrs import rules as wsrs_rules

_T = TypeVar("_T")

#: Seconds one patient takes (SPM), for ``estimasidilayani`` and ``waktutunggu``.
SPM = 600
EVERY_DAY = range(7)
WEEKDAYS = range(5)

SCHEMA = """
CREATE TABLE IF NOT EXISTS poli (kodepoli TEXT PRIMARY KEY, namapoli TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dokter (kodedokter INTEGER PRIMARY KEY, namadokter TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jadwal (
    kodepoli TEXT NOT NULL, kodedokter INTEGER NOT NULL, hari INTEGER NOT NULL,
    jampraktek TEXT NOT NULL, kuotajkn INTEGER NOT NULL, kuotanonjkn INTEGER NOT NULL,
    PRIMARY KEY (kodepoli, kodedokter, hari, jampraktek));
CREATE TABLE IF NOT EXISTS cuti (
    kodedokter INTEGER NOT NULL, tanggal TEXT NOT NULL, PRIMARY KEY (kodedokter, tanggal));
CREATE TABLE IF NOT EXISTS pasien (
    norm TEXT PRIMARY KEY, nomorkartu TEXT UNIQUE, nik TEXT NOT NULL UNIQUE, nama TEXT NOT NULL,
    via_mjkn INTEGER NOT NULL DEFAULT 0, data TEXT);
CREATE TABLE IF NOT EXISTS booking (
    kodebooking TEXT PRIMARY KEY, tanggal TEXT NOT NULL, kodepoli TEXT NOT NULL,
    kodedokter INTEGER NOT NULL, jampraktek TEXT NOT NULL, norm TEXT NOT NULL,
    nomorreferensi TEXT NOT NULL, jeniskunjungan INTEGER NOT NULL, jkn INTEGER NOT NULL,
    angkaantrean INTEGER NOT NULL, state TEXT NOT NULL, new_patient INTEGER NOT NULL,
    checkin_ms INTEGER, keterangan TEXT,
    UNIQUE (tanggal, kodepoli, kodedokter, jampraktek, angkaantrean));
CREATE INDEX IF NOT EXISTS booking_patient ON booking (norm, tanggal, kodepoli);
CREATE INDEX IF NOT EXISTS booking_referral ON booking (nomorreferensi);
CREATE TABLE IF NOT EXISTS farmasi (
    kodebooking TEXT PRIMARY KEY, tanggal TEXT NOT NULL, nomor INTEGER NOT NULL,
    jenisresep TEXT NOT NULL, UNIQUE (tanggal, nomor));
CREATE TABLE IF NOT EXISTS operasi (
    kodebooking TEXT PRIMARY KEY, tanggal TEXT NOT NULL, jenistindakan TEXT NOT NULL,
    kodepoli TEXT NOT NULL, norm TEXT NOT NULL, terlaksana INTEGER NOT NULL,
    lastupdate INTEGER NOT NULL);
"""

#: The seed: kodepoli, namapoli, kodedokter, namadokter, days (0 = Monday), jampraktek, quotas.
SESSIONS: tuple[tuple[str, str, int, str, range, str, int, int], ...] = (
    ("ANA", "Anak", 90001, "dr. Sintetis Anak, Sp.A", EVERY_DAY, "00:00-23:59", 10, 5),
    (
        "INT",
        "Penyakit Dalam",
        90002,
        "dr. Sintetis Dalam, Sp.PD",
        EVERY_DAY,
        "00:00-23:59",
        5000,
        100,
    ),
    ("BED", "Bedah", 90003, "dr. Sintetis Bedah, Sp.B", WEEKDAYS, "08:00-12:00", 20, 5),
)
#: Synthetic patients with a medical record: norm, card (prefix 99999), NIK (province 00), name.
PATIENTS: tuple[tuple[str, str, str, str], ...] = (
    ("000001", "9999900000011", "0001010101900001", "PASIEN SINTETIS SATU"),
    ("000002", "9999900000022", "0001010101900002", "PASIEN SINTETIS DUA"),
    ("000003", "9999900000033", "0001010101900003", "PASIEN SINTETIS TIGA"),
)


class SqliteBackend:
    """A :class:`~vclaim_async.antrean.wsrs.WsRsBackend` over one SQLite file.

    Every call runs in a worker thread on that thread's own connection; writes are one
    ``BEGIN IMMEDIATE`` transaction each. ``clock`` (epoch seconds) is only used for
    ``lastupdate`` of the seeded surgeries.
    """

    def __init__(self, path: str | os.PathLike[str], *, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self._clock = clock
        self._local = threading.local()
        # Patient data: the file is the owner's alone (SQLite gives -wal/-shm the same mode).
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
            if conn.execute("SELECT COUNT(*) FROM poli").fetchone()[0] == 0:
                self._seed(conn)
        finally:
            conn.close()

    # --- plumbing ----------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def _write_sync(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = work(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result

    async def _write(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        return await asyncio.to_thread(self._write_sync, work)

    async def _read(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        return await asyncio.to_thread(lambda: work(self._conn()))

    def _seed(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        for kodepoli, namapoli, kodedokter, namadokter, days, jam, kuota, kuota_non in SESSIONS:
            conn.execute("INSERT OR IGNORE INTO poli VALUES (?, ?)", (kodepoli, namapoli))
            conn.execute("INSERT OR IGNORE INTO dokter VALUES (?, ?)", (kodedokter, namadokter))
            for day in days:
                conn.execute(
                    "INSERT INTO jadwal VALUES (?, ?, ?, ?, ?, ?)",
                    (kodepoli, kodedokter, day, jam, kuota, kuota_non),
                )
        for norm, card, nik, nama in PATIENTS:
            conn.execute(
                "INSERT INTO pasien (norm, nomorkartu, nik, nama) VALUES (?, ?, ?, ?)",
                (norm, card, nik, nama),
            )
        today = datetime.datetime.fromtimestamp(self._clock(), WIB).date()
        stamp = int(self._clock() * 1000)
        for kode, offset, tindakan, done in (
            ("OP0001", 2, "Herniorafi", 0),
            ("OP0002", -1, "Apendektomi", 1),
        ):
            tanggal = (today + datetime.timedelta(days=offset)).isoformat()
            conn.execute(
                "INSERT INTO operasi VALUES (?, ?, ?, 'BED', '000001', ?, ?)",
                (kode, tanggal, tindakan, done, stamp),
            )
        conn.execute("COMMIT")

    def add_leave(self, kodedokter: int, tanggal: datetime.date) -> None:
        """Mark a doctor on leave (HFIS ``libur``) on one date."""
        self._write_sync(
            lambda c: c.execute(
                "INSERT OR IGNORE INTO cuti VALUES (?, ?)", (kodedokter, tanggal.isoformat())
            )
        )

    def add_patients(self, count: int, *, first: int = 100_000) -> list[tuple[str, str, str]]:
        """Add ``count`` synthetic patients with a record; returns (norm, card, NIK) each."""
        made = [(f"{n:06d}", f"99999{n:08d}", f"00{n:014d}") for n in range(first, first + count)]

        def insert(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO pasien (norm, nomorkartu, nik, nama) VALUES (?, ?, ?, 'SINTETIS')",
                made,
            )

        self._write_sync(insert)
        return made

    def queue_numbers(self) -> list[tuple[str, str, int, str, int]]:
        """Every booking's (tanggal, kodepoli, kodedokter, jampraktek, angkaantrean)."""
        rows = self._conn().execute(
            "SELECT tanggal, kodepoli, kodedokter, jampraktek, angkaantrean FROM booking"
        )
        return [tuple(row) for row in rows]

    # --- look-ups ------------------------------------------------------------------------------

    @staticmethod
    def _session_sync(
        conn: sqlite3.Connection, kodepoli: str, kodedokter: int, tanggal: str, jampraktek: str
    ) -> Session | Refusal:
        poli = conn.execute("SELECT namapoli FROM poli WHERE kodepoli = ?", (kodepoli,)).fetchone()
        if poli is None:
            return refuse(Rule.POLI_UNKNOWN)
        hari = datetime.date.fromisoformat(tanggal).weekday()
        if not conn.execute(
            "SELECT 1 FROM jadwal WHERE kodepoli = ? AND hari = ?", (kodepoli, hari)
        ).fetchone():
            return refuse(Rule.POLI_CLOSED)
        dokter = conn.execute(
            "SELECT namadokter FROM dokter WHERE kodedokter = ?", (kodedokter,)
        ).fetchone()
        jadwal = conn.execute(
            "SELECT kuotajkn, kuotanonjkn FROM jadwal WHERE kodepoli = ? AND kodedokter = ?"
            " AND hari = ? AND jampraktek = ?",
            (kodepoli, kodedokter, hari, jampraktek.replace(" ", "")),
        ).fetchone()
        if jadwal is None or dokter is None:
            return refuse(Rule.NO_SCHEDULE, namadokter=dokter[0] if dokter else "")
        taken = dict(
            conn.execute(
                "SELECT jkn, COUNT(*) FROM booking WHERE tanggal = ? AND kodepoli = ?"
                " AND kodedokter = ? AND jampraktek = ? AND state != 'cancelled' GROUP BY jkn",
                (tanggal, kodepoli, kodedokter, jampraktek.replace(" ", "")),
            ).fetchall()
        )
        leave = conn.execute(
            "SELECT 1 FROM cuti WHERE kodedokter = ? AND tanggal = ?", (kodedokter, tanggal)
        ).fetchone()
        return Session(
            kodepoli=kodepoli,
            namapoli=poli[0],
            kodedokter=kodedokter,
            namadokter=dokter[0],
            jampraktek=jampraktek.replace(" ", ""),
            kuotajkn=jadwal[0],
            kuotanonjkn=jadwal[1],
            taken_jkn=taken.get(1, 0),
            taken_nonjkn=taken.get(0, 0),
            on_leave=leave is not None,
        )

    async def find_session(
        self, kodepoli: str, kodedokter: int, tanggal: datetime.date, jampraktek: str
    ) -> Session | Refusal:
        return await self._read(
            lambda c: self._session_sync(c, kodepoli, kodedokter, tanggal.isoformat(), jampraktek)
        )

    async def find_patient(self, request: BookingRequest) -> str | None:
        def find(conn: sqlite3.Connection) -> str | None:
            if request.norm:
                row = conn.execute(
                    "SELECT norm FROM pasien WHERE norm = ? AND nik = ?",
                    (request.norm, request.nik),
                ).fetchone()
            elif request.nomorkartu:
                row = conn.execute(
                    "SELECT norm FROM pasien WHERE nomorkartu = ?", (request.nomorkartu,)
                ).fetchone()
            else:
                row = conn.execute(
                    "SELECT norm FROM pasien WHERE nik = ?", (request.nik,)
                ).fetchone()
            return None if row is None else str(row[0])

        return await self._read(find)

    @staticmethod
    def _facts_sync(conn: sqlite3.Connection, kodebooking: str) -> BookingFacts | None:
        row = conn.execute(
            "SELECT tanggal, state, new_patient FROM booking WHERE kodebooking = ?",
            (kodebooking,),
        ).fetchone()
        if row is None:
            return None
        return BookingFacts(
            kodebooking=kodebooking,
            tanggalperiksa=datetime.date.fromisoformat(row[0]),
            state=BookingState(row[1]),
            new_patient=bool(row[2]),
        )

    async def find_booking(self, kodebooking: str) -> BookingFacts | None:
        return await self._read(lambda c: self._facts_sync(c, kodebooking))

    # --- services ------------------------------------------------------------------------------

    @staticmethod
    def _called(conn: sqlite3.Connection, where: tuple[Any, ...]) -> tuple[int, int, str]:
        total, waiting, served = conn.execute(
            "SELECT COUNT(*), SUM(state IN ('booked', 'checked_in')),"
            " MAX(CASE WHEN state = 'served' THEN angkaantrean END) FROM booking"
            " WHERE tanggal = ? AND kodepoli = ? AND kodedokter = ? AND jampraktek = ?"
            " AND state != 'cancelled'",
            where,
        ).fetchone()
        return total, waiting or 0, "-" if served is None else f"{where[1][0]}-{served}"

    async def status_antrean(self, request: StatusRequest, session: Session) -> QueueStatus:
        where = (
            request.tanggalperiksa.isoformat(),
            session.kodepoli,
            session.kodedokter,
            session.jampraktek,
        )
        total, waiting, called = await self._read(lambda c: self._called(c, where))
        return QueueStatus(totalantrean=total, sisaantrean=waiting, antreanpanggil=called)

    def booking_rules(self, conn: sqlite3.Connection, order: BookingOrder) -> Refusal | None:
        """The rules that race, checked inside the booking's write transaction."""
        request, session = order.request, order.session
        tanggal = request.tanggalperiksa.isoformat()
        if conn.execute(
            "SELECT 1 FROM booking WHERE norm = ? AND tanggal = ? AND kodepoli = ?"
            " AND state != 'cancelled'",
            (order.norm, tanggal, request.kodepoli),
        ).fetchone():
            return refuse(Rule.DUPLICATE_BOOKING)
        if (
            request.nomorreferensi
            and conn.execute(
                "SELECT 1 FROM booking WHERE nomorreferensi = ? AND state != 'cancelled'",
                (request.nomorreferensi,),
            ).fetchone()
        ):
            return refuse(Rule.DUPLICATE_REFERRAL)
        fresh = self._session_sync(
            conn, request.kodepoli, request.kodedokter, tanggal, session.jampraktek
        )
        if isinstance(fresh, Refusal):
            return fresh
        return wsrs_rules.check_session(
            fresh,
            tanggal=request.tanggalperiksa,
            now=datetime.datetime(1970, 1, 1, tzinfo=WIB),  # the kit checked the hour
            jkn=order.jkn,
        )

    async def ambil_antrean(self, order: BookingOrder) -> Booking | Refusal:
        request, session = order.request, order.session
        tanggal = request.tanggalperiksa.isoformat()

        def book(conn: sqlite3.Connection) -> Booking | Refusal:
            refusal = self.booking_rules(conn, order)
            if refusal is not None:
                return refusal
            key = (tanggal, request.kodepoli, request.kodedokter, session.jampraktek)
            angka = (
                conn.execute(
                    "SELECT COALESCE(MAX(angkaantrean), 0) FROM booking WHERE tanggal = ?"
                    " AND kodepoli = ? AND kodedokter = ? AND jampraktek = ?",
                    key,
                ).fetchone()[0]
                + 1
            )
            kodebooking = f"{request.tanggalperiksa:%Y%m%d}{request.kodepoli}"
            kodebooking += f"{request.kodedokter}{angka:04d}"
            via_mjkn, earlier = conn.execute(
                "SELECT via_mjkn, (SELECT COUNT(*) FROM booking WHERE norm = ?) FROM pasien"
                " WHERE norm = ?",
                (order.norm, order.norm),
            ).fetchone()
            conn.execute(
                "INSERT INTO booking (kodebooking, tanggal, kodepoli, kodedokter, jampraktek,"
                " norm, nomorreferensi, jeniskunjungan, jkn, angkaantrean, state, new_patient)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?)",
                (
                    kodebooking,
                    tanggal,
                    request.kodepoli,
                    request.kodedokter,
                    session.jampraktek,
                    order.norm,
                    request.nomorreferensi,
                    request.jeniskunjungan,
                    int(order.jkn),
                    angka,
                    int(bool(via_mjkn) and earlier == 0),
                ),
            )
            start = datetime.datetime.combine(
                request.tanggalperiksa,
                datetime.time.fromisoformat(session.jampraktek[:5]),
                tzinfo=WIB,
            )
            estimate = start + datetime.timedelta(seconds=SPM * (angka - 1))
            jkn = session.taken_jkn + (1 if order.jkn else 0)
            non = session.taken_nonjkn + (0 if order.jkn else 1)
            return Booking(
                nomorantrean=f"{request.kodepoli[0]}-{angka}",
                angkaantrean=angka,
                kodebooking=kodebooking,
                norm=order.norm,
                namapoli=session.namapoli,
                namadokter=session.namadokter,
                estimasidilayani=int(estimate.timestamp() * 1000),
                sisakuotajkn=max(0, session.kuotajkn - jkn),
                kuotajkn=session.kuotajkn,
                sisakuotanonjkn=max(0, session.kuotanonjkn - non),
                kuotanonjkn=session.kuotanonjkn,
                keterangan="Peserta harap 60 menit lebih awal guna pencatatan administrasi.",
            )

        return await self._write(book)

    async def sisa_antrean(self, request: KodeBookingRequest) -> RemainingQueue | Refusal:
        def remaining(conn: sqlite3.Connection) -> RemainingQueue | Refusal:
            row = conn.execute(
                "SELECT b.tanggal, b.kodepoli, b.kodedokter, b.jampraktek, b.angkaantrean,"
                " b.state, p.namapoli, d.namadokter FROM booking b"
                " JOIN poli p USING (kodepoli) JOIN dokter d USING (kodedokter)"
                " WHERE b.kodebooking = ?",
                (request.kodebooking,),
            ).fetchone()
            if row is None:
                return refuse(Rule.BOOKING_UNKNOWN)
            if row[5] == BookingState.CANCELLED.value:
                return refuse(Rule.ALREADY_CANCELLED)
            ahead = conn.execute(
                "SELECT COUNT(*) FROM booking WHERE tanggal = ? AND kodepoli = ?"
                " AND kodedokter = ? AND jampraktek = ? AND angkaantrean < ?"
                " AND state IN ('booked', 'checked_in')",
                row[:5],
            ).fetchone()[0]
            _, _, called = self._called(conn, row[:4])
            return RemainingQueue(
                nomorantrean=f"{row[1][0]}-{row[4]}",
                namapoli=row[6],
                namadokter=row[7],
                sisaantrean=ahead,
                antreanpanggil=called,
                waktutunggu=SPM * ahead,
            )

        return await self._read(remaining)

    def _transition(
        self, kodebooking: str, state: BookingState, extra: str, args: tuple[Any, ...]
    ) -> Callable[[sqlite3.Connection], Refusal | None]:
        def change(conn: sqlite3.Connection) -> Refusal | None:
            changed = conn.execute(
                f"UPDATE booking SET state = ?{extra} WHERE kodebooking = ? AND state = 'booked'",
                (state.value, *args, kodebooking),
            ).rowcount
            if changed:
                return None
            facts = self._facts_sync(conn, kodebooking)
            if facts is None:
                return refuse(Rule.BOOKING_UNKNOWN)
            return refuse(
                Rule.CANCEL_AFTER_CHECKIN
                if state is BookingState.CANCELLED and facts.state is BookingState.CHECKED_IN
                else Rule.ALREADY_CANCELLED
                if facts.state is BookingState.CANCELLED
                else Rule.ALREADY_CHECKED_IN
            )

        return change

    async def batal_antrean(self, request: CancelRequest) -> Refusal | None:
        return await self._write(
            self._transition(
                request.kodebooking,
                BookingState.CANCELLED,
                ", keterangan = ?",
                (request.keterangan[:200],),
            )
        )

    async def checkin_antrean(self, request: CheckinRequest) -> Refusal | None:
        return await self._write(
            self._transition(
                request.kodebooking, BookingState.CHECKED_IN, ", checkin_ms = ?", (request.waktu,)
            )
        )

    async def pasien_baru(self, request: NewPatientRequest) -> NewPatient | Refusal:
        def create(conn: sqlite3.Connection) -> NewPatient | Refusal:
            if conn.execute(
                "SELECT 1 FROM pasien WHERE nik = ? OR nomorkartu = ?",
                (request.nik, request.nomorkartu),
            ).fetchone():
                return refuse(Rule.PATIENT_EXISTS)
            last = conn.execute("SELECT MAX(CAST(norm AS INTEGER)) FROM pasien").fetchone()[0]
            norm = f"{(last or 0) + 1:06d}"
            conn.execute(
                "INSERT INTO pasien (norm, nomorkartu, nik, nama, via_mjkn) VALUES (?, ?, ?, ?, 1)",
                (norm, request.nomorkartu, request.nik, request.nama[:100]),
            )
            return NewPatient(
                norm=norm,
                message="Pasien berhasil mendapatkan nomor RM, silahkan lanjutkan ke booking",
            )

        return await self._write(create)

    async def jadwal_operasi_rs(self, request: SurgeryScheduleRequest) -> list[Surgery] | Refusal:
        def find(conn: sqlite3.Connection) -> list[Surgery]:
            rows = conn.execute(
                "SELECT o.kodebooking, o.tanggal, o.jenistindakan, o.kodepoli, p.namapoli,"
                " o.terlaksana, COALESCE(s.nomorkartu, ''), o.lastupdate FROM operasi o"
                " JOIN poli p USING (kodepoli) LEFT JOIN pasien s USING (norm)"
                " WHERE o.tanggal BETWEEN ? AND ? ORDER BY o.tanggal",
                (request.tanggalawal.isoformat(), request.tanggalakhir.isoformat()),
            )
            return [
                Surgery(
                    kodebooking=r[0],
                    tanggaloperasi=datetime.date.fromisoformat(r[1]),
                    jenistindakan=r[2],
                    kodepoli=r[3],
                    namapoli=r[4],
                    terlaksana=r[5],
                    nopeserta=r[6],
                    lastupdate=r[7],
                )
                for r in rows
            ]

        return await self._read(find)

    async def jadwal_operasi_pasien(
        self, request: PatientSurgeryRequest
    ) -> list[PatientSurgery] | Refusal:
        def find(conn: sqlite3.Connection) -> list[PatientSurgery]:
            rows = conn.execute(
                "SELECT o.kodebooking, o.tanggal, o.jenistindakan, o.kodepoli, p.namapoli,"
                " o.terlaksana FROM operasi o JOIN poli p USING (kodepoli)"
                " JOIN pasien s USING (norm) WHERE s.nomorkartu = ? ORDER BY o.tanggal",
                (request.nopeserta,),
            )
            return [
                PatientSurgery(
                    kodebooking=r[0],
                    tanggaloperasi=datetime.date.fromisoformat(r[1]),
                    jenistindakan=r[2],
                    kodepoli=r[3],
                    namapoli=r[4],
                    terlaksana=r[5],
                )
                for r in rows
            ]

        return await self._read(find)

    async def ambil_antrean_farmasi(self, request: KodeBookingRequest) -> PharmacyTicket | Refusal:
        def take(conn: sqlite3.Connection) -> PharmacyTicket | Refusal:
            facts = self._facts_sync(conn, request.kodebooking)
            if facts is None:
                return refuse(Rule.BOOKING_UNKNOWN)
            if facts.state is BookingState.CANCELLED:
                return refuse(Rule.ALREADY_CANCELLED)
            row = conn.execute(
                "SELECT nomor, jenisresep FROM farmasi WHERE kodebooking = ?",
                (request.kodebooking,),
            ).fetchone()
            if row is None:
                tanggal = facts.tanggalperiksa.isoformat()
                nomor = (
                    conn.execute(
                        "SELECT COALESCE(MAX(nomor), 0) FROM farmasi WHERE tanggal = ?", (tanggal,)
                    ).fetchone()[0]
                    + 1
                )
                row = (nomor, "Non Racikan")
                conn.execute(
                    "INSERT INTO farmasi VALUES (?, ?, ?, ?)",
                    (request.kodebooking, tanggal, nomor, row[1]),
                )
            return PharmacyTicket(jenisresep=row[1], nomorantrean=row[0])

        return await self._write(take)

    async def status_antrean_farmasi(self, request: KodeBookingRequest) -> PharmacyStatus | Refusal:
        def status(conn: sqlite3.Connection) -> PharmacyStatus | Refusal:
            row = conn.execute(
                "SELECT tanggal, nomor, jenisresep FROM farmasi WHERE kodebooking = ?",
                (request.kodebooking,),
            ).fetchone()
            if row is None:
                if self._facts_sync(conn, request.kodebooking) is None:
                    return refuse(Rule.BOOKING_UNKNOWN)
                return refuse(Rule.NO_DATA)
            total = conn.execute(
                "SELECT COUNT(*) FROM farmasi WHERE tanggal = ?", (row[0],)
            ).fetchone()[0]
            return PharmacyStatus(
                jenisresep=row[2], totalantrean=total, sisaantrean=row[1] - 1, antreanpanggil=0
            )

        return await self._read(status)


def create_app(
    backend: SqliteBackend,
    *,
    credentials: Mapping[str, str],
    token_ttl: float = 3600.0,
    task_sink: TaskSink | None = None,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    """The reference app: the kit's router at the root over ``backend``."""
    app = FastAPI(title="WS RS (vclaim-async reference)", docs_url=None, redoc_url=None)
    app.include_router(
        create_router(
            backend,
            credentials=credentials,
            token_ttl=token_ttl,
            task_sink=task_sink,
            policy=BookingPolicy(max_days_ahead=7, same_day=True),
            clock=clock,
        )
    )
    return app


def app_from_env(environ: Mapping[str, str] = os.environ) -> FastAPI:
    """The app ``uvicorn examples.wsrs_app:app`` serves, configured from the environment."""
    username = environ.get("VCLAIM_WSRS_USERNAME", "")
    password = environ.get("VCLAIM_WSRS_PASSWORD", "")
    if not username or not password:
        raise SystemExit(
            "wsrs_app: set VCLAIM_WSRS_USERNAME and VCLAIM_WSRS_PASSWORD (the credentials "
            "the hospital gives BPJS); refusing to start without them"
        )
    path = environ.get("VCLAIM_WSRS_DB") or str(
        Path(tempfile.mkdtemp(prefix="wsrs-")) / "wsrs.sqlite3"
    )
    ttl = float(environ.get("VCLAIM_WSRS_TOKEN_TTL", "3600"))
    return create_app(SqliteBackend(path), credentials={username: password}, token_ttl=ttl)


def __getattr__(name: str) -> Any:
    # ``app`` is built when uvicorn asks for it, so that importing this module (tests, docs)
    # needs no environment, and a missing credential stops ``uvicorn`` with one clear line.
    if name == "app":
        app = app_from_env()
        globals()["app"] = app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
