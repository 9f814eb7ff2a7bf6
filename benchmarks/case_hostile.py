"""Hostile answers: memory under a gzip bomb and a 100 MB body, and the end of a trickling body.

A server process (this file with ``--serve``) answers by path prefix: ``/bomb`` sends 256 MB
of zeros gzip-compressed to ~256 KB, ``/big`` 100 MB of plain bytes chunked (no length to
refuse early), ``/trickle`` one byte every 100 ms forever. Each scenario runs in a fresh
client process (``--client``) that reads its RSS after imports and a warm-up, makes one
look-up with the default ``max_response_bytes`` (8 MiB) and reports the growth of its peak
RSS (``VmHWM``) and the wall time. Targets: growth within cap + 20 MB; the trickle ends
within its deadline + 1 s.

    python benchmarks/run.py --only hostile
    python benchmarks/case_hostile.py            # the same, alone
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
import time
import zlib
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import ROOT, Result

sys.path.insert(0, str(ROOT))

BOMB_INFLATED = 256 << 20
BIG_BODY = 100 << 20
MARGIN_MIB = 20.0
TRICKLE_TIMEOUT = 2.0
TRICKLE_DEADLINE = 3.0
CARD = "0001234567890"


def _bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    parts = [packer.compress(block) for _ in range(BOMB_INFLATED >> 20)]
    return b"".join(parts) + packer.flush()


async def _serve() -> None:
    from aiohttp import web

    bomb = _bomb()

    async def answer(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        # The client stops reading at its bound: that is the point of the case.
        with contextlib.suppress(ConnectionResetError):
            await _answer(request, response)
        return response

    async def _answer(request: web.Request, response: web.StreamResponse) -> None:
        kind = request.path.strip("/").split("/")[0]
        if kind == "bomb":
            response.headers["Content-Encoding"] = "gzip"
            response.content_length = len(bomb)
            await response.prepare(request)
            await response.write(bomb)
            return
        response.enable_chunked_encoding()
        await response.prepare(request)
        if kind == "big":
            chunk = b"x" * (1 << 20)
            for _ in range(BIG_BODY >> 20):
                await response.write(chunk)
            return
        while True:  # trickle
            await response.write(b" ")
            await asyncio.sleep(0.1)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(json.dumps({"port": port, "bomb_bytes": len(bomb)}), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes stdin
    await runner.cleanup()


def _kib(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return float(line.split()[1])
    return float("nan")


def _client(kind: str, port: int) -> dict[str, object]:
    from vclaim_async import RetryPolicy, VClaimClient, VClaimConfig, VClaimError

    policy = RetryPolicy(attempts=2, initial_backoff=0.1, jitter=0, deadline=TRICKLE_DEADLINE)
    config = VClaimConfig(
        cons_id="1",
        secret="benchmark",
        user_key="benchmark",
        base_url=f"http://127.0.0.1:{port}/{kind}",
        timeout=TRICKLE_TIMEOUT,
        retry=policy,
    )

    async def job() -> str:
        async with VClaimClient(config) as client:
            try:
                await client.peserta.by_card(CARD, "2024-03-01")
            except VClaimError as exc:
                return type(exc).__name__
        return "no error"

    before = _kib("VmRSS")
    start = time.monotonic()
    error = asyncio.run(job())
    wall = time.monotonic() - start
    return {
        "error": error,
        "growth_mib": (_kib("VmHWM") - before) / 1024,
        "wall": wall,
        "cap_mib": config.max_response_bytes / (1 << 20),
    }


def _measure(kind: str, port: int) -> dict[str, object]:
    run = subprocess.run(
        [sys.executable, __file__, "--client", kind, str(port)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    measured: dict[str, object] = json.loads(run.stdout.strip().splitlines()[-1])
    return measured


def run(quick: bool = False) -> list[Result]:
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        info = json.loads(server.stdout.readline())
        bomb, big, trickle = (_measure(k, info["port"]) for k in ("bomb", "big", "trickle"))
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=30)
    cap = float(bomb["cap_mib"])  # type: ignore[arg-type]
    results = []
    for name, measured, what in (
        ("gzip bomb", bomb, f"256 MiB inflating from {info['bomb_bytes'] / 1024:,.0f} KiB"),
        ("plain body", big, "100 MiB chunked, no Content-Length"),
    ):
        growth = float(measured["growth_mib"])  # type: ignore[arg-type]
        results.append(
            Result(
                case=f"Hostile: {name}",
                measure=f"peak RSS growth of one look-up, {what}",
                ours=f"{growth:,.1f} MiB",
                baseline=f"cap {cap:g} MiB + {MARGIN_MIB:g}",
                ratio=growth / (cap + MARGIN_MIB),
                ratio_label=f"{growth / (cap + MARGIN_MIB):.2f}×",
                target=f"≤ cap + {MARGIN_MIB:g} MiB",
                met=growth <= cap + MARGIN_MIB,
                note=f"ended in {measured['error']} after {float(measured['wall']):.2f} s",  # type: ignore[arg-type]
            )
        )
    wall = float(trickle["wall"])  # type: ignore[arg-type]
    results.append(
        Result(
            case="Hostile: trickle",
            measure="wall time of a look-up whose body arrives 1 byte / 100 ms",
            ours=f"{wall:.2f} s",
            baseline=f"deadline {TRICKLE_DEADLINE:g} s",
            ratio=wall / TRICKLE_DEADLINE,
            ratio_label=f"{wall / TRICKLE_DEADLINE:.2f}×",
            target="≤ deadline + 1 s",
            met=wall <= TRICKLE_DEADLINE + 1.0,
            note=f"timeout {TRICKLE_TIMEOUT:g} s per attempt, 2 attempts; {trickle['error']}",
        )
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--client", nargs=2, metavar=("KIND", "PORT"))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve())
    elif args.client:
        print(json.dumps(_client(args.client[0], int(args.client[1]))))
    else:
        for result in run(args.quick):
            print(result)


if __name__ == "__main__":
    main()
