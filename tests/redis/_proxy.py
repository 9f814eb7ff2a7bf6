"""A loopback TCP proxy in front of a Redis server, for the network as it really is.

- ``latency``: every chunk reaches the other side this many seconds later (each direction),
  in order: a Redis a LAN or a data centre away instead of a fraction of a millisecond.
- :meth:`blackhole`: every connection, open or new, stops forwarding without closing — no
  FIN, no RST, as a NAT or firewall does to a flow it forgot. :meth:`heal` lets new
  connections through again (the frozen ones stay frozen, as a NAT's do).

Used by tests/redis and by benchmarks/soak_shared.py; nothing here reaches past loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import time


class TcpProxy:
    """``127.0.0.1:<port>`` forwarding to ``127.0.0.1:<target>``."""

    def __init__(self, target: int, *, latency: float = 0.0) -> None:
        self.target = target
        self.latency = latency
        self.port = 0
        self.connections = 0
        self._server: asyncio.base_events.Server | None = None
        self._frozen = False
        #: Bumped by blackhole(): a pump of an older generation stops forwarding for good.
        self._generation = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def blackhole(self) -> None:
        """Stop forwarding on every connection, open or new, without closing any."""
        self._frozen = True
        self._generation += 1

    def heal(self) -> None:
        """Forward on new connections again; the frozen ones stay frozen."""
        self._frozen = False

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for writer in self._writers:
            writer.close()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1)

    async def __aenter__(self) -> TcpProxy:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        generation = self._generation
        if self._frozen:
            # Accepted, then nothing: bytes in either direction go nowhere.
            self._hold(reader)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.close()
            return
        self._writers.append(up_writer)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.get_running_loop().create_task(self._pump(source, sink, generation))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _hold(self, reader: asyncio.StreamReader) -> None:
        async def drain() -> None:
            while await reader.read(65536):
                pass

        task = asyncio.get_running_loop().create_task(drain())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, generation: int
    ) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, chunk = await queue.get()
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                if generation != self._generation:
                    continue  # blackholed: swallowed, the socket stays open
                if not chunk:
                    sink.close()
                    return
                sink.write(chunk)
                await sink.drain()

        deliverer = asyncio.get_running_loop().create_task(deliver())
        try:
            while True:
                chunk = await source.read(65536)
                queue.put_nowait((time.monotonic() + self.latency, chunk))
                if not chunk:
                    break
            await deliverer
        except (ConnectionError, OSError):
            pass
        finally:
            deliverer.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError, OSError):
                await deliverer
