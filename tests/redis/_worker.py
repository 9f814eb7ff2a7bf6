"""A separate OS process for the multi-process tests (run by them, not by pytest).

python _worker.py lookups '<json settings>'   # look-ups after "go" on stdin; prints times
python _worker.py hold '<json settings>'      # takes slots, prints "held", waits for kill
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from vclaim_async import RetryPolicy, VClaimClient, VClaimConfig
from vclaim_async.redis import RedisLimiter


def _config(s: dict[str, Any]) -> VClaimConfig:
    return VClaimConfig(
        cons_id=s["cons_id"],
        secret=s["secret"],
        user_key=s["user_key"],
        base_url=s["base_url"],
        max_concurrency=s["local_cap"],
        retry=RetryPolicy(attempts=3, initial_backoff=0.05, max_backoff=0.2, jitter=0.0),
        timeout=30.0,
    )


def _limiter(s: dict[str, Any]) -> RedisLimiter | None:
    if not s.get("max_in_flight"):
        return None
    return RedisLimiter(
        s["redis_url"], max_in_flight=s["max_in_flight"], key=s["key"], lease=s.get("lease", 10.0)
    )


async def lookups(s: dict[str, Any]) -> None:
    async with VClaimClient(_config(s), limiter=_limiter(s)) as client:
        if client.limiter is not None:  # connect before the start line
            await client.limiter.release(await client.limiter.acquire())
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        done: list[float] = []

        async def one(card: str) -> None:
            await client.peserta.by_card(card, s["date"])
            done.append(time.time())

        await asyncio.gather(*(one(card) for card in s["cards"]))
    print(json.dumps({"done": done}), flush=True)


async def hold(s: dict[str, Any]) -> None:
    limiter = _limiter(s)
    assert limiter is not None
    limiter.bind(_config(s))
    for _ in range(s["slots"]):
        await limiter.acquire()
    print("held", flush=True)
    await asyncio.sleep(3600)


if __name__ == "__main__":
    settings = json.loads(sys.argv[2])
    asyncio.run({"lookups": lookups, "hold": hold}[sys.argv[1]](settings))
