"""``vclaim-async check``: rows per second of CPU against a zero-latency simulator.

The command runs as its own process, exactly as a user starts it (``python -m vclaim_async
check FILE --out results.csv --quiet``), reaching a ``VClaimSimulator`` in another process
through the ``VCLAIM_*`` variables; its CPU is read from ``getrusage(RUSAGE_CHILDREN)``. Two
input sizes, so the start-up (imports, journal creation) cancels out of the per-row figure.
The baseline is the library alone: ``client.peserta.check_many`` over the same cards in this
process, counting results and writing nothing. The difference is the command's own per-row
cost: its journal, its output file, its progress bookkeeping.
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import ROOT, Result, best, fmt_us, server

from vclaim_async import VClaimClient, VClaimConfig

SERVICE_DATE = "2024-03-01"
CONCURRENCY = 10  # the command's default


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cli_cpu(info: dict[str, Any], rows: int, tmp: Path) -> float:
    """CPU seconds of one ``vclaim-async check`` over ``rows`` cards, start-up included."""
    cards: list[str] = info["cards"]
    source = tmp / f"cards-{rows}.csv"
    source.write_text(
        "noKartu\n" + "".join(f"{cards[i % len(cards)]}\n" for i in range(rows)), encoding="ascii"
    )
    out = tmp / f"results-{rows}-{time.monotonic_ns()}.csv"
    env = {
        **os.environ,
        "VCLAIM_CONS_ID": str(info["cons_id"]),
        "VCLAIM_SECRET": str(info["secret"]),
        "VCLAIM_USER_KEY": str(info["user_key"]),
        "VCLAIM_BASE_URL": str(info["url"]),
    }
    command = [sys.executable, "-m", "vclaim_async", "check", str(source), "--out", str(out)]
    command += ["--date", SERVICE_DATE, "--quiet", "--concurrency", str(CONCURRENCY)]
    before = _children_cpu()
    done = subprocess.run(
        command, env=env, cwd=tmp, capture_output=True, text=True, timeout=600, check=False
    )
    cpu = _children_cpu() - before
    if done.returncode != 0:
        raise RuntimeError(f"vclaim-async check failed: {done.stderr[-1000:]}")
    written = out.read_text(encoding="utf-8").count("\n") - 1
    if written != rows:
        raise RuntimeError(f"vclaim-async check wrote {written} rows of {rows}")
    return cpu


def _library_cpu(info: dict[str, Any], rows: int) -> float:
    """CPU seconds per row of ``check_many`` alone, in this process."""
    config = VClaimConfig(
        cons_id=str(info["cons_id"]),
        secret=str(info["secret"]),
        user_key=str(info["user_key"]),
        base_url=str(info["url"]),
        max_concurrency=CONCURRENCY,
    )
    cards: list[str] = info["cards"]

    def identifiers() -> Iterator[str]:
        for i in range(rows):
            yield cards[i % len(cards)]

    async def job() -> float:
        async with VClaimClient(config) as client:
            start = time.process_time()
            ok = 0
            async with client.peserta.check_many(identifiers(), SERVICE_DATE) as results:
                async for result in results:
                    ok += result.ok
            assert ok == rows
            return (time.process_time() - start) / rows

    return asyncio.run(job())


def run(quick: bool = False) -> list[Result]:
    small, large, repeat = (100, 600, 2) if quick else (300, 3000, 3)
    with tempfile.TemporaryDirectory() as name, server("simulator") as srv:
        tmp = Path(name)
        info = srv.info
        per_row, start_up, library = [], [], []
        for _ in range(repeat):
            a = _cli_cpu(info, small, tmp)
            b = _cli_cpu(info, large, tmp)
            per_row.append((b - a) / (large - small))
            start_up.append(a - small * per_row[-1])
            library.append(_library_cpu(info, large))
    cli, lib, fixed = best(per_row), best(library), best(start_up)
    return [
        Result(
            case="CLI check",
            measure=(
                f"CPU per row of `vclaim-async check` ({small:,} and {large:,} rows, the "
                f"difference), zero-latency simulator, best of {repeat}"
            ),
            ours=f"{fmt_us(cli)} ({1 / cli:,.0f} rows/s of CPU)",
            baseline=f"{fmt_us(lib)} check_many alone ({1 / lib:,.0f} rows/s)",
            ratio=cli / lib,
            ratio_label=f"{cli / lib:.2f}×",
            target="—",
            met=None,
            note=(
                f"the command's own cost (journal, output, progress) {fmt_us(cli - lib)} per "
                f"row; start-up {fixed * 1e3:,.0f} ms once; --concurrency {CONCURRENCY}, "
                ".csv output"
            ),
        )
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for result in run(quick="--quick" in sys.argv):
        print(result)
