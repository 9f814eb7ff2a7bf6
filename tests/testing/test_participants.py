"""Synthetic participants can never be real people: identifiers from impossible ranges."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from vclaim_async.testing import VClaimSimulator
from vclaim_async.testing._participants import CARD_PREFIX, NIK_PROVINCE, is_synthetic

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample-cards.csv"
#: Kemendagri province codes (the first two digits of every real NIK).
REAL_PROVINCES = {
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35",
    "36", "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
    "81", "82", "91", "92", "93", "94", "95", "96", "97",
}  # fmt: skip


@pytest.mark.parametrize(("seed", "count"), [(20240101, 1000), (99, 500), (1, 50)])
def test_every_generated_identifier_is_in_an_impossible_range(seed: int, count: int) -> None:
    registry = VClaimSimulator(seed=seed, participant_count=count).participants
    cards, niks = registry.cards(), registry.niks()
    assert len(set(cards)) == len(set(niks)) == count
    for card in cards:
        assert re.fullmatch(r"[0-9]{13}", card) and card.startswith(CARD_PREFIX)
        assert not card.startswith("000")
    for nik in niks:
        assert re.fullmatch(r"[0-9]{16}", nik) and nik[:2] == NIK_PROVINCE
        assert nik[:2] not in REAL_PROVINCES
    assert all(is_synthetic(i) for i in cards + niks)


@pytest.mark.parametrize(
    ("identifier", "synthetic"),
    [
        ("9999912345678", True), ("0012345678901234", True),
        ("0001234567890", False), ("9999812345678", False), ("3171234567890123", False),
        ("99999123456789", False), ("999991234567", False), ("９９９９９12345678", False),
        ("", False), ("99999-1234-567", False),
    ],
)  # fmt: skip
def test_is_synthetic(identifier: str, synthetic: bool) -> None:
    assert is_synthetic(identifier) is synthetic


def test_the_sample_file_can_never_query_a_real_person() -> None:
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 300
    sandbox = VClaimSimulator(participant_count=1000).participants  # the CLI's --sandbox set
    cards, niks = set(sandbox.cards()), set(sandbox.niks())
    kinds: Counter[str] = Counter()
    for row in rows:
        value = row["no_kartu"]
        digits = re.sub(r"[^0-9]", "", value)
        if len(digits) in (13, 16):
            # Even a row the reader would clean up (spaces, dashes) is a synthetic number.
            assert is_synthetic(digits), value
        if re.fullmatch(r"[0-9]{13}|[0-9]{16}", value):
            kinds["sandbox" if value in cards or value in niks else "unknown"] += 1
        else:
            kinds["malformed"] += 1
    assert kinds == {"sandbox": 280, "unknown": 10, "malformed": 10}
