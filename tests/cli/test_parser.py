"""The command line itself: help, one-line errors, the exit-code table, global options."""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import os
import re
from pathlib import Path

import pytest

import vclaim_async
from tests.cli.helpers import ROOT, SAMPLE, cli
from vclaim_async.cli import build_parser, common, main
from vclaim_async.testing import VClaimSimulator

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


# -- the exit-code table -------------------------------------------------------------------

DOCS = ROOT / "docs" / "cli.md"


def test_the_documented_exit_code_table_is_the_codes_the_command_uses() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Exit status", 1)[1].split("\n## ", 1)[0]
    documented = {int(m.group(1)) for m in re.finditer(r"^\| (\d+) \|", section, re.MULTILINE)}
    used = {
        common.EXIT_OK, common.EXIT_FAILED, common.EXIT_USAGE, common.EXIT_PARTIAL,
        common.EXIT_INTERRUPTED, common.EXIT_TERMINATED,
    }  # fmt: skip
    assert documented == used == {0, 1, 2, 3, 130, 143}


# Each row: arguments -> the documented code (3, 130 and 143: tests/cli/test_check.py and
# tests/cli/test_journal.py run real checks into them).
EXITS = {
    "version": (["--version"], 0),
    "catalog": (["catalog"], 0),
    "no-command": ([], 2),
    "unknown-command": (["bogus"], 2),
    "unknown-option": (["check", "x.csv", "--bogus"], 2),
    "bad-date": (["check", "x.csv", "--date", "someday"], 2),
    "impossible-date": (["check", "x.csv", "--date", "2024-02-30"], 2),
    "zero-concurrency": (["check", "x.csv", "--concurrency", "0"], 2),
    "bad-format": (["check", "--sandbox", "{sample}", "--out", "x.xlsx"], 2),
    "out-is-input": (["check", "--sandbox", "{sample}", "--out", "{sample}"], 2),
    "bad-identifier": (["peserta", "--sandbox", "12345"], 2),
    "stripped-card": (["peserta", "--sandbox", "1234567890"], 2),
    "port": (["simulator", "--port", "99999"], 2),
    "negative-participants": (["simulator", "--participants", "-1"], 2),
    "negative-seed": (["simulator", "--seed", "-5"], 2),
    "negative-count": (["demo", "--count", "-3"], 2),
    "bad-log-level": (["--log-level", "loud", "catalog"], 2),
    "missing-input": (["check", "--sandbox", "nope.csv"], 1),
    "empty-input": (["check", "--sandbox", "{empty}"], 1),
    "binary-input": (["check", "--sandbox", "{binary}"], 1),
    "no-credentials": (["check", "{sample}"], 1),
}


@pytest.mark.parametrize(("args", "code"), EXITS.values(), ids=EXITS)
def test_exit_codes_follow_the_table(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
) -> None:
    for name in [n for n in os.environ if n.startswith("VCLAIM_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.csv").write_text("no_kartu\n", encoding="utf-8")
    (tmp_path / "binary.csv").write_bytes(b"no_kartu\n\x00\x01\x02PK\x03\x04\n")
    paths = {"sample": str(SAMPLE), "empty": "empty.csv", "binary": "binary.csv"}
    assert main([arg.format(**paths) for arg in args]) == code
    captured = capsys.readouterr()
    if code:
        # One line, on stderr, saying what is wrong; argparse's own errors point to --help.
        assert captured.err.count("\n") == 1, captured.err
        assert "error:" in captured.err and "Traceback" not in captured.err
        if (code == 2 and "error: argument" in captured.err) or "invalid choice" in captured.err:
            assert "--help" in captured.err


def test_argparse_errors_are_one_line_with_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "x.csv", "--date", "someday"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "vclaim-async check: error: argument --date: --date must be today, tomorrow, "
        "yesterday, +N, -N or YYYY-MM-DD, got 'someday' (see: vclaim-async check --help)\n"
    )


def test_simulator_port_error_is_one_line_without_traceback() -> None:
    result = cli("simulator", "--port", "99999")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "vclaim-async simulator: error: argument --port: must be at most 65535, got 99999 "
        "(see: vclaim-async simulator --help)\n"
    )


def test_every_simulator_flag_has_help() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for command, subparser in sub.choices.items():
        for action in subparser._actions:
            assert action.help, f"{command} {action.option_strings or action.dest} has no help"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"vclaim-async {vclaim_async.__version__}\n"


# -- dates and logging ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", datetime.date(2024, 3, 1)),
        ("TOMORROW", datetime.date(2024, 3, 2)),
        ("yesterday", datetime.date(2024, 2, 29)),
        ("+1", datetime.date(2024, 3, 2)),
        ("-1", datetime.date(2024, 2, 29)),
        ("+31", datetime.date(2024, 4, 1)),
        ("2024-12-31", datetime.date(2024, 12, 31)),
    ],
)
def test_dates_relative_to_today_in_jakarta(text: str, expected: datetime.date) -> None:
    assert common.parse_date(text, today=datetime.date(2024, 3, 1)) == expected


@pytest.mark.parametrize("text", ["", "1", "+", "next week", "2024-2-1", "01-03-2024", "+1d"])
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="--date must be"):
        common.parse_date(text, today=datetime.date(2024, 3, 1))


def test_default_date_is_today_in_jakarta(monkeypatch: pytest.MonkeyPatch) -> None:
    # 18:00 UTC on 1 March is already 2 March in Jakarta (UTC+7).
    late = datetime.datetime(2024, 3, 1, 18, 0, tzinfo=datetime.timezone.utc)
    real = common._validate.today_jakarta
    monkeypatch.setattr(common._validate, "today_jakarta", lambda: real(late))
    assert common.parse_date("today") == datetime.date(2024, 3, 2)


def test_verbose_logs_requests_without_identifiers(registry: VClaimSimulator) -> None:
    card = registry.participants.cards()[0]
    quiet = cli("peserta", "--sandbox", card)
    assert quiet.returncode == 0 and "DEBUG" not in quiet.stderr
    loud = cli("-vv", "peserta", "--sandbox", card)
    assert loud.returncode == 0, loud.stderr
    assert "DEBUG vclaim_async" in loud.stderr and card not in loud.stderr
    after = cli("peserta", "--sandbox", card, "--log-level", "debug")
    assert "DEBUG vclaim_async" in after.stderr


def test_the_console_script_is_the_package_main() -> None:
    (script,) = importlib.metadata.entry_points(group="console_scripts", name="vclaim-async")
    assert script.value == "vclaim_async.cli:main"
    assert script.load() is main
