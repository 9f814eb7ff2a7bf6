"""What every benchmark case shares: results, server processes, CPU clocks, vectors."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a plain clone, installed or not


@dataclass
class Result:
    """One row of the results table.

    ``ratio`` is ours over the baseline unless ``unit`` says otherwise; ``met`` is None for a
    case that has no target (reported for information).
    """

    case: str
    measure: str
    ours: str
    baseline: str
    ratio: float
    ratio_label: str
    target: str
    met: bool | None
    note: str = ""
    #: Why a missed target was missed, with the run's own numbers (shown in RESULTS.md).
    explain: str = ""

    def verdict(self) -> str:
        if self.met is None:
            return "—"
        return "met" if self.met else "MISSED"


def load_vectors() -> list[dict[str, Any]]:
    data = json.loads((ROOT / "tests" / "vclaim-vectors.json").read_text(encoding="utf-8"))
    vectors: list[dict[str, Any]] = data["vectors"]
    return vectors


def best(samples: list[float]) -> float:
    """The least-disturbed sample: noise from other processes only ever adds time."""
    return min(samples)


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def cpu_per_call(func: Callable[[], object], number: int, repeat: int) -> float:
    """Best-of-``repeat`` process CPU seconds for one call, each sample ``number`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(number):
            func()
        samples.append((time.process_time() - start) / number)
    return best(samples)


def fmt_us(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:,.1f} µs" if us < 100 else f"{us:,.0f} µs"


class ServerProcess:
    """A ``_server.py`` child process: started, asked for stats, always stopped.

    The child stops by itself too (stdin closed, or its ``--lifetime``), so a crashed
    benchmark never leaves a server behind.
    """

    def __init__(self, kind: str, *args: str, lifetime: float = 900.0) -> None:
        command = [sys.executable, str(BENCH / "_server.py"), kind, *args]
        command += ["--lifetime", str(lifetime)]
        self._proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        self.info: dict[str, Any] = self._read()
        self.url: str = self.info["url"]

    def _read(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"benchmark server exited with {self._proc.wait()}")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def command(self, name: str) -> dict[str, Any]:
        assert self._proc.stdin is not None
        self._proc.stdin.write(name + "\n")
        self._proc.stdin.flush()
        return self._read()

    def stats(self) -> dict[str, Any]:
        return self.command("stats")

    def reset(self) -> None:
        self.command("reset")

    def close(self) -> None:
        if self._proc.poll() is None:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.close()  # the child quits on EOF
                self._proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()


@contextmanager
def server(kind: str, *args: str, lifetime: float = 900.0) -> Iterator[ServerProcess]:
    proc = ServerProcess(kind, *args, lifetime=lifetime)
    try:
        yield proc
    finally:
        proc.close()
