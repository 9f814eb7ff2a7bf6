"""The examples in examples/ run as documented: against the simulator without credentials."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCLAIM_")}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True, text=True, timeout=60, check=False, env=env,
    )  # fmt: skip


@pytest.mark.parametrize("script", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_examples_parse(script: str) -> None:
    ast.parse((EXAMPLES / script).read_text(encoding="utf-8"))


def test_bulk_check_example() -> None:
    result = run("bulk_check.py")
    assert result.returncode == 0, result.stderr
    assert "using the built-in simulator" in result.stderr
    lines = dict(line.split() for line in result.stdout.splitlines()[:5])
    assert lines == {
        "active": lines["active"], "inactive": lines["inactive"],
        "not_found": "10", "invalid": "10", "error": "0",
    }  # fmt: skip
    assert int(lines["active"]) + int(lines["inactive"]) == 280


def test_worker_example() -> None:
    result = run("worker.py")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(" done (") == 6
    assert result.stdout.count("poli ") == 6


def test_fastapi_example() -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    sys.path.insert(0, str(EXAMPLES.parent))
    try:
        with warnings.catch_warnings():
            # Starlette's test client may warn about its own httpx dependency: not ours.
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient

        from examples.fastapi_app import app
    finally:
        sys.path.remove(str(EXAMPLES.parent))
    with TestClient(app) as client:
        assert client.get("/eligibility/9999996668027").json()["active"] is True
        assert client.get("/eligibility/0009999999999").status_code == 404
        assert client.get("/eligibility/123").status_code == 422


def test_metrics_hooks_example() -> None:
    result = run("metrics_hooks.py")
    assert result.returncode == 0, result.stderr
    assert "vclaim_calls_total{operation='peserta.by_card', outcome='ok'} 8" in result.stdout
    assert "outcome='NotFoundError (code 201)'} 1" in result.stdout
    assert "vclaim_attempts_total{operation='peserta.by_card'} 12" in result.stdout
    assert "0009999999999" not in result.stdout
