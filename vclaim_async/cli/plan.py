"""What one ``check`` invocation has to do: read the input, vet the files, and start the
journal or agree with the unfinished run it holds.

A finished run never blocks the next (another input or date starts fresh); an unfinished one
resumes only with the same input and options, else a one-line error names the difference.
"""

from __future__ import annotations

import argparse
import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from .. import _validate
from .common import EXIT_USAGE, CliError
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


def _extra_names(source: InputFile) -> tuple[str, ...]:
    """The carried columns' names, made distinct from ours and from each other."""
    used = set(OUTPUT_COLUMNS)
    names = []
    for name in source.other_columns():
        chosen = name if name not in used else f"input_{name}"
        n = 2
        while chosen in used:
            chosen, n = f"input_{name}_{n}", n + 1
        used.add(chosen)
        names.append(chosen)
    return tuple(names)


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
        rows = source.count()
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
    try:
        ensure_ours(output, fmt, journaled=bool(journal.meta()), force=args.force)
        plan = _agree(journal, args, source, output, fmt, fingerprint, rows)
    except BaseException:
        journal.close()
        raise
    return journal, plan


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
            _same_run_or_fail(meta, wanted, where, date, journaled)
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


def _same_run_or_fail(
    meta: dict[str, str],
    wanted: dict[str, str],
    where: str,
    date: datetime.date | None,
    journaled: str,
) -> None:
    fresh = "add --fresh to start over"
    if meta.get("schema") != SCHEMA_VERSION:
        raise CliError(f"{where} holds an unfinished run of another version; {fresh}")
    if meta.get("input_sha256") != wanted["input_sha256"]:
        raise CliError(f"the input changed since the unfinished run in {where}; {fresh}")
    for key, flag in (
        ("kind", "--kind"),
        ("column", "--column"),
        ("extra_columns", "--keep-columns"),
    ):
        if meta.get(key) != wanted[key]:
            raise CliError(
                f"{flag} differs from the unfinished run in {where}; use the same options to "
                f"resume, or {fresh}"
            )
    if date is not None and date.isoformat() != journaled:
        raise CliError(
            f"the unfinished run in {where} is for service date {journaled}; rerun with "
            f"--date {journaled} to resume it, or {fresh}"
        )
