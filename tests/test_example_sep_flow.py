"""``examples/sep_flow.py`` runs end to end on the simulator when asked, as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sep_flow.py"


def test_sep_flow_runs_against_the_simulator() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCLAIM_")}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--sandbox", "--date", "2024-03-01"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "--sandbox: using the built-in simulator" in out
    for number in range(1, 9):
        assert f"\n{number}. " in "\n" + out, out
    assert "SEP issued: 0301R0012403V000001" in out
    assert "SEP deleted: 0301R0012403V000001" in out
    assert "confirmed gone: BPJS answers code 201" in out


def test_sep_flow_refuses_production_without_the_flag() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCLAIM_")}
    env |= {
        "VCLAIM_CONS_ID": "1",
        "VCLAIM_SECRET": "s",
        "VCLAIM_USER_KEY": "k",
        "VCLAIM_ENV": "production",
    }
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--card", "0001234567890"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "production" in done.stderr
