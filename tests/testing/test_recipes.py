"""The testing recipes in examples/testing/ pass as written, with nothing skipped."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "examples" / "testing"


@pytest.mark.slow  # seconds of CPU: .ci/run runs it with -m slow
def test_the_recipes_pass_under_the_projects_pytest_settings() -> None:
    files = sorted(RECIPES.glob("test_*.py"))
    assert [f.name for f in files] == ["test_async_lifespan.py", "test_sync_testclient.py"]
    expected = sum(
        len(re.findall(r"^(?:async )?def test_", f.read_text(encoding="utf-8"), re.M))
        for f in files
    )
    # No VCLAIM_* from the developer's shell: the recipes must set everything they need.
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCLAIM_")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", str(RECIPES)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(rf"{expected} passed in .*", summary), summary
