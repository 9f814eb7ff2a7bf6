"""``check`` as a nightly job: quota-frugal (repeats, the cache), refusing a wrong column
before any request, and one run per output at a time."""

from __future__ import annotations

import functools
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import (
    FAST,
    SAMPLE,
    UNKNOWN_CARD,
    clean_env,
    journal_file,
    read_csv,
    write_input,
)
from vclaim_async.cli import check, common, main
from vclaim_async.testing import VClaimSimulator


def _count_sandboxes(monkeypatch: pytest.MonkeyPatch) -> list[VClaimSimulator]:
    """Every sandbox simulator the in-process commands start, to count what they served."""
    sims: list[VClaimSimulator] = []
    real = common.open_session

    @asynccontextmanager
    async def counted(**kwargs: Any) -> AsyncIterator[common.Session]:
        async with real(**kwargs) as session:
            assert session.sim is not None
            sims.append(session.sim)
            yield session

    monkeypatch.setattr(check, "open_session", counted)
    return sims


# -- duplicates cost no requests -------------------------------------------------------------


def test_duplicates_cost_no_requests(
    tmp_path: Path,
    registry: VClaimSimulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cards = registry.participants.cards()[:299]
    distinct = [*cards, UNKNOWN_CARD]
    rows = [distinct[(n * 13) % 300] for n in range(3000)]  # 3,000 rows, 300 distinct cards
    source = tmp_path / "in.csv"
    lines = write_input(source, rows)
    out = tmp_path / "out.csv"
    sims = _count_sandboxes(monkeypatch)
    assert main(["check", *FAST, str(source), "--out", str(out)]) == 0
    (sim,) = sims
    assert sim.served == 300  # counted at the server: one request per distinct card
    summary = capsys.readouterr().out
    assert "requests saved: 2,700" in summary
    written = read_csv(out)
    assert [int(r["row"]) for r in written] == sorted(lines)  # each row its own row
    by_input: dict[str, list[dict[str, str]]] = {}
    for row in written:
        assert row["input"] == lines[int(row["row"])]
        by_input.setdefault(row["input"], []).append(row)
    for same in by_input.values():
        assert len({(r["status"], r["name"], r["class"]) for r in same}) == 1
        assert sorted(r["attempts"] for r in same) == ["0"] * (len(same) - 1) + ["1"]


def test_the_redis_cache_answers_a_second_night_of_the_same_day(
    tmp_path: Path,
    registry: VClaimSimulator,
    monkeypatch: pytest.MonkeyPatch,
    redis_url: str,
    prefix: str,
) -> None:
    import vclaim_async.redis

    monkeypatch.setattr(
        vclaim_async.redis,
        "RedisCache",
        functools.partial(vclaim_async.redis.RedisCache, prefix=prefix),
    )
    monkeypatch.setenv("VCLAIM_CACHE_URL", redis_url)
    monkeypatch.delenv("VCLAIM_CACHE_TTL", raising=False)
    # Cache keys derive from the base URL (issue 18): both nights must talk to the same "BPJS",
    # as a hospital's do, so both sandboxes listen on one port.
    import socket

    import vclaim_async.testing

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(
        vclaim_async.testing,
        "VClaimSimulator",
        functools.partial(vclaim_async.testing.VClaimSimulator, port=port),
    )
    source = tmp_path / "in.csv"
    write_input(source, registry.participants.cards()[:40])
    out = tmp_path / "out.csv"
    sims = _count_sandboxes(monkeypatch)
    assert main(["check", *FAST, str(source), "--out", str(out), "-q"]) == 0
    assert not journal_file(out).exists()  # finished: the next night is a new run
    assert main(["check", *FAST, str(source), "--out", str(out), "-q"]) == 0
    first, second = sims
    assert first.served == 40 and second.served == 0  # the second night: all from the cache
    assert [r["status"] for r in read_csv(out)].count("error") == 0
    assert {r["attempts"] for r in read_csv(out)} == {"0"}
    import redis

    with redis.Redis.from_url(redis_url) as db:
        keys = list(db.scan_iter(match=prefix + "*"))
        assert len(keys) == 40
        assert all(0 < db.ttl(key) <= 86_400 for key in keys)  # never past the service day


# -- a wrong column is refused before any request --------------------------------------------


def test_a_column_without_identifiers_exits_1_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sims = _count_sandboxes(monkeypatch)
    out = tmp_path / "out.csv"
    code = main(["check", *FAST, str(SAMPLE), "--column", "poli_tujuan", "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'poli_tujuan'" in err
    assert "holds no card numbers or NIKs" in err and "words of 3 characters" in err
    assert sims == [] and list(tmp_path.iterdir()) == []  # no request, no file


def test_mostly_invalid_rows_are_refused_unless_allowed(
    tmp_path: Path,
    registry: VClaimSimulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cards = registry.participants.cards()[:10]
    stripped = [card.lstrip("0") or "0" for card in registry.participants.cards()[10:40]]
    source = tmp_path / "in.csv"
    write_input(source, [*cards, *[s if len(s) < 13 else s[:12] for s in stripped]])
    out = tmp_path / "out.csv"
    sims = _count_sandboxes(monkeypatch)
    assert main(["check", *FAST, str(source), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "30 of 40 rows" in err and "--allow-invalid" in err
    assert sims == [] and not out.exists()
    assert main(["check", *FAST, str(source), "--out", str(out), "--allow-invalid", "-q"]) == 0
    statuses = [r["status"] for r in read_csv(out)]
    assert statuses.count("invalid") == 30 and sims[0].served == 10


# -- one run per output ----------------------------------------------------------------------


@pytest.mark.slow
def test_a_second_run_on_the_same_output_is_refused_in_one_line(
    tmp_path: Path, registry: VClaimSimulator
) -> None:
    cards = registry.participants.cards()
    source = tmp_path / "in.txt"
    source.write_text("\n".join(cards[n % len(cards)] for n in range(3000)) + "\n", "utf-8")
    out = tmp_path / "out.csv"
    command = [sys.executable, "-m", "vclaim_async", "check", "--sandbox",
               "--sandbox-latency", "0.01", "--concurrency", "4", str(source), "--out", str(out),
               "--keep-journal"]  # fmt: skip
    first = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env()
    )
    try:
        deadline = time.monotonic() + 30
        while not journal_file(out).exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        second = subprocess.run(
            command, capture_output=True, text=True, timeout=60, env=clean_env(), check=False
        )
        assert second.returncode == 1
        assert second.stderr.count("\n") == 1, second.stderr
        assert f"pid {first.pid}" in second.stderr and "another vclaim-async check" in second.stderr
        assert "database is locked" not in second.stderr
    finally:
        _, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    rows = read_csv(out)
    assert [int(r["row"]) for r in rows] == list(range(1, 3001))
    assert not out.with_name(out.name + ".lock").exists()  # removed on a clean exit
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "in.txt",
        "out.csv",
        "out.csv.journal.sqlite",
    ]
    import sqlite3

    with sqlite3.connect(journal_file(out)) as db:
        # Nothing asked twice: one run did it all.
        assert db.execute("SELECT count(*), max(checks) FROM results").fetchone() == (3000, 1)
        assert db.execute("SELECT count(*) FROM runs").fetchone() == (1,)


def test_the_lock_is_released_when_the_holder_dies(tmp_path: Path) -> None:
    from vclaim_async.cli.files import OutputLock

    out = tmp_path / "out.csv"
    script = (
        "import time; from pathlib import Path; from vclaim_async.cli.files import OutputLock\n"
        f"OutputLock(Path({str(out)!r})).__enter__(); print('locked', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(common.CliError, match=f"pid {holder.pid}"):
            OutputLock(out).__enter__()
    finally:
        holder.kill()  # kill -9: no cleanup, the stale lock file stays
        holder.communicate()
    assert out.with_name("out.csv.lock").exists()
    with OutputLock(out):  # the kernel released it with the process
        pass
