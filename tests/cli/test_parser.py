"""The command line itself: help, one-line errors, the exit-code table, global options."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import (
    SAMPLE,
    cli,
)

# -- help and refusals -----------------------------------------------------------------------


def test_help_is_useful_on_its_own() -> None:
    top = cli("--help")
    assert top.returncode == 0
    for text in ("check", "peserta", "demo", "simulator", "VCLAIM_CONS_ID", "exit status"):
        assert text in top.stdout
    check = cli("check", "--help")
    assert check.returncode == 0
    for text in ("--sandbox", "--out", "--date", "--concurrency", "journal", "130", "examples:"):
        assert text in check.stdout
    assert cli("peserta", "--help").returncode == 0


def test_without_credentials_nothing_is_sent(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    result = cli("check", SAMPLE, "--out", out)
    assert result.returncode == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.count("\n") == 0
    assert message.startswith("vclaim-async: error: no BPJS credentials")
    for name in ("VCLAIM_CONS_ID", "VCLAIM_SECRET", "VCLAIM_USER_KEY", "VCLAIM_BASE_URL"):
        assert name in message
    assert "--sandbox" in message
    assert not out.exists() and list(tmp_path.iterdir()) == []
    partial = cli("peserta", "0001234567890", VCLAIM_CONS_ID="1", VCLAIM_SECRET="s")
    assert partial.returncode == 1
    assert "VCLAIM_USER_KEY" in partial.stderr and "VCLAIM_CONS_ID" not in partial.stderr


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["check", "--sandbox", "nope.csv"], "input file not found"),
        (["check", "--sandbox", str(SAMPLE), "--out", "x.xlsx"], "output format"),
        (["check", "--sandbox", str(SAMPLE), "--out", "x.csv", "--date", "2024-02-30"], "date"),
        (["check", "--sandbox", str(SAMPLE), "--concurrency", "0"], "at least 1"),
        (["peserta", "--sandbox", "12345"], "13-digit card number or a 16-digit NIK"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], text: str) -> None:
    result = cli(*args, cwd=tmp_path)
    assert result.returncode in (1, 2)
    assert text in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(("vclaim-async: error:", "vclaim-async check: error:"))
