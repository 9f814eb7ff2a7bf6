"""The compiled LZ-string decoder against the pure-Python reference: the same answer or the same
error, for every input, with and without ``max_length``; and which of the two is in use.

Skipped where the extension was not built (an install without a compiler); CI fails earlier
if it did not build there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vclaim_async import _lzstring
from vclaim_async._lzstring import LZStringError, compress_to_encoded_uri_component

_lzstring_c = pytest.importorskip("vclaim_async._lzstring_c")

compress = compress_to_encoded_uri_component
pure = _lzstring._py_decompress_from_encoded_uri_component
compiled: Callable[..., str] = _lzstring_c.decompress_from_encoded_uri_component

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$"
VECTORS: list[dict[str, Any]] = json.loads(
    Path(__file__).with_name("vclaim-vectors.json").read_text(encoding="utf-8")
)["vectors"]
PARTICIPANT = VECTORS[1]["lzString"]


def _outcome(decoder: Callable[..., str], data: str, **kwargs: Any) -> tuple[str, str]:
    try:
        return ("ok", decoder(data, **kwargs))
    except (LZStringError, ValueError, TypeError) as exc:
        return (type(exc).__name__, str(exc))


def _same(data: str, **kwargs: Any) -> tuple[str, str]:
    expected = _outcome(pure, data, **kwargs)
    assert _outcome(compiled, data, **kwargs) == expected
    return expected


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _pack(fields: list[tuple[int, int]]) -> str:
    bits = "".join(format(value, f"0{width}b")[::-1] for value, width in fields)
    bits += "0" * (6 - len(bits) % 6)
    return "".join(ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


def _bomb(codes: int) -> str:
    """'a', then each code the entry it defines: output grows quadratically in the input."""
    fields = [(0, 2), (ord("a"), 8)]
    size = 4
    for _ in range(codes):
        fields.append((size, size.bit_length()))
        size += 1
    fields.append((2, size.bit_length()))
    return _pack(fields)


def test_the_compiled_decoder_is_the_one_in_use() -> None:
    assert _lzstring.USING_EXTENSION is not _lzstring.NO_EXTENSIONS
    expected = compiled if _lzstring.USING_EXTENSION else pure
    assert _lzstring.decompress_from_encoded_uri_component is expected


@pytest.mark.parametrize(("value", "using"), [("1", "False"), ("", "True")])
def test_vclaim_no_extensions_forces_the_pure_path(value: str, using: str) -> None:
    env = {**os.environ, "VCLAIM_NO_EXTENSIONS": value}
    code = "from vclaim_async import _lzstring as m; print(m.USING_EXTENSION)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == using


def test_compiled_raises_the_pure_modules_error_class_even_when_unused() -> None:
    with pytest.raises(LZStringError, match="truncated"):
        compiled("A")


@pytest.mark.parametrize("vector", VECTORS, ids=[v["note"] for v in VECTORS])
def test_vectors_and_their_exact_bound(vector: dict[str, Any]) -> None:
    lz, text = vector["lzString"], vector["plaintext"]
    units = _units(text)
    assert _same(lz) == ("ok", text)
    assert _same(lz, max_length=units) == ("ok", text)
    assert _same(lz, max_length=units - 1)[0] == "LZStringTooLongError"


def test_wide_codes_and_astral_characters() -> None:
    # 17-bit codes (over 65,536 entries) and a surrogate pair every 97 characters.
    text = "".join(
        chr(0x4E00 + (i * 7919) % 1500) if i % 97 else "\U0001f600" for i in range(90_000)
    )
    assert _same(compress(text)) == ("ok", text)


def test_a_quadratic_stream_stops_at_the_bound() -> None:
    # 3,000 codes (~5 KB) would expand to ~4.5 million characters.
    lz = _bomb(3000)
    assert len(lz) < 6000
    kind, message = _same(lz, max_length=100_000)
    assert kind == "LZStringTooLongError"  # a subclass of LZStringError: the envelope's cue
    assert "more than 100000 characters" in message


def test_bound_on_a_stream_that_runs_into_its_padding_reports_truncation() -> None:
    # Past the last character the stream reads as zeros: 8-bit NUL literals that would pass
    # any bound eventually; that is a truncated stream, not a long one.
    assert _same("A", max_length=3) == (
        "LZStringError",
        "LZ-string of length 1 is truncated (no end-of-stream marker)",
    )
    assert _same(PARTICIPANT[:-3], max_length=10_000)[1].endswith("(no end-of-stream marker)")


@pytest.mark.parametrize("bad", [-1, -(2**70), 1.5, "10"])
def test_bad_bounds_are_refused_alike(bad: object) -> None:
    assert _same(PARTICIPANT, max_length=bad)[0] in {"ValueError", "TypeError"}


def test_huge_bound_is_no_bound() -> None:
    assert _same(PARTICIPANT, max_length=2**80)[0] == "ok"


# --- hypothesis ---------------------------------------------------------------------------------

any_text = st.text(alphabet=st.characters())  # lone surrogates included: an error path
repetitive = st.lists(
    st.sampled_from(["ab", "ba", "😀", "\ud83d", "中", "é", "\x00", '{"k":', "\uffff"])
).map(lambda parts: "".join(parts) * 3)


@settings(max_examples=400)
@given(st.one_of(any_text, repetitive), st.integers(-2, 40), st.booleans())
def test_compressed_text_decodes_alike(text: str, slack: int, bounded: bool) -> None:
    lz = compress(text)
    assert _same(lz)[0] in {"ok", "LZStringError"}
    if bounded:
        _same(lz, max_length=max(0, _units(text) + slack))


@settings(max_examples=600)
@given(st.text(alphabet=ALPHABET, max_size=60), st.none() | st.integers(0, 200))
def test_alphabet_noise_decodes_alike(data: str, bound: int | None) -> None:
    _same(data, max_length=bound)


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(), max_size=20))
def test_any_text_decodes_alike(data: str) -> None:
    _same(data)


@settings(max_examples=400)
@given(st.data())
def test_corrupted_vector_decodes_alike(data: st.DataObject) -> None:
    lz = PARTICIPANT
    pos = data.draw(st.integers(0, len(lz) - 1))
    char = data.draw(st.sampled_from(ALPHABET))
    cut = data.draw(st.integers(pos + 1, len(lz)))
    bound = data.draw(st.none() | st.integers(0, 900))
    _same(lz[:pos] + char + lz[pos + 1 : cut], max_length=bound)


# -- bounds (issue 21): no unbounded default, and no bound the compiled offsets cannot hold ----


def _bomb(codes: int) -> str:
    """ "a", then each code the entry it defines: ``codes`` codes decode to ~codes**2/2 units."""
    fields, size = [(0, 2), (ord("a"), 8)], 4
    for _ in range(codes):
        fields.append((size, size.bit_length()))
        size += 1
    fields.append((2, size.bit_length()))
    return _pack(fields)


def test_both_decoders_share_the_bounds() -> None:
    assert _lzstring_c.DEFAULT_MAX_LENGTH == _lzstring.DEFAULT_MAX_LENGTH == 1 << 24
    assert _lzstring_c.MAX_LENGTH_CEILING == _lzstring.MAX_LENGTH_CEILING == (1 << 31) - 1


def test_no_max_length_means_the_default_bound_not_none() -> None:
    # 6,000 codes (~14 KB of LZ-string) would decode to 18,009,001 units, past 2**24.
    bomb = _bomb(6000)
    assert len(bomb) < 20_000
    assert _same(bomb) == (
        "LZStringTooLongError",
        f"LZ-string of length {len(bomb)} decodes to more than 16777216 characters",
    )
    # Asked for explicitly, the bound is the caller's.
    assert _same(bomb, max_length=20_000_000) == ("ok", "a" * (6001 * 6002 // 2))


@pytest.mark.parametrize("bound", [(1 << 31) - 1, 1 << 31, 1 << 40, 1 << 70])
def test_a_bound_past_the_ceiling_is_the_ceiling(bound: int) -> None:
    # The same answer as any large bound (1 << 70 overflows Py_ssize_t in the compiled one).
    text = pure(PARTICIPANT)
    assert _same(PARTICIPANT, max_length=bound) == ("ok", text)
    assert _lzstring._limit(bound) == _lzstring.MAX_LENGTH_CEILING
