"""A real uvicorn server on loopback for the WS RS tests (a thread, a free port)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from examples.wsrs_app import SqliteBackend, create_app

USERNAME = "mjkn-uji"
PASSWORD = "kata-sandi-uji-panjang"


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def backend(tmp_path: Path) -> SqliteBackend:
    return SqliteBackend(tmp_path / "wsrs.sqlite3")


@pytest.fixture
def reference(backend: SqliteBackend) -> Iterator[str]:
    """The reference app (token lifetime 1 s) under uvicorn; yields its base URL."""
    with serve(create_app(backend, credentials={USERNAME: PASSWORD}, token_ttl=1.0)) as url:
        yield url
