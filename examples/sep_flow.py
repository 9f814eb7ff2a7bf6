"""The SEP lifecycle the reference document describes, on the real VClaim 2.0 endpoints.

    python examples/sep_flow.py --sandbox                # on the built-in simulator
    python examples/sep_flow.py --card 0001234567890     # on BPJS, with VCLAIM_* set

Verify eligibility -> find the FKTP referral -> insert the SEP -> read it back -> update it ->
fetch it for the INA-CBG grouper -> delete it -> confirm it is gone.

``--sandbox`` starts the built-in simulator and picks a synthetic active participant, so it
runs anywhere. Without it the script talks to BPJS with ``VClaimConfig.from_env()`` and stops,
naming the missing variables, when the configuration is incomplete: it never falls back to the
simulator on its own. On BPJS it creates and then deletes a real SEP, so point it at the
development server (``VCLAIM_ENV=development``); production is refused unless
``--allow-production`` is given. ``VCLAIM_PPK`` is the hospital code the SEP is issued for.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import sys
from collections.abc import AsyncIterator

from vclaim_async import BASE_URLS, NotFoundError, VClaimClient, VClaimConfig, VClaimError
from vclaim_async.models.enums import JnsPelayanan
from vclaim_async.models.sep import SepRujukan

# Asia/Jakarta (WIB, UTC+7, no daylight saving): where BPJS's service dates live.
WIB = datetime.timezone(datetime.timedelta(hours=7))


def mask(value: str) -> str:
    """Never print a whole card number: ``0001*****7890``."""
    return value[:4] + "*" * max(0, len(value) - 8) + value[-4:] if len(value) > 8 else "***"


def step(number: int, text: str) -> None:
    print(f"{number}. {text}")


@contextlib.asynccontextmanager
async def open_client(args: argparse.Namespace) -> AsyncIterator[tuple[VClaimClient, str]]:
    """A client and a card number: the simulator with ``--sandbox``, else BPJS."""
    if args.sandbox:
        from vclaim_async.testing import VClaimSimulator

        print("--sandbox: using the built-in simulator (synthetic participants)")
        async with VClaimSimulator() as sim, VClaimClient(sim.config()) as client:
            yield client, args.card or sim.participants.cards(active=True)[0]
        return
    try:
        config = VClaimConfig.from_env()
    except ValueError as exc:  # names exactly the missing variables
        raise SystemExit(f"{exc} (or pass --sandbox to use the built-in simulator)") from None
    if config.url == BASE_URLS["production"] and not args.allow_production:
        raise SystemExit("refusing to create an SEP on production without --allow-production")
    if not args.card:
        raise SystemExit("--card is required when talking to BPJS")
    print(f"using BPJS at {config.url}")
    async with VClaimClient(config) as client:
        yield client, args.card


async def run(args: argparse.Namespace) -> int:
    tgl: datetime.date = args.date
    async with open_client(args) as (client, card):
        peserta = await client.peserta.by_card(card, tgl)
        kelas = peserta.hak_kelas.kode
        status = peserta.status_peserta.keterangan
        step(1, f"eligibility of {mask(card)} on {tgl}: {status}, hak kelas {kelas}")
        if not peserta.is_active:
            print("   the participant is not active: no SEP can be issued")
            return 1

        rujukan = await client.rujukan.by_card(card)
        provider = rujukan.prov_perujuk
        poli = args.poli or rujukan.poli_rujukan.kode or "INT"
        diag = args.diag or rujukan.diagnosa.kode or "Z09.8"
        dokter = args.dpjp
        if dokter is None:
            doctors = await client.referensi.list_dokter_dpjp(JnsPelayanan.RAWAT_JALAN, tgl, poli)
            dokter = doctors[0].kode if doctors and doctors[0].kode else ""
        step(2, f"FKTP referral {rujukan.no_kunjungan} to poli {poli}, DPJP {dokter}")

        sep = await client.sep.insert(
            no_kartu=card,
            tgl_sep=tgl,
            jns_pelayanan=JnsPelayanan.RAWAT_JALAN,
            kls_rawat=kelas,
            no_mr=args.no_mr,
            rujukan=SepRujukan(
                asal_rujukan="1",
                tgl_rujukan=rujukan.tgl_kunjungan.isoformat(),
                no_rujukan=rujukan.no_kunjungan,
                ppk_rujukan=provider.kode or "",
            ),
            diag_awal=diag,
            poli=poli,
            no_telp=args.phone,
            user=args.user,
            dpjp_layan=dokter,
        )
        no_sep = sep.no_sep or ""
        step(3, f"SEP issued: {no_sep} ({sep.jns_pelayanan}, {sep.poli}, {sep.diagnosa})")

        detail = await client.sep.get(no_sep)
        step(4, f"SEP read back: {detail.tgl_sep}, kelas {detail.kelas_rawat}, {detail.poli}")

        updated = await client.sep.update(
            no_sep=no_sep,
            kls_rawat=kelas,
            no_mr=args.no_mr,
            diag_awal=diag,
            poli=poli,
            no_telp=args.phone,
            user=args.user,
            catatan="updated by examples/sep_flow.py",
            dpjp_layan=dokter,
        )
        step(5, f"SEP updated: {updated}")

        grouper = await client.sep.get_inacbg(no_sep)
        step(
            6,
            f"INA-CBG view: tingkat {grouper.tkt_pelayanan}, kelas {grouper.kls_rawat}, "
            f"rujukan {grouper.no_rujukan}",
        )

        deleted = await client.sep.delete(no_sep, args.user)
        step(7, f"SEP deleted: {deleted}")
        try:
            await client.sep.get(no_sep)
        except NotFoundError as exc:
            step(8, f"confirmed gone: BPJS answers code {exc.code} ({exc.message})")
        else:
            step(8, "BPJS still returns the SEP after deleting it")
            return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument(
        "--sandbox", action="store_true", help="use the built-in simulator, not BPJS"
    )
    parser.add_argument("--card", help="JKN card number (required on BPJS)")
    parser.add_argument(
        "--date",
        type=datetime.date.fromisoformat,
        default=datetime.datetime.now(WIB).date(),
        help="service date, YYYY-MM-DD (default: today in Asia/Jakarta)",
    )
    parser.add_argument("--poli", help="clinic code (default: the referral's)")
    parser.add_argument("--diag", help="ICD-10 code (default: the referral's)")
    parser.add_argument("--dpjp", help="DPJP doctor code (default: the first listed)")
    parser.add_argument("--no-mr", default="RM-EXAMPLE-1", help="medical record number")
    parser.add_argument("--phone", default="081200000000", help="participant's phone")
    parser.add_argument("--user", default="sep-flow-example", help="user recorded by BPJS")
    parser.add_argument(
        "--allow-production", action="store_true", help="allow a real SEP on production BPJS"
    )
    args = parser.parse_args()
    try:
        return asyncio.run(run(args))
    except VClaimError as exc:
        print(f"failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
