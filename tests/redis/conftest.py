"""The real Redis server these tests need, and a clean key prefix for each test.

``VCLAIM_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``) names the server. Where none
answers the tests skip, saying why, unless ``VCLAIM_REQUIRE_REDIS=1`` (CI), where that fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("VCLAIM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKER = Path(__file__).with_name("_worker.py")


def _unavailable(reason: str) -> None:
    if os.environ.get("VCLAIM_REQUIRE_REDIS") == "1":
        pytest.fail(f"VCLAIM_REQUIRE_REDIS=1 but {reason}")
    pytest.skip(f"{reason} (set VCLAIM_TEST_REDIS_URL to a Redis 7 server to run these)")


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        import redis
    except ImportError:
        _unavailable("redis-py is not installed (pip install -e '.[test]')")
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
        client.close()
    except (redis.RedisError, OSError) as exc:
        _unavailable(f"no Redis answers at {REDIS_URL} ({type(exc).__name__})")
    return REDIS_URL


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key prefix no other test uses; its keys are deleted afterwards."""
    import redis

    name = f"vclaimtest:{{{uuid.uuid4().hex}}}"
    yield name
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=name + "*"))
    if keys:
        client.delete(*keys)
    client.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ThrowawayRedis:
    """A private ``redis-server`` on a free port, to stop and start (never the shared one)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import redis

        binary = shutil.which("redis-server")
        assert binary is not None
        self._proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--enable-debug-command",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None


@pytest.fixture
def throwaway(redis_url: str) -> Iterator[ThrowawayRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server binary to start and stop a private server")
    server = ThrowawayRedis()
    yield server
    server.stop()


def worker_command(*args: str) -> list[str]:
    return [sys.executable, str(WORKER), *args]
