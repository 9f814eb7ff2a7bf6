"""Memory: peak RSS of ``client.peserta.check_many()`` over 100,000 inputs vs 10,000.

Each size runs in a fresh Python process (peak RSS is a high-water mark, so sizes must not
share one; it is read as ``VmHWM``, see :func:`_kib`), reading its card numbers from a
generator and counting the results as they stream out. The simulator runs in yet another
process with no added latency, cycling through its 1,000 registered participants, so every
look-up is a full one (decrypt, LZ, decode).
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Result, server

TARGET = 1.2
CAP = 20
SERVICE_DATE = "2024-03-01"


def _child(number: int, info: dict[str, object]) -> dict[str, float]:
    from vclaim_async import VClaimClient, VClaimConfig

    config = VClaimConfig(
        cons_id=str(info["cons_id"]),
        secret=str(info["secret"]),
        user_key=str(info["user_key"]),
        base_url=str(info["url"]),
        max_concurrency=CAP,
    )
    cards: list[str] = list(info["cards"])  # type: ignore[call-overload]

    def identifiers() -> Iterator[str]:
        for i in range(number):
            yield cards[i % len(cards)]

    async def job() -> int:
        ok = 0
        async with (
            VClaimClient(config) as client,
            client.peserta.check_many(identifiers(), SERVICE_DATE) as results,
        ):
            async for result in results:
                ok += result.ok
        return ok

    before = _kib("VmRSS")
    start = time.monotonic()
    ok = asyncio.run(job())
    wall = time.monotonic() - start
    return {"ok": ok, "peak_kib": _kib("VmHWM"), "start_kib": before, "wall": wall}


def _kib(field: str) -> float:
    """This process's RSS (``VmRSS``) or peak RSS (``VmHWM``) in KiB.

    Not ``ru_maxrss``: Linux carries it across ``execve``, so a child started by a big parent
    reports the parent's size (93 MiB here against a real 46 MiB). ``VmHWM`` belongs to this
    process's own memory map.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux


def _measure(number: int, info: dict[str, object]) -> dict[str, float]:
    run = subprocess.run(
        [sys.executable, __file__, "--child", str(number)],
        input=json.dumps(info),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    measured: dict[str, float] = json.loads(run.stdout.strip().splitlines()[-1])
    return measured


def available() -> bool:
    from vclaim_async.resources.peserta import PesertaResource

    return hasattr(PesertaResource, "check_many")


def run(quick: bool = False) -> list[Result]:
    small, large = (2_000, 20_000) if quick else (10_000, 100_000)
    if not available():
        return [
            Result(
                "Memory",
                "not run: check_many is not in this version",
                "",
                "",
                float("nan"),
                "—",
                f"≤ {TARGET}×",
                False,
            )
        ]
    with server("simulator") as srv:
        info = {key: srv.info[key] for key in ("url", "cons_id", "secret", "user_key", "cards")}
        low = _measure(small, info)
        high = _measure(large, info)
    for size, measured in ((small, low), (large, high)):
        assert measured["ok"] == size, f"check_many gave {measured['ok']} of {size} results"
    ratio = high["peak_kib"] / low["peak_kib"]
    return [
        Result(
            case="Memory",
            measure=f"peak RSS of check_many, {large:,} inputs vs {small:,}, fresh process each",
            ours=f"{high['peak_kib'] / 1024:,.1f} MiB",
            baseline=f"{low['peak_kib'] / 1024:,.1f} MiB",
            ratio=ratio,
            ratio_label=f"{ratio:.2f}×",
            target=f"≤ {TARGET}×",
            met=ratio <= TARGET,
            note=(
                f"{CAP} workers; {large / high['wall']:,.0f} look-ups/s; "
                f"{high['start_kib'] / 1024:,.1f} MiB RSS after imports, before the job"
            ),
            explain=(
                f"peak RSS grew {(high['peak_kib'] - low['peak_kib']) / 1024:,.1f} MiB for "
                f"{large - small:,} more inputs, about "
                f"{(high['peak_kib'] - low['peak_kib']) * 1024 / (large - small):,.0f} bytes "
                f"each: something keeps per-item state"
            ),
        )
    ]


if __name__ == "__main__":
    if "--child" in sys.argv:
        count = int(sys.argv[sys.argv.index("--child") + 1])
        print(json.dumps(_child(count, json.loads(sys.stdin.read()))))
    else:
        for result in run(quick="--quick" in sys.argv):
            print(result)
