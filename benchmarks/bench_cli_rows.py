"""CPU per row of ``vclaim-async check``'s own bookkeeping, without the network or the client.

Journal add and batch commit, the output append, and the final rebuild in input order, over
3,000 synthetic rows in a temporary directory; best and median of 7. Run by hand:
``python benchmarks/bench_cli_rows.py csv jsonl sqlite``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from vclaim_async.cli.journal import Journal, Record
from vclaim_async.cli.output import OutputFormat, open_writer, rebuild_output

ROWS = 3000


def _record(i: int) -> Record:
    return Record(
        input=f"000{i:010d}", row=i + 1, kind="card", status="active", status_text="AKTIF",
        name="PESERTA =SATU", hak_kelas="KELAS I", jenis_peserta="PBI", prb=None, tgl_tat=None,
        error_code=None, error_message=None, attempts=1, latency_ms=12.3,
    )  # fmt: skip


def once(fmt: OutputFormat) -> float:
    """µs of CPU per row for one run."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"out.{fmt}"
        journal = Journal(Path(tmp) / "journal.sqlite")
        records = [_record(i) for i in range(ROWS)]
        started = time.process_time()
        writer = open_writer(out, fmt, rebuild_output(out, fmt, journal.records(errors=False)))
        journal.start_run(ROWS)
        for record in records:
            if journal.add(record):
                writer.write_many(journal.commit())
        writer.write_many(journal.finish_run("completed"))
        writer.close()
        rebuild_output(out, fmt, journal.records())
        spent = time.process_time() - started
        journal.close()
    return spent / ROWS * 1e6


def main() -> None:
    formats: list[OutputFormat] = ["csv", "jsonl", "sqlite"]
    for fmt in [f for f in formats if f in sys.argv[1:]] or formats:
        runs = [once(fmt) for _ in range(7)]
        print(f"{fmt}: best {min(runs):.1f} µs/row, median {statistics.median(runs):.1f}")


if __name__ == "__main__":
    main()
