"""Journal first, output second: interruption, kill -9 and resume; the journal's lifecycle."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.helpers import (
    FAST,
    assert_complete,
    clean_env,
    cli,
    journal,
    journal_file,
    mixed,
    read_csv,
    write_input,
)
from vclaim_async.cli import main
from vclaim_async.testing import VClaimSimulator

# -- interruption and resume -----------------------------------------------------------------


def _wait_for_rows(path: Path, count: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if path.exists() and path.read_text(encoding="utf-8").count("\n") > count:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("the run made no progress")


def _start(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vclaim_async", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(),
    )  # fmt: skip


@pytest.mark.slow
def test_killed_run_resumes_without_losing_or_repeating_rows(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    source = tmp_path / "patients.csv"
    lines = write_input(source, mixed(registry, 1000))
    out = tmp_path / "results.csv"
    command = ("check", "--sandbox", "--sandbox-latency", "0.01", "--concurrency", "4",
               source, "--out", out, "--keep-journal")  # fmt: skip
    proc = _start(*command)
    _wait_for_rows(out, 250, proc)
    proc.kill()  # SIGKILL: no cleanup, no final commit
    proc.communicate(timeout=30)
    with journal(out) as db:
        (after_kill,) = db.execute("SELECT count(*) FROM results").fetchone()
    assert 0 < after_kill < 1000

    resumed = cli(*command)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming: {after_kill:,} rows already done" in resumed.stderr
    assert_complete(out, lines, registry)
    with journal(out) as db:
        runs = db.execute("SELECT id, outcome, pending, checked, sandbox_requests FROM runs")
        first, second = runs.fetchall()
        per_run = dict(db.execute("SELECT run, count(*) FROM results GROUP BY run").fetchall())
        (most_checks,) = db.execute("SELECT max(checks) FROM results").fetchone()
        # A repeated identifier (the unknown card) is asked once per day: a row of run 2 that
        # made a request is the first of its identifier, and no other row made one.
        valid_second, distinct_asked = db.execute(
            "SELECT count(*), count(DISTINCT input) FROM results WHERE run = 2 AND attempts > 0"
        ).fetchone()
        (asked_in_both,) = db.execute(
            "SELECT count(*) FROM results a JOIN results b ON a.input = b.input "
            "WHERE a.run = 1 AND b.run = 2 AND b.attempts > 0 AND a.status != 'error'"
        ).fetchone()
    assert first[1] == "killed" and second[1] == "completed"
    assert per_run == {1: after_kill, 2: 1000 - after_kill}
    assert second[2] == second[3] == 1000 - after_kill
    # No finished row was queried again: the resumed run sent one request per row it had left.
    assert most_checks == 1
    assert second[4] == valid_second == distinct_asked and asked_in_both == 0


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"]
)
@pytest.mark.slow
def test_interrupted_run_stops_cleanly_and_resumes(
    tmp_path: Path, registry: VClaimSimulator, signum: int, code: int
) -> None:
    source = tmp_path / "patients.txt"
    cards = registry.participants.cards()
    source.write_text("\n".join(cards[n % len(cards)] for n in range(600)) + "\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    command = ("check", "--sandbox", "--sandbox-latency", "0.01", "--concurrency", "4",
               source, "--out", out)  # fmt: skip
    proc = _start(*command)
    _wait_for_rows(out, 100, proc)
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == code, stderr
    assert "interrupted" in stdout and "rerun the same command to resume" in stdout
    assert "Traceback" not in stderr and "destroyed" not in stderr
    written = out.read_text(encoding="utf-8").splitlines()
    with journal(out) as db:
        (journaled,) = db.execute("SELECT count(*) FROM results").fetchone()
        (outcome,) = db.execute("SELECT outcome FROM runs").fetchone()
    assert outcome == "interrupted"
    assert len(written) == journaled < 600  # a graceful stop leaves file and journal equal
    resumed = cli(*command)
    assert resumed.returncode == 0, resumed.stderr
    rows = [json.loads(x)["row"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert rows == list(range(1, 601))


# -- kill -9 at any moment ---------------------------------------------------------------------

_ASKED = re.compile(r"/Peserta/(?:nokartu|nik)/(\d+)/", re.IGNORECASE)
KILLS = 15


def _output_inputs(out: Path) -> list[str]:
    """The identifiers the output holds right now (every line must be whole)."""
    if not out.exists():
        return []
    text = out.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n"), "a kill left half a row in the output"
    return [row["input"] for row in csv.DictReader(io.StringIO(text, newline=""))]


def _assert_private(directory: Path, *, but: Path) -> None:
    for path in directory.iterdir():
        if path != but:
            assert path.stat().st_mode & 0o077 == 0, f"{path.name} is not private"


@pytest.mark.slow
async def test_kill_9_at_random_moments_never_re_asks_an_output_row(
    tmp_path: Path, vclaim_simulator: VClaimSimulator
) -> None:
    """15 SIGKILLs at random points, each followed by a rerun, against one simulator whose
    request log is the evidence: no identifier the output already showed is ever asked again,
    and the final output holds every row exactly once. Every file left behind is 0600."""
    rng = random.Random(20240301)
    sim = vclaim_simulator
    identifiers = sim.participants.cards() + sim.participants.niks()
    assert len(set(identifiers)) == len(identifiers)  # one request per row tells rows apart
    source = tmp_path / "patients.csv"
    lines = write_input(source, identifiers)
    out = tmp_path / "results.csv"
    sim.faults.delay(".*", 0.02, times=None)
    env = clean_env(
        VCLAIM_CONS_ID=sim.cons_id, VCLAIM_SECRET=sim.secret,
        VCLAIM_USER_KEY=sim.user_key, VCLAIM_BASE_URL=sim.base_url,
    )  # fmt: skip
    command = (
        sys.executable, "-m", "vclaim_async", "check", str(source), "--out", str(out),
        "--date", "2024-03-01", "--concurrency", "2", "--keep-journal", "-q",
    )  # fmt: skip
    shown: set[str] = set()  # every identifier any output has held so far
    for _ in range(KILLS):
        seen = len(sim.requests)
        proc = await asyncio.create_subprocess_exec(
            *command, env=env, umask=0o022,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        await asyncio.sleep(rng.uniform(0.1, 2.5))
        if proc.returncode is None:
            proc.kill()
        _, stderr = await proc.communicate()
        assert proc.returncode in (-signal.SIGKILL, 0), stderr.decode()
        asked = [m.group(1) for r in sim.requests[seen:] if (m := _ASKED.search(r.path))]
        assert not shown & set(asked), "a rerun asked BPJS again for a row already output"
        now = _output_inputs(out)
        assert len(now) == len(set(now))  # no row twice, even mid-run
        shown |= set(now)
        _assert_private(tmp_path, but=source)
    seen = len(sim.requests)
    final = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await final.communicate()
    assert final.returncode == 0, stderr.decode()
    asked = [m.group(1) for r in sim.requests[seen:] if (m := _ASKED.search(r.path))]
    assert not shown & set(asked)
    rows = read_csv(out)
    assert [int(r["row"]) for r in rows] == sorted(lines)  # every row once, in input order
    assert [r["input"] for r in rows] == identifiers
    assert {r["status"] for r in rows} <= {"active", "inactive"}


# -- the journal's lifecycle (cron) ------------------------------------------------------------


def _checked(result: subprocess.CompletedProcess[str]) -> int:
    found = re.search(r"([\d,]+) rows checked this run", result.stdout)
    assert found, result.stdout
    return int(found.group(1).replace(",", ""))


@pytest.mark.slow
def test_a_finished_journal_never_blocks_the_next_run(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    source = tmp_path / "in.csv"
    write_input(source, registry.participants.cards()[:20])
    out = tmp_path / "out.csv"
    base = ("check", *FAST, source, "--out", out)
    first = cli(*base, "--date", "2024-03-01")
    assert first.returncode == 0, first.stderr
    assert not journal_file(out).exists()  # removed after a fully successful run
    assert "journal" in first.stdout and "removed" in first.stdout
    # Nightly: the same output again, another day, no --fresh: a new run by itself.
    kept = cli(*base, "--date", "2024-03-02", "--keep-journal")
    assert kept.returncode == 0, kept.stderr
    assert _checked(kept) == 20 and journal_file(out).exists()
    same = cli(*base, "--date", "2024-03-02", "--keep-journal")
    assert same.returncode == 0 and _checked(same) == 0  # the same finished run: nothing left
    tomorrow = cli(*base, "--date", "+1", "--keep-journal")
    assert tomorrow.returncode == 0 and _checked(tomorrow) == 20
    with source.open("a", encoding="utf-8") as fh:  # a regenerated input
        fh.write("RM9,X,0009999999999\n")
    changed = cli(*base, "--date", "+1")
    assert changed.returncode == 0, changed.stderr
    assert _checked(changed) == 21 and len(read_csv(out)) == 21
    assert not journal_file(out).exists()


def _interrupted_run(
    tmp_path: Path, registry: VClaimSimulator
) -> tuple[Path, Path, tuple[str | Path, ...]]:
    source = tmp_path / "in.txt"
    cards = registry.participants.cards()
    source.write_text("\n".join(cards[n % len(cards)] for n in range(400)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    command = ("check", "--sandbox", "--sandbox-latency", "0.01", "--concurrency", "2",
               source, "--out", out, "--date", "2024-03-01")  # fmt: skip
    proc = _start(*command)
    _wait_for_rows(out, 20, proc)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == 143
    return source, out, command


@pytest.mark.slow
def test_an_unfinished_run_is_set_aside_for_another_date_or_input(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    source, out, command = _interrupted_run(tmp_path, registry)
    (done_before,) = journal(out).execute("SELECT count(*) FROM results").fetchone()
    # Another service date: no flag needed; one warning, the old journal kept aside.
    other_date = cli(*command[:-2], "--date", "2024-03-02", "--keep-journal")
    assert other_date.returncode == 0, other_date.stderr
    warnings = [x for x in other_date.stderr.splitlines() if "WARNING" in x]
    assert len(warnings) == 1 and "service date 2024-03-01" in warnings[0]
    assert f"{done_before:,} rows were done" in warnings[0]
    assert "started afresh" in other_date.stdout
    aside = sorted(p.name for p in tmp_path.iterdir() if ".set-aside-" in p.name)
    assert len(aside) == 1 and (tmp_path / aside[0]).stat().st_mode & 0o777 == 0o600
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in rows] == list(range(1, 401))
    assert {r["service_date"] for r in rows} == {"2024-03-02"}  # no row of the old run
    # The same (now finished) run again with another input: a new run, no flag.
    with source.open("a", encoding="utf-8") as fh:
        fh.write("0009999999999\n")
    changed = cli(*command[:-2], "--date", "2024-03-02")
    assert changed.returncode == 0, changed.stderr
    rows = [json.loads(x)["row"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert rows == list(range(1, 402))


@pytest.mark.slow
def test_an_unfinished_run_resumes_with_the_same_input_and_date(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    _, out, command = _interrupted_run(tmp_path, registry)
    resumed = cli(*command)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming:" in resumed.stderr and "WARNING" not in resumed.stderr
    other_kind = cli(*command, "--kind", "card")
    assert other_kind.returncode == 0  # finished now: another option starts a new run
    rows = [json.loads(x)["row"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert rows == list(range(1, 401))


def test_a_run_with_errors_keeps_its_journal_for_the_retry(
    tmp_path: Path,
    registry: VClaimSimulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.cli.test_check import _with_faults

    cards = registry.participants.cards()[:10]
    source = tmp_path / "in.csv"
    write_input(source, cards)
    out = tmp_path / "out.csv"
    command = ["check", *FAST, str(source), "--out", str(out)]
    _with_faults(monkeypatch, {cards[2]: 503})
    assert main(command) == 3
    assert journal_file(out).exists()  # the retry needs it
    monkeypatch.undo()
    assert main(command) == 0
    assert not journal_file(out).exists()
    assert "1 rows checked this run" in capsys.readouterr().out


@pytest.mark.slow
def test_cron_two_nights_an_interrupted_first_and_a_regenerated_input(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    """The nightly job: night 1 is cut by SIGINT (a power cut); night 2 runs the very same
    command (no flag, -q into a log) on a regenerated input and must succeed by itself."""
    cards = registry.participants.cards()
    source = tmp_path / "tonight.csv"
    write_input(source, [cards[n % len(cards)] for n in range(600)])
    out = tmp_path / "results.csv"
    command = ("check", "--sandbox", "--sandbox-latency", "0.01", "--concurrency", "2",
               source, "--out", out, "-q")  # fmt: skip
    night1 = _start(*command)
    _wait_for_rows(out, 30, night1)
    night1.send_signal(signal.SIGINT)
    night1.communicate(timeout=30)
    assert night1.returncode == 130
    partial = read_csv(out)
    assert 0 < len(partial) < 600
    # Night 2: the hospital system writes a new file under the same name.
    lines = write_input(source, [cards[(n * 7 + 3) % len(cards)] for n in range(250)])
    night2 = cli(*command)
    assert night2.returncode == 0, night2.stderr
    warnings = night2.stderr.splitlines()
    assert len(warnings) == 1 and "WARNING" in warnings[0] and "input changed" in warnings[0]
    assert "started afresh" in night2.stdout
    rows = read_csv(out)
    assert [int(r["row"]) for r in rows] == sorted(lines)  # only tonight's rows, each once
    assert all(r["input"] == lines[int(r["row"])] for r in rows)
    assert not journal_file(out).exists()  # complete: the new journal is removed as usual


@pytest.mark.slow
def test_a_resumed_run_asks_nothing_an_earlier_run_of_the_day_answered(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    cards = registry.participants.cards()[:300]
    source = tmp_path / "in.txt"
    source.write_text("\n".join(cards[n % 300] for n in range(1500)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    command = ("check", "--sandbox", "--sandbox-latency", "0.02", "--concurrency", "2",
               source, "--out", out, "--keep-journal")  # fmt: skip
    proc = _start(*command)
    _wait_for_rows(out, 60, proc)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    with journal(out) as db:
        (answered,) = db.execute(
            "SELECT count(DISTINCT input) FROM results WHERE status != 'error'"
        ).fetchone()
    assert 0 < answered < 300
    resumed = cli(*command)
    assert resumed.returncode == 0, resumed.stderr
    with journal(out) as db:
        requests = db.execute("SELECT sandbox_requests FROM runs ORDER BY id").fetchall()[-1][0]
        per_run = dict(db.execute("SELECT run, count(*) FROM results GROUP BY run").fetchall())
        (copies,) = db.execute(
            "SELECT count(*) FROM results WHERE run = 2 AND attempts = 0"
        ).fetchone()
    # Only the identifiers the interrupted run never answered are asked: one request each;
    # every other row of the resumed run is answered without one.
    assert requests == 300 - answered
    assert copies == per_run[2] - requests
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in rows] == list(range(1, 1501))
    assert all(r["input"] == cards[(r["row"] - 1) % 300] for r in rows)
    by_card = {}
    for r in rows:
        by_card.setdefault(r["input"], set()).add((r["status"], r["name"]))
    assert all(len(answers) == 1 for answers in by_card.values())
