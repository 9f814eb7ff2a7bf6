"""``vclaim-async demo``, ``simulator`` and ``catalog``: the commands that need no BPJS."""

from __future__ import annotations

import argparse
import asyncio
import sys

from .. import _validate
from .._client import VClaimClient
from ..errors import VClaimError
from .common import SANDBOX_PARTICIPANTS, count_int, echo, port_int, positive_int

#: What ``vclaim-async simulator`` keeps of the requests it served, at most (bodies included).
SIMULATOR_RECORD_BYTES = 8 * 1024 * 1024

__all__ = ["add_parsers"]


def add_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    demo = sub.add_parser(
        "demo",
        parents=[parent],
        help="look up sample participants on the built-in simulator (no credentials)",
        description="Start the built-in simulator, look up a few synthetic participants, an "
        "unknown card, and a look-up that survives two gateway errors.",
    )
    demo.add_argument(
        "--count", type=positive_int, default=5, metavar="N", help="participants to look up"
    )
    demo.set_defaults(func=_demo)

    simulator = sub.add_parser(
        "simulator",
        parents=[parent],
        help="serve the VClaim and Antrean RS simulator on loopback until Ctrl-C",
        description="Serve the simulator of both services (VClaim, and Antrean RS under "
        "/antreanrs) and print the VCLAIM_* settings that reach it.",
        epilog="example:\n  vclaim-async simulator --port 8080",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    simulator.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, loopback)"
    )
    simulator.add_argument(
        "--port",
        type=port_int,
        default=8080,
        help="TCP port, 0 for any free one (default: 8080)",
    )
    simulator.add_argument(
        "--seed",
        type=count_int,
        default=20240101,
        help="seed of the synthetic participants: the same seed, the same people",
    )
    simulator.add_argument(
        "--participants",
        type=count_int,
        default=SANDBOX_PARTICIPANTS,
        metavar="N",
        help=f"how many synthetic participants to serve (default: {SANDBOX_PARTICIPANTS:,}, "
        "everyone in examples/sample-cards.csv, as --sandbox)",
    )
    simulator.set_defaults(func=_simulator)

    catalog = sub.add_parser(
        "catalog",
        parents=[parent],
        help="print every operation (VClaim 2.0 and Antrean RS) as a markdown table",
        description="Print the endpoint catalog: service, operation, method, path, encryption, "
        "retries.",
    )
    catalog.set_defaults(func=_catalog)


async def _demo(args: argparse.Namespace) -> int:
    from ..testing import VClaimSimulator

    async with VClaimSimulator() as sim, VClaimClient(sim.config()) as client:
        echo(f"VClaim simulator at {sim.base_url} (synthetic data, no BPJS credentials used)\n")
        cards = sim.participants.cards()[: args.count]
        results = await asyncio.gather(
            *(client.peserta.by_card(card) for card in cards), return_exceptions=True
        )
        echo(f"{'card':<15} {'name':<26} {'status':<30} {'class':<10} type")
        for card, result in zip(cards, results, strict=True):
            if isinstance(result, BaseException):
                echo(f"{_validate.mask(card):<15} error: {result}")
                continue
            status = result.status_peserta.keterangan if result.status_peserta else "-"
            kelas = result.hak_kelas.keterangan if result.hak_kelas else "-"
            jenis = result.jenis_peserta.keterangan if result.jenis_peserta else "-"
            echo(
                f"{_validate.mask(card):<15} {result.nama or '-':<26} {status:<30} "
                f"{kelas:<10} {jenis}"
            )
        echo()
        try:
            await client.peserta.by_card("0009999999999")
        except VClaimError as exc:
            echo(f"unknown card -> {type(exc).__name__}: {exc}")
        sim.faults.fail("Peserta", status=502, times=2)
        peserta = await client.peserta.by_card(cards[0])
        echo(f"two 502 pages, then success -> {peserta.nama} (the client retried the read)")
    return 0


async def _catalog(args: argparse.Namespace) -> int:
    from .._catalog import render_table

    print(render_table(), end="")
    return 0


async def _simulator(args: argparse.Namespace) -> int:
    from ..testing import VClaimSimulator

    # A long-running server: what it records is bounded in bytes as well as in requests.
    sim = VClaimSimulator(
        host=args.host,
        port=args.port,
        seed=args.seed,
        participant_count=args.participants,
        max_recorded=1_000,
        max_recorded_bytes=SIMULATOR_RECORD_BYTES,
    )
    if not sim.is_loopback:  # it prints its credentials: say so before anyone connects
        print(f"vclaim-async: WARNING: {sim.exposure_warning()}", file=sys.stderr, flush=True)
    async with sim:
        echo(f"VClaim simulator listening on {sim.base_url}")
        echo(f"  VCLAIM_BASE_URL={sim.base_url}")
        echo(f"  VCLAIM_CONS_ID={sim.cons_id}")
        echo(f"  VCLAIM_SECRET={sim.secret}")
        echo(f"  VCLAIM_USER_KEY={sim.user_key}")
        echo(f"  VCLAIM_PPK={sim.ppk_pelayanan}")
        echo(f"Antrean RS on the same port: {sim.antrean_base_url}")
        echo(f"  VCLAIM_ANTREAN_USER_KEY={sim.antrean_user_key}")
        echo(f"  VCLAIM_ANTREAN_BASE_URL={sim.antrean_base_url}")
        echo("sample card numbers: " + ", ".join(sim.participants.cards()[:5]))
        echo("sample NIKs:         " + ", ".join(sim.participants.niks()[:3]))
        echo("Ctrl-C to stop.")
        await asyncio.Event().wait()
    return 0
