"""Reading ``vclaim-async check`` input: CSV or plain text, one identifier per row.

The card/NIK column is found by its header (``noKartu``, ``no_kartu``, ``nik``, ``card`` ...)
or, without a recognisable header, by shape: the column whose values are mostly 13 or 16
digits. Rows are numbered as the file's lines are, so a result points back at its line.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["InputError", "InputFile"]

#: Header names (lower case, letters and digits only) of a card-number column, preferred first.
CARD_HEADERS = (
    "nokartu",
    "nomorkartu",
    "nokartubpjs",
    "nokartujkn",
    "kartu",
    "nopeserta",
    "nomorpeserta",
    "nobpjs",
    "bpjs",
    "card",
    "cardno",
    "cardnumber",
)
#: Header names of a NIK column.
NIK_HEADERS = ("nik", "noktp", "ktp", "noidentitas", "nomorindukkependudukan")
#: Header names of a column that may hold either.
GENERIC_HEADERS = ("identifier", "identitas", "nomor", "number", "id")

_SHAPE = re.compile(r"\d{13}|\d{16}")
_SAMPLE_ROWS = 200
_SAMPLE_BYTES = 64 * 1024
# Bytes no text file holds: C0 controls but tab, LF, FF and CR (NUL marks most binaries).
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class InputError(Exception):
    """The input cannot be read as a list of identifiers."""


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.strip().lower())


@dataclass(frozen=True)
class InputFile:
    """An input file and how to read it: CSV (with a delimiter and a column) or plain text."""

    path: Path
    delimiter: str | None
    column: int
    header: bool
    column_name: str

    @classmethod
    def open(cls, path: Path, *, column: str | None = None) -> InputFile:
        """Look at the start of ``path`` and decide how to read it."""
        try:
            with path.open("rb") as fh:
                head = fh.read(_SAMPLE_BYTES)
        except FileNotFoundError:
            raise InputError(f"input file not found: {path}") from None
        except IsADirectoryError:
            raise InputError(f"input is a directory, not a file: {path}") from None
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
        _check_text(path, head, 0, final=len(head) < _SAMPLE_BYTES)
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head)
        lines = [line for line in text.splitlines() if line.strip()]
        first = lines[0] if lines else ""
        delimiter = _delimiter(path, text, first)
        if delimiter is None:
            header = bool(first) and _norm(first) in (*CARD_HEADERS, *NIK_HEADERS, *GENERIC_HEADERS)
            if column is not None and column.strip() not in ("1", first.strip()):
                raise InputError(f"{path} is plain text with one column; --column does not apply")
            return cls(path, None, 0, header, first.strip() if header else "")
        rows = list(_sample_rows(text, delimiter))
        if not rows:
            raise InputError(f"{path} has no rows")
        return cls._choose_column(path, delimiter, rows, column)

    @classmethod
    def _choose_column(
        cls, path: Path, delimiter: str, rows: list[list[str]], column: str | None
    ) -> InputFile:
        first = rows[0]
        names = [_norm(cell) for cell in first]
        if column is not None:
            wanted = column.strip()
            if wanted.isdigit() and 1 <= int(wanted) <= len(first):
                index = int(wanted) - 1
                return cls(path, delimiter, index, _looks_like_header(first), first[index].strip())
            if _norm(wanted) in names:
                index = names.index(_norm(wanted))
                return cls(path, delimiter, index, True, first[index].strip())
            shown = ", ".join(cell.strip() for cell in first)
            raise InputError(f"no column {wanted!r} in {path}; its first row is: {shown}")
        for known in (*CARD_HEADERS, *NIK_HEADERS, *GENERIC_HEADERS):
            if known in names:
                index = names.index(known)
                return cls(path, delimiter, index, True, first[index].strip())
        # No header we know: the column whose values are mostly 13 or 16 digits.
        body = rows[1:] or rows
        width = max(len(row) for row in rows)
        scores = [
            sum(1 for row in body if i < len(row) and _SHAPE.fullmatch(row[i].strip()))
            for i in range(width)
        ]
        best = max(range(width), key=lambda i: scores[i])
        if scores[best] * 2 < len(body):
            raise InputError(
                f"cannot tell which column of {path} holds card numbers or NIKs; "
                "name it with --column (a header name or a 1-based number)"
            )
        header = _looks_like_header(first)
        name = first[best].strip() if header and best < len(first) else f"column {best + 1}"
        return cls(path, delimiter, best, header, name)

    def fingerprint(self) -> str:
        """SHA-256 of the file's bytes (a resumed run must read the same input), checking on
        the way that it is all UTF-8 text: binary bytes must never reach the output."""
        digest = hashlib.sha256()
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0
        with self.path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
                _check_text(self.path, chunk, offset, decoder=decoder)
                offset += len(chunk)
        _check_text(self.path, b"", offset, decoder=decoder, final=True)
        return digest.hexdigest()

    def other_columns(self) -> list[str]:
        """Names of the columns besides the identifier (header names, else ``column_N``)."""
        if self.delimiter is None:
            return []
        with self.path.open(encoding="utf-8-sig", newline="") as fh:
            sample = list(_sample_rows(fh.read(_SAMPLE_BYTES), self.delimiter))
        width = max((len(row) for row in sample), default=0)
        first = sample[0] if sample and self.header else []
        names = []
        for i in range(width):
            if i == self.column:
                continue
            name = first[i].strip() if i < len(first) else ""
            names.append(name or f"column_{i + 1}")
        return names

    def rows(self) -> Iterator[tuple[int, str]]:
        """``(line number, identifier)`` per data row; blank rows are skipped.

        A CSV row too short to have the column gives an empty identifier, which the check
        reports as invalid input rather than dropping it.
        """
        for number, value, _ in self.records():
            yield number, value

    def records(self) -> Iterator[tuple[int, str, tuple[str, ...]]]:
        """``(line number, identifier, the row's other cells)`` per data row."""
        with self.path.open(encoding="utf-8-sig", newline="") as fh:
            if self.delimiter is None:
                seen_first = False
                for number, line in enumerate(fh, start=1):
                    value = line.strip()
                    if not value or value.startswith("#"):
                        continue
                    if not seen_first:
                        seen_first = True
                        if self.header:
                            continue
                    yield number, value, ()
                return
            reader = csv.reader(fh, delimiter=self.delimiter)
            first = True
            start = 1
            for record in reader:
                number, start = start, reader.line_num + 1
                if not any(cell.strip() for cell in record):
                    continue
                if first:
                    first = False
                    if self.header:
                        continue
                value = record[self.column].strip() if self.column < len(record) else ""
                others = tuple(cell for i, cell in enumerate(record) if i != self.column)
                yield number, value, others

    def count(self) -> int:
        """How many data rows :meth:`rows` yields."""
        return sum(1 for _ in self.rows())

    def describe(self) -> str:
        if self.delimiter is None:
            return "plain text, one identifier per line"
        shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[self.delimiter]
        return f"CSV ({shown}-separated), column {self.column_name!r}"


def _check_text(
    path: Path,
    data: bytes,
    offset: int,
    *,
    decoder: codecs.IncrementalDecoder | None = None,
    final: bool = False,
) -> None:
    """Raise :class:`InputError` unless ``data`` (at ``offset`` in the file) is UTF-8 text."""
    found = _BINARY.search(data)
    if found is not None:
        raise InputError(
            f"{path} is not a text file (byte 0x{found.group()[0]:02x} at offset "
            f"{offset + found.start()}); give a CSV or plain-text file"
        )
    try:
        (decoder or codecs.getincrementaldecoder("utf-8")()).decode(data, final)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path} is not UTF-8 text (bad byte at offset {offset + exc.start}); "
            "save it as CSV UTF-8"
        ) from None


def _delimiter(path: Path, text: str, first: str) -> str | None:
    suffix = path.suffix.lower()
    if suffix == ".tsv":
        return "\t"
    candidates = [d for d in (",", ";", "\t", "|") if d in first]
    if not candidates:
        return None  # one column: read it as plain text (a known header line is skipped)
    try:
        dialect = csv.Sniffer().sniff(text[: _SAMPLE_BYTES // 4], delimiters="".join(candidates))
    except csv.Error:
        return candidates[0]
    return dialect.delimiter


def _sample_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    # The sample may end mid-row: only whole rows within the first few hundred are used.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    count = 0
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            yield record
            count += 1
            if count >= _SAMPLE_ROWS:
                return
    except csv.Error:
        return


def _looks_like_header(first: list[str]) -> bool:
    # A header has no identifier-shaped or purely numeric cells.
    cells = [cell.strip() for cell in first if cell.strip()]
    return bool(cells) and not any(cell.isdigit() for cell in cells)
