"""What ``check`` shows while it runs (three progress displays) and the summary at the end.

Progress goes to stderr and never names an identifier; the summary goes to stdout. Every
printed line passes through :func:`.common.clean`, so no file name or server text can send
escape sequences to the terminal.
"""

from __future__ import annotations

import contextlib
import datetime
import sys
import time
from collections.abc import Sequence
from typing import Protocol, TextIO

from .._bulk import CheckProgress
from .common import clean, echo

__all__ = ["Display", "make_display", "print_summary"]

PLAIN_PROGRESS_SECONDS = 2.0


class Display(Protocol):
    def update(self, progress: CheckProgress) -> None: ...

    def tick(self) -> None: ...

    def stop(self) -> None: ...


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    return str(datetime.timedelta(seconds=round(seconds)))


class QuietDisplay:
    """``-q``: nothing at all."""

    def update(self, progress: CheckProgress) -> None:
        pass

    def tick(self) -> None:
        pass

    def stop(self) -> None:
        pass


class PlainDisplay:
    """A progress line on stderr every couple of seconds (not a terminal: a log, cron)."""

    def __init__(self, total: int, before: int, stream: TextIO) -> None:
        self._total, self._before, self._stream = total, before, stream
        self._latest: CheckProgress | None = None
        self._printed = time.monotonic()

    def update(self, progress: CheckProgress) -> None:
        self._latest = progress

    def tick(self) -> None:
        if time.monotonic() - self._printed >= PLAIN_PROGRESS_SECONDS:
            self._print()

    def stop(self) -> None:
        self._print()

    def _print(self) -> None:
        self._printed = time.monotonic()
        p = self._latest
        if p is None:
            return
        done = self._before + p.done
        share = f" ({done / self._total:.0%})" if self._total else ""
        eta = None if p.rate <= 0 else (self._total - done) / p.rate
        print(
            f"vclaim-async: {done:,}/{self._total:,} rows{share} · {p.rate:,.0f}/s · "
            f"ETA {_eta(eta)} · errors {p.errors:,}",
            file=self._stream,
            flush=True,
        )


class RichDisplay:
    """A live progress bar on stderr (a terminal): done/total, rate, ETA and the error count."""

    def __init__(self, total: int, before: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[errors]}"),
            console=Console(stderr=True),
        )
        self._before = before
        self._task = self._progress.add_task(
            "check", total=total, completed=before, rate="  0/s", errors="errors 0"
        )
        self._progress.start()

    def update(self, progress: CheckProgress) -> None:
        errors = f"errors {progress.errors:,}"
        self._progress.update(
            self._task,
            completed=self._before + progress.done,
            rate=f"{progress.rate:,.0f}/s",
            errors=f"[red]{errors}[/]" if progress.errors else errors,
        )

    def tick(self) -> None:
        pass

    def stop(self) -> None:
        self._progress.stop()


def make_display(*, quiet: bool, total: int, before: int) -> Display:
    if quiet:
        return QuietDisplay()
    if sys.stderr.isatty():
        with contextlib.suppress(ImportError):
            return RichDisplay(total, before)
    return PlainDisplay(total, before, sys.stderr)


def print_summary(title: str, counts: Sequence[tuple[str, int]], lines: Sequence[str]) -> None:
    """The outcome table and a few lines after it, on stdout."""
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        echo(f"\n{title}")
        for label, count in counts:
            echo(f"  {label:<14} {count:>9,}")
        for line in lines:
            echo(line)
        return
    table = Table(title=clean(title), title_justify="left")
    table.add_column("outcome")
    table.add_column("rows", justify="right")
    for label, count in counts:
        style = "red" if label == "errors" and count else None
        table.add_row(label, f"{count:,}", style=style, end_section=label == "errors")
    console = Console()
    console.print(table)
    for line in lines:
        console.print(clean(line), highlight=False, markup=False)
