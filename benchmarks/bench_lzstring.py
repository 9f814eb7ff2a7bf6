"""Time our LZ-string decoder, compare it with PyPI ``lzstring``, and cross-check with Node.

Run from a clone::

    python benchmarks/bench_lzstring.py [--seed N] [--count N] [--repeat N]

* Timings: best-of-``--repeat`` ``timeit`` runs of ``decompress_from_encoded_uri_component`` on
  the participant vector and the large history vector of ``tests/vclaim-vectors.json``, in µs
  per call; the same for PyPI ``lzstring`` when it is importable (``pip install lzstring``).
* Cross-check (optional): when ``node`` is on PATH and ``benchmarks/.node/node_modules/lz-string``
  exists (``npm install --prefix benchmarks/.node lz-string@1.5.0``; the folder is git-ignored),
  random texts with emoji, CJK and lone surrogates are compressed by the real JavaScript
  library; our compressor must give the same strings, and our decompressor must invert them.

Exit status is 1 when the cross-check finds a disagreement, else 0.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import shutil
import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a plain clone, installed or not

from vclaim_async import _lzstring  # noqa: E402
from vclaim_async._lzstring import (  # noqa: E402
    LZStringError,
    compress_to_encoded_uri_component,
)
from vclaim_async._lzstring import (  # noqa: E402
    _py_decompress_from_encoded_uri_component as pure_decompress,
)

#: Our decoders by name: the pure-Python one always, the compiled one when it is in use.
DECODERS: dict[str, Callable[[str], str]] = {"pure": pure_decompress}
if _lzstring.USING_EXTENSION:
    DECODERS = {"compiled": _lzstring.decompress_from_encoded_uri_component, **DECODERS}

NODE_LIB = ROOT / "benchmarks" / ".node" / "node_modules" / "lz-string"

# Reads {"texts": [...], "ours": [...]} on stdin; answers JS's compression of each text and
# JS's decompression of each of our compressed strings.
NODE_SCRIPT = """
const LZ = require(process.argv[1]);
let raw = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { raw += chunk; });
process.stdin.on("end", () => {
  const job = JSON.parse(raw);
  process.stdout.write(JSON.stringify({
    compressed: job.texts.map((t) => LZ.compressToEncodedURIComponent(t)),
    decompressed: job.ours.map((c) => LZ.decompressFromEncodedURIComponent(c)),
  }));
});
"""


def best_us(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best CPU µs per call (timeit's autorange picks the loop count), minor page faults per call.

    CPU time, not wall time: on a shared machine a wall clock also counts other processes.
    Faults matter for the large vector: when the C allocator hands the ~1 MB a call frees back
    to the OS, the next call pays about a microsecond per 4 KiB page to touch it again.
    """
    timer = timeit.Timer(func, timer=time.process_time)
    number, _ = timer.autorange()
    before = _minor_faults()
    best = min(timer.repeat(repeat=repeat, number=number)) / number * 1e6
    return best, (_minor_faults() - before) / (number * repeat)


def _show(label: str, timing: tuple[float, float], extra: str = "") -> None:
    us, faults = timing
    paging = f"  ({faults:,.0f} page faults/call)" if faults >= 1 else ""
    print(f"  {label:<20}{us:11.1f} µs/call{extra}{paging}")


def _minor_faults() -> int:
    try:
        import resource
    except ImportError:  # Windows
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def bench(vectors: list[dict[str, Any]], repeat: int) -> None:
    try:
        lzstring = importlib.import_module("lzstring")
    except ImportError:
        theirs = None
        print("lzstring not installed (pip install lzstring)")
    else:
        theirs = lzstring.LZString().decompressFromEncodedURIComponent

    for index, label in ((1, "participant"), (3, "large history")):
        vector = vectors[index]
        lz, plain = vector["lzString"], vector["plaintext"]
        print(
            f"\nvector {index} ({label}): LZ-string {len(lz):,} chars, "
            f"plaintext {len(plain):,} chars / {len(plain.encode('utf-8')):,} UTF-8 bytes, "
            f"encrypted response {len(vector['response']):,} chars"
        )
        timings = {}
        for name, decoder in DECODERS.items():
            assert decoder(lz) == plain
            timings[name] = best_us(partial(decoder, lz), repeat)
        if "compiled" in timings:
            ratio = timings["pure"][0] / timings["compiled"][0]
            _show("compiled decompress", timings["compiled"], f"   {ratio:.1f}× the pure speed")
        ours = timings["pure"]
        _show("pure decompress", ours)
        if theirs is not None:
            them = best_us(partial(theirs, lz), repeat)
            _show("lzstring decompress", them, f"   pure/theirs = {ours[0] / them[0]:.3f}")
            if theirs(lz) != plain:
                print("  (lzstring's output is wrong: astral characters as lone surrogates)")
        _show("ours compress", best_us(partial(compress_to_encoded_uri_component, plain), repeat))


def random_texts(count: int, seed: int) -> list[str]:
    """Texts JS must agree on: JSON-ish, repetitive, Latin-1, CJK, emoji, controls, edge units."""
    rng = random.Random(seed)
    words = ["nama", "noKartu", "0301R0011017V000007", "KELAS III", "null", '{"', '":"', '"}']
    words += ["__proto__", "constructor", "São", "Ω≈ç√", "中文", "患者", "😀", "🙏🏽", "👨‍👩‍👧"]

    def char() -> str:
        kind = rng.random()
        if kind < 0.45:
            return chr(rng.randrange(0x20, 0x7F))
        if kind < 0.55:
            return chr(rng.randrange(0xA0, 0x100))
        if kind < 0.70:
            return chr(rng.randrange(0x4E00, 0xA000))  # CJK
        if kind < 0.80:
            return chr(rng.randrange(0x1F300, 0x1FB00))  # emoji
        if kind < 0.85:
            return chr(rng.randrange(0x10000, 0x110000))  # any astral
        if kind < 0.90:
            return chr(rng.randrange(0, 0x20))
        return rng.choice(["\uffff", "\ufeff", "\u0100", "\u00ff", "\u2028", "\ue000"])

    texts = ["", "a", "aaa", "__proto__" * 42, "😀" * 300]
    while len(texts) < count:
        size = rng.choice([rng.randrange(1, 40), rng.randrange(40, 2000), rng.randrange(1, 20000)])
        if rng.random() < 0.5:
            text = "".join(char() for _ in range(size))
        else:  # repetitive, so the dictionary and the code width grow
            text = "".join(rng.choice(words) if rng.random() < 0.8 else char() for _ in range(size))
        texts.append(text[:size] if rng.random() < 0.3 else text)
    # Lone surrogates: JS compresses them, we must too; our decoder refuses them on purpose.
    texts += ["\ud83d", "x\ude00y", "\ud83d" * 3 + "a"]
    return texts


def cross_check(count: int, seed: int) -> bool:
    node = shutil.which("node")
    if node is None or not NODE_LIB.is_dir():
        print(
            "\nnode cross-check skipped: needs node on PATH and "
            "`npm install --prefix benchmarks/.node lz-string@1.5.0`"
        )
        return True
    texts = random_texts(count, seed)
    ours = [compress_to_encoded_uri_component(t) for t in texts]
    job = json.dumps({"texts": texts, "ours": ours})  # ASCII: astral chars as \\ud83d\\ude00
    run = subprocess.run(
        [node, "-e", NODE_SCRIPT, str(NODE_LIB)],
        input=job,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    answer = json.loads(run.stdout)
    same_compress = inverts = refused = 0
    failures: list[str] = []
    for i, (text, mine, js, js_back) in enumerate(
        zip(texts, ours, answer["compressed"], answer["decompressed"], strict=True)
    ):
        lone = any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
        if mine == js:
            same_compress += 1
        else:
            failures.append(f"#{i} compress differs (len {len(text)})")
        if js_back != text:
            failures.append(f"#{i} JS cannot decompress our output")
        outcomes = set()
        for name, decoder in DECODERS.items():
            try:
                outcomes.add(decoder(js))
            except LZStringError as exc:
                outcomes.add(f"LZStringError: {exc}")
            if len(outcomes) > 1:
                failures.append(f"#{i} {name} decoder differs from the others")
        back = outcomes.pop()
        if back.startswith("LZStringError") and lone:
            refused += 1  # by design: not valid Unicode
        elif back == text and not lone:
            inverts += 1
        else:
            failures.append(f"#{i} our decompress of JS output differs")
    total = len(texts)
    print(f"\nnode cross-check ({node}, lz-string {_node_lib_version()}, seed {seed}):")
    print(f"  compress identical to JS:        {same_compress}/{total}")
    print(f"  decompress inverts JS output:    {inverts}/{total - refused} ({', '.join(DECODERS)})")
    print(f"  lone-surrogate texts refused:    {refused} (by design)")
    for failure in failures[:20]:
        print(f"  FAIL {failure}")
    return not failures


def _node_lib_version() -> str:
    package = json.loads((NODE_LIB / "package.json").read_text(encoding="utf-8"))
    return str(package.get("version", "?"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--count", type=int, default=200, help="random texts for node")
    parser.add_argument("--repeat", type=int, default=7, help="timeit repeats (best is kept)")
    args = parser.parse_args()
    vectors = json.loads((ROOT / "tests" / "vclaim-vectors.json").read_text(encoding="utf-8"))
    print(f"Python {sys.version.split()[0]}")
    bench(vectors["vectors"], args.repeat)
    return 0 if cross_check(args.count, args.seed) else 1


if __name__ == "__main__":
    sys.exit(main())
