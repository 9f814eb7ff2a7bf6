"""The benchmark runner still runs end to end: a smoke check, never a timed assertion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # seconds of CPU: .ci/run runs it with -m slow
def test_quick_benchmark_run_prints_its_table() -> None:
    # The overhead case exercises the server process, the pinned clock and the client
    # internals the benchmarks lean on; decode needs nothing but msgspec.
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--only",
            "overhead,decode",
            "--timeout",
            "120",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "| Overhead |" in run.stdout
    assert "| Decode |" in run.stdout
