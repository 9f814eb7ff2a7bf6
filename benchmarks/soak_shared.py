"""Soak: four processes keep the shared cap saturated for minutes while the network misbehaves.

    python benchmarks/soak_shared.py [--minutes 11] [--port 6391] [--out soak.json]

Run by hand (it loads the machine for its whole length), never by the test suite. What runs:

- a private ``redis-server`` on ``--port`` (never the shared one: it is restarted and
  flushed), a simulator process answering every look-up after 50 ms, and four worker
  processes, each a client with ``max_concurrency=10`` sharing ``RedisLimiter(max_in_flight=10,
  fail_closed=True)``, each running 10 look-up loops (40 callers for 10 slots). Every call
  has ``RetryPolicy(attempts=3, deadline=4)``; each worker reports, every second, the calls
  that ended, their errors and how far any ran past its deadline. Worker 0 reaches Redis
  through a loopback proxy (tests/redis/_proxy.py) so its connections can be blackholed.
- a timeline of faults (seconds from the start, scaled by ``--minutes``): kill -9 of a random
  worker (started again at once), a Redis restart, FLUSHALL, worker 0's connections
  blackholed (no FIN, no RST; new connections work again half a second later, as after a
  NAT forgot a flow), and 1,000 ``wait_for``-cancelled look-ups from a fifth process whose
  Redis is 1 ms away each way (a proxy adding latency).
- every 0.5 s: the simulator's peak in flight and served count for that half second (reset
  each time), and the holders in Redis (longest name; how long any name of the cancelling
  process stays held).

It prints one JSON summary and writes it to ``--out``: server peak outside the FLUSHALL
window, throughput outside the outage windows as a share of 10 / 50 ms, the longest holder
name, the longest a cancelled caller's slot stayed held, and the worst overrun of a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import ROOT, server

sys.path.insert(0, str(ROOT / "tests" / "redis"))

from _proxy import TcpProxy

from vclaim_async import RetryPolicy, VClaimClient, VClaimConfig, VClaimError

LATENCY = 0.05
PROCESSES = 4
LOCAL_CAP = 10
SHARED = 10
DEADLINE = 4.0
LEASE = 10.0
SERVICE_DATE = "2024-03-01"
CANCELLATIONS = 1000
#: Seconds after a FLUSHALL during which the requests already on the wire are not counted by
#: Redis (they were wiped with it): documented in docs/several-processes.md.
FLUSH_WINDOW = 1.0


def _config(info: dict[str, Any]) -> VClaimConfig:
    return VClaimConfig(
        cons_id=info["cons_id"],
        secret=info["secret"],
        user_key=info["user_key"],
        base_url=info["url"],
        max_concurrency=LOCAL_CAP,
        retry=RetryPolicy(attempts=3, initial_backoff=0.05, max_backoff=0.5, deadline=DEADLINE),
        timeout=2.0,
    )


def _limiter(url: str, key: str) -> Any:
    from vclaim_async.redis import RedisLimiter

    return RedisLimiter(url, max_in_flight=SHARED, key=key, lease=LEASE, fail_closed=True)


# -- the worker processes -------------------------------------------------------------------


async def _worker(settings: dict[str, Any]) -> None:
    """Ten loops of look-ups until stdin closes; one JSON line of counts every second."""
    config = _config(settings["info"])
    cards: list[str] = settings["info"]["cards"]
    ended = 0
    errors: dict[str, int] = {}
    over = 0.0
    stop = asyncio.Event()
    async with VClaimClient(config, limiter=_limiter(settings["redis"], settings["key"])) as c:

        async def loop(i: int) -> None:
            nonlocal ended, over
            n = i
            while not stop.is_set():
                n += LOCAL_CAP
                t0 = time.monotonic()
                try:
                    await c.peserta.by_card(cards[n % len(cards)], SERVICE_DATE)
                except VClaimError as exc:
                    name = type(exc).__name__ + f"/{getattr(exc, 'waited_for', None) or ''}"
                    errors[name] = errors.get(name, 0) + 1
                ended += 1
                over = max(over, time.monotonic() - t0 - DEADLINE)

        async def report() -> None:
            nonlocal ended, over
            while not stop.is_set():
                await asyncio.sleep(1.0)
                line = {"t": time.time(), "ended": ended, "errors": dict(errors), "over": over}
                ended, over = 0, 0.0
                errors.clear()
                print(json.dumps(line), flush=True)

        def on_stdin() -> None:
            if not sys.stdin.readline():  # closed: the soak is over
                stop.set()

        asyncio.get_running_loop().add_reader(sys.stdin.fileno(), on_stdin)
        print(json.dumps({"ready": True}), flush=True)
        await asyncio.gather(report(), *(loop(i) for i in range(LOCAL_CAP)))


async def _canceller(settings: dict[str, Any]) -> None:
    """1,000 look-ups each cancelled by wait_for after 0-60 ms; prints its limiter token."""
    config = _config(settings["info"])
    cards: list[str] = settings["info"]["cards"]
    limiter = _limiter(settings["redis"], settings["key"])
    cancelled = 0
    async with VClaimClient(config, limiter=limiter) as client:
        await limiter.release(await limiter.acquire())
        print(json.dumps({"token": limiter._token}), flush=True)
        sem = asyncio.Semaphore(10)

        async def one(i: int) -> None:
            nonlocal cancelled
            async with sem:
                look = client.peserta.by_card(cards[i % len(cards)], SERVICE_DATE)
                try:
                    await asyncio.wait_for(look, random.uniform(0.0, 0.06))
                except asyncio.TimeoutError:
                    cancelled += 1
                except VClaimError:
                    pass

        await asyncio.gather(*(one(i) for i in range(CANCELLATIONS)))
        await asyncio.sleep(1.0)  # background give-backs finish before the client closes
    print(json.dumps({"cancelled": cancelled}), flush=True)


# -- the orchestra --------------------------------------------------------------------------


def _redis_server(port: int) -> subprocess.Popen[bytes]:
    import redis

    binary = shutil.which("redis-server")
    assert binary is not None
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            redis.Redis(port=port, socket_connect_timeout=0.2).ping()
            return proc
        except redis.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("the private redis-server did not start")


class Soak:
    def __init__(self, minutes: float, port: int) -> None:
        self.length = minutes * 60
        self.port = port
        self.key = f"vclaim-soak:{{{uuid.uuid4().hex[:12]}}}"
        self.direct = f"redis://127.0.0.1:{port}/0"
        self.samples: list[dict[str, Any]] = []
        self.reports: list[dict[str, Any]] = []
        self.events: list[tuple[str, float, float]] = []  # name, start, end (epoch s)
        self.longest_name = 0
        self.cancel_token: str | None = None
        self.cancel_seen: dict[str, tuple[float, float]] = {}
        self.workers: list[asyncio.subprocess.Process | None] = [None] * PROCESSES
        self.redis_proc: subprocess.Popen[bytes] | None = None
        self.stop = False

    def at(self, fraction: float) -> float:
        return self.length * fraction

    async def spawn(self, mode: str, settings: dict[str, Any]) -> asyncio.subprocess.Process:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            mode,
            json.dumps(settings),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        return proc

    async def start_worker(self, index: int, info: dict[str, Any], proxy: TcpProxy) -> None:
        url = proxy.url if index == 0 else self.direct
        proc = await self.spawn("--worker", {"info": info, "redis": url, "key": self.key})
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 60)
        assert json.loads(line)["ready"], line
        self.workers[index] = proc
        asyncio.get_running_loop().create_task(self.read_reports(index, proc))

    async def read_reports(self, index: int, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        while True:
            line = await proc.stdout.readline()
            if not line:
                return
            report = json.loads(line)
            report["worker"] = index
            self.reports.append(report)

    async def sample(self, srv: Any) -> None:
        """The server's peak in flight and served count for each half second."""
        while not self.stop:
            await asyncio.sleep(0.5)
            stats = await asyncio.to_thread(srv.stats)
            await asyncio.to_thread(srv.reset)
            self.samples.append(
                {"t": time.time(), "peak": stats["peak_in_flight"], "served": stats["served"]}
            )

    async def watch_holders(self) -> None:
        """The holders in Redis every 0.1 s: name sizes, and names of the cancelling process."""
        import redis.asyncio as aioredis

        store = aioredis.Redis.from_url(self.direct, socket_timeout=1, socket_connect_timeout=1)
        holders = self.key + ":holders"
        while not self.stop:
            await asyncio.sleep(0.1)
            try:
                names = [n.decode() for n in await store.zrange(holders, 0, -1)]
            except Exception:
                continue
            now = time.time()
            if names:
                self.longest_name = max(self.longest_name, max(map(len, names)))
            if self.cancel_token:
                for name in names:
                    if name.startswith(self.cancel_token + ":"):
                        first, _ = self.cancel_seen.get(name, (now, now))
                        self.cancel_seen[name] = (first, now)
        await store.aclose()

    async def run(self) -> dict[str, Any]:
        redis_proc = _redis_server(self.port)
        self.redis_proc = redis_proc
        start = time.time()
        with server("simulator", "--latency", str(LATENCY), lifetime=self.length + 300) as srv:
            info = srv.info
            async with TcpProxy(self.port) as proxy, TcpProxy(self.port, latency=0.001) as slow:
                for index in range(PROCESSES):
                    await self.start_worker(index, info, proxy)
                sampler = asyncio.get_running_loop().create_task(self.sample(srv))
                watcher = asyncio.get_running_loop().create_task(self.watch_holders())
                start = time.time()
                timeline = [
                    (0.12, "kill -9"),
                    (0.27, "redis restart"),
                    (0.42, "flushall"),
                    (0.57, "blackhole"),
                    (0.72, "cancellations"),
                ]
                for fraction, name in timeline:
                    await asyncio.sleep(max(0.0, start + self.at(fraction) - time.time()))
                    began = time.time()
                    await self.fault(name, info, proxy, slow)
                    self.events.append((name, began, time.time()))
                    print(f"{time.time() - start:7.1f} s  {name} done", file=sys.stderr)
                await asyncio.sleep(max(0.0, start + self.length - time.time()))
                self.stop = True
                await sampler
                await watcher
                for proc in self.workers:
                    if proc is not None and proc.stdin is not None:
                        proc.stdin.close()
                for proc in self.workers:
                    if proc is not None:
                        try:
                            await asyncio.wait_for(proc.wait(), 30)
                        except asyncio.TimeoutError:
                            proc.kill()
                            await proc.wait()
        if self.redis_proc is not None:
            self.redis_proc.kill()
            self.redis_proc.wait()
        return self.summary(start)

    async def fault(self, name: str, info: dict[str, Any], proxy: TcpProxy, slow: TcpProxy) -> None:
        if name == "kill -9":
            index = random.randrange(1, PROCESSES)
            proc = self.workers[index]
            assert proc is not None
            os.kill(proc.pid, signal.SIGKILL)
            await proc.wait()
            await self.start_worker(index, info, proxy)
        elif name == "redis restart":
            assert self.redis_proc is not None
            self.redis_proc.kill()
            self.redis_proc.wait()
            await asyncio.sleep(1.0)
            self.redis_proc = await asyncio.to_thread(_redis_server, self.port)
        elif name == "flushall":
            import redis.asyncio as aioredis

            store = aioredis.Redis.from_url(self.direct)
            await store.flushall()
            await store.aclose()
        elif name == "blackhole":
            proxy.blackhole()
            await asyncio.sleep(0.5)
            proxy.heal()
        elif name == "cancellations":
            settings = {"info": info, "redis": slow.url, "key": self.key}
            proc = await self.spawn("--canceller", settings)
            assert proc.stdout is not None
            self.cancel_token = json.loads(await proc.stdout.readline())["token"]
            out = await asyncio.wait_for(proc.stdout.readline(), 600)
            await proc.wait()
            self.cancelled = json.loads(out)["cancelled"]

    def summary(self, start: float) -> dict[str, Any]:
        bound = SHARED / LATENCY
        flush = [(s, e + FLUSH_WINDOW) for n, s, e in self.events if n == "flushall"]
        # Outage windows: the fault, then a lease for slots whose holder was killed or cut
        # off, and two seconds to settle.
        outages = [(s, e + LEASE + 2.0) for n, s, e in self.events if n != "cancellations"]
        warmup = start + 5.0

        def inside(t: float, windows: list[tuple[float, float]], width: float = 0.5) -> bool:
            return any(t - width < e and t > s for s, e in windows)

        counted = [x for x in self.samples if x["t"] > warmup]
        peak_out = max((x["peak"] for x in counted if not inside(x["t"], flush)), default=0)
        peak_in = max((x["peak"] for x in counted if inside(x["t"], flush)), default=0)
        steady = [x for x in counted if not inside(x["t"], outages)]
        served = sum(x["served"] for x in steady)
        span = 0.5 * len(steady)
        rate = served / span if span else 0.0
        per_window = [x["served"] / 0.5 / bound for x in steady]
        over = max((r["over"] for r in self.reports), default=0.0)
        errors: dict[str, int] = {}
        for report in self.reports:
            for name, n in report["errors"].items():
                errors[name] = errors.get(name, 0) + n
        held = max((last - first for first, last in self.cancel_seen.values()), default=0.0)
        result = {
            "minutes": round((time.time() - start) / 60, 1),
            "events": {n: round(s - start, 1) for n, s, _ in self.events},
            "peak_outside_flush_window": peak_out,
            "peak_inside_flush_window": peak_in,
            "over_cap_at_s": [round(x["t"] - start, 1) for x in counted if x["peak"] > SHARED],
            "throughput_per_s_outside_outages": round(rate, 1),
            "share_of_bound": round(rate / bound, 4),
            "worst_half_second_share": round(min(per_window, default=0.0), 3),
            "steady_seconds": span,
            "longest_holder_name": self.longest_name,
            "cancelled": getattr(self, "cancelled", 0),
            "longest_held_by_cancelling_process_s": round(held, 2),
            "worst_deadline_overrun_s": round(over, 3),
            "calls_ended": sum(r["ended"] for r in self.reports),
            "errors": errors,
        }
        result["verdict"] = {
            "peak <= cap outside FLUSHALL window": peak_out <= SHARED,
            "throughput >= 85% outside outages": rate / bound >= 0.85,
            "holder names constant size": self.longest_name <= 40,
            "no slot held > 1 s by a cancelled caller": held <= 1.0,
            "every call within deadline + 0.5 s": over <= 0.5,
        }
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=11.0)
    parser.add_argument("--port", type=int, default=6391)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = asyncio.run(Soak(args.minutes, args.port).run())
    text = json.dumps(result, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        asyncio.run(_worker(json.loads(sys.argv[2])))
    elif sys.argv[1:2] == ["--canceller"]:
        asyncio.run(_canceller(json.loads(sys.argv[2])))
    else:
        main()
