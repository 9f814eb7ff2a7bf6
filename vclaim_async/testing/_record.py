"""What the simulator records of each request, for tests to assert on: a bounded log."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

__all__ = ["RecordedRequest", "RequestLog"]


@dataclass(frozen=True)
class RecordedRequest:
    """What came over the wire, for tests to assert on."""

    method: str
    path: str
    content_type: str | None
    body: bytes
    headers: Mapping[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


class RequestLog(Sequence[RecordedRequest]):
    """The simulator's request record: the newest ``maxlen`` requests, oldest first.

    A long-running simulator (``vclaim-async simulator``) would otherwise keep every request
    in memory; ``dropped`` counts the ones forgotten (``max_recorded=None`` keeps them all).
    It compares equal to a list with the same items, slices to a list, and is safe to read
    from another thread.
    """

    def __init__(self, maxlen: int | None) -> None:
        if maxlen is not None and maxlen < 0:
            raise ValueError("max_recorded must be 0 or more (None: keep every request)")
        self._items: deque[RecordedRequest] = deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self.dropped = 0

    @property
    def maxlen(self) -> int | None:
        """How many requests are kept (None: all of them)."""
        return self._items.maxlen

    def append(self, request: RecordedRequest) -> None:
        with self._lock:
            if len(self._items) == self.maxlen:
                self.dropped += 1
            self._items.append(request)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def _snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...

    @overload
    def __getitem__(self, index: slice) -> list[RecordedRequest]: ...

    def __getitem__(self, index: int | slice) -> RecordedRequest | list[RecordedRequest]:
        if isinstance(index, slice):
            return self._snapshot()[index]
        with self._lock:
            return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self._snapshot())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RequestLog):
            return self._snapshot() == other._snapshot()
        if isinstance(other, Sequence):
            return self._snapshot() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RequestLog({self._snapshot()!r}, maxlen={self.maxlen})"
