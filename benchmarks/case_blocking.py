"""Event-loop blocking: the longest stretch one large history look-up holds the loop.

``client.monitoring.list_histori_pelayanan`` end to end against a static server answering the large
history of ``tests/vclaim-vectors.json`` (vector 3, 123,215 characters with emoji and CJK;
its placeholder dates ``-00`` made real so the answer decodes), re-encrypted under that vector's
timestamp with the client's clock pinned to it. Every callback the loop runs is timed (as
asyncio's debug mode does for slow callbacks); the longest one during a look-up is how long
every other request of, say, a FastAPI app waited. Best of N look-ups (other processes only
add time), with the compiled decoder and with the pure-Python one ("before").
"""

from __future__ import annotations

import asyncio
import datetime
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Result, fmt_us, load_vectors, server

from vclaim_async import VClaimClient, VClaimConfig, _crypto, _lzstring
from vclaim_async._lzstring import _py_decompress_from_encoded_uri_component as pure
from vclaim_async._lzstring import compress_to_encoded_uri_component as compress

CARD = "0001234567890"


def history_envelope(vector: dict[str, Any]) -> bytes:
    text = re.sub(r'"(\d{4}-\d{2})-00"', r'"\1-01"', vector["plaintext"])
    response = _crypto.encrypt(
        compress(text), vector["consId"], vector["secret"], vector["timestamp"]
    )
    envelope = {"metaData": {"code": "200", "message": "OK"}, "response": response}
    return json.dumps(envelope, separators=(",", ":")).encode()


@contextmanager
def longest_callback() -> Iterator[list[float]]:
    """Time every event-loop callback: the longest since cleared, [CPU seconds, wall seconds].

    CPU (this thread's) is what the step costs; wall is what the other requests waited, which
    on a shared machine also counts other processes' turns on the core.
    """
    handle_run = asyncio.events.Handle._run
    longest = [0.0, 0.0]

    def timed(self: asyncio.events.Handle) -> None:
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            handle_run(self)
        finally:
            longest[0] = max(longest[0], time.thread_time() - cpu)
            longest[1] = max(longest[1], time.perf_counter() - wall)

    asyncio.events.Handle._run = timed  # type: ignore[method-assign]
    try:
        yield longest
    finally:
        asyncio.events.Handle._run = handle_run  # type: ignore[method-assign]


async def _measure(url: str, vector: dict[str, Any], number: int) -> dict[str, dict[str, float]]:
    stamp = float(vector["timestamp"])
    config = VClaimConfig(
        cons_id=vector["consId"], secret=vector["secret"], user_key="benchmark", base_url=url
    )
    today = datetime.date(2024, 3, 1)
    real = _lzstring.decompress_from_encoded_uri_component
    decoders: dict[str, Callable[..., str]] = {"compiled": real, "pure": pure}
    if not _lzstring.USING_EXTENSION:
        del decoders["compiled"]
    found: dict[str, dict[str, list[float]]] = {
        name: {"block": [], "wall": [], "cpu": []} for name in decoders
    }
    async with VClaimClient(config, clock=lambda: stamp) as client:

        async def lookup() -> int:
            rows = await client.monitoring.list_histori_pelayanan(
                CARD, today - datetime.timedelta(days=89), today
            )
            return len(rows)

        assert await lookup() > 100  # warm: connect, caches
        with longest_callback() as longest:
            for _ in range(number):  # interleaved, so a noisy moment hits both alike
                for name, decoder in decoders.items():
                    _lzstring.decompress_from_encoded_uri_component = decoder  # type: ignore[assignment]
                    try:
                        longest[:] = [0.0, 0.0]
                        start = time.process_time()
                        # A task of its own: its last step (decrypt, LZ, decode) has returned,
                        # and been timed, by the time this one resumes.
                        await asyncio.create_task(lookup())
                        found[name]["cpu"].append(time.process_time() - start)
                        found[name]["block"].append(longest[0])
                        found[name]["wall"].append(longest[1])
                    finally:
                        _lzstring.decompress_from_encoded_uri_component = real
    return {
        name: {kind: min(values) for kind, values in series.items()}
        for name, series in found.items()
    }


def run(quick: bool = False) -> list[Result]:
    number = 5 if quick else 30
    vector = load_vectors()[3]
    with tempfile.TemporaryDirectory() as tmp:
        body = Path(tmp) / "history.json"
        body.write_bytes(history_envelope(vector))
        with server("envelope", "--body-file", str(body)) as srv:
            found = asyncio.run(_measure(srv.url, vector, number))
    before = found["pure"]
    if "compiled" not in found:
        return [
            Result(
                "Loop blocking, history look-up",
                "the compiled decoder is not in use",
                fmt_us(before["block"]),
                "—",
                float("nan"),
                "—",
                "—",
                None,
            )
        ]
    after = found["compiled"]
    return [
        Result(
            case="Loop blocking, history look-up",
            measure=(
                f"longest event-loop step in one look-up (CPU), best of {number}; "
                "123,215-char history (vector 3)"
            ),
            ours=f"{fmt_us(after['block'])} compiled",
            baseline=f"{fmt_us(before['block'])} pure Python (before)",
            ratio=before["block"] / after["block"],
            ratio_label=f"{before['block'] / after['block']:.1f}× shorter",
            target="—",
            met=None,
            note=(
                f"wall {fmt_us(after['wall'])} compiled, {fmt_us(before['wall'])} pure; "
                f"CPU per look-up {fmt_us(after['cpu'])} compiled, {fmt_us(before['cpu'])} "
                "pure; the rest of the longest step is AES, msgspec and the envelope"
            ),
        )
    ]


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(result)
