"""No test fixture carries a card number or NIK from a range where real ones are issued.

Issue 21: fixtures paired real-range cards with names, birth dates and diagnoses. Data files
(JSON, CSV, text) under tests/ and examples/ now hold only the simulator's impossible ranges
(card prefix ``99999``, NIK province ``00``: ``vclaim_async.testing._participants.is_synthetic``);
tools/synthetic_vectors.py rebuilt the encrypted vectors. Test code may still spell a few
obviously patterned look-alikes on purpose (a "real" card the simulator must not serve, a
number to mask); they are listed here with why, and may never appear in a data file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vclaim_async.testing._participants import is_synthetic

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"(?<![0-9])([0-9]{16}|[0-9]{13})(?![0-9])")
DATA = {".json", ".csv", ".txt", ".jsonl", ".tsv"}
# Patterned look-alikes test code uses *because* they are outside the simulator's ranges:
# masking, "not found", refusal of non-synthetic numbers in sandbox mode, input parsing.
PATTERNS = {
    "0001234567890": "sequential digits: the docs' and tests' example card",
    "0001234567891": "sequential digits + 1: a second example card",
    "0001112223334": "repeated-digit pattern: a card the simulator does not hold",
    "0001112223335": "repeated-digit pattern + 1",
    "0009999999999": "repeated nines: the standard 'not found' card",
    "3671234567890123": "sequential digits: the docs' example NIK",
    "3171234567890123": "sequential digits: a second example NIK",
    "3201010101010001": "repeated '01' pattern: a NIK-shaped string in an LZ round trip",
    "3671999999999999": "repeated nines: a NIK to mask",
    "9999812345678": "sequential digits just outside the 99999 prefix (is_synthetic's negative)",
    "1714960502000": "epoch milliseconds of an Antrean task time (2024-05-06), not a card",
}


def files(*roots: str) -> list[Path]:
    found = []
    for root in roots:
        for path in sorted((ROOT / root).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.append(path)
    return found


def real_range(text: str) -> set[str]:
    return {n for n in NUMBER.findall(text) if not is_synthetic(n)}


def test_the_scanner_sees_real_ranges() -> None:
    assert real_range('{"noKartu": "0001105689835", "nik": "3374011234560001"}') == {
        "0001105689835",
        "3374011234560001",
    }
    assert real_range('{"noKartu": "9999905689835", "nik": "0074011234560001"}') == set()


@pytest.mark.parametrize(
    "path",
    [p for p in files("tests", "examples") if p.suffix in DATA],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_data_files_hold_only_impossible_identifiers(path: Path) -> None:
    found = real_range(path.read_text(encoding="utf-8", errors="replace"))
    assert not found, f"real-range card/NIK in a fixture: {sorted(found)[:5]} (see tools/)"


def test_code_uses_only_listed_patterns() -> None:
    unlisted: dict[str, list[str]] = {}
    for path in files("tests", "examples", "docs"):
        if path.suffix not in {".py", ".md"} or path.name == Path(__file__).name:
            continue
        for number in real_range(path.read_text(encoding="utf-8")) - PATTERNS.keys():
            unlisted.setdefault(number, []).append(str(path.relative_to(ROOT)))
    assert not unlisted, f"real-range numbers not in PATTERNS: {unlisted}"
