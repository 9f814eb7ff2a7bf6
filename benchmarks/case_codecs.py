"""LZ-string and decode: the pure-CPU steps of a look-up, timed in this process.

* LZ-string: µs to decompress the participant answer (vector 1) and the large history answer
  (vector 3) of ``tests/vclaim-vectors.json``, ours vs PyPI ``lzstring``. The same method as
  ``bench_lzstring.py`` (``timeit`` autorange, best of N); that script also cross-checks with
  the JavaScript original when node is available.
* Decode: µs to turn the decrypted participant JSON into ``PesertaPayload`` msgspec Structs
  (module-level decoder, as the client does) vs ``json.loads`` into dicts.
"""

from __future__ import annotations

import json
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import msgspec
from _harness import Result, fmt_us, load_vectors

from vclaim_async._lzstring import decompress_from_encoded_uri_component
from vclaim_async.models.peserta import PesertaPayload


def best_call(func: Callable[[], object], repeat: int) -> float:
    """Seconds for one call: best of ``repeat`` timeit runs, loop count from autorange."""
    timer = timeit.Timer(func)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def lzstring_cases(quick: bool) -> list[Result]:
    repeat = 3 if quick else 7
    try:
        import lzstring  # type: ignore[import-untyped]
    except ImportError:
        theirs = None
    else:
        theirs = lzstring.LZString().decompressFromEncodedURIComponent
    vectors = load_vectors()
    results = []
    for index, label in ((1, "participant"), (3, "large history")):
        vector = vectors[index]
        lz, plain = vector["lzString"], vector["plaintext"]
        assert decompress_from_encoded_uri_component(lz) == plain
        ours = best_call(lambda lz=lz: decompress_from_encoded_uri_component(lz), repeat)
        size = f"vector {index}, {label}: {len(lz):,}-char LZ → {len(plain):,} chars"
        if theirs is None:
            results.append(
                Result(
                    f"LZ-string, {label}",
                    f"µs per decompress; {size}",
                    fmt_us(ours),
                    "lzstring not installed",
                    float("nan"),
                    "—",
                    "—",
                    None,
                )
            )
            continue
        them = best_call(lambda lz=lz: theirs(lz), repeat)
        exact = theirs(lz) == plain
        results.append(
            Result(
                case=f"LZ-string, {label}",
                measure=f"µs per decompress, best of {repeat}; {size}",
                ours=fmt_us(ours),
                baseline=f"{fmt_us(them)} PyPI lzstring",
                ratio=them / ours,
                ratio_label=f"{them / ours:.1f}× faster",
                target="—",
                met=None,
                note="" if exact else "lzstring's output is wrong here: astral chars as surrogates",
            )
        )
    return results


def decode_case(quick: bool) -> list[Result]:
    repeat = 3 if quick else 7
    text = load_vectors()[1]["plaintext"]
    decoder = msgspec.json.Decoder(PesertaPayload)
    assert decoder.decode(text).peserta.no_kartu == json.loads(text)["peserta"]["noKartu"]
    ours = best_call(lambda: decoder.decode(text), repeat)
    them = best_call(lambda: json.loads(text), repeat)
    return [
        Result(
            case="Decode",
            measure=f"µs per decode, participant JSON ({len(text):,} chars), best of {repeat}",
            ours=f"{fmt_us(ours)} msgspec Structs",
            baseline=f"{fmt_us(them)} json.loads dicts",
            ratio=them / ours,
            ratio_label=f"{them / ours:.1f}× faster",
            target="—",
            met=None,
            note="typed, dates parsed, validated",
        )
    ]


def run(quick: bool = False) -> list[Result]:
    return lzstring_cases(quick) + decode_case(quick)


if __name__ == "__main__":
    for result in run(quick="--quick" in sys.argv):
        print(result)
