"""``vclaim-async check`` end to end through a subprocess (and in process, with faults)."""

from __future__ import annotations

import asyncio
import datetime
import json
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.cli.helpers import (
    FAST,
    SAMPLE,
    assert_complete,
    clean_env,
    cli,
    journal,
    mixed,
    read_csv,
    script_sandbox,
    write_input,
)
from vclaim_async._validate import today_jakarta
from vclaim_async.cli import main
from vclaim_async.testing import VClaimSimulator

# -- the main job ----------------------------------------------------------------------------


def test_2000_rows_end_to_end(tmp_path: Path, registry: VClaimSimulator) -> None:
    source = tmp_path / "patients.csv"
    lines = write_input(source, mixed(registry, 2000))
    out = tmp_path / "results.csv"
    result = cli("check", *FAST, source, "--out", out, "--keep-journal")
    assert result.returncode == 0, result.stderr
    assert_complete(out, lines, registry)
    rows = read_csv(out)
    assert list(rows[0]) == [
        "input", "row", "kind", "status", "status_text", "name", "class", "type", "prb",
        "tgl_tat", "error_code", "error_message", "attempts", "latency_ms", "service_date",
        "checked_at",
    ]  # fmt: skip
    # Every row says what it answers: the service day, and when (UTC) it was checked.
    today = today_jakarta().isoformat()
    assert {r["service_date"] for r in rows} == {today}
    for row in rows[:50]:
        checked_at = datetime.datetime.fromisoformat(row["checked_at"])
        assert checked_at.utcoffset() == datetime.timedelta(0)
        assert abs(datetime.datetime.now(datetime.timezone.utc) - checked_at).total_seconds() < 300
    statuses = Counter(r["status"] for r in rows)
    invalid = [r for r in rows if r["status"] == "invalid"]
    assert invalid and all(
        r["error_code"] == "invalid_input" and r["attempts"] == "0" for r in invalid
    )
    missing = [r for r in rows if r["status"] == "not_found"]
    assert missing and all(r["error_code"] == "201" for r in missing)
    active = next(r for r in rows if r["status"] == "active")
    assert (
        active["status_text"] == "AKTIF" and active["name"] and active["class"].startswith("KELAS")
    )
    assert active["tgl_tat"] == "2099-12-31" and active["attempts"] == "1"
    # The summary: every outcome counted, on stdout; progress on stderr without identifiers.
    for label, status in (("active", "active"), ("not found", "not_found"), ("invalid", "invalid")):
        line = next(x for x in result.stdout.splitlines() if label in x)
        assert f"{statuses[status]:,}" in line
    assert "2,000/2,000 rows" in result.stderr
    assert not any(r["input"] in result.stderr for r in rows if len(r["input"]) >= 13)
    # The journal agrees, and a rerun of the finished command checks nothing again.
    with journal(out) as db:
        assert db.execute("SELECT count(*), max(checks) FROM results").fetchone() == (2000, 1)
    again = cli("check", *FAST, source, "--out", out, "--keep-journal")
    assert again.returncode == 0
    assert "0 rows checked this run" in again.stdout
    assert_complete(out, lines, registry)


def test_bundled_sample_is_covered_by_the_sandbox(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    result = cli("check", "--sandbox", "--sandbox-latency", "0", SAMPLE, "--out", out)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 300
    counts = Counter(r["status"] for r in records)
    # A few unknown numbers and a few malformed rows; every other row is a sandbox participant.
    assert counts["not_found"] == 10 and counts["invalid"] == 10 and counts["error"] == 0
    assert counts["active"] + counts["inactive"] == 280
    assert {r["kind"] for r in records} == {"card", "nik", None}
    # JSONL says null where BPJS gave nothing, never "" (the input itself may be empty).
    assert not any(v == "" for r in records for k, v in r.items() if k != "input")


def test_sqlite_output_and_plain_text_input(tmp_path: Path, registry: VClaimSimulator) -> None:
    niks = registry.participants.niks()[:40]
    source = tmp_path / "niks.txt"
    source.write_text("# NIKs for Monday\n\n" + "\n".join(niks) + "\nnot-a-nik\n", encoding="utf-8")
    out = tmp_path / "niks.sqlite"
    result = cli(
        "check", "--sandbox", "--sandbox-latency", "0", "--kind", "nik", source, "--out", out, "-q"
    )
    assert result.returncode == 0, result.stderr
    # -q: no progress or notes; the summary (stdout) and errors only.
    assert result.stderr == "" and "eligibility check" in result.stdout
    with sqlite3.connect(out) as db:
        rows = db.execute("SELECT row, input, kind, status FROM results ORDER BY row").fetchall()
    assert len(rows) == 41
    assert rows[0][:3] == (3, niks[0], "nik")
    assert rows[-1][1:] == ("not-a-nik", None, "invalid")


def test_ordered_output_and_shape_detection(tmp_path: Path, registry: VClaimSimulator) -> None:
    cards = registry.participants.cards()[:60]
    source = tmp_path / "export.csv"
    # No header, a semicolon, and the card numbers in the second column.
    source.write_text("".join(f"{n};{card};x\n" for n, card in enumerate(cards)), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = cli("check", "--sandbox", "--sandbox-latency", "0", "--ordered", source, "--out", out)
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    assert [r["input"] for r in rows] == cards
    assert [int(r["row"]) for r in rows] == list(range(1, 61))


# -- errors inside a run (in process, with scripted simulator faults) ------------------------


def _with_faults(monkeypatch: pytest.MonkeyPatch, script: dict[str, int]) -> None:
    """Make the sandbox answer ``status`` for every request matching each pattern."""

    def setup(sim: VClaimSimulator) -> None:
        for pattern, status in script.items():
            sim.faults.fail(pattern, status=status, times=None)

    script_sandbox(monkeypatch, setup)


def test_failed_rows_exit_3_and_are_retried_by_the_same_command(
    tmp_path: Path,
    registry: VClaimSimulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cards = registry.participants.cards()[:30]
    source = tmp_path / "in.csv"
    write_input(source, cards)
    out = tmp_path / "out.csv"
    command = ["check", *FAST, str(source), "--out", str(out), "--keep-journal"]
    _with_faults(monkeypatch, {cards[4]: 502, cards[9]: 503})
    assert main(command) == 3
    captured = capsys.readouterr()
    assert "rows ended in an error: rerun the same command to retry them" in captured.out
    rows = {r["input"]: r for r in read_csv(out)}
    assert rows[cards[4]]["status"] == "error" and rows[cards[4]]["error_code"] == "HTTP 502"
    assert cards[4] not in rows[cards[4]]["error_message"]
    assert int(rows[cards[4]]["attempts"]) > 1

    monkeypatch.undo()  # BPJS is back
    assert main(command) == 0
    rows = {r["input"]: r for r in read_csv(out)}
    assert len(rows) == 30 and rows[cards[4]]["status"] in ("active", "inactive")
    with journal(out) as db:
        retried = db.execute("SELECT count(*) FROM results WHERE checks = 2").fetchone()
    assert retried == (2,)


def test_a_dead_gateway_trips_the_breaker(
    tmp_path: Path,
    registry: VClaimSimulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("\n".join(registry.participants.cards()[:200]), encoding="utf-8")
    out = tmp_path / "out.csv"
    _with_faults(monkeypatch, {".*": 502})
    code = main(
        ["check", "--sandbox", "--sandbox-latency", "0", "-q", str(source), "--out", str(out)]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "failed look-ups in a row" in err and "Rerun the same command" in err
    # One line for the outage, not one warning per call, even with -q; and its count is true:
    # every row that failed (those in flight when it tripped included) is in it.
    assert err.count("\n") == 1 and "giving up" not in err
    errors = [r for r in read_csv(out) if r["status"] == "error"]
    assert f"stopped after {len(errors):,} failed look-ups in a row" in err
    assert "GatewayError, HTTP 502" in err
    assert len(errors) < 200


def test_an_outage_is_reported_once_with_its_true_count(
    tmp_path: Path,
    registry: VClaimSimulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("\n".join(registry.participants.cards()[:120]), encoding="utf-8")
    out = tmp_path / "out.csv"

    def setup(sim: VClaimSimulator) -> None:
        sim.faults.fail(".*", status=503, times=110)  # a short outage, then BPJS is back

    script_sandbox(monkeypatch, setup)
    code = main(["check", *FAST, "-q", "--concurrency", "1", str(source), "--out", str(out)])
    assert code == 3
    captured = capsys.readouterr()
    errors = [r for r in read_csv(out) if r["status"] == "error"]
    assert errors
    lines = captured.err.splitlines()
    assert len(lines) == 1 and "giving up" not in captured.err, lines
    assert f"{len(errors):,} look-up{'s' if len(errors) != 1 else ''} in a row failed" in lines[0]
    assert "GatewayError, HTTP 503" in lines[0] and "answered again" in lines[0]
    assert "eligibility check" in captured.out  # -q keeps the summary


async def test_real_mode_uses_vclaim_env_and_stops_on_refused_credentials(
    tmp_path: Path, vclaim_simulator: VClaimSimulator
) -> None:
    cards = vclaim_simulator.participants.cards()[:50]
    source = tmp_path / "in.txt"
    source.write_text("\n".join(cards), encoding="utf-8")
    sim = vclaim_simulator
    env = {
        "VCLAIM_CONS_ID": sim.cons_id,
        "VCLAIM_SECRET": sim.secret,
        "VCLAIM_USER_KEY": sim.user_key,
        "VCLAIM_BASE_URL": sim.base_url,
    }

    async def run(out: Path, **overrides: str) -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "vclaim_async", "check", str(source), "--out", str(out),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=clean_env(**{**env, **overrides}),
        )  # fmt: skip
        stdout, stderr = await asyncio.wait_for(proc.communicate(), 60)
        return proc.returncode or 0, stdout.decode(), stderr.decode()

    code, _, stderr = await run(tmp_path / "ok.csv")
    assert code == 0, stderr
    assert len(sim.requests) == 50
    rows = read_csv(tmp_path / "ok.csv")
    assert Counter(r["status"] for r in rows)["not_found"] == 0

    code, _, stderr = await run(tmp_path / "bad.csv", VCLAIM_SECRET="wrong")
    assert code == 1
    assert "BPJS refused the credentials" in stderr and "wrong" not in stderr
    with journal(tmp_path / "bad.csv") as db:
        assert db.execute("SELECT count(*) FROM results").fetchone() == (0,)
