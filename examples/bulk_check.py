"""Check every card number or NIK in a file with ``client.peserta.check_many``, with progress.

    python examples/bulk_check.py --sandbox             # the bundled sample, on the simulator
    python examples/bulk_check.py patients.csv --date 2024-03-01    # on BPJS, VCLAIM_* set

It asks BPJS with ``VClaimConfig.from_env()`` and stops, naming the missing variables, when the
configuration is incomplete; only ``--sandbox`` starts the built-in simulator (synthetic
participants, covering the bundled sample). The file is read lazily, one row at a time, and
a fixed pool of workers does the look-ups, so a file of a million rows needs no more memory
than one of a hundred. (``vclaim-async check`` is this, plus a journal that makes it resumable.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from vclaim_async import CheckProgress, VClaimClient, VClaimConfig

SAMPLE = Path(__file__).with_name("sample-cards.csv")


@contextlib.asynccontextmanager
async def open_client(*, sandbox: bool) -> AsyncIterator[VClaimClient]:
    """The built-in simulator when asked for, else BPJS from the ``VCLAIM_*`` variables."""
    if sandbox:
        from vclaim_async.testing import VClaimSimulator

        print("--sandbox: using the built-in simulator (synthetic participants)", file=sys.stderr)
        async with VClaimSimulator(participant_count=1000) as sim, VClaimClient(sim.config()) as c:
            yield c
        return
    try:
        config = VClaimConfig.from_env()
    except ValueError as exc:  # names exactly the missing variables
        raise SystemExit(f"{exc} (or pass --sandbox to use the built-in simulator)") from None
    async with VClaimClient(config) as client:
        yield client


def identifiers(path: Path, column: str) -> Iterator[str]:
    """One identifier per row: a CSV column, or each line of a plain-text file."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        if path.suffix.lower() == ".csv":
            for row in csv.DictReader(fh):
                yield row.get(column) or ""
        else:
            for line in fh:
                if line.strip():
                    yield line.strip()


def mask(value: str) -> str:
    """Never print a whole card number or NIK: ``0001*****7890``."""
    return value[:4] + "*" * max(0, len(value) - 8) + value[-4:] if len(value) > 8 else "***"


class Progress:
    """A progress line on stderr, redrawn at most a few times a second."""

    def __init__(self) -> None:
        self.shown = 0.0

    def __call__(self, p: CheckProgress) -> None:
        now = time.monotonic()
        if now - self.shown < 0.2 and p.done != p.total:
            return
        self.shown = now
        total = f"/{p.total}" if p.total is not None else ""
        print(
            f"\r{p.done}{total} checked · {p.rate:.0f}/s · active {p.active} · "
            f"inactive {p.inactive} · not found {p.not_found} · invalid {p.invalid} · "
            f"errors {p.errors}",
            end="",
            file=sys.stderr,
            flush=True,
        )


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--column", default="no_kartu", help="CSV column (default: no_kartu)")
    parser.add_argument("--date", help="service date YYYY-MM-DD (default: today in Jakarta)")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--sandbox", action="store_true", help="use the built-in simulator")
    args = parser.parse_args()

    statuses: Counter[str] = Counter()
    problems: list[str] = []
    async with open_client(sandbox=args.sandbox) as client:
        results = client.peserta.check_many(
            identifiers(args.file, args.column),
            args.date,
            concurrency=args.concurrency,
            on_progress=Progress(),
        )
        async with results:  # stops the workers at once if anything below raises
            async for result in results:
                statuses[result.status] += 1
                if result.summary is not None and not result.summary.active:
                    problems.append(f"{mask(result.input)}  {result.summary.status}")
                elif result.error is not None:
                    problems.append(f"{mask(result.input)}  {result.status}: {result.error}")
    print(file=sys.stderr)
    for status in ("active", "inactive", "not_found", "invalid", "error"):
        print(f"{status:<10} {statuses[status]:>6}")
    print("\nnot eligible or not checked (first 10):")
    for line in problems[:10]:
        print(f"  {line}")
    return 1 if statuses["error"] else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
