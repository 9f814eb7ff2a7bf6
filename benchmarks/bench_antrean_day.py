"""A simulated clinic day of Antrean task events, through Redis Streams workers and the CLI.

    python benchmarks/bench_antrean_day.py [--bookings 500] [--workers 4] [--lose 0.10]
        [--fail 0.05] [--only queue,cli] [--redis-url redis://127.0.0.1:6379/15]

Both parts use one simulator (in a thread of this process) with ``--bookings`` bookings for
today (WIB) and the same events: new patients 1-7, existing patients 3-5 or 3-7, some visits
ending in 99. ``--lose`` of the ``updatewaktu`` answers are lost after the task landed and
``--fail`` are 502 pages (nothing landed).

* **queue**: this process adds every event to a :class:`TaskQueue` (a unique prefix on the
  given Redis, deleted afterwards) in time order across visits; ``--workers`` worker processes
  report them; a third of the way through, worker 0 is killed with SIGKILL and restarted
  (same consumer name) two seconds later.
* **cli**: the events go to a CSV; ``vclaim-async antrean tasks`` runs against the simulator,
  is killed with SIGKILL a third of the way through, then run again to the end.

Each part then checks, at the simulator: every event recorded exactly once, no refusal (so
none caused by the client's ordering), and requests <= events + retries, where the retries
are what the faults forced (a ``getlisttask`` per lost answer, a re-send per 502) plus the
re-reads the kill caused. Prints one markdown table for RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vclaim_async.testing import VClaimSimulator  # noqa: E402

WIB = datetime.timezone(datetime.timedelta(hours=7))
Event = tuple[str, int, int, str | None]


def clinic_day(bookings: int, seed: int = 19) -> tuple[list[str], list[Event]]:
    """Booking codes and their events (kodebooking, taskid, waktu ms, jenisresep)."""
    rng = random.Random(seed)
    now = datetime.datetime.now(WIB)
    opening = now.replace(hour=7, minute=0, second=0, microsecond=0)
    # The whole day must lie before now, on today's date in WIB (the simulator's rules).
    span = max(60.0, (now - opening).total_seconds() - 3600)
    codes, events = [], []
    for n in range(bookings):
        code = f"{now:%Y%m%d}B{n:05d}"
        codes.append(code)
        kind = rng.random()
        if kind < 0.65:
            chain = [1, 2, 3, 4, 5, 6, 7]
        elif kind < 0.90:
            chain = [3, 4, 5, 6, 7]
        elif kind < 0.95:
            chain = [3, 4, 5]
        else:
            chain = [1, 2, 99] if rng.random() < 0.5 else [3, 99]
        at = opening + datetime.timedelta(seconds=rng.uniform(0, span * 0.6))
        for taskid in chain:
            at += datetime.timedelta(seconds=rng.randint(30, 600))
            resep = "Non racikan" if taskid == 5 and 6 in chain else None
            events.append((code, taskid, int(at.timestamp() * 1000), resep))
    events.sort(key=lambda e: e[2])
    return codes, events


def antrean_paths(sim: VClaimSimulator) -> Counter[str]:
    return Counter(
        r.path.rsplit("/", 1)[-1] for r in sim.requests if "/antreanrs/antrean/" in r.path
    )


def fault_hits(sim: VClaimSimulator) -> Counter[str]:
    hits: Counter[str] = Counter()
    for fault in sim.faults.faults:
        hits[fault.kind if fault.kind != "status" else str(fault.status)] += fault.hits
    return hits


def verify(sim: VClaimSimulator, events: list[Event]) -> dict[str, Any]:
    state = sim.antrean_state
    recorded = Counter((e.kodebooking, e.taskid) for e in state.task_events)
    wanted = {(e[0], e[1]) for e in events}
    paths = antrean_paths(sim)
    hits = fault_hits(sim)
    return {
        "events": len(events),
        "recorded": sum(recorded.values()),
        "exactly_once": set(recorded) == wanted and set(recorded.values()) == {1},
        "twice": sum(1 for n in recorded.values() if n > 1),
        "missing": len(wanted - set(recorded)),
        "refusals": len(state.refusals),
        "updatewaktu": paths["updatewaktu"],
        "getlisttask": paths["getlisttask"],
        "lost": hits["lose_answer"],
        "502": hits["502"],
    }


# -- the queue part ------------------------------------------------------------------------


async def worker_main(args: argparse.Namespace) -> None:
    """One worker process: report until SIGTERM."""
    from vclaim_async.antrean import AntreanClient, AntreanConfig
    from vclaim_async.antrean.queue import TaskQueue, TaskWorker
    from vclaim_async.antrean.reporter import TaskReporter

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    queue = TaskQueue.from_url(args.redis_url, prefix=args.prefix)
    config = AntreanConfig.from_env(max_concurrency=8, timeout=5.0)
    async with AntreanClient(config) as client:
        reporter = TaskReporter(client.antrean, max_visits=8, settle=0.3, backoff=0.05)
        worker = TaskWorker(
            queue,
            reporter,
            consumer=args.worker,
            claim_idle=3.0,
            claim_every=1.0,
            lease=5.0,
            lock_wait=2.0,
            block=0.2,
        )
        await worker.run(stop)
    await queue.aclose()


def spawn(name: str, args: argparse.Namespace, prefix: str, env: dict[str, str]) -> Any:
    return subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--worker",
            name,
            "--redis-url",
            args.redis_url,
            "--prefix",
            prefix,
        ],
        env={**os.environ, **env},
        cwd=ROOT,
    )


async def queue_day(args: argparse.Namespace) -> dict[str, Any]:
    from vclaim_async.antrean.queue import TaskQueue

    codes, events = clinic_day(args.bookings)
    prefix = f"vclaimbench:{{{uuid.uuid4().hex}}}"
    with VClaimSimulator(record=True, max_recorded=None).in_thread() as sim:
        for code in codes:
            sim.antrean_state.add_booking(code)
        queue = TaskQueue.from_url(args.redis_url, prefix=prefix)
        await queue.setup()
        started = time.monotonic()
        for kb, taskid, waktu, resep in events:
            await queue.add(kb, taskid, waktu, resep)
        sim.faults.mix(
            ".*", {"lose_answer": args.lose, "502": args.fail}, operation="antrean.update_waktu"
        )
        workers = [spawn(f"w{n}", args, prefix, sim.env()) for n in range(args.workers)]
        killed_at = restarted = None
        try:
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                await asyncio.sleep(0.25)
                done = len(sim.antrean_state.task_events)
                if killed_at is None and done >= len(events) // 3:
                    workers[0].send_signal(signal.SIGKILL)
                    workers[0].wait()
                    killed_at = time.monotonic()
                if killed_at and restarted is None and time.monotonic() - killed_at >= 2:
                    workers[0] = spawn("w0", args, prefix, sim.env())
                    restarted = done
                if restarted is not None and await queue.backlog() == 0:
                    break
            elapsed = time.monotonic() - started
        finally:
            for proc in workers:
                proc.send_signal(signal.SIGTERM)
            for proc in workers:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        result = verify(sim, events)
        stats = await queue.stats()
        result.update(
            part="queue",
            seconds=round(elapsed, 1),
            backlog=await queue.backlog(),
            dead=len(await queue.dead_letters()),
            client_requests=stats.get("requests", 0),
            statuses={k: v for k, v in stats.items() if k not in ("requests", "resent", "checked")},
        )
        keys = [k async for k in queue.redis.scan_iter(match=prefix + "*")]
        if keys:
            await queue.redis.delete(*keys)
        await queue.aclose()
    return result


# -- the CLI part --------------------------------------------------------------------------


def cli_day(args: argparse.Namespace) -> dict[str, Any]:
    codes, events = clinic_day(args.bookings)
    with (
        tempfile.TemporaryDirectory() as tmp,
        VClaimSimulator(record=True, max_recorded=None).in_thread() as sim,
    ):
        for code in codes:
            sim.antrean_state.add_booking(code)
        source, out = Path(tmp, "events.csv"), Path(tmp, "sent.csv")
        with source.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["kodebooking", "taskid", "waktu", "jenisresep"])
            writer.writerows([kb, t, w, r or ""] for kb, t, w, r in events)
        sim.faults.mix(
            ".*", {"lose_answer": args.lose, "502": args.fail}, operation="antrean.update_waktu"
        )
        command = [
            sys.executable, "-m", "vclaim_async", "antrean", "tasks", "--input", str(source),
            "--out", str(out), "--concurrency", "8", "--settle", "0.3", "-q", "--keep-journal",
        ]  # fmt: skip
        env = {**os.environ, **sim.env()}
        started = time.monotonic()
        first = subprocess.Popen(command, env=env, cwd=ROOT)
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.1)
            if len(sim.antrean_state.task_events) >= len(events) // 3:
                first.send_signal(signal.SIGKILL)
                break
        first.wait()
        at_kill = len(sim.antrean_state.task_events)
        second = subprocess.run(command, env=env, cwd=ROOT, timeout=args.timeout, check=False)
        elapsed = time.monotonic() - started
        result = verify(sim, events)
        with out.open() as fh:
            rows = list(csv.DictReader(fh))
        statuses = Counter(row["status"] for row in rows)
        result.update(
            part="cli",
            seconds=round(elapsed, 1),
            killed_after=at_kill,
            first_exit=first.returncode,
            rerun_exit=second.returncode,
            statuses=dict(statuses),
            client_requests=sum(int(row["requests"]) for row in rows),
        )
    return result


def table(results: list[dict[str, Any]]) -> str:
    """One row per part. Retries are what the client counted beyond one send per event
    (re-sends and getlisttask look-ups); "in flight at the kill" are requests the killed
    process sent whose outcome it never recorded."""
    lines = [
        "| part | events | recorded exactly once | refusals | lost / 502 answers "
        "| requests (updatewaktu + getlisttask) | requests <= events + retries | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        requests = r["updatewaktu"] + r["getlisttask"]
        retries = r["client_requests"] - r["events"]
        unaccounted = requests - r["client_requests"]
        lines.append(
            f"| {r['part']} | {r['events']:,} | {r['recorded']:,} ({r['exactly_once']}) "
            f"| {r['refusals']} | {r['lost']} / {r['502']} "
            f"| {requests:,} ({r['updatewaktu']:,} + {r['getlisttask']:,}) "
            f"| {requests:,} <= {r['events']:,} + {retries} + {unaccounted} in flight at the kill "
            f"| {r['seconds']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookings", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--lose", type=float, default=0.10)
    parser.add_argument("--fail", type=float, default=0.05)
    parser.add_argument("--only", default="queue,cli")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--prefix", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(worker_main(args))
        return
    results = []
    parts = args.only.split(",")
    if "queue" in parts:
        results.append(asyncio.run(queue_day(args)))
    if "cli" in parts:
        results.append(cli_day(args))
    for r in results:
        print(r, file=sys.stderr)
    print(table(results))
    ok = all(r["exactly_once"] and r["refusals"] == 0 for r in results)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
