"""1,000 concurrent Mobile JKN calls against the reference WS RS (examples/wsrs_app.py).

    python benchmarks/bench_wsrs.py [--calls 1000] [--port 0]

Starts ``uvicorn examples.wsrs_app:app`` (one process, as documented) on loopback over a fresh
SQLite file seeded with ``--calls`` extra synthetic patients, takes one token, then fires:

1. ``--calls`` Ambil Antrean at once, each for a different patient, on one session
   (INT / 90002, tomorrow): every one must be 200 and no queue number may repeat;
2. ``--calls`` reads at once: Status Antrean and Sisa Antrean of the bookings, alternating.

Prints, per phase, errors (anything but ``metadata.code`` 200, or a transport error), the
double-booked queue numbers (bookings minus distinct numbers in the database) and the latency
p50/p99/max seen by the client, as a markdown table for RESULTS.md. Exit 1 if any error or
double booking.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import msgspec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from examples.wsrs_app import SqliteBackend  # noqa: E402
from vclaim_async.antrean.wsrs import WIB  # noqa: E402

USER, PASSWORD = "bench", "bench-password-not-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _phase(
    http: aiohttp.ClientSession, url: str, token: str, calls: list[tuple[str, dict[str, Any]]]
) -> tuple[list[float], int, list[Any]]:
    headers = {"x-token": token, "x-username": USER}

    async def one(path: str, body: dict[str, Any]) -> tuple[float, bool, Any]:
        started = time.perf_counter()
        try:
            async with http.post(f"{url}/{path}", data=msgspec.json.encode(body),
                                 headers=headers) as resp:  # fmt: skip
                data = msgspec.json.decode(await resp.read())
            ok = resp.status == 200 and data["metadata"]["code"] == 200
            return time.perf_counter() - started, ok, data.get("response")
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError):
            return time.perf_counter() - started, False, None

    results = await asyncio.gather(*(one(path, body) for path, body in calls))
    return [r[0] for r in results], sum(1 for r in results if not r[1]), [r[2] for r in results]


def start_server(calls: int, port: int) -> tuple[subprocess.Popen[bytes], Path, list[Any], int]:
    """The reference app under uvicorn on a fresh database with ``calls`` extra patients."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-wsrs-"))
    db = workdir / "wsrs.sqlite3"
    patients = SqliteBackend(db).add_patients(calls)
    port = port or _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCLAIM_")} | {
        "VCLAIM_WSRS_USERNAME": USER,
        "VCLAIM_WSRS_PASSWORD": PASSWORD,
        "VCLAIM_WSRS_DB": str(db),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "examples.wsrs_app:app", "--port", str(port),
         "--log-level", "warning", "--backlog", str(max(2048, calls * 2))],
        cwd=ROOT, env=env,
    )  # fmt: skip
    return server, db, patients, port


async def bench(
    calls: int, server: subprocess.Popen[bytes], db: Path, patients: list[Any], port: int
) -> int:
    url = f"http://127.0.0.1:{port}"
    rows: list[str] = []
    failed = False
    try:
        connector = aiohttp.TCPConnector(limit=calls)
        timeout = aiohttp.ClientTimeout(total=120)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    async with http.get(
                        f"{url}/auth", headers={"x-username": USER, "x-password": PASSWORD}
                    ) as resp:
                        token = (await resp.json())["response"]["token"]
                    break
                except aiohttp.ClientConnectionError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.1)
            day = (datetime.datetime.now(WIB) + datetime.timedelta(days=1)).date().isoformat()
            bookings = [
                ("ambilantrean", {
                    "nomorkartu": card, "nik": nik, "nohp": "0800", "kodepoli": "INT",
                    "norm": norm, "tanggalperiksa": day, "kodedokter": 90002,
                    "jampraktek": "00:00-23:59", "jeniskunjungan": 3, "nomorreferensi": "",
                })
                for norm, card, nik in patients
            ]  # fmt: skip
            started = time.perf_counter()
            latencies, errors, responses = await _phase(http, url, token, bookings)
            wall = time.perf_counter() - started
            conn = sqlite3.connect(db)
            total, distinct = conn.execute(
                "SELECT COUNT(*), COUNT(DISTINCT angkaantrean) FROM booking WHERE tanggal = ?"
                " AND kodepoli = 'INT' AND kodedokter = 90002",
                (day,),
            ).fetchone()
            conn.close()
            double = total - distinct
            rows.append(_row("Ambil Antrean", calls, errors, double, latencies, wall))
            failed |= bool(errors or double or total != calls)
            codes = [r["kodebooking"] for r in responses if isinstance(r, dict)]
            status = {"kodepoli": "INT", "kodedokter": 90002, "tanggalperiksa": day,
                      "jampraktek": "00:00-23:59"}  # fmt: skip
            reads = [
                ("statusantrean", status) if i % 2 else
                ("sisaantrean", {"kodebooking": codes[i % max(1, len(codes))]})
                for i in range(calls)
            ]  # fmt: skip
            started = time.perf_counter()
            latencies, errors, _ = await _phase(http, url, token, reads)
            wall = time.perf_counter() - started
            rows.append(_row("Status + Sisa Antrean", calls, errors, 0, latencies, wall))
            failed |= bool(errors)
    finally:
        server.terminate()
    print(f"python benchmarks/bench_wsrs.py --calls {calls}  ({sys.platform}, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]})")  # fmt: skip
    print(
        "| phase | concurrent calls | errors | double-booked | p50 ms | p99 ms | max ms | wall s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(row)
    return 1 if failed else 0


def _row(name: str, calls: int, errors: int, double: int, lat: list[float], wall: float) -> str:
    ms = [x * 1000 for x in lat]
    return (
        f"| {name} | {calls} | {errors} | {double} | {statistics.median(ms):.0f} | "
        f"{_quantile(ms, 0.99):.0f} | {max(ms):.0f} | {wall:.2f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    if not 1 <= args.calls <= 5000:
        parser.error("--calls between 1 and 5000 (the session's JKN quota)")
    server, db, patients, port = start_server(args.calls, args.port)
    try:
        return asyncio.run(bench(args.calls, server, db, patients, port))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
