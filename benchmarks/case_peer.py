"""Against the peer: the same bulk job with PyPI ``bpjs-bridging`` and with our client.

``bpjs-bridging`` (``bpjs.Bridging``, synchronous, ``requests``) is pointed at the simulator as
its ``host`` with the simulator's credentials; it signs, sends, AES-decrypts (pycryptodome),
LZ-decompresses (PyPI ``lzstring``) and ``json.loads`` each answer into dicts, so it does the
same work we do except typed decoding. It runs in a ``ThreadPoolExecutor`` with as many
threads as our cap; our client runs ``asyncio.gather`` over the same card numbers.

Each side gets a fresh simulator process (so ``connections`` counts only its own TCP
connections), answering after a 20 ms latency. Measured in this process: wall time, CPU per
look-up (``time.process_time()``, all threads), and every answer checked for the right card.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Result, ServerProcess, best, server

from vclaim_async import VClaimClient, VClaimConfig

CAP = 20
LATENCY = 0.02
CPU_TARGET = 3.0
SERVICE_DATE = "2024-03-01"


def _cards(srv: ServerProcess, number: int) -> list[str]:
    cards: list[str] = srv.info["cards"]
    return [cards[i % len(cards)] for i in range(number)]


def _ours(srv: ServerProcess, number: int) -> dict[str, float]:
    info = srv.info
    config = VClaimConfig(
        cons_id=info["cons_id"],
        secret=info["secret"],
        user_key=info["user_key"],
        base_url=info["url"],
        max_concurrency=CAP,
    )
    cards = _cards(srv, number)

    async def job() -> None:
        async with VClaimClient(config) as client:
            found = await asyncio.gather(*(client.peserta.by_card(c, SERVICE_DATE) for c in cards))
        assert [p.no_kartu for p in found] == cards

    return _timed(lambda: asyncio.run(job()), srv, number)


def _theirs(srv: ServerProcess, number: int) -> dict[str, float]:
    from bpjs import Bridging  # type: ignore[import-not-found]

    info = srv.info
    bridging = Bridging(
        {
            "host": info["url"],
            "consid": info["cons_id"],
            "secret": info["secret"],
            "user_key": info["user_key"],
        },
        "vclaim",
    )
    cards = _cards(srv, number)

    def one(card: str) -> Any:
        return bridging.request(f"Peserta/nokartu/{card}/tglSEP/{SERVICE_DATE}")

    def job() -> None:
        with ThreadPoolExecutor(max_workers=CAP) as pool:
            found = list(pool.map(one, cards))
        codes = {str(answer["metaData"]["code"]) for answer in found}
        assert codes == {"200"}, f"bpjs-bridging answers with codes {codes}"
        assert [answer["response"]["peserta"]["noKartu"] for answer in found] == cards

    return _timed(job, srv, number)


def _timed(job: Callable[[], None], srv: ServerProcess, number: int) -> dict[str, float]:
    cpu, start = time.process_time(), time.monotonic()
    job()
    wall, cpu = time.monotonic() - start, time.process_time() - cpu
    stats = srv.stats()
    return {"wall": wall, "cpu": cpu / number, "connections": stats["connections"]}


def _fresh(side: Callable[[ServerProcess, int], dict[str, float]], number: int) -> dict[str, float]:
    with server("simulator", "--latency", str(LATENCY)) as srv:
        return side(srv, number)


def available() -> bool:
    try:
        import bpjs  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


def run(quick: bool = False) -> list[Result]:
    number, repeat = (300, 1) if quick else (1500, 3)
    if not available():
        return [
            Result(
                case="Against bpjs-bridging",
                measure="not run: pip install -e '.[bench]'",
                ours="",
                baseline="",
                ratio=float("nan"),
                ratio_label="—",
                target=f"≥ {CPU_TARGET:g}× less CPU",
                met=False,
            )
        ]
    ours_runs, their_runs = [], []
    for _ in range(repeat):  # alternated, so a noisy moment hits both sides alike
        ours_runs.append(_fresh(_ours, number))
        their_runs.append(_fresh(_theirs, number))
    ours_cpu = best([r["cpu"] for r in ours_runs])
    their_cpu = best([r["cpu"] for r in their_runs])
    ours_wall = best([r["wall"] for r in ours_runs])
    their_wall = best([r["wall"] for r in their_runs])
    ours_conn = max(int(r["connections"]) for r in ours_runs)
    their_conn = max(int(r["connections"]) for r in their_runs)
    ideal = number / CAP * LATENCY
    job = f"{number:,} look-ups, {CAP} at a time, {LATENCY * 1000:g} ms latency, best of {repeat}"
    return [
        Result(
            case="vs bpjs-bridging: CPU",
            measure=f"CPU per look-up; {job}",
            ours=f"{ours_cpu * 1e6:,.0f} µs",
            baseline=f"{their_cpu * 1e6:,.0f} µs",
            ratio=their_cpu / ours_cpu,
            ratio_label=f"{their_cpu / ours_cpu:.1f}× less",
            target=f"≥ {CPU_TARGET:g}× less",
            met=their_cpu / ours_cpu >= CPU_TARGET,
            note="theirs ends in dicts via json.loads, ours in typed Peserta Structs",
        ),
        Result(
            case="vs bpjs-bridging: wall",
            measure=f"wall time; {job} (floor {ideal:.2f} s)",
            ours=f"{ours_wall:.2f} s",
            baseline=f"{their_wall:.2f} s",
            ratio=their_wall / ours_wall,
            ratio_label=f"{their_wall / ours_wall:.1f}× faster",
            target="—",
            met=None,
        ),
        Result(
            case="vs bpjs-bridging: connections",
            measure=f"TCP connections opened; {job}",
            ours=f"{ours_conn:,}",
            baseline=f"{their_conn:,}",
            ratio=ours_conn / CAP,
            ratio_label=f"{ours_conn} ≤ cap {CAP}" if ours_conn <= CAP else f"{ours_conn} > {CAP}",
            target=f"≤ cap ({CAP})",
            met=ours_conn <= CAP,
            note="bpjs-bridging calls requests.request(): a new Session, so a new TCP "
            "connection, for every look-up",
        ),
    ]


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(result)
