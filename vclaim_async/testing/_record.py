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


def _size(request: RecordedRequest) -> int:
    """Bytes a recorded request holds (body, path and headers), for the byte bound."""
    headers = sum(len(k) + len(v) for k, v in request.headers.items())
    return len(request.body) + len(request.path) + headers


class RequestLog(Sequence[RecordedRequest]):
    """The simulator's request record: the newest requests, oldest first, bounded twice.

    At most ``maxlen`` requests and ``max_bytes`` bytes (bodies, paths and headers) are kept;
    the oldest go first, and ``dropped`` counts the ones forgotten (``None``: no bound). A
    long-running simulator (``vclaim-async simulator``) or a flood of large posts therefore
    never grows memory without end. It compares equal to a list with the same items, slices
    to a list, and is safe to read from another thread.
    """

    def __init__(self, maxlen: int | None, max_bytes: int | None = None) -> None:
        if maxlen is not None and maxlen < 0:
            raise ValueError("max_recorded must be 0 or more (None: keep every request)")
        if max_bytes is not None and max_bytes < 0:
            raise ValueError("max_recorded_bytes must be 0 or more (None: no byte bound)")
        self._items: deque[RecordedRequest] = deque()
        self._maxlen = maxlen
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self.dropped = 0
        #: Bytes the kept requests hold now.
        self.bytes = 0

    @property
    def maxlen(self) -> int | None:
        """How many requests are kept (None: all of them)."""
        return self._maxlen

    def append(self, request: RecordedRequest) -> None:
        size = _size(request)
        with self._lock:
            if self._maxlen == 0 or (self.max_bytes is not None and size > self.max_bytes):
                self.dropped += 1  # larger than the whole bound: never kept
                return
            self._items.append(request)
            self.bytes += size
            while (self._maxlen is not None and len(self._items) > self._maxlen) or (
                self.max_bytes is not None and self.bytes > self.max_bytes
            ):
                self.bytes -= _size(self._items.popleft())
                self.dropped += 1

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0

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
