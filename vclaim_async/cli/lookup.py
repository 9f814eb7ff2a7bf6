"""Single look-ups from the command line: ``peserta``, ``sep`` and ``referensi``.

Each prints BPJS's answer for a person (a table) or, with ``--json``, exactly as BPJS named
it (``msgspec.to_builtins``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys

import msgspec

from .._client import VClaimClient
from ..errors import VClaimError
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    check_credentials,
    clean,
    date_arg,
    echo,
    escape_c1,
    open_session,
)

__all__ = ["add_parsers", "render"]

_SANDBOX_HELP = "ask the built-in simulator (synthetic data, no credentials)"
_JSON_HELP = "print BPJS's answer as JSON, with BPJS's own field names"


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    peserta = sub.add_parser(
        "peserta",
        parents=[parent],
        help="look up participants by card number or NIK (- reads them from stdin)",
        description="Look up a participant by a 13-digit card number (noKartu) or a\n"
        "16-digit NIK, on a service date. Give - instead to read identifiers from stdin,\n"
        "one per line: a NIK on the command line is visible to other users (ps) and stays\n"
        "in your shell history; on stdin it is not.",
        epilog="examples:\n"
        "  vclaim-async peserta 0001234567890\n"
        "  vclaim-async peserta 3671234567890123 --date 2024-03-01 --json\n"
        "  vclaim-async peserta - < niks.txt        # identifiers stay out of argv\n"
        "  vclaim-async peserta --sandbox 9999996668027",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    peserta.add_argument(
        "identifier",
        metavar="CARD_OR_NIK",
        help="a card number or NIK, or - to read one per line from stdin (keeps it out of argv)",
    )
    peserta.add_argument(
        "--date",
        type=date_arg,
        metavar="DATE",
        help="service date (tglSEP): today, tomorrow, +N, -N or YYYY-MM-DD "
        "(default: today in Asia/Jakarta)",
    )
    peserta.add_argument("--json", action="store_true", help=_JSON_HELP)
    peserta.add_argument("--sandbox", action="store_true", help=_SANDBOX_HELP)
    peserta.set_defaults(func=run_peserta)

    sep = sub.add_parser(
        "sep",
        parents=[parent],
        help="read one SEP: as issued (get) or as the INA-CBG grouper needs it (cbg)",
        description="Read one SEP (Surat Eligibilitas Peserta) by its number.",
        epilog="examples:\n"
        "  vclaim-async sep get 0301R0011017V000007\n"
        "  vclaim-async sep cbg 0301R0011017V000007 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sep_sub = sep.add_subparsers(
        dest="action", metavar="ACTION", help="get: the SEP; cbg: its INA-CBG view"
    )
    sep_sub.required = True
    for action, text in (
        ("get", "the SEP as BPJS holds it (GET SEP/{noSep})"),
        ("cbg", "the SEP's INA-CBG data (GET sep/cbg/{noSep})"),
    ):
        one = sep_sub.add_parser(
            action, parents=[parent], help=text, description=text[0].upper() + text[1:] + "."
        )
        one.add_argument("no_sep", metavar="NO_SEP")
        one.add_argument("--json", action="store_true", help=_JSON_HELP)
        one.add_argument("--sandbox", action="store_true", help=_SANDBOX_HELP)
        one.set_defaults(func=run_sep)

    referensi = sub.add_parser(
        "referensi",
        parents=[parent],
        help="search BPJS reference lists: diagnoses, clinics, health facilities",
        description="Search a BPJS reference list by code or name.",
        epilog="examples:\n"
        "  vclaim-async referensi diagnosa A09\n"
        "  vclaim-async referensi poli dalam\n"
        "  vclaim-async referensi faskes puskesmas --jenis 1",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ref_sub = referensi.add_subparsers(
        dest="list", metavar="LIST", help="the reference list to search"
    )
    ref_sub.required = True
    for name, text in (
        ("diagnosa", "ICD-10 diagnoses matching KEYWORD (a code or part of a name)"),
        ("poli", "clinics (poli) matching KEYWORD"),
        ("faskes", "health facilities of one level (--jenis) matching KEYWORD"),
    ):
        one = ref_sub.add_parser(
            name, parents=[parent], help=text, description=text[0].upper() + text[1:] + "."
        )
        one.add_argument("keyword", metavar="KEYWORD")
        if name == "faskes":
            one.add_argument(
                "--jenis",
                choices=("1", "2"),
                required=True,
                help="1 = primary care (FKTP), 2 = hospital (FKRTL)",
            )
        one.add_argument("--json", action="store_true", help=_JSON_HELP)
        one.add_argument("--sandbox", action="store_true", help=_SANDBOX_HELP)
        one.set_defaults(func=run_referensi)


def _identifier(value: str) -> str:
    """A card number or NIK, or a :class:`CliError` saying what is wrong (never echoing it)."""
    value = value.strip()
    if value.isdigit() and len(value) in (13, 16):
        return value
    if value.isdigit() and 10 <= len(value) <= 12:
        raise CliError(
            f"expected a 13-digit card number or a 16-digit NIK, got {len(value)} digits: "
            "looks like a card number that lost its leading zeros (a spreadsheet stored it "
            "as a number)",
            EXIT_USAGE,
        )
    shown = f"{len(value)} digits" if value.isdigit() else f"{len(value)} characters"
    raise CliError(f"expected a 13-digit card number or a 16-digit NIK, got {shown}", EXIT_USAGE)


def _stdin_identifiers() -> list[str]:
    lines = [line.strip() for line in sys.stdin.read().splitlines()]
    values = [line for line in lines if line and not line.startswith("#")]
    if not values:
        raise CliError("no card number or NIK on stdin (one per line)", EXIT_USAGE)
    return [_identifier(value) for value in values]


async def run_peserta(args: argparse.Namespace) -> int:
    from_stdin = args.identifier == "-"
    values = _stdin_identifiers() if from_stdin else [_identifier(args.identifier)]
    date: datetime.date | None = args.date
    check_credentials(args.sandbox)
    if len(values) == 1:
        async with open_session(sandbox=args.sandbox) as session:
            found = await _peserta(session.client, values[0], date)
        render(found, as_json=args.json)
        return EXIT_OK
    code = EXIT_OK
    answers: list[object] = []
    async with open_session(sandbox=args.sandbox) as session:
        for number, value in enumerate(values, start=1):
            try:
                found = await _peserta(session.client, value, date)
            except VClaimError as exc:
                # One failed look-up among many: say which line, go on, exit 1 at the end.
                echo(f"vclaim-async: error: line {number}: {clean(str(exc), one_line=True)}",
                     file=sys.stderr)  # fmt: skip
                code = EXIT_FAILED
                continue
            if args.json:
                answers.append(msgspec.to_builtins(found))
            else:
                echo(f"-- line {number}")
                render(found, as_json=False)
    if args.json:
        print(escape_c1(json.dumps(answers, indent=2, ensure_ascii=False)))
    return code


async def _peserta(client: VClaimClient, value: str, date: datetime.date | None) -> object:
    if len(value) == 13:
        return await client.peserta.by_card(value, date)
    return await client.peserta.by_nik(value, date)


async def run_sep(args: argparse.Namespace) -> int:
    check_credentials(args.sandbox)
    async with open_session(sandbox=args.sandbox) as session:
        sep = session.client.sep
        found = await (
            sep.get(args.no_sep) if args.action == "get" else sep.get_inacbg(args.no_sep)
        )
    render(found, as_json=args.json)
    return EXIT_OK


async def run_referensi(args: argparse.Namespace) -> int:
    check_credentials(args.sandbox)
    async with open_session(sandbox=args.sandbox) as session:
        referensi = session.client.referensi
        if args.list == "diagnosa":
            found = await referensi.list_diagnosa(args.keyword)
        elif args.list == "poli":
            found = await referensi.list_poli(args.keyword)
        else:
            found = await referensi.list_faskes(args.keyword, args.jenis)
    render(found, as_json=args.json)
    return EXIT_OK


# -- printing --------------------------------------------------------------------------------


def render(value: object, *, as_json: bool) -> None:
    """Print a decoded answer: as JSON with BPJS's names, or as a table a person reads."""
    data = msgspec.to_builtins(value)
    if as_json:
        # Exact, but C1 controls escaped: json.dumps escapes only C0 ones.
        print(escape_c1(json.dumps(data, indent=2, ensure_ascii=False)))
        return
    listing = _listing(data)
    if listing is not None:
        _print_table(*listing)
        return
    pairs = [(key, text) for key, text in _flatten(data, "") if text != ""]
    _print_pairs(pairs)


def _listing(data: object) -> tuple[list[str], list[list[str]]] | None:
    """Columns and rows when ``data`` is a list of flat records (or one key holding one)."""
    if isinstance(data, dict) and len(data) == 1:
        (data,) = data.values()
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        return None
    columns: list[str] = []
    for item in data:
        for key in item:
            if key not in columns:
                columns.append(key)
    rows = [[_text(item.get(key)) for key in columns] for item in data]
    return columns, rows


def _flatten(data: object, prefix: str) -> list[tuple[str, str]]:
    if isinstance(data, dict):
        out: list[tuple[str, str]] = []
        for key, item in data.items():
            out += _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(data, list):
        out = []
        for number, item in enumerate(data):
            out += _flatten(item, f"{prefix}[{number}]")
        return out
    return [(prefix or "value", _text(data))]


def _text(value: object) -> str:
    # Everything printed from an answer passes here: no control character reaches the terminal.
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return clean(json.dumps(value, ensure_ascii=False))
    return clean(str(value), one_line=True)


def _print_pairs(pairs: list[tuple[str, str]]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        width = max((len(key) for key, _ in pairs), default=0)
        for key, text in pairs:
            echo(f"{key:<{width}}  {text}")
        return
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for key, text in pairs:
        table.add_row(clean(key, one_line=True), text)
    Console().print(table, markup=False, highlight=False)


def _print_table(columns: list[str], rows: list[list[str]]) -> None:
    if not rows:
        print("(no results)")
        return
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
        echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
        for row in rows:
            echo("  ".join(t.ljust(w) for t, w in zip(row, widths, strict=True)).rstrip())
        return
    table = Table(*(clean(column, one_line=True) for column in columns))
    for row in rows:
        table.add_row(*row)
    Console().print(table, markup=False, highlight=False)
