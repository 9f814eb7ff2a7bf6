"""Loopback servers for the benchmarks, each run in its own process so its CPU is not counted.

Started by :class:`_harness.ServerProcess`, never by hand::

    python benchmarks/_server.py envelope --body-file F   # one pre-built answer for any path
    python benchmarks/_server.py simulator [--latency S] [--fail-probability P] ...

It prints one JSON line when it listens (``{"url": ..., "cards": [...]}``), then answers
commands on stdin, one per line, with one JSON line each: ``stats`` (connections opened, peak
requests in flight, requests served), ``reset`` (forget them), ``quit``. It stops by itself
when stdin closes or after ``--lifetime`` seconds, whichever comes first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a plain clone, installed or not

from aiohttp import web  # noqa: E402

from vclaim_async.testing import Fault, VClaimSimulator  # noqa: E402


class _Counters:
    """What the envelope server can tell: the same counters the simulator keeps."""

    def __init__(self) -> None:
        self.connections: set[tuple[str, int]] = set()
        self.served = 0
        self.in_flight = 0
        self.peak_in_flight = 0


async def _envelope_server(body: bytes, host: str) -> tuple[str, _Counters, web.AppRunner]:
    counters = _Counters()

    async def answer(request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        if peer:
            counters.connections.add((str(peer[0]), int(peer[1])))
        counters.served += 1
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return f"http://{host}:{port}/vclaim-rest", counters, runner


def _stats(source: Any) -> dict[str, Any]:
    faults = source.faults.faults if isinstance(source, VClaimSimulator) else []
    return {
        "connections": len(source.connections),
        "peak_in_flight": source.peak_in_flight,
        "served": source.served,
        # Injected error pages answered (they never reach a route, so ``served`` omits them).
        "failed": sum(f.hits for f in faults if f.kind == "status"),
        "cpu": time.process_time(),
    }


def _reset(source: Any) -> None:
    source.connections.clear()
    source.peak_in_flight = source.in_flight
    source.served = 0
    if isinstance(source, VClaimSimulator):
        for fault in source.faults.faults:
            fault.hits = 0


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["envelope", "simulator"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--body-file", type=Path, help="envelope: the bytes to answer with")
    parser.add_argument("--latency", type=float, default=0.0, help="simulator: seconds")
    parser.add_argument("--jitter", type=float, default=0.0, help="simulator: ± seconds")
    parser.add_argument("--fail-probability", type=float, default=0.0, help="simulator: 502s")
    parser.add_argument("--participants", type=int, default=1000, help="simulator")
    parser.add_argument("--lifetime", type=float, default=900.0, help="stop after this long")
    args = parser.parse_args()

    runner: web.AppRunner | None = None
    sim: VClaimSimulator | None = None
    info: dict[str, Any]
    if args.kind == "envelope":
        url, source, runner = await _envelope_server(args.body_file.read_bytes(), args.host)
        info = {"url": url}
    else:
        # record=False: a long bulk run must not keep every request in memory.
        sim = VClaimSimulator(host=args.host, participant_count=args.participants, record=False)
        if args.latency:
            spread = (args.latency - args.jitter, args.latency + args.jitter)
            sim.faults.delay("Peserta", spread if args.jitter else args.latency, times=None)
        if args.fail_probability:
            sim.faults.add(
                Fault(
                    "status", "Peserta", times=None, status=502, probability=args.fail_probability
                )
            )
        await sim.start()
        source = sim
        info = {
            "url": sim.base_url,
            "cons_id": sim.cons_id,
            "secret": sim.secret,
            "user_key": sim.user_key,
            "cards": sim.participants.cards(),
        }
    print(json.dumps(info), flush=True)

    loop = asyncio.get_running_loop()
    done = asyncio.Event()

    def on_command() -> None:
        line = sys.stdin.readline()
        command = line.strip()
        if not line or command == "quit":
            done.set()
            return
        if command == "reset":
            _reset(source)
            reply: dict[str, Any] = {"ok": True}
        elif command == "stats":
            reply = _stats(source)
        else:
            reply = {"error": f"unknown command {command!r}"}
        print(json.dumps(reply), flush=True)

    loop.add_reader(sys.stdin.fileno(), on_command)
    try:
        await asyncio.wait_for(done.wait(), timeout=args.lifetime)
    except asyncio.TimeoutError:
        print(json.dumps({"error": "lifetime exceeded"}), file=sys.stderr, flush=True)
    finally:
        loop.remove_reader(sys.stdin.fileno())
        if sim is not None:
            await sim.close()
        if runner is not None:
            await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
    sys.stdout.flush()
    os._exit(0)  # no lingering threads or pipes keep a benchmark server alive
