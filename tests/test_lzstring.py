"""LZ-string: bit-exact with JavaScript lz-string 1.5.0, and strict about damaged input.

Every expected compressed string here was produced by the canonical JavaScript library
(``LZString.compressToEncodedURIComponent``); the live cross-check against Node is in
``benchmarks/bench_lzstring.py`` so these tests need neither Node nor a network.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vclaim_async._lzstring import (
    DEFAULT_MAX_LENGTH,
    LZStringError,
    compress_to_encoded_uri_component,
    decompress_from_encoded_uri_component,
)

compress = compress_to_encoded_uri_component
decompress = decompress_from_encoded_uri_component

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$"
VECTORS: list[dict[str, Any]] = json.loads(
    Path(__file__).with_name("vclaim-vectors.json").read_text(encoding="utf-8")
)["vectors"]


def _pack(fields: list[tuple[int, int]]) -> str:
    """Hand-build a stream from (value, width) fields, the way JS lz-string writes bits."""
    bits = "".join(format(value, f"0{width}b")[::-1] for value, width in fields)
    bits += "0" * (6 - len(bits) % 6)  # JS always flushes at least one padding bit
    return "".join(ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


# --- the shared vectors, both directions --------------------------------------------------


@pytest.mark.parametrize("vector", VECTORS, ids=[v["note"] for v in VECTORS])
def test_vector_decompresses_to_plaintext(vector: dict[str, Any]) -> None:
    assert decompress(vector["lzString"]) == vector["plaintext"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["note"] for v in VECTORS])
def test_vector_plaintext_compresses_to_js_output(vector: dict[str, Any]) -> None:
    assert compress(vector["plaintext"]) == vector["lzString"]


# --- more outputs of JS compressToEncodedURIComponent -------------------------------------

JS_OUTPUTS = [
    pytest.param("", "Q", id="empty"),
    pytest.param("hello", "BYUwNmD2Q", id="hello"),
    pytest.param('{"a":1}', "N4IghiBcCMC+Q", id="small-json"),
    pytest.param("aaa", "IYo", id="kwkwk"),
    pytest.param("\U0001f600", "rwbgA9o", id="astral"),
    pytest.param("a\U0001f600b\U0001f600", "IaXg3AB7BG5A", id="astral-mixed"),
    pytest.param("中文é", "rRynDTCXQ", id="cjk-latin1"),
    pytest.param("\x00\xff\u0100\uffff", "AAf8AICP--Q", id="literal-edges"),
    # JS keeps its dictionary in a plain object, where the key "__proto__" cannot be set;
    # the 42nd repetition is the first where that changes the output.
    pytest.param(
        "__proto__" * 42,
        "PrAOCcHsBdJEIzvRt5imlnkJ+1XDJA-bE8rPC6q4uw0m+oxy1s2j5trphzi37cBPQbyHth0qbL5zJfYEA",
        id="__proto__",
    ),
]


@pytest.mark.parametrize(("text", "lz"), JS_OUTPUTS)
def test_compress_matches_javascript(text: str, lz: str) -> None:
    assert compress(text) == lz


@pytest.mark.parametrize(("text", "lz"), JS_OUTPUTS)
def test_decompress_inverts_javascript(text: str, lz: str) -> None:
    assert decompress(lz) == text


def _big_text(n: int = 120_000) -> str:
    """Deterministic (LCG) CJK with an emoji every 97 characters: 118,346 dictionary entries."""
    x, chars = 2024, []
    for i in range(n):
        x = (x * 1103515245 + 12345) % 2**31
        chars.append(chr(0x4E00 + (x >> 8) % 1500) if i % 97 else "\U0001f600")
    return "".join(chars)


def test_wide_codes_match_javascript() -> None:
    # Past 65,536 dictionary entries codes are 17 bits wide; the expected digest is of JS's
    # compressToEncodedURIComponent output for the same text (314,725 characters).
    text = _big_text()
    lz = compress(text)
    assert (len(lz), hashlib.sha256(lz.encode()).hexdigest()) == (
        314_725,
        "2995249fa168e10c5ee64b4d9cc0a10d04f520c957fc19d1c3795520bf7f8c1f",
    )
    assert decompress(lz) == text


def test_astral_character_is_two_utf16_units_like_javascript() -> None:
    # JS sees "😀" as the pair \ud83d\ude00; so does compress, and decompress rejoins them.
    assert compress("\U0001f600") == compress("\ud83d\ude00")
    assert decompress(compress("\ud83d\ude00")) == "\U0001f600"


def test_hand_built_streams_match_compressor() -> None:
    # code 0 (2 bits wide) with the literal "a" (8 bits), then the end code 2 (3 bits wide)
    assert _pack([(0, 2), (ord("a"), 8), (2, 3)]) == compress("a") == "IZA"
    # literal "a", code 4 = the entry being defined ("aa"), end
    assert _pack([(0, 2), (ord("a"), 8), (4, 3), (2, 3)]) == compress("aaa")


@pytest.mark.parametrize(
    ("lz", "text"),
    [
        pytest.param("N4Xy", "{}", id="without-final-flush-character"),
        pytest.param("N4XyA$$A", "{}", id="trailing-characters-after-end"),
        pytest.param("QAAAA", "", id="trailing-characters-after-empty"),
        pytest.param("N4XyA", "{}", id="canonical"),
    ],
)
def test_lenient_where_javascript_is(lz: str, text: str) -> None:
    """Like JS: nothing after the end-of-stream marker is read, and "$" reads as "A"."""
    assert decompress(lz) == text


# --- damaged input --------------------------------------------------------------------------

PARTICIPANT = VECTORS[1]["lzString"]
LARGE = VECTORS[3]["lzString"]

DAMAGED = [
    pytest.param("", "empty", id="empty"),
    pytest.param("N4Xy!A", "outside", id="invalid-ascii-character"),
    pytest.param("N4Xy A", "outside", id="space"),
    pytest.param("N4Xy/A", "outside", id="standard-base64-slash"),
    pytest.param("N4XyA=", "outside", id="base64-padding"),
    pytest.param("N4XyÄ", "outside", id="non-ascii"),
    pytest.param("N4Xy\ud800", "outside", id="lone-surrogate-character"),
    pytest.param(PARTICIPANT[: len(PARTICIPANT) // 2], "truncated", id="participant-cut-in-half"),
    pytest.param(LARGE[: len(LARGE) // 2], "truncated", id="large-cut-in-half"),
    pytest.param(LARGE[:-1], "truncated", id="large-minus-last-character"),
    pytest.param("A", "truncated", id="one-character"),
    pytest.param("N4X", "truncated", id="canonical-minus-two-characters"),
    # "IZA" is "a": literal, then the end code (2, three bits wide) at bits 10-12; cut to 12
    # bits, the marker's last (zero) bit is padding, which must not count.
    pytest.param(_pack([(0, 2), (ord("a"), 8), (2, 3)])[:2], "truncated", id="marker-in-padding"),
    pytest.param(_pack([(0, 2), (ord("a"), 8), (7, 3)]), "beyond", id="reference-beyond-dict"),
    pytest.param(_pack([(0, 2), (ord("a"), 8), (5, 3)]), "beyond", id="reference-one-beyond"),
    pytest.param(_pack([(3, 2)]), "invalid code", id="first-code-3"),
    pytest.param(compress("\ud83d"), "surrogate", id="lone-high-surrogate"),
    pytest.param(compress("x\ude00y"), "surrogate", id="lone-low-surrogate"),
]


@pytest.mark.parametrize(("lz", "reason"), DAMAGED)
def test_damaged_input_raises(lz: str, reason: str) -> None:
    with pytest.raises(LZStringError, match=reason):
        decompress(lz)


def test_error_is_a_value_error_and_does_not_echo_the_input() -> None:
    secret = "SECRETNIK3201010101010001"
    with pytest.raises(ValueError, match="length") as info:
        decompress(secret + "!")
    assert isinstance(info.value, LZStringError)
    assert secret not in str(info.value)


# --- properties -------------------------------------------------------------------------------

valid_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]))


@settings(max_examples=300)
@given(valid_text)
def test_roundtrip_any_text(text: str) -> None:
    lz = compress(text)
    assert set(lz) <= set(ALPHABET[:64])
    assert decompress(lz) == text


@settings(max_examples=100)
@given(st.lists(st.sampled_from(["ab", "ba", "😀", "中", "é", "\x00", '{"k":', "__proto__"])))
def test_roundtrip_repetitive_text(parts: list[str]) -> None:
    # Repetition grows the dictionary and its code width, which random text rarely does.
    text = "".join(parts) * 3
    assert decompress(compress(text)) == text


def _str_or_lz_error(data: str) -> None:
    try:
        result = decompress(data)
    except LZStringError:
        return
    except Exception as exc:  # any other exception is the bug this property looks for
        pytest.fail(f"{type(exc).__name__} escaped: {exc}")
    assert isinstance(result, str)


@settings(max_examples=500)
@given(st.text(alphabet=ALPHABET))
def test_decompress_alphabet_noise_gives_str_or_lz_error(data: str) -> None:
    _str_or_lz_error(data)


@settings(max_examples=200)
@given(st.text(alphabet=st.characters()))
def test_decompress_any_text_gives_str_or_lz_error(data: str) -> None:
    _str_or_lz_error(data)


@settings(max_examples=200)
@given(st.data())
def test_decompress_corrupted_vector_gives_str_or_lz_error(data: st.DataObject) -> None:
    lz = PARTICIPANT
    pos = data.draw(st.integers(0, len(lz) - 1))
    char = data.draw(st.sampled_from(ALPHABET))
    cut = data.draw(st.integers(pos + 1, len(lz)))
    _str_or_lz_error(lz[:pos] + char + lz[pos + 1 : cut])


# --- the output bound -----------------------------------------------------------------------


def test_max_length_counts_utf16_units_like_javascript() -> None:
    lz = compress("a\U0001f600b")  # four UTF-16 units, three Python characters
    assert decompress(lz, max_length=4) == "a\U0001f600b"
    with pytest.raises(LZStringError, match="decodes to more than 3 characters"):
        decompress(lz, max_length=3)


def test_max_length_is_exact_on_the_large_vector() -> None:
    text = VECTORS[3]["plaintext"]
    units = len(text.encode("utf-16-le")) // 2
    assert decompress(LARGE, max_length=units) == text
    with pytest.raises(LZStringError, match=f"more than {units - 1} characters"):
        decompress(LARGE, max_length=units - 1)


def test_max_length_stops_a_quadratic_stream_early() -> None:
    # "a", then each code the very entry it defines ("aa", "aaa", ...): 2,000 codes, ~3 KB of
    # LZ-string, would decode to ~2 million characters.
    fields, size = [(0, 2), (ord("a"), 8)], 4
    for _ in range(2000):
        fields.append((size, size.bit_length()))
        size += 1
    fields.append((2, size.bit_length()))
    bomb = _pack(fields)
    assert len(bomb) < 4000
    assert len(decompress(bomb)) == 2001 * 2002 // 2
    with pytest.raises(LZStringError, match="more than 5000 characters"):
        decompress(bomb, max_length=5000)


def test_no_max_length_is_still_bounded() -> None:
    # Issue 21: None meant "unbounded"; 6,000 self-referencing codes (~14 KB) would decode to
    # 18 million units. The default bound stops it, on whichever decoder is in use.
    fields, size = [(0, 2), (ord("a"), 8)], 4
    for _ in range(6000):
        fields.append((size, size.bit_length()))
        size += 1
    fields.append((2, size.bit_length()))
    with pytest.raises(LZStringError, match=f"more than {DEFAULT_MAX_LENGTH} characters"):
        decompress(_pack(fields))


def test_max_length_zero_allows_only_the_empty_text() -> None:
    assert decompress("Q", max_length=0) == ""
    with pytest.raises(LZStringError, match="more than 0 characters"):
        decompress(compress("a"), max_length=0)


def test_max_length_does_not_hide_a_truncated_stream() -> None:
    # Past its last character a stream reads as zero bits: NUL literals, which pass a small
    # bound before the decoder runs out; that stream is truncated, not long.
    with pytest.raises(LZStringError, match="truncated"):
        decompress("A", max_length=3)


@pytest.mark.parametrize("bad", [-1, 2.5])
def test_max_length_must_be_a_non_negative_int(bad: Any) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        decompress(PARTICIPANT, max_length=bad)
    assert not isinstance(info.value, LZStringError)
