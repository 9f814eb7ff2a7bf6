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

__all__ = ["FAULT_KINDS", "Fault", "FaultPlan"]

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
    }
)


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
        if isinstance(self.delay, tuple):
            return rng.uniform(*self.delay)
        if callable(self.delay):
            return max(0.0, float(self.delay(rng)))
        return float(self.delay)


class FaultPlan:
    """The simulator's scripted failures, checked in the order they were added."""

    def __init__(self, seed: int = 0) -> None:
        self.faults: list[Fault] = []
        self.rng = random.Random(seed)
        self._lock = threading.Lock()

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
        with self._lock:
            self.faults.clear()

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
