"""The ``vclaim-async`` command: check, peserta, sep, referensi, demo and simulator.

Every error ends the command with one line on stderr (``vclaim-async: error: ...``) and a
non-zero exit status; the codes are in :mod:`vclaim_async._cli_common`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from . import _cli_check, _cli_lookup, _validate
from ._cli_common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, CliError
from ._client import VClaimClient
from .errors import VClaimError

__all__ = ["build_parser", "main"]

EPILOG = """\
examples:
  vclaim-async check --sandbox examples/sample-cards.csv --out results.csv
  vclaim-async peserta 0001234567890 --json
  vclaim-async sep get 0301R0011017V000007
  vclaim-async referensi diagnosa A09
  vclaim-async demo

credentials (for everything but --sandbox, demo and simulator):
  VCLAIM_CONS_ID, VCLAIM_SECRET, VCLAIM_USER_KEY, and VCLAIM_BASE_URL or VCLAIM_ENV
  (production|development); optional VCLAIM_PPK and VCLAIM_TIME_OFFSET.

exit status: 0 ok, 1 failed (one line on stderr says why), 2 bad arguments,
  3 check finished with some rows in error, 130 interrupted. `COMMAND --help` says more.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vclaim-async",
        description="BPJS VClaim 2.0 from the command line: bulk eligibility checks and single\n"
        "look-ups. Credentials come from VCLAIM_* environment variables; --sandbox, `demo`\n"
        "and `simulator` use the built-in simulator instead.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    _cli_check.add_parser(sub)
    _cli_lookup.add_parsers(sub)

    demo = sub.add_parser(
        "demo",
        help="look up sample participants on the built-in simulator (no credentials)",
        description="Start the built-in simulator, look up a few synthetic participants, an "
        "unknown card, and a look-up that survives two gateway errors.",
    )
    demo.add_argument("--count", type=int, default=5, help="participants to look up")
    demo.set_defaults(func=_demo)

    simulator = sub.add_parser(
        "simulator",
        help="serve the VClaim simulator on loopback until Ctrl-C",
        description="Serve the VClaim simulator and print the VCLAIM_* settings that reach it.",
        epilog="example:\n  vclaim-async simulator --port 8080",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    simulator.add_argument("--host", default="127.0.0.1")
    simulator.add_argument("--port", type=int, default=8080)
    simulator.add_argument("--seed", type=int, default=20240101)
    simulator.add_argument("--participants", type=int, default=100)
    simulator.set_defaults(func=_simulator)

    catalog = sub.add_parser(
        "catalog",
        help="print every VClaim 2.0 operation as a markdown table",
        description="Print the endpoint catalog: operation, method, path, encryption, retries.",
    )
    catalog.set_defaults(func=_catalog)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = asyncio.run(args.func(args))
    except KeyboardInterrupt:
        print("vclaim-async: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except CliError as exc:
        print(f"vclaim-async: error: {exc}", file=sys.stderr)
        return exc.code
    except ValueError as exc:
        print(f"vclaim-async: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (VClaimError, OSError) as exc:
        print(f"vclaim-async: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return code


async def _demo(args: argparse.Namespace) -> int:
    from .testing import VClaimSimulator

    async with VClaimSimulator() as sim, VClaimClient(sim.config()) as client:
        print(f"VClaim simulator at {sim.base_url} (synthetic data, no BPJS credentials used)\n")
        cards = sim.participants.cards()[: max(1, args.count)]
        results = await asyncio.gather(
            *(client.peserta.by_card(card) for card in cards), return_exceptions=True
        )
        print(f"{'card':<15} {'name':<26} {'status':<30} {'class':<10} type")
        for card, result in zip(cards, results, strict=True):
            if isinstance(result, BaseException):
                print(f"{_validate.mask(card):<15} error: {result}")
                continue
            status = result.status_peserta.keterangan if result.status_peserta else "-"
            kelas = result.hak_kelas.keterangan if result.hak_kelas else "-"
            jenis = result.jenis_peserta.keterangan if result.jenis_peserta else "-"
            print(
                f"{_validate.mask(card):<15} {result.nama or '-':<26} {status:<30} "
                f"{kelas:<10} {jenis}"
            )
        print()
        try:
            await client.peserta.by_card("0009999999999")
        except VClaimError as exc:
            print(f"unknown card -> {type(exc).__name__}: {exc}")
        sim.faults.fail("Peserta", status=502, times=2)
        peserta = await client.peserta.by_card(cards[0])
        print(f"two 502 pages, then success -> {peserta.nama} (the client retried the read)")
    return 0


async def _catalog(args: argparse.Namespace) -> int:
    from ._catalog import render_table

    print(render_table(), end="")
    return 0


async def _simulator(args: argparse.Namespace) -> int:
    from .testing import VClaimSimulator

    sim = VClaimSimulator(
        host=args.host, port=args.port, seed=args.seed, participant_count=args.participants
    )
    if not sim.is_loopback:  # it prints its credentials: say so before anyone connects
        print(f"vclaim-async: WARNING: {sim.exposure_warning()}", file=sys.stderr, flush=True)
    async with sim:
        print(f"VClaim simulator listening on {sim.base_url}")
        print(f"  VCLAIM_BASE_URL={sim.base_url}")
        print(f"  VCLAIM_CONS_ID={sim.cons_id}")
        print(f"  VCLAIM_SECRET={sim.secret}")
        print(f"  VCLAIM_USER_KEY={sim.user_key}")
        print(f"  VCLAIM_PPK={sim.ppk_pelayanan}")
        print("sample card numbers: " + ", ".join(sim.participants.cards()[:5]))
        print("sample NIKs:         " + ", ".join(sim.participants.niks()[:3]))
        print("Ctrl-C to stop.", flush=True)
        await asyncio.Event().wait()
    return 0
