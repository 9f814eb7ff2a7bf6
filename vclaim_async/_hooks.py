"""Observability without patient data: one event per call for metrics and tracing hooks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CallEvent", "Hook"]


@dataclass(frozen=True, slots=True)
class CallEvent:
    """What happened to one catalog call, with no identifiers in it.

    ``operation`` is the catalog name (``"peserta.by_card"``), never the path: paths carry card
    numbers and NIKs. ``status`` is the last HTTP status seen (None when no answer arrived),
    ``code`` BPJS's ``metaData.code`` when one was read, ``latency`` the seconds the whole call
    took (retries and backoff included) and ``error`` the exception's class name, or None.
    With an eligibility cache, ``cache`` says how the look-up was served: ``"hit"`` (from the
    cache, no request: ``attempts`` is 0), ``"joined"`` (shared a concurrent look-up's
    request, none of its own), ``"miss"`` (sent, then cached) or ``"fresh"`` (``fresh=True``);
    None for calls the cache does not cover. Requests saved = hits + joined.
    ``defaulted`` names the answer fields (JSON paths such as ``$.histori[0].kelasRawat``,
    never values) that arrived null or missing although the model types them as always
    present, and were decoded with an empty default (see docs/errors.md, "Tolerant decoding").
    """

    operation: str
    method: str
    status: int | None
    code: str | None
    attempts: int
    latency: float
    error: str | None
    cache: str | None = None
    defaulted: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


#: A hook is called synchronously after every call; keep it fast and never let it block.
Hook = Callable[[CallEvent], object]
