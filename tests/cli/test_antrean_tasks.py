"""``vclaim-async antrean``: tasks (journaled, kill -9 and rerun), referensi, dashboard."""

from __future__ import annotations

import csv
import datetime
import json
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.cli.helpers import ROOT, clean_env, cli, journal_file, read_csv
from vclaim_async.testing import Fault, VClaimSimulator

WIB = datetime.timezone(datetime.timedelta(hours=7))


def today() -> datetime.date:
    return datetime.datetime.now(WIB).date()


def iso(day: datetime.date, hour: int, minute: int) -> str:
    return datetime.datetime.combine(day, datetime.time(hour, minute), WIB).isoformat()


def write_events(path: Path, rows: list[tuple[str, int, str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["kodebooking", "taskid", "waktu", "jenisresep"])
        writer.writerows(rows)


def day_of(codes: list[str], day: datetime.date) -> list[tuple[str, int, str, str]]:
    rows = []
    for n, kb in enumerate(codes):
        tasks = (1, 2, 3, 4, 5, 6, 7) if n % 3 else (3, 4, 5)
        for i, t in enumerate(tasks):
            rows.append((kb, t, iso(day, 7 + i, n % 60), "Racikan" if t == 5 else ""))
    return sorted(rows, key=lambda r: r[2])


def command(source: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "vclaim_async", "antrean", "tasks", "--input", str(source),
        "--out", str(out), "--settle", "0", "-q", *extra,
    ]  # fmt: skip


def recorded(sim: VClaimSimulator) -> Counter[tuple[str, int]]:
    return Counter((e.kodebooking, e.taskid) for e in sim.antrean_state.task_events)


def sent(sim: VClaimSimulator, name: str) -> int:
    return sum(1 for r in sim.requests if r.path.endswith("/antrean/" + name))


def test_a_file_is_checked_reported_and_written_privately(tmp_path: Path) -> None:
    day = today()
    source, out = tmp_path / "events.csv", tmp_path / "sent.csv"
    write_events(
        source,
        [
            ("KB-1", 3, iso(day, 8, 0), ""),
            ("KB-1", 4, iso(day, 8, 10), ""),
            ("KB-1", 5, iso(day, 8, 20), "non racikan"),
            ("KB-1", 5, iso(day, 8, 20), "non racikan"),  # the same event again
            ("KB-2", 3, iso(day, 9, 0), ""),
            ("KB-2", 4, iso(day, 8, 59), ""),  # before its predecessor
            ("KB-3", 5, iso(day, 9, 0), ""),  # 3 and 4 missing
            ("=HYPERLINK(1)", 3, iso(day, 8, 0), ""),
            ("KB-4", 3, f"{day}T08:00:00", ""),  # no timezone
            ("KB-5", 3, iso(day, 8, 0), ""),
            ("KB-5", 3, iso(day, 8, 5), ""),  # the same task at another time
            ("KB-5", 4, iso(day, 9, 0), ""),
        ],
    )
    result = cli("antrean", "tasks", "--sandbox", "--input", source, "--out", out, "-q")
    assert result.returncode == 3, result.stderr
    rows = {int(r["row"]): r for r in read_csv(out)}
    assert [rows[n]["status"] for n in range(2, 14)] == [
        "sent", "sent", "sent", "duplicate", "invalid", "invalid", "held", "sent", "invalid",
        "invalid", "invalid", "held",
    ]  # fmt: skip
    assert "rows 11, 12" in rows[11]["error_message"]
    assert rows[4]["jenisresep"] == "non racikan" and "not after task 3" in rows[7]["error_message"]
    assert "task 4 is missing" in rows[8]["error_message"]
    assert rows[9]["kodebooking"] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet
    assert "+07:00" in rows[10]["error_message"] and "--assume-wib" in rows[10]["error_message"]
    for path in tmp_path.iterdir():
        if path != source:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    # The journal keeps the run (not complete); a file we did not write is never replaced.
    assert journal_file(out).exists()
    other = tmp_path / "notes.csv"
    other.write_text("mine\n")
    refused = cli("antrean", "tasks", "--sandbox", "--input", source, "--out", other)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert other.read_text() == "mine\n"


def test_without_credentials_nothing_is_sent_or_written(tmp_path: Path) -> None:
    source = tmp_path / "events.csv"
    write_events(source, [("KB-1", 3, iso(today(), 8, 0), "")])
    result = cli("antrean", "tasks", "--input", source, cwd=tmp_path)
    assert result.returncode == 1
    assert "VCLAIM_ANTREAN_USER_KEY" in result.stderr and "--sandbox" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv"]


def test_kill_9_then_a_rerun_records_every_event_exactly_once(tmp_path: Path) -> None:
    day = today()
    source, out = tmp_path / "events.csv", tmp_path / "sent.csv"
    with VClaimSimulator(max_recorded=None).in_thread() as sim:
        codes = [sim.antrean_state.add_booking().kodebooking for _ in range(24)]
        rows = day_of(codes, day)
        write_events(source, rows)
        sim.faults.mix(".*", {"lose_answer": 0.1, "502": 0.05}, operation="antrean.update_waktu")
        sim.faults.delay(".*", (0.005, 0.02), operation="antrean.update_waktu")
        env = clean_env(**sim.env())
        first = subprocess.Popen(command(source, out), env=env, cwd=ROOT)
        deadline = time.monotonic() + 120
        while len(sim.antrean_state.task_events) < len(rows) // 3:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert len(sim.antrean_state.task_events) < len(rows)
        second = subprocess.run(command(source, out), env=env, cwd=ROOT, timeout=300, check=False)
        assert second.returncode == 0
        assert recorded(sim) == Counter((r[0], r[1]) for r in rows)
        assert not sim.antrean_state.refusals
        statuses = Counter(r["status"] for r in read_csv(out))
        assert set(statuses) <= {"sent", "already", "found"} and sum(statuses.values()) == len(rows)
        assert not journal_file(out).exists()  # complete: the journal is removed


def test_an_event_in_flight_at_the_kill_is_looked_up_not_sent_again(tmp_path: Path) -> None:
    day = today()
    source, out = tmp_path / "events.csv", tmp_path / "sent.csv"
    with VClaimSimulator(max_recorded=None).in_thread() as sim:
        kb = sim.antrean_state.add_booking().kodebooking
        write_events(source, [(kb, 3, iso(day, 8, 0), ""), (kb, 4, iso(day, 8, 30), "")])
        # Task 3's answer takes a second and a half: the command is killed meanwhile, and
        # BPJS records the task after the client is gone.
        sim.faults.add(Fault("delay", operation="antrean.update_waktu", times=1, delay=1.5))
        env = clean_env(**sim.env())
        first = subprocess.Popen(command(source, out, "--keep-journal"), env=env, cwd=ROOT)
        deadline = time.monotonic() + 60
        while sent(sim, "updatewaktu") == 0:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait()
        with sqlite3.connect(journal_file(out)) as db:
            assert db.execute("SELECT status FROM events WHERE row = 2").fetchone() == ("sending",)
        while not sim.antrean_state.task_events:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        second = subprocess.run(
            command(source, out, "--keep-journal"), env=env, cwd=ROOT, timeout=120, check=False
        )
        assert second.returncode == 0
        assert [r["status"] for r in read_csv(out)] == ["found", "sent"]
        assert sent(sim, "updatewaktu") == 2 and sent(sim, "getlisttask") == 1
        assert recorded(sim) == {(kb, 3): 1, (kb, 4): 1}


def test_referensi_and_dashboard_print_tables_and_json() -> None:
    poli = cli("antrean", "referensi", "poli", "--sandbox")
    assert poli.returncode == 0, poli.stderr
    assert "kdsubspesialis" in poli.stdout and "ANAK ALERGI IMUNOLOGI" in poli.stdout
    dokter = cli("antrean", "referensi", "dokter", "--sandbox", "--json")
    assert dokter.returncode == 0
    assert {"namadokter", "kodedokter"} <= set(json.loads(dokter.stdout)[0])
    board = cli("antrean", "dashboard", "--date", "today", "--sandbox", "--json")
    assert board.returncode == 0, board.stderr
    assert isinstance(json.loads(board.stdout), list)
    bad = cli("antrean", "dashboard", "--date", "2024-02-30", "--sandbox")
    assert bad.returncode == 2 and "date" in bad.stderr
    assert cli("antrean", "--help").returncode == 0
    assert "kill -9" in cli("antrean", "tasks", "--help").stdout


def test_a_rerun_looks_up_events_whose_outcome_was_unknown(tmp_path: Path) -> None:
    from vclaim_async.antrean.reporter import TaskEvent, TaskResult
    from vclaim_async.cli.antrean_journal import TaskJournal, read_events

    source = tmp_path / "events.csv"
    day = today()
    write_events(source, [("KB-1", 3, iso(day, 8, 0), ""), ("KB-1", 4, iso(day, 8, 5), "")])
    rows, digest = read_events(source, assume_wib=False)
    journal = TaskJournal(tmp_path / "j.sqlite")
    journal.start(rows, digest, {})
    first = rows[0].event
    assert isinstance(first, TaskEvent)
    journal.sending(2)
    journal.settle(2, TaskResult(first, "unknown", requests=4))
    todo, recorded, uncertain, open_rows = journal.work()
    assert uncertain == {"KB-1": {3}} and not recorded
    assert open_rows == {("KB-1", 3): 2, ("KB-1", 4): 3} and len(todo) == 2
    journal.close()
