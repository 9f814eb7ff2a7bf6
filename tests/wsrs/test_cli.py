"""``vclaim-async antrean uat``: the table, --json, --paths, and the exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vclaim_async.cli import main

from .conftest import PASSWORD, USERNAME


def test_the_rehearsal_passes_on_the_reference_app_and_prints_a_table(
    reference: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["antrean", "uat", reference, "--username", USERNAME, "--password", PASSWORD,
                 "--token-ttl", "1"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "booking past the JKN quota" in out and "FAIL" not in out
    assert "0 failed, 0 skipped" in out
    assert PASSWORD not in out


def test_json_report_and_exit_1_when_a_scenario_does_not_pass(
    reference: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VCLAIM_WSRS_USERNAME", USERNAME)
    monkeypatch.setenv("VCLAIM_WSRS_PASSWORD", PASSWORD)
    code = main(["antrean", "uat", reference, "--json"])  # no --token-ttl: one skip
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (report["ok"], report["failed"], report["skipped"]) == (False, 0, 1)
    assert {"service", "scenario", "expected", "got", "passed"} <= set(report["scenarios"][0])


def test_a_wrong_password_fails_the_rehearsal(
    reference: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["antrean", "uat", reference, "--username", USERNAME, "--password", "salah"])
    assert code == 1
    assert "rehearsal stopped" in capsys.readouterr().out


def test_paths_from_a_file(
    tmp_path: Path, reference: str, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = tmp_path / "paths.json"
    paths.write_text(json.dumps({"auth": "token"}), encoding="utf-8")
    code = main(["antrean", "uat", reference, "--username", USERNAME, "--password", PASSWORD,
                 "--paths", str(paths)])  # fmt: skip
    assert code == 1  # the reference app serves /auth, not /token
    assert "no token" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["http://127.0.0.1:9"], "--username and --password"),
        (["127.0.0.1:9", "--username", "u", "--password", "p"], "http://"),
        (["http://127.0.0.1:9", "--username", "u", "--password", "p", "--paths", "/nope"],
         "--paths"),
        (["http://127.0.0.1:9", "--username", "u", "--password", "p", "--token-ttl", "-1"],
         "--token-ttl"),
        (["http://127.0.0.1:9", "--username", "u", "--password", "p", "--leave", "BED,x"],
         "--leave"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VCLAIM_WSRS_USERNAME", raising=False)
    monkeypatch.delenv("VCLAIM_WSRS_PASSWORD", raising=False)
    assert main(["antrean", "uat", *argv]) == 2
    assert message in capsys.readouterr().err


def test_bad_paths_file_content_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = tmp_path / "paths.json"
    paths.write_text(json.dumps({"tokenx": "/t"}), encoding="utf-8")
    argv = ["antrean", "uat", "http://127.0.0.1:9", "--username", "u", "--password", "p"]
    assert main([*argv, "--paths", str(paths)]) == 2
    assert "unknown WS RS service" in capsys.readouterr().err
