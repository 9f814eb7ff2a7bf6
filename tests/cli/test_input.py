"""Reading ``check`` input: CSV or plain text, the identifier column, refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import FAST, write_input
from vclaim_async.cli import main
from vclaim_async.cli.input import InputError, InputFile
from vclaim_async.testing import VClaimSimulator

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


# -- refusals: empty, header-only, binary --------------------------------------------------

REFUSED = {
    "empty": (b"", "no identifiers to check (it is empty)"),
    "blank-lines": (b"\n\n  \n", "no identifiers to check (it is empty)"),
    "header-only-csv": (b"no_rm,no_kartu\n", "no identifiers to check (it is only a header)"),
    "header-only-text": (b"noKartu\n", "no identifiers to check (it is only a header)"),
    "nul": (b"0001234567890\n\x00\x00\n", "not a text file (byte 0x00"),
    "zip": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "not a text file"),
    "latin-1": (b"nama,no_kartu\nJOS\xc9,0001234567890\n", "not UTF-8 text"),
    "late-binary": (b"0001234567890\n" * 6000 + b"\x01\n", "not a text file (byte 0x01"),
}


@pytest.mark.parametrize(("data", "message"), REFUSED.values(), ids=REFUSED)
def test_unusable_input_exits_1_with_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, message: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    out = tmp_path / "out.csv"
    assert main(["check", *FAST, str(source), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no output, no journal


def test_records_carry_the_other_columns(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("no_rm;no_kartu;nama\nRM1;0001234567890;SITI\nRM2;0001234567891\n")
    source = InputFile.open(path)
    assert source.other_columns() == ["no_rm", "nama"]
    assert list(source.records()) == [(2, CARD, ("RM1", "SITI")), (3, CARD2, ("RM2",))]
    headerless = tmp_path / "plain.csv"
    headerless.write_text("1,0001234567890,x\n2,0001234567891,y\n")
    assert InputFile.open(headerless).other_columns() == ["column_1", "column_3"]


def test_keep_columns_end_to_end(tmp_path: Path, registry: VClaimSimulator) -> None:
    cards = registry.participants.cards()[:3]
    source = tmp_path / "in.csv"
    write_input(source, cards)
    out = tmp_path / "out.jsonl"
    assert main(["check", *FAST, str(source), "--out", str(out), "--keep-columns", "-q"]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["input"], r["no_rm"], r["nama"]) for r in rows] == [
        (card, f"RM{n:06d}", f"PASIEN {n}") for n, card in enumerate(cards, start=2)
    ]
    assert list(rows[0])[-2:] == ["no_rm", "nama"]
