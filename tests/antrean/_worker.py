"""A task-queue worker process for tests: ``python _worker.py REDIS_URL PREFIX CONSUMER``.

Antrean credentials come from the environment (``sim.env()``); SIGTERM stops it cleanly.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from vclaim_async.antrean import AntreanClient, AntreanConfig, TaskQueue, TaskReporter, TaskWorker


async def main(url: str, prefix: str, consumer: str) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    queue = TaskQueue.from_url(url, prefix=prefix)
    async with AntreanClient(AntreanConfig.from_env(timeout=5.0)) as client:
        reporter = TaskReporter(client.antrean, max_visits=4, settle=0.2, backoff=0.02)
        worker = TaskWorker(
            queue, reporter, consumer=consumer, claim_idle=1.0, claim_every=0.5, lease=2.0,
            lock_wait=1.0, block=0.1,
        )  # fmt: skip
        await worker.run(stop)
    await queue.aclose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
