"""The examples in examples/ run as documented: on the simulator only when asked, else on BPJS."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# Each script with the arguments it takes when it talks to BPJS.
ON_BPJS = {
    "bulk_check.py": [],
    "metrics_hooks.py": ["0001234567890"],
    "sep_flow.py": ["--card", "0001234567890"],
    "worker.py": ["0001234567890"],
}
SCRIPTS = sorted(ON_BPJS)
# Three of the four variables from_env() needs: the user key is missing.
PARTIAL = {
    "VCLAIM_CONS_ID": "1234",
    "VCLAIM_SECRET": "partial-secret",
    "VCLAIM_ENV": "development",
}


def run(
    script: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VCLAIM_")}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True, text=True, timeout=60, check=False, env=clean | (env or {}),
    )  # fmt: skip


@pytest.mark.parametrize("script", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_examples_parse(script: str) -> None:
    ast.parse((EXAMPLES / script).read_text(encoding="utf-8"))


def test_every_script_is_covered() -> None:
    # wsrs_app.py is a server: tests/wsrs/ runs it (and tests/wsrs/test_app.py its start-up).
    scripts = {p.name for p in EXAMPLES.glob("*.py")} - {
        "fastapi_app.py",
        "sep_worker.py",
        "wsrs_app.py",
    }
    assert scripts <= set(SCRIPTS), "a new example needs its --sandbox and partial-config tests"


@pytest.mark.parametrize("script", SCRIPTS)
def test_partial_configuration_exits_naming_what_is_missing(script: str) -> None:
    result = run(script, *ON_BPJS[script], env=PARTIAL)
    assert result.returncode != 0
    assert "missing environment variables: VCLAIM_USER_KEY" in result.stderr
    for present in PARTIAL:
        assert present not in result.stderr
    # Never a silent fall-back to synthetic patients.
    assert "simulator" not in result.stdout
    assert "using the built-in simulator" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("script", SCRIPTS)
def test_no_configuration_at_all_is_refused_too(script: str) -> None:
    result = run(script, *ON_BPJS[script])
    assert result.returncode != 0
    assert "VCLAIM_CONS_ID" in result.stderr
    assert "--sandbox" in result.stderr
    assert "using the built-in simulator" not in result.stdout + result.stderr


def test_bulk_check_example() -> None:
    result = run("bulk_check.py", "--sandbox")
    assert result.returncode == 0, result.stderr
    assert "--sandbox: using the built-in simulator" in result.stderr
    lines = dict(line.split() for line in result.stdout.splitlines()[:5])
    assert lines == {
        "active": lines["active"], "inactive": lines["inactive"],
        "not_found": "10", "invalid": "10", "error": "0",
    }  # fmt: skip
    assert int(lines["active"]) + int(lines["inactive"]) == 280


def test_worker_example() -> None:
    result = run("worker.py", "--sandbox")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(" done (") == 6
    assert result.stdout.count("poli ") == 6


def test_metrics_hooks_example() -> None:
    result = run("metrics_hooks.py", "--sandbox")
    assert result.returncode == 0, result.stderr
    assert "vclaim_calls_total{operation='peserta.by_card', outcome='ok'} 8" in result.stdout
    assert "outcome='NotFoundError (code 201)'} 1" in result.stdout
    assert "vclaim_attempts_total{operation='peserta.by_card'} 12" in result.stdout
    assert "0009999999999" not in result.stdout


@pytest.fixture
def fastapi_app(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """``examples.fastapi_app`` imported fresh, with no ``VCLAIM_*`` variable set."""
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    for name in list(os.environ):
        if name.startswith("VCLAIM_"):
            monkeypatch.delenv(name)
    monkeypatch.syspath_prepend(str(EXAMPLES.parent))
    monkeypatch.delitem(sys.modules, "examples.fastapi_app", raising=False)
    with warnings.catch_warnings():
        # Starlette's test client may warn about its own httpx dependency: not ours.
        warnings.simplefilter("ignore")
        import fastapi.testclient  # noqa: F401

    import examples.fastapi_app as module

    return module


def test_fastapi_example_serves_the_simulator_when_asked(
    fastapi_app: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    monkeypatch.setenv("VCLAIM_SANDBOX", "1")
    with TestClient(fastapi_app.app) as client:
        assert client.get("/eligibility/9999996668027").json()["active"] is True
        assert client.get("/eligibility/0009999999999").status_code == 404
        assert client.get("/eligibility/123").status_code == 422


@pytest.mark.parametrize(
    ("message", "status"),
    [
        ("Data Peserta Tidak Ditemukan", 404),
        ("Status Peserta Tidak Aktif", 422),
        ("Format Tanggal SEP tidak sesuai", 422),
        ("Sudah terbit SEP untuk peserta ini", 409),
    ],
)
def test_fastapi_example_maps_refusals_to_422_or_409_not_404(
    fastapi_app: ModuleType, monkeypatch: pytest.MonkeyPatch, message: str, status: int
) -> None:
    """A BPJS refusal is no missing record: 404 only for "not found" (issue 21)."""
    from fastapi.testclient import TestClient

    from vclaim_async import _envelope

    body = json.dumps({"metaData": {"code": "201", "message": message}, "response": None})
    monkeypatch.setenv("VCLAIM_SANDBOX", "1")
    with TestClient(fastapi_app.app) as client:
        resource = type(fastapi_app.app.state.vclaim.peserta)

        async def answer(self: object, card: str, date: object = None) -> object:
            # What the client raises for this answer from BPJS, whatever the simulator holds.
            return _envelope.parse_envelope(200, body.encode(), endpoint="peserta.by_card")

        monkeypatch.setattr(resource, "by_card", answer)
        response = client.get("/eligibility/9999996668027")
    assert response.status_code == status
    assert response.json()["detail"] == message


def test_fastapi_example_refuses_to_start_on_a_partial_configuration(
    fastapi_app: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    for name, value in PARTIAL.items():
        monkeypatch.setenv(name, value)
    with (
        pytest.raises(ValueError, match=r"missing environment variables: VCLAIM_USER_KEY$"),
        TestClient(fastapi_app.app),
    ):
        pass


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"VCLAIM_CONS_ID": "1234"}, "real credentials set (VCLAIM_CONS_ID)"),
        ({"VCLAIM_SANDBOX": "maybe"}, "VCLAIM_SANDBOX must be 1 or 0"),
    ],
)
def test_fastapi_example_refuses_an_ambiguous_sandbox(
    fastapi_app: ModuleType, monkeypatch: pytest.MonkeyPatch, extra: dict[str, str], error: str
) -> None:
    from fastapi.testclient import TestClient

    monkeypatch.setenv("VCLAIM_SANDBOX", "1")
    for name, value in extra.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=re.escape(error)), TestClient(fastapi_app.app):
        pass
