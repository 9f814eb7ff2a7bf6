"""The ``vclaim-async`` command, end to end through a subprocess against the simulator."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from vclaim_async import _cli_check, _cli_common
from vclaim_async._cli import main
from vclaim_async._cli_common import Session
from vclaim_async._cli_input import InputError, InputFile
from vclaim_async.testing import VClaimSimulator

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "sample-cards.csv"
UNKNOWN_CARD = "0009999999999"
MALFORMED = ["12345", "", "abc", "0001-2345-67890", "123456789012", "00012345678901234"]


@pytest.fixture(scope="module")
def registry() -> VClaimSimulator:
    """The sandbox's participants (not started: only the registry is read)."""
    return VClaimSimulator(participant_count=_cli_common.SANDBOX_PARTICIPANTS)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCLAIM_")}
    env.update(extra)
    return env


def cli(*args: str | Path, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vclaim_async", *map(str, args)],
        capture_output=True, text=True, timeout=60, check=False, cwd=cwd, env=clean_env(**env),
    )  # fmt: skip


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def journal(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.with_name(path.name + ".journal.sqlite"))


def write_input(path: Path, identifiers: list[str]) -> dict[int, str]:
    """A CSV with a header; returns line number -> identifier."""
    lines = {}
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["no_rm", "nama", "no_kartu"])
        for number, identifier in enumerate(identifiers, start=2):
            out.writerow([f"RM{number:06d}", f"PASIEN {number}", identifier])
            lines[number] = identifier
    return lines


def expected_status(registry: VClaimSimulator, identifier: str) -> str:
    if len(identifier) == 13 and identifier.isdigit():
        person = registry.participants.get(identifier)
    elif len(identifier) == 16 and identifier.isdigit():
        card = registry.participants.card_for_nik(identifier)
        person = registry.participants.get(card) if card else None
    else:
        return "invalid"
    if person is None:
        return "not_found"
    return "active" if person.is_active else "inactive"


def mixed(registry: VClaimSimulator, count: int) -> list[str]:
    cards, niks = registry.participants.cards(), registry.participants.niks()
    out: list[str] = []
    for n in range(count):
        if n % 97 == 13:
            out.append(MALFORMED[n % len(MALFORMED)])
        elif n % 50 == 7:
            out.append(UNKNOWN_CARD)
        elif n % 10 == 3:
            out.append(niks[n % len(niks)])
        else:
            out.append(cards[n % len(cards)])
    return out


def assert_complete(out: Path, lines: dict[int, str], registry: VClaimSimulator) -> None:
    rows = read_csv(out)
    assert [int(r["row"]) for r in rows] == sorted(lines)  # each row once, in input order
    for row in rows:
        identifier = lines[int(row["row"])]
        assert row["input"] == identifier
        assert row["status"] == expected_status(registry, identifier), row


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


# -- the main job ----------------------------------------------------------------------------


def test_2000_rows_end_to_end(tmp_path: Path, registry: VClaimSimulator) -> None:
    source = tmp_path / "patients.csv"
    lines = write_input(source, mixed(registry, 2000))
    out = tmp_path / "results.csv"
    started = time.monotonic()
    result = cli("check", "--sandbox", "--sandbox-latency", "0", source, "--out", out)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    assert_complete(out, lines, registry)
    rows = read_csv(out)
    assert list(rows[0]) == [
        "input", "row", "kind", "status", "status_text", "name", "class", "type", "prb",
        "tgl_tat", "error_code", "error_message", "attempts", "latency_ms",
    ]  # fmt: skip
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
    again = cli("check", "--sandbox", "--sandbox-latency", "0", source, "--out", out)
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
    assert {r["kind"] for r in records} == {"card", "nik", ""}


def test_sqlite_output_and_plain_text_input(tmp_path: Path, registry: VClaimSimulator) -> None:
    niks = registry.participants.niks()[:40]
    source = tmp_path / "niks.txt"
    source.write_text("# NIKs for Monday\n\n" + "\n".join(niks) + "\nnot-a-nik\n", encoding="utf-8")
    out = tmp_path / "niks.sqlite"
    result = cli(
        "check", "--sandbox", "--sandbox-latency", "0", "--kind", "nik", source, "--out", out, "-q"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    with sqlite3.connect(out) as db:
        rows = db.execute("SELECT row, input, kind, status FROM results ORDER BY row").fetchall()
    assert len(rows) == 41
    assert rows[0][:3] == (3, niks[0], "nik")
    assert rows[-1][1:] == ("not-a-nik", "", "invalid")


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


def test_killed_run_resumes_without_losing_or_repeating_rows(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    source = tmp_path / "patients.csv"
    lines = write_input(source, mixed(registry, 1000))
    out = tmp_path / "results.csv"
    command = ("check", "--sandbox", "--sandbox-latency", "0.01", "--concurrency", "4",
               source, "--out", out)  # fmt: skip
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
        valid_second = db.execute(
            "SELECT count(*) FROM results WHERE run = 2 AND status != 'invalid'"
        ).fetchone()[0]
    assert first[1] == "killed" and second[1] == "completed"
    assert per_run == {1: after_kill, 2: 1000 - after_kill}
    assert second[2] == second[3] == 1000 - after_kill
    # No finished row was queried again: the resumed run sent one request per row it had left.
    assert most_checks == 1
    assert second[4] == valid_second


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"]
)
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


def test_resume_refuses_a_changed_input_until_fresh(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    source = tmp_path / "in.csv"
    write_input(source, registry.participants.cards()[:20])
    out = tmp_path / "out.csv"
    base = ("check", "--sandbox", "--sandbox-latency", "0", source, "--out", out)
    assert cli(*base).returncode == 0
    other_date = cli(*base, "--date", "2020-01-01")
    assert other_date.returncode == 1 and "service date" in other_date.stderr
    with source.open("a", encoding="utf-8") as fh:
        fh.write("RM9,X,0009999999999\n")
    changed = cli(*base)
    assert changed.returncode == 1
    assert "input changed" in changed.stderr and "--fresh" in changed.stderr
    fresh = cli(*base, "--fresh")
    assert fresh.returncode == 0, fresh.stderr
    assert len(read_csv(out)) == 21


# -- errors inside a run (in process, with scripted simulator faults) ------------------------


def _with_faults(monkeypatch: pytest.MonkeyPatch, script: dict[str, int]) -> None:
    """Make the sandbox answer ``status`` for every request matching each pattern."""
    real = _cli_check.open_session

    @asynccontextmanager
    async def scripted(**kwargs: object) -> AsyncIterator[Session]:
        async with real(**kwargs) as session:  # type: ignore[arg-type]
            assert session.sim is not None
            for pattern, status in script.items():
                session.sim.faults.fail(pattern, status=status, times=None)
            yield session

    monkeypatch.setattr(_cli_check, "open_session", scripted)


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
    command = ["check", "--sandbox", "--sandbox-latency", "0", str(source), "--out", str(out)]
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
    assert len(read_csv(out)) < 200


async def test_real_mode_uses_vclaim_env_and_stops_on_refused_credentials(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    cards = registry.participants.cards()[:50]
    source = tmp_path / "in.txt"
    source.write_text("\n".join(cards), encoding="utf-8")
    async with VClaimSimulator(participant_count=100) as sim:
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


# -- single look-ups -------------------------------------------------------------------------


def test_peserta_pretty_json_and_not_found(registry: VClaimSimulator) -> None:
    card = registry.participants.cards()[0]
    person = registry.participants.get(card)
    assert person is not None and person.nama is not None
    pretty = cli("peserta", "--sandbox", card)
    assert pretty.returncode == 0, pretty.stderr
    assert person.nama in pretty.stdout and "statusPeserta.keterangan" in pretty.stdout
    as_json = cli("peserta", "--sandbox", "--json", str(person.nik), "--date", "2024-03-01")
    assert as_json.returncode == 0, as_json.stderr
    wire = json.loads(as_json.stdout)
    assert wire["noKartu"] == card and "tglTAT" in wire and "statusPeserta" in wire
    missing = cli("peserta", "--sandbox", UNKNOWN_CARD)
    assert missing.returncode == 1
    assert missing.stderr.strip().startswith("vclaim-async: error: BPJS code 201")
    assert UNKNOWN_CARD not in missing.stderr


# -- reading input ---------------------------------------------------------------------------


def _rows(path: Path, text: str, column: str | None = None) -> list[tuple[int, str]]:
    path.write_text(text, encoding="utf-8")
    return list(InputFile.open(path, column=column).rows())


CARD, CARD2, NIK = "0001234567890", "0001234567891", "3671234567890123"
DETECTION = {
    "header": ("noKartu\n0001234567890\n", None, [(2, CARD)]),
    "nik-header": ("nama,NIK\nA,3671234567890123\n", None, [(2, NIK)]),
    "bom-semicolon": ("\ufeffNo. Kartu;nama\n0001234567890;A\n", None, [(2, CARD)]),
    "tab-shape": ("a\tb\n1\t0001234567890\n2\t0001234567891\n", None, [(2, CARD), (3, CARD2)]),
    "no-header-shape": ("1,0001234567890\n2,0001234567891\n", None, [(1, CARD), (2, CARD2)]),
    "card-preferred": ("nik,kartu\n3671234567890123,0001234567890\n", None, [(2, CARD)]),
    "named-column": ("nik,kartu\n3671234567890123,0001234567890\n", "nik", [(2, NIK)]),
    "numbered-column": ("x,y\n1,0001234567890\n", "2", [(2, CARD)]),
    "short-rows": ("no_kartu,a\n0001234567890,b\n\n,c\nshort\n", None,
                   [(2, CARD), (4, ""), (5, "short")]),
    "plain-text": ("0001234567890\n\n  3671234567890123  \n# note\n", None, [(1, CARD), (3, NIK)]),
}  # fmt: skip


@pytest.mark.parametrize(("text", "column", "expected"), DETECTION.values(), ids=DETECTION)
def test_input_detection(
    tmp_path: Path, text: str, column: str | None, expected: list[tuple[int, str]]
) -> None:
    assert _rows(tmp_path / "in.csv", text, column) == expected


def test_input_detection_refusals(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--column"):
        _rows(tmp_path / "a.csv", "a,b\nx,y\nz,w\n")
    with pytest.raises(InputError, match="no column 'kartu'"):
        _rows(tmp_path / "b.csv", "a,b\n0001234567890,y\n", "kartu")
    with pytest.raises(InputError, match="not found"):
        InputFile.open(tmp_path / "missing.csv")


def test_lines_iterator_is_lazy(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("0001234567890\n" * 10, encoding="utf-8")
    rows: Iterator[tuple[int, str]] = InputFile.open(path).rows()
    assert next(rows) == (1, "0001234567890")


def test_referensi_lookups_in_the_sandbox() -> None:
    diagnosa = cli("referensi", "diagnosa", "A09", "--sandbox")
    assert diagnosa.returncode == 0, diagnosa.stderr
    assert "A09" in diagnosa.stdout and "kode" in diagnosa.stdout
    poli = cli("referensi", "poli", "dalam", "--sandbox", "--json")
    assert poli.returncode == 0, poli.stderr
    assert {"kode": "INT", "nama": "PENYAKIT DALAM"} in json.loads(poli.stdout)
    faskes = cli("referensi", "faskes", "puskesmas", "--jenis", "1", "--sandbox", "--json")
    assert faskes.returncode == 0, faskes.stderr
    assert all("kode" in item for item in json.loads(faskes.stdout))
    no_level = cli("referensi", "faskes", "puskesmas", "--sandbox")
    assert no_level.returncode == 2 and "--jenis" in no_level.stderr


async def test_sep_get_and_cbg_read_what_bpjs_holds(tmp_path: Path) -> None:
    from vclaim_async import VClaimClient
    from vclaim_async.models.sep import SepRujukan

    async with VClaimSimulator() as sim:
        card = sim.participants.cards(active=True)[0]
        rujukan = sim.state.add_rujukan(card, tgl_kunjungan="2024-02-27")
        async with VClaimClient(sim.config()) as client:
            issued = await client.sep.insert(
                no_kartu=card, tgl_sep="2024-03-01", jns_pelayanan="2", kls_rawat="3",
                no_mr="MR-0001", diag_awal="I10", poli="INT", no_telp="081200000000",
                user="1001", dpjp_layan="31486",
                rujukan=SepRujukan(asal_rujukan="1", tgl_rujukan="2024-02-27",
                                   no_rujukan=rujukan, ppk_rujukan="0301U001"),
            )  # fmt: skip
        assert issued.no_sep
        env = clean_env(
            VCLAIM_CONS_ID=sim.cons_id, VCLAIM_SECRET=sim.secret,
            VCLAIM_USER_KEY=sim.user_key, VCLAIM_BASE_URL=sim.base_url,
        )  # fmt: skip

        async def run(*args: str) -> tuple[int, str, str]:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "vclaim_async", *args,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
            )  # fmt: skip
            out, err = await asyncio.wait_for(proc.communicate(), 60)
            return proc.returncode or 0, out.decode(), err.decode()

        code, out, err = await run("sep", "get", issued.no_sep, "--json")
        assert code == 0, err
        wire = json.loads(out)
        assert wire["noSep"] == issued.no_sep and wire["tglSep"] == "2024-03-01"
        code, out, err = await run("sep", "get", issued.no_sep)
        assert code == 0, err
        assert issued.no_sep in out and "noSep" in out
        code, out, err = await run("sep", "cbg", issued.no_sep, "--json")
        assert code == 0, err
        assert json.loads(out)
        code, out, err = await run("sep", "get", "0301R0011299V999999")
        assert code == 1
        assert err.strip().startswith("vclaim-async: error: BPJS code 201")
