"""LZ-string (pieroxy ``lz-string`` 1.5.0), the *EncodedURIComponent* flavour, bit-exact.

A VClaim 2.0 answer is AES-decrypted into an LZ-string over ``A-Za-z0-9+-$`` that the JavaScript
function ``LZString.compressToEncodedURIComponent`` produced; this module reads and writes it.

Why our own and not the PyPI ``lzstring`` package: that port decodes bit by bit through method
calls (25-40× slower than this module, see ``benchmarks/bench_lzstring.py``), and it returns
JavaScript's UTF-16 code units as Python characters, so an emoji or other astral character comes
back as two lone surrogates that ``str.encode`` and JSON encoders then reject. Here:

* :func:`compress_to_encoded_uri_component` works on UTF-16 code units exactly as JavaScript
  does, so its output is byte-for-byte what ``compressToEncodedURIComponent`` gives.
* :func:`decompress_from_encoded_uri_component` rejoins surrogate pairs into real characters,
  and raises :class:`LZStringError` for damaged input where JavaScript returns ``""``, ``null``
  or quietly decodes garbage.

The decoder here is the reference. When the C twin ``_lzstring_c`` was built at install (it
is whenever a compiler is there; about 25-70x faster), :func:`decompress_from_encoded_uri_component`
is that one: the same answers and errors, held together by
``tests/test_lzstring_differential.py``. ``VCLAIM_NO_EXTENSIONS=1`` forces this module's.
"""

from __future__ import annotations

import binascii
import operator
import os
import re
import sys
from array import array
from itertools import repeat

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "MAX_LENGTH_CEILING",
    "LZStringError",
    "compress_to_encoded_uri_component",
    "decompress_from_encoded_uri_component",
]

#: ``VCLAIM_NO_EXTENSIONS`` set to anything non-empty forces the pure-Python decoder. Read once,
#: here rather than in ``_config`` because the choice is made at import, before any config
#: exists (as aiohttp's ``AIOHTTP_NO_EXTENSIONS``).
NO_EXTENSIONS = bool(os.environ.get("VCLAIM_NO_EXTENSIONS"))

#: The bound when the caller gives no ``max_length``: 16 Mi UTF-16 units (32 MiB of text), twice
#: what the client's default 8 MiB response bound lets through. A crafted stream of a few KB can
#: expand quadratically; "no bound" was never a safe default.
DEFAULT_MAX_LENGTH = 1 << 24
#: The most any decode produces, whatever ``max_length`` says (a larger one is this one): the
#: compiled decoder keeps dictionary offsets in 32 bits, and 2**31 - 1 units (4 GiB of text)
#: keeps every offset and length far from wrapping. Both decoders apply it, so they agree.
MAX_LENGTH_CEILING = (1 << 31) - 1


class LZStringError(ValueError):
    """The input is not an LZ-string this module (or JavaScript lz-string) could have written."""


class LZStringTooLongError(LZStringError):
    """A well-formed stream that decodes to more than the ``max_length`` asked for."""


#: The EncodedURIComponent alphabet: 64 six-bit values, then ``$`` (64) which the encoder
#: never writes and JavaScript's decoder reads as 0 (64 has no bits among the low six).
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$"
_STD_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/A"

# Our alphabet to standard base64 so C code (binascii) packs the six-bit groups; "!" marks a
# character outside the alphabet, for a single C-speed membership test.
_TO_STD_TABLE = bytes(
    _STD_B64[_ALPHABET.index(chr(b))] if chr(b) in _ALPHABET else ord("!") for b in range(256)
)
_FROM_STD_TABLE = bytes.maketrans(_STD_B64[:64], _ALPHABET[:64].encode("ascii"))

# The stream is read MSB-first within each character but numbers are built LSB-first, so
# reversing every byte's bits turns it into one plain little-endian bit stream.
_REVERSE_BITS = bytes(int(f"{b:08b}"[::-1], 2) for b in range(256))

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_LITTLE_ENDIAN = sys.byteorder == "little"
_UTF16_NATIVE = "utf-16-le" if _LITTLE_ENDIAN else "utf-16-be"

# Refill 64 bits at a time: one refill covers two codes of up to 32 bits each (a dictionary
# never gets near 2**32 entries), and measured ~20% faster than 32-bit refills.
_WORD = 64


def _bad_character(length: int) -> LZStringError:
    return LZStringError(f"LZ-string of length {length} has a character outside A-Za-z0-9+-$")


def _truncated(length: int) -> LZStringError:
    return LZStringError(f"LZ-string of length {length} is truncated (no end-of-stream marker)")


def _words(data: str) -> list[int]:
    """The input as the 64-bit little-endian words of one LSB-first bit stream."""
    try:
        raw = data.encode("ascii")
    except UnicodeEncodeError:
        raise _bad_character(len(data)) from None
    std = raw.translate(_TO_STD_TABLE)
    if b"!" in std:
        raise _bad_character(len(data))
    # Pad with zero bits to whole words (32 characters = 192 bits = 3 words) plus 3 spare
    # words; the decoder checks that its end-of-stream marker did not lie in them.
    std += b"A" * (-len(std) % 32 + 32)
    words = array("Q", binascii.a2b_base64(std).translate(_REVERSE_BITS))
    if not _LITTLE_ENDIAN:  # pragma: no cover - big-endian hosts
        words.byteswap()
    return words.tolist()


def _too_long(length: int, max_length: int) -> LZStringError:
    return LZStringTooLongError(
        f"LZ-string of length {length} decodes to more than {max_length} characters"
    )


def _limit(max_length: int | None) -> int:
    if max_length is None:
        return DEFAULT_MAX_LENGTH
    limit = operator.index(max_length)
    if limit < 0:
        raise ValueError(f"max_length must be None or >= 0, not {limit}")
    return min(limit, MAX_LENGTH_CEILING)


def _over(length: int, max_length: int, end: int) -> LZStringError:
    """The code ending at bit ``end`` took the output past ``max_length``.

    A code that reaches into the zero padding after the last real character proves the stream
    truncated, whatever it decoded to, so that is the error then (as without a bound).
    """
    return _truncated(length) if end > 6 * length else _too_long(length, max_length)


def _py_decompress_from_encoded_uri_component(data: str, *, max_length: int | None = None) -> str:
    """Decompress the output of JavaScript ``LZString.compressToEncodedURIComponent``.

    Raises :class:`LZStringError` (a :class:`ValueError`) for a character outside
    ``A-Za-z0-9+-$``, a stream that ends before its end-of-stream marker, a back-reference
    beyond the dictionary, UTF-16 with an unpaired surrogate, and the empty string.

    Differences from JavaScript ``decompressFromEncodedURIComponent``, all deliberate: ``""``
    raises (JS returns ``null``; a VClaim payload is never empty, while the compressed empty
    text is ``"Q"``); a truncated stream raises (JS returns ``""``, or reads the missing bits
    as zeros); a bad back-reference raises (JS returns ``null``); any character outside the
    alphabet raises, a space included (JS reads a space as ``+``, undoing URL form decoding
    that never happens to a VClaim payload, and any other unknown character as 0); and a
    surrogate pair becomes one character. Like JS, ``$`` reads as ``A`` and anything after the
    end-of-stream marker is ignored.

    ``max_length`` bounds the output in UTF-16 code units (JavaScript's ``length``; the same as
    Python's ``len`` unless the text has astral characters, which take two): :class:`LZStringError`
    as soon as the output would exceed it, since a crafted stream can expand quadratically.
    ``None`` means :data:`DEFAULT_MAX_LENGTH`, and a bound above :data:`MAX_LENGTH_CEILING` is
    that ceiling.
    """
    limit = _limit(max_length)
    length = len(data)
    if not length:
        raise LZStringError("LZ-string is empty (the empty text compresses to 'Q')")
    words = _words(data)
    acc = words[0]  # bits not consumed yet, the next one lowest
    nacc = _WORD  # how many of them acc holds
    wi = 1  # the next word to load

    # First code: 2 bits, then the first character as 8 or 16 bits; 2 is the empty text.
    first = acc & 3
    if first == 2:
        return ""
    if first == 3:
        raise LZStringError(f"LZ-string of length {length} starts with an invalid code")
    unit = (acc >> 2) & (0xFF if first == 0 else 0xFFFF)
    acc >>= 10 if first == 0 else 18
    nacc -= 10 if first == 0 else 18
    surrogates = 0xD800 <= unit <= 0xDFFF
    w = chr(unit)
    if limit < 1:
        raise _over(length, limit, 10 if first == 0 else 18)
    n = 1  # code units written so far

    # Codes 0-2 (literal 8-bit, literal 16-bit, end) are "" so that the hot loop's entry[0]
    # raises IndexError for them, as dictionary[c] does for codes not yet defined.
    dictionary = ["", "", "", w]
    out = [w]
    add = dictionary.append
    emit = out.append

    # Reading past the last word means the stream ended without its end-of-stream marker (a
    # valid one never gets there: _words adds a spare word for the read-ahead of two codes).
    try:
        while True:
            # Codes are nbits wide until the dictionary holds 2**nbits entries (what JS's
            # enlargeIn counter works out to). A plain code adds one entry, so while the width
            # cannot change the hot loop reads two codes per step: fewer Python steps per code.
            size = len(dictionary)
            nbits = size.bit_length()
            mask = (1 << nbits) - 1
            two = 2 * nbits
            mask2 = (1 << two) - 1
            for _ in repeat(None, ((1 << nbits) - size) >> 1):
                if nacc < two:
                    acc |= words[wi] << nacc
                    wi += 1
                    nacc += _WORD
                cd = acc & mask2  # both codes: the masking below then works on a smaller int
                c = cd & mask
                try:
                    entry = dictionary[c]
                    add(w + entry[0])
                except IndexError:
                    break  # a literal, the end, or a code not yet defined: the slow step below
                d = cd >> nbits
                try:
                    w = dictionary[d]
                    add(entry + w[0])
                except IndexError:
                    emit(entry)
                    n += len(entry)
                    if n > limit:
                        raise _over(length, limit, wi * _WORD - nacc + nbits) from None
                    w = entry
                    acc >>= nbits
                    nacc -= nbits
                    break
                emit(entry)
                emit(w)
                n += len(entry) + len(w)
                if n > limit:
                    # Which of the two codes crossed the bound decides where the stream was.
                    first_end = wi * _WORD - nacc + nbits
                    end = first_end if n - len(w) > limit else first_end + nbits
                    raise _over(length, limit, end)
                acc >>= two
                nacc -= two

            # One code the careful way: a special one, or the first after the width grew.
            size = len(dictionary)
            nbits = size.bit_length()
            if nacc < nbits:
                acc |= words[wi] << nacc
                wi += 1
                nacc += _WORD
            c = acc & ((1 << nbits) - 1)
            acc >>= nbits
            nacc -= nbits
            if 2 < c < size:
                entry = dictionary[c]
            elif c == size:
                # The classic LZW case: the code this very step defines.
                entry = w + w[0]
            elif c == 2:
                # The marker must lie in the real characters, not in the zero padding.
                if wi * _WORD - nacc > 6 * length:
                    raise _truncated(length)
                return _joined(out, surrogates, length)
            elif c < 2:
                if nacc < 16:
                    acc |= words[wi] << nacc
                    wi += 1
                    nacc += _WORD
                width = 8 if c == 0 else 16
                unit = acc & (0xFF if c == 0 else 0xFFFF)
                acc >>= width
                nacc -= width
                if 0xD800 <= unit <= 0xDFFF:
                    surrogates = True
                entry = chr(unit)
                add(entry)
            else:
                raise LZStringError(
                    f"LZ-string of length {length} refers to code {c} "
                    f"beyond its dictionary of {size}"
                )
            add(w + entry[0])
            emit(entry)
            n += len(entry)
            if n > limit:
                raise _over(length, limit, wi * _WORD - nacc)
            w = entry
    except IndexError:
        raise _truncated(length) from None


def _joined(out: list[str], surrogates: bool, length: int) -> str:
    """The decoded UTF-16 code units as a Python string, surrogate pairs joined."""
    text = "".join(out)
    if not surrogates:
        return text
    # Drop each buffer once the next exists: the lower peak measurably stops glibc returning
    # the memory to the OS and faulting it back in on every call (~0.5 ms at 120 K characters).
    out.clear()
    units = text.encode("utf-16-le", "surrogatepass")
    del text
    try:
        return units.decode("utf-16-le")
    except UnicodeDecodeError:
        raise LZStringError(
            f"LZ-string of length {length} decodes to UTF-16 with an unpaired surrogate"
        ) from None


decompress_from_encoded_uri_component = _py_decompress_from_encoded_uri_component
#: True when :func:`decompress_from_encoded_uri_component` is the compiled ``_lzstring_c`` one.
USING_EXTENSION = False
if not NO_EXTENSIONS:
    try:
        from . import _lzstring_c
    except ImportError:  # no compiler at install time: the pure path, silently
        pass
    else:
        decompress_from_encoded_uri_component = _lzstring_c.decompress_from_encoded_uri_component
        USING_EXTENSION = True


def compress_to_encoded_uri_component(text: str) -> str:
    """Compress ``text`` exactly as JavaScript ``LZString.compressToEncodedURIComponent`` does.

    ``text`` is taken as UTF-16 code units, as JavaScript sees it: an astral character is two
    units. A lone surrogate is compressed as JavaScript would (the simulator may want such a
    payload), but :func:`decompress_from_encoded_uri_component` refuses the result.
    """
    if not text.isascii() and _ASTRAL.search(text):
        # One Python character per UTF-16 code unit, lone surrogates included.
        text = "".join(map(chr, array("H", text.encode(_UTF16_NATIVE, "surrogatepass"))))

    dictionary: dict[str, int] = {}
    fresh: set[str] = set()  # characters seen but not yet written as literals
    size = 3
    nbits = 2
    enlarge = 2  # JS starts at 2 "to compensate for the first entry"
    acc = 0  # pending output bits, stream order from the lowest bit
    nacc = 0
    chunks: list[bytes] = []
    w = ""

    for c in text:
        if c not in dictionary:
            dictionary[c] = size
            size += 1
            fresh.add(c)
        wc = w + c
        if wc in dictionary:
            w = wc
            continue
        # Write the code for w.
        if w in fresh:
            fresh.discard(w)
            unit = ord(w)
            if unit < 256:
                acc |= unit << (nacc + nbits)  # code 0, then 8 bits
                nacc += nbits + 8
            else:
                acc |= (1 | unit << nbits) << nacc  # code 1, then 16 bits
                nacc += nbits + 16
            enlarge -= 1
            if not enlarge:
                enlarge = 1 << nbits
                nbits += 1
        else:
            acc |= dictionary[w] << nacc
            nacc += nbits
        enlarge -= 1
        if not enlarge:
            enlarge = 1 << nbits
            nbits += 1
        # JS stores codes as properties of a plain object, where "__proto__" cannot be set.
        if wc != "__proto__":
            dictionary[wc] = size
        size += 1
        w = c
        if nacc >= 48:
            chunks.append((acc & 0xFFFFFFFFFFFF).to_bytes(6, "little"))
            acc >>= 48
            nacc -= 48

    if w:
        if w in fresh:
            unit = ord(w)
            if unit < 256:
                acc |= unit << (nacc + nbits)
                nacc += nbits + 8
            else:
                acc |= (1 | unit << nbits) << nacc
                nacc += nbits + 16
            enlarge -= 1
            if not enlarge:
                enlarge = 1 << nbits
                nbits += 1
        else:
            acc |= dictionary[w] << nacc
            nacc += nbits
        enlarge -= 1
        if not enlarge:
            enlarge = 1 << nbits
            nbits += 1
    acc |= 2 << nacc  # end of stream
    nacc += nbits

    # JS flushes by padding with zeros to the next character, always adding at least one bit:
    # a stream that fills its last character exactly gets one more "A".
    nchars = (48 * len(chunks) + nacc) // 6 + 1
    chunks.append(acc.to_bytes((nacc + 7) // 8 + 6, "little"))
    stream = b"".join(chunks).translate(_REVERSE_BITS)
    stream += b"\0" * (-len(stream) % 3)
    encoded = binascii.b2a_base64(stream, newline=False)[:nchars]
    return encoded.translate(_FROM_STD_TABLE).decode("ascii")
