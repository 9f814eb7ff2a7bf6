"""CPU per step of a participant look-up and of a ``vclaim-async check`` row, each step alone.

    python benchmarks/profile_hotpath.py

What the "What stands in the way" section of RESULTS.md cites: each step timed in isolation
(``timeit`` over process CPU time, best of 7) on vector 1 of ``tests/vclaim-vectors.json``,
next to the cheaper call that would do the same work. No server, no network: the steps a
profile of ``case_overhead.py`` and of the CLI showed on top.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac
import importlib
import operator
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp
from _harness import load_vectors
from case_overhead import envelope_bytes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from multidict import CIMultiDict
from yarl import URL

from vclaim_async import _crypto, _envelope, _lzstring, _signing
from vclaim_async.models.peserta import PesertaPayload


def us(label: str, func: Callable[[], object]) -> float:
    timer = timeit.Timer(func, timer=time.process_time)
    number, _ = timer.autorange()
    best = min(timer.repeat(repeat=7, number=number)) / number * 1e6
    print(f"  {best:8.2f} µs  {label}")
    return best


def lookup_steps() -> None:
    vector = load_vectors()[1]
    cons_id, secret, stamp = vector["consId"], vector["secret"], vector["timestamp"]
    body = envelope_bytes(vector)
    envelope = _envelope.parse_envelope(200, body)
    data = bytes(envelope.response)
    value = _envelope._str_decoder.decode(data)
    raw = _envelope._ciphertext(value)
    assert raw is not None
    key, iv = _crypto.derive_key(cons_id, secret, stamp)
    cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
    lz, text = vector["lzString"], vector["plaintext"]

    def reuse_cipher() -> bytes:
        decryptor = cipher.decryptor()
        return decryptor.update(raw) + decryptor.finalize()

    print("envelope, AES, LZ-string, msgspec (vector 1, participant)")
    us("parse_envelope", lambda: _envelope.parse_envelope(200, body))
    us(
        "payload_text: all of it (JSON string, base64, AES, LZ)",
        lambda: _envelope.payload_text(
            envelope.response, encrypted=True, cons_id=cons_id, secret=secret, timestamp=stamp
        ),
    )
    us("  _str_decoder.decode: the JSON string", lambda: _envelope._str_decoder.decode(data))
    us("  _ciphertext: base64.b64decode(validate=True)", lambda: _envelope._ciphertext(value))
    if sys.version_info >= (3, 11):
        us(
            "    binascii.a2b_base64(strict_mode=True)",
            lambda: binascii.a2b_base64(value, strict_mode=True),
        )
    us("  decrypt_raw", lambda: _crypto.decrypt_raw(raw, cons_id, secret, stamp))
    us("    derive_key (SHA-256)", lambda: _crypto.derive_key(cons_id, secret, stamp))
    us(
        "    Cipher(AES(key), CBC(iv)).decryptor()",
        lambda: Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor(),
    )
    us("    a Cipher kept per timestamp: decryptor, update, finalize", reuse_cipher)
    us(
        "  LZ-string (the decoder in use)",
        lambda: _lzstring.decompress_from_encoded_uri_component(lz),
    )
    us(
        "decode_payload (msgspec into PesertaPayload)",
        lambda: _envelope.decode_payload(text, True, envelope.response, PesertaPayload),
    )
    print("transport, per attempt")
    us(
        "signed_headers (HMAC-SHA256, base64)",
        lambda: _signing.signed_headers(cons_id, secret, "key", stamp),
    )
    secret_bytes = secret.encode()
    us(
        "  hmac.digest + b64encode",
        lambda: base64.b64encode(
            hmac.digest(secret_bytes, f"{cons_id}&{stamp}".encode(), "sha256")
        ),
    )
    url = "http://127.0.0.1:8080/vclaim-rest/Peserta/nokartu/0001234567890/tglSEP/2024-03-01"
    us("URL(url, encoded=True)", lambda: URL(url, encoded=True))
    headers = dict.fromkeys(["X-cons-id", "X-timestamp", "X-signature", "user_key"], "x" * 20)
    headers |= {"Accept": "application/json", "User-Agent": "ua", "Content-Type": "text/plain"}
    us(
        "CIMultiDict of the 7 headers (aiohttp builds one per request)",
        lambda: CIMultiDict(headers),
    )
    us(
        "aiohttp.ClientTimeout(...) (the transport builds it once)",
        lambda: aiohttp.ClientTimeout(total=30, sock_connect=5),
    )


def cli_steps() -> None:
    # The CLI is moving into a vclaim_async.cli package; find its journal either way.
    for name in ("vclaim_async._journal", "vclaim_async.cli._journal", "vclaim_async.cli.journal"):
        try:
            _journal = importlib.import_module(name)
        except ImportError:
            continue
        break
    else:
        print("vclaim-async check: journal module not found, skipped")
        return
    names = [field.name for field in dataclasses.fields(_journal.Record)]
    record = _journal.Record(**{n: ("x" * 12 if i % 3 else i) for i, n in enumerate(names)})
    getter = operator.attrgetter(*names)
    print(f"vclaim-async check, per row ({len(names)}-field Record)")
    us(
        "dataclasses.astuple(record) (3 per row: journal, output, rebuild)",
        lambda: dataclasses.astuple(record),
    )
    us("  operator.attrgetter(*fields)(record), built once", lambda: getter(record))
    us(
        "journal add: the INSERT text rebuilt per row",
        lambda: (
            ", ".join(f'"{n}"' for n in names),
            ", ".join("?" for _ in names),
            ", ".join(f'"{n}" = excluded."{n}"' for n in names if n != "row"),
        ),
    )
    us("_journal._now()", _journal._now)


if __name__ == "__main__":
    print(f"Python {sys.version.split()[0]}; CPU µs per call, best of 7\n")
    lookup_steps()
    print()
    cli_steps()
