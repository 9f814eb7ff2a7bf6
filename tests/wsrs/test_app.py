"""``uvicorn examples.wsrs_app:app`` as documented: a subprocess configured from the environment."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VCLAIM_")}
    return clean | extra


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_app_refuses_to_start_without_credentials() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "examples.wsrs_app:app", "--port", "0"],
        cwd=ROOT, env=_env(VCLAIM_WSRS_USERNAME="u"), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "set VCLAIM_WSRS_USERNAME and VCLAIM_WSRS_PASSWORD" in result.stderr


def test_the_app_serves_at_the_root_with_a_private_database(tmp_path: Path) -> None:
    db = tmp_path / "rs.sqlite3"
    port = _free_port()
    env = _env(VCLAIM_WSRS_USERNAME="mjkn", VCLAIM_WSRS_PASSWORD="rahasia", VCLAIM_WSRS_DB=str(db))
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "examples.wsrs_app:app", "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/auth", headers={"x-username": "mjkn", "x-password": "rahasia"}
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as resp:
                    body = json.loads(resp.read())
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert body["metadata"] == {"message": "Ok", "code": 200}
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
    finally:
        proc.terminate()
        proc.wait(timeout=30)
