"""Helpers shared by the CLI tests: run the command, write inputs, read outputs."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from vclaim_async.cli import check, common, lookup
from vclaim_async.testing import VClaimSimulator

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLE = ROOT / "examples" / "sample-cards.csv"
UNKNOWN_CARD = "0009999999999"
MALFORMED = ["12345", "", "abc", "0001-2345-67890", "123456789012", "00012345678901234"]
FAST = ("--sandbox", "--sandbox-latency", "0")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VCLAIM_")}
    env.update(extra)
    return env


def cli(
    *args: str | Path, cwd: Path | None = None, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vclaim_async", *map(str, args)],
        capture_output=True, text=True, timeout=300, check=False, cwd=cwd, env=clean_env(**env),
        input=stdin,
    )  # fmt: skip


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def journal_file(path: Path) -> Path:
    return path.with_name(path.name + ".journal.sqlite")


def journal(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(journal_file(path))


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


def script_sandbox(
    monkeypatch: pytest.MonkeyPatch, setup: Callable[[VClaimSimulator], None]
) -> None:
    """Run ``setup`` on the sandbox simulator of every in-process command before it is used."""
    real = common.open_session

    @asynccontextmanager
    async def scripted(**kwargs: Any) -> AsyncIterator[common.Session]:
        async with real(**kwargs) as session:
            assert session.sim is not None
            setup(session.sim)
            yield session

    monkeypatch.setattr(check, "open_session", scripted)
    monkeypatch.setattr(lookup, "open_session", scripted)
