"""The simulator's fault plan: scripted failures matched on method and path.

``sim.faults`` is a :class:`FaultPlan`; each :class:`Fault` names a kind (an error page, a
delay, a hang, a dropped or garbled answer, a write whose answer is lost), the requests it
matches and how many it affects. The plan is locked, so a test thread may add faults while the
simulator serves from another thread (``VClaimSimulator.in_thread()``).
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .._catalog import CATALOGS

__all__ = ["CLINIC_SPELLINGS", "DATE_SPELLINGS", "FAULT_KINDS", "Fault", "FaultPlan"]

FAULT_KINDS = frozenset(
    {
        "status",  # an HTTP error page (502/503/504 HTML, 429/403/404 gateway text)
        "delay",  # answer normally after ``delay`` seconds
        "hang",  # never answer (until the client gives up or the simulator closes)
        "reset",  # send part of the answer, then drop the connection
        "truncate",  # a 200 with the JSON cut in half
        "empty",  # a 200 with an empty body
        "garbage",  # a 200 envelope whose response is random base64 ciphertext
        "wrong_key",  # a 200 envelope encrypted under another timestamp
        "lose_answer",  # do the work (a write lands), then drop the connection
        "slow_write",  # do the work ``delay`` s after arrival; answer then, or never
    }
)

#: How ``FaultPlan.spell_history`` may spell a history row's date and clinic.
DATE_SPELLINGS = frozenset({"yyyy-MM-dd", "dd-MM-yyyy"})
CLINIC_SPELLINGS = frozenset({"code", "name"})

Delay = float | tuple[float, float] | Callable[[random.Random], float]


@dataclass
class Fault:
    """One scripted failure for requests whose path matches ``match`` (a regex, searched in the
    path after the service name, case-insensitive) and, if given, whose catalog ``operation``
    is the one named (``"sep.insert"``, ``"antrean.update_waktu"``), so a test need not spell
    the path. (A name two services share, such as ``"referensi.list_poli"``, matches both;
    add ``match`` to tell them apart.)

    ``times`` is how many matching requests it affects (None: all of them); ``probability``
    makes it random (with the plan's seeded generator). ``delay`` may be a number of seconds
    or a ``(low, high)`` range for a uniform latency, or a function of the plan's random
    generator for any other distribution (e.g. ``lambda r: r.expovariate(1 / 0.05)``).
    A ``slow_write`` performs the request ``delay`` seconds after it arrived, whether or not
    the client is still waiting, and then answers it (``answer=True``) or drops the
    connection (``answer=False``): BPJS finishing an insert after the client gave up.
    """

    kind: str
    match: str = ".*"
    method: str | None = None
    times: int | None = 1
    status: int = 502
    delay: float | tuple[float, float] | Callable[[random.Random], float] = 0.0
    probability: float = 1.0
    hits: int = 0
    operation: str | None = None
    answer: bool = True
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {sorted(FAULT_KINDS)}")
        if self.operation is not None and not any(
            self.operation in catalog for catalog in CATALOGS.values()
        ):
            raise ValueError(f"no catalog operation named {self.operation!r}")
        self._pattern = re.compile(self.match, re.IGNORECASE)

    def applies(
        self, method: str, path: str, rng: random.Random, operation: str | None = None
    ) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if self.operation is not None and self.operation != operation:
            return False
        if not self._pattern.search(path):
            return False
        return self.probability >= 1.0 or rng.random() < self.probability

    def seconds(self, rng: random.Random) -> float:
        return _seconds(self.delay, rng)


def _seconds(delay: Delay, rng: random.Random) -> float:
    if isinstance(delay, tuple):
        return rng.uniform(*delay)
    if callable(delay):
        return max(0.0, float(delay(rng)))
    return float(delay)


class FaultPlan:
    """The simulator's scripted failures, checked in the order they were added."""

    def __init__(self, seed: int = 0) -> None:
        self.faults: list[Fault] = []
        self.rng = random.Random(seed)
        self._lock = threading.Lock()
        #: Seconds a new SEP takes to show in the participant's history (see lag_history).
        self.history_lag: Delay = 0.0
        #: How history rows spell dates and clinics, and for which share of rows.
        self.history_dates = "yyyy-MM-dd"
        self.history_clinics = "code"
        self.history_spelling_probability = 1.0

    # -- BPJS's timing and spelling ------------------------------------------------------------

    def slow_writes(
        self,
        match: str = ".*",
        *,
        after: float | tuple[float, float] = (1.0, 3.0),
        answer: bool = True,
        probability: float = 1.0,
        times: int | None = None,
        operation: str | None = "sep.insert",
    ) -> Fault:
        """Perform matching writes ``after`` seconds after they arrive (a number or a range).

        The work is done then even if the client gave up long before (its SEP lands late);
        with ``answer=False`` the answer is never sent. By default it slows SEP inserts.
        """
        return self.add(
            Fault(
                "slow_write", match, times=times, delay=after, answer=answer,
                probability=probability, operation=operation,
            )
        )  # fmt: skip

    def lag_history(self, seconds: Delay) -> None:
        """New SEPs show in ``monitoring/HistoriPelayanan`` only ``seconds`` after they were
        performed (a number, a ``(low, high)`` range, or a function of the random generator).
        ``0`` switches the lag off."""
        with self._lock:
            self.history_lag = seconds

    def history_lag_seconds(self) -> float:
        """One draw of the history lag, for a SEP performed now."""
        with self._lock:
            return _seconds(self.history_lag, self.rng)

    def spell_history(
        self, *, dates: str = "dd-MM-yyyy", clinics: str = "name", probability: float = 1.0
    ) -> None:
        """History rows spell ``tglSep``/``tglPlgSep`` as ``dates`` and ``poli`` as the clinic's
        ``code`` or ``name``, for the share ``probability`` of rows (drawn per row)."""
        if dates not in DATE_SPELLINGS or clinics not in CLINIC_SPELLINGS:
            raise ValueError(
                f"dates is one of {sorted(DATE_SPELLINGS)}, clinics one of "
                f"{sorted(CLINIC_SPELLINGS)}"
            )
        with self._lock:
            self.history_dates = dates
            self.history_clinics = clinics
            self.history_spelling_probability = probability

    def history_spelling(self) -> tuple[str, str]:
        """The (dates, clinics) spelling of one history row."""
        with self._lock:
            if self.history_spelling_probability < 1.0 and (
                self.rng.random() >= self.history_spelling_probability
            ):
                return "yyyy-MM-dd", "code"
            return self.history_dates, self.history_clinics

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def fail(
        self,
        match: str = ".*",
        *,
        status: int = 502,
        times: int | None = 1,
        operation: str | None = None,
    ) -> Fault:
        """Answer ``status`` (an HTML page for 5xx, the gateway's text for 4xx)."""
        return self.add(Fault("status", match, times=times, status=status, operation=operation))

    def delay(
        self,
        match: str,
        seconds: float | tuple[float, float],
        *,
        times: int | None = None,
        operation: str | None = None,
    ) -> Fault:
        """Answer after a delay (or a uniform random delay between two bounds)."""
        return self.add(Fault("delay", match, times=times, delay=seconds, operation=operation))

    def hang(
        self, match: str = ".*", *, times: int | None = 1, operation: str | None = None
    ) -> Fault:
        """Accept the request and never answer."""
        return self.add(Fault("hang", match, times=times, operation=operation))

    def mix(
        self,
        match: str,
        rates: Mapping[str, float],
        *,
        method: str | None = None,
        operation: str | None = None,
    ) -> None:
        """Independent random faults at the given marginal rates, e.g. a flaky gateway.

        ``rates`` maps a fault kind (or an HTTP status such as ``"502"``) to the fraction of
        matching requests it should hit: ``{"502": 0.2, "hang": 0.05, "reset": 0.02}``. At most
        one fires per request, so the rates must add up to at most 1.
        """
        if sum(rates.values()) > 1.0 + 1e-9:
            raise ValueError("fault rates add up to more than 1")
        left = 1.0
        for kind, rate in rates.items():
            # Faults are tried in order; scale each so its share of all requests is ``rate``.
            probability = 0.0 if left <= 0 else min(1.0, rate / left)
            if kind.isdigit():
                fault = Fault(
                    "status", match, method=method, times=None, status=int(kind),
                    operation=operation,
                )  # fmt: skip
            else:
                fault = Fault(kind, match, method=method, times=None, operation=operation)
            fault.probability = probability
            self.add(fault)
            left -= rate

    def clear(self) -> None:
        """Remove every fault, the history lag and the history spelling."""
        with self._lock:
            self.faults.clear()
            self.history_lag = 0.0
            self.history_dates, self.history_clinics = "yyyy-MM-dd", "code"
            self.history_spelling_probability = 1.0

    def pick(self, method: str, path: str, operation: str | None = None) -> list[Fault]:
        """The faults that fire for this request (at most one non-delay fault); ``operation``
        is the catalog operation its path resolved to, if any."""
        chosen: list[Fault] = []
        with self._lock:
            for fault in self.faults:
                if fault.kind != "delay" and any(f.kind != "delay" for f in chosen):
                    continue
                if fault.applies(method, path, self.rng, operation):
                    fault.hits += 1
                    chosen.append(fault)
        return chosen
