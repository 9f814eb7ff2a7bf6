"""What one ``check`` invocation has to do: read the input, vet the files, and start the
journal or agree with the unfinished run it holds.

A finished run never blocks the next (another input or date starts fresh). An unfinished one
resumes with the same input, options and service date. When the input or the service date
no longer match (a regenerated nightly input, the next night), the unfinished journal is set
aside (renamed, kept for a person to look at) with one warning, and a fresh run starts: cron
never locks itself out. Other options that differ (``--kind``, ``--column``,
``--keep-columns``) are a person's change, refused with a one-line error naming the difference.

Before any request the input is surveyed: a column holding no card number or NIK at all is
refused, and so is one where most rows are not identifiers (unless ``--allow-invalid``).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import _validate
from .common import EXIT_USAGE, CliError
from .files import SQLITE_SIDE_FILES, remove
from .input import InputError, InputFile
from .journal import OUTPUT_COLUMNS, SCHEMA_VERSION, Journal, journal_path
from .output import OutputFormat, ensure_ours, output_format

__all__ = ["Plan", "open_plan"]


@dataclass(frozen=True)
class Plan:
    source: InputFile
    output: Path
    fmt: OutputFormat
    date: datetime.date
    rows: int
    resumed: bool
    extra: tuple[str, ...]
    #: Why an unfinished run was set aside, and where its journal went (None: nothing was).
    set_aside: str | None = None


class _Stale(Exception):
    """The unfinished run in the journal is for another input or day: set it aside."""


def _extra_names(source: InputFile) -> tuple[str, ...]:
    """The carried columns' names, made distinct from ours and from each other.

    SQLite compares identifiers case-insensitively, so the comparison here does too.
    """
    used = {name.casefold() for name in OUTPUT_COLUMNS}
    names = []
    for name in source.other_columns():
        chosen = name if name.casefold() not in used else f"input_{name}"
        n = 2
        while chosen.casefold() in used:
            chosen, n = f"input_{name}_{n}", n + 1
        used.add(chosen.casefold())
        names.append(chosen)
    return tuple(names)


_SHAPES = {"card": re.compile(r"\d{13}"), "nik": re.compile(r"\d{16}")}
_EITHER = re.compile(r"\d{13}|\d{16}")


def _shape(value: str) -> str:
    """What a value looks like, without showing it (it may be patient data)."""
    if not value:
        return "empty cells"
    n = len(value)
    chars = f"{n} character{'s' if n != 1 else ''}"
    if value.isdigit():
        return f"{n}-digit numbers"
    if value.isalpha():
        return f"words of {chars}"
    if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
        return f"codes of {chars} (letters and digits)"
    return f"text of {chars}"


def _survey(source: InputFile, kind: str, allow_invalid: bool) -> int:
    """Count the rows, refusing a column that holds no identifiers or mostly other things."""
    shape = _SHAPES.get(kind, _EITHER)
    rows = valid = 0
    shapes: collections.Counter[str] = collections.Counter()
    for _, value in source.rows():
        rows += 1
        if shape.fullmatch(value):
            valid += 1
        elif len(shapes) < 50 or _shape(value) in shapes:
            shapes[_shape(value)] += 1
    if rows == 0 or allow_invalid or (valid and valid * 2 >= rows):
        return rows
    what = "card numbers" if kind == "card" else "NIKs" if kind == "nik" else "card numbers or NIKs"
    column = (
        f"column {source.column_name!r} of {source.path}"
        if source.delimiter is not None
        else str(source.path)
    )
    common = ", ".join(f"{name} ({count:,})" for name, count in shapes.most_common(2))
    stripped = ("10-digit numbers", "11-digit numbers", "12-digit numbers")
    hint = ""
    if any(name in shapes for name in stripped):
        hint = " (card numbers that lost leading zeros? format the column as text)"
    if not valid:
        raise CliError(
            f"{column} holds no {what}: it holds {common}{hint}; nothing was sent: name the "
            "right column with --column (or add --allow-invalid)"
        )
    raise CliError(
        f"{rows - valid:,} of {rows:,} rows in {column} are not {what} (mostly {common}){hint}; "
        "nothing was sent: fix the input, name another --column, or add --allow-invalid"
    )


def open_plan(args: argparse.Namespace, output: Path) -> tuple[Journal, Plan]:
    """Read the input, check the files, and open (or start) the journal."""
    try:
        fmt = output_format(output)
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    input_path = Path(args.input)
    if input_path.resolve() == output.resolve():
        raise CliError("--out must not be the input file", EXIT_USAGE)
    try:
        source = InputFile.open(input_path, column=args.column)
        fingerprint = source.fingerprint()
        rows = _survey(source, args.kind, getattr(args, "allow_invalid", False))
    except InputError as exc:
        raise CliError(str(exc)) from None
    if rows == 0:
        what = "only a header" if source.header else "empty"
        raise CliError(f"{input_path} has no identifiers to check (it is {what})")
    if not output.parent.is_dir():
        raise CliError(f"output directory does not exist: {output.parent}")
    jpath = journal_path(output)
    if not jpath.exists() and not jpath.is_symlink():
        # Before the journal exists, so a refusal leaves nothing behind.
        ensure_ours(output, fmt, journaled=False, force=args.force)
    journal = Journal(jpath)
    set_aside = None
    try:
        ensure_ours(output, fmt, journaled=bool(journal.meta()), force=args.force)
        try:
            plan = _agree(journal, args, source, output, fmt, fingerprint, rows)
        except _Stale as stale:
            journal, set_aside = _set_aside(journal, str(stale))
            plan = _agree(journal, args, source, output, fmt, fingerprint, rows)
    except BaseException:
        journal.close()
        raise
    if set_aside is not None:
        plan = dataclasses.replace(plan, set_aside=set_aside)
    return journal, plan


def _set_aside(journal: Journal, why: str) -> tuple[Journal, str]:
    """Rename the unfinished journal out of the way (kept, 0600) and open a new one."""
    counts = journal.counts()
    done = sum(n for status, n in counts.items() if status != "error")
    journal.close()
    path = journal.path
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.name}.set-aside-{stamp}")
    n = 2
    while kept.exists():
        kept, n = path.with_name(f"{path.name}.set-aside-{stamp}-{n}"), n + 1
    # After close() the WAL is checkpointed: the main file holds everything.
    os.replace(path, kept)
    for suffix in SQLITE_SIDE_FILES:
        remove(path.with_name(path.name + suffix))
    return Journal(path), f"{why} ({done:,} rows were done); set it aside as {kept.name}"


def _agree(
    journal: Journal,
    args: argparse.Namespace,
    source: InputFile,
    output: Path,
    fmt: OutputFormat,
    fingerprint: str,
    rows: int,
) -> Plan:
    """Start a journal, or continue the run it holds when this command really is that run."""
    extra = _extra_names(source) if args.keep_columns else ()
    wanted = {
        "schema": SCHEMA_VERSION,
        "input_sha256": fingerprint,
        "rows": str(rows),
        "column": str(source.column),
        "kind": args.kind,
        "extra_columns": json.dumps(extra),
    }
    date: datetime.date | None = args.date
    meta = journal.meta()
    if meta and not args.fresh:
        where = f"the journal {journal.path}"
        journaled = meta.get("service_date", "")
        if journal.unfinished():
            _same_run_or_set_aside(meta, wanted, where, date, journaled)
            return Plan(
                source, output, fmt, datetime.date.fromisoformat(journaled), rows, True, extra
            )
        chosen = date or _validate.today_jakarta()
        if all(meta.get(k) == v for k, v in wanted.items()) and journaled == chosen.isoformat():
            # The same finished run again: only rows that ended in an error are retried.
            return Plan(source, output, fmt, chosen, rows, True, extra)
    journal.reset()
    chosen = date or _validate.today_jakarta()
    journal.set_meta(
        {
            **wanted,
            "service_date": chosen.isoformat(),
            "input": str(Path(args.input).resolve()),
            "output": str(output.resolve()),
            "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        }
    )
    return Plan(source, output, fmt, chosen, rows, False, extra)


def _same_run_or_set_aside(
    meta: dict[str, str],
    wanted: dict[str, str],
    where: str,
    date: datetime.date | None,
    journaled: str,
) -> None:
    """Return when this command continues the unfinished run; raise :class:`_Stale` when
    that run is for another input or day, or a one-line error for another option."""
    if meta.get("schema") != SCHEMA_VERSION:
        raise _Stale("the unfinished run was written by another version")
    if meta.get("input_sha256") != wanted["input_sha256"]:
        raise _Stale("the input changed since the unfinished run")
    if date is not None and date.isoformat() != journaled:
        raise _Stale(f"the unfinished run was for service date {journaled}, not {date}")
    if date is None and journaled < _validate.today_jakarta().isoformat():
        raise _Stale(f"the unfinished run was for service date {journaled}, a day now past")
    for key, flag in (
        ("kind", "--kind"),
        ("column", "--column"),
        ("extra_columns", "--keep-columns"),
    ):
        if meta.get(key) != wanted[key]:
            raise CliError(
                f"{flag} differs from the unfinished run in {where}; use the same options to "
                "resume, or add --fresh to start over"
            )
