"""Reading ``check`` input: CSV or plain text, the identifier column, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vclaim_async.cli.input import InputError, InputFile

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
