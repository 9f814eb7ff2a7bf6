"""Known answers for signing, AES and the whole decrypt chain (the shared vectors)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from tests.conftest import VECTORS_PATH
from vclaim_async import _crypto, _envelope, _signing
from vclaim_async.errors import DecryptError

VECTORS = msgspec.json.decode(VECTORS_PATH.read_bytes())["vectors"]
IDS = [v["note"] for v in VECTORS]


def test_official_catalog_signature(vectors: dict[str, Any]) -> None:
    official = vectors["officialSignature"]
    assert _signing.hmac_sha256_b64(official["key"], official["message"]) == official["signature"]


@pytest.mark.parametrize("v", VECTORS, ids=IDS)
def test_signature(v: dict[str, Any]) -> None:
    assert _signing.sign(v["consId"], v["secret"], v["timestamp"]) == v["signature"]
    headers = _signing.signed_headers(v["consId"], v["secret"], "uk", v["timestamp"])
    assert headers == {
        "X-cons-id": v["consId"],
        "X-timestamp": v["timestamp"],
        "X-signature": v["signature"],
        "user_key": "uk",
    }


@pytest.mark.parametrize("v", VECTORS, ids=IDS)
def test_decrypt_and_encrypt(v: dict[str, Any]) -> None:
    assert _crypto.decrypt(v["response"], v["consId"], v["secret"], v["timestamp"]) == v["lzString"]
    assert _crypto.encrypt(v["lzString"], v["consId"], v["secret"], v["timestamp"]) == v["response"]


@pytest.mark.parametrize("v", VECTORS, ids=IDS)
def test_full_chain_from_envelope(v: dict[str, Any]) -> None:
    # Real BPJS escapes "/" inside the JSON string; the parser must undo it.
    body = msgspec.json.encode(
        {"metaData": {"code": "200", "message": "OK"}, "response": v["response"]}
    ).replace(b"/", b"\\/")
    env = _envelope.parse_envelope(200, body)
    text, decrypted = _envelope.payload_text(
        env.response, encrypted=True, cons_id=v["consId"], secret=v["secret"],
        timestamp=v["timestamp"],
    )  # fmt: skip
    assert decrypted
    assert text == v["plaintext"]


def test_negative_vector_fails_cleanly(vectors: dict[str, Any]) -> None:
    n = vectors["negative"]
    with pytest.raises(DecryptError):
        _crypto.decrypt(n["response"], n["consId"], n["secret"], n["timestamp"])
    body = msgspec.json.encode({"metaData": {"code": "200"}, "response": n["response"]})
    env = _envelope.parse_envelope(200, body)
    with pytest.raises(DecryptError):
        _envelope.payload_text(
            env.response, encrypted=True, cons_id=n["consId"], secret=n["secret"],
            timestamp=n["timestamp"],
        )  # fmt: skip


def test_timestamp_is_whole_seconds_plus_offset() -> None:
    assert _signing.make_timestamp(0, clock=lambda: 1700000000.999) == "1700000000"
    assert _signing.make_timestamp(-30, clock=lambda: 1700000000.2) == "1699999970"


@pytest.mark.parametrize(
    "ciphertext",
    ["not base64!!", "QUJD", "", "QUJDREVGR0hJSktMTU5PUA=="],
    ids=["not-base64", "short", "empty", "one-block-wrong-key"],
)
def test_decrypt_rejects_damage(ciphertext: str) -> None:
    with pytest.raises(DecryptError):
        _crypto.decrypt(ciphertext, "1234", "pwd", "433223232")


def test_cached_cipher_follows_each_answers_own_key() -> None:
    # The Cipher is cached per (consId, secret, timestamp): a cache keyed on less would
    # decrypt one answer with the key of the one before.
    v = VECTORS[0]
    stamp = str(int(v["timestamp"]) + 1)
    other = _crypto.encrypt(v["lzString"], v["consId"], v["secret"], stamp)
    other_secret = _crypto.encrypt(v["lzString"], v["consId"], v["secret"] + "x", v["timestamp"])
    for _ in range(3):
        assert (
            _crypto.decrypt(v["response"], v["consId"], v["secret"], v["timestamp"])
            == v["lzString"]
        )
        assert _crypto.decrypt(other, v["consId"], v["secret"], stamp) == v["lzString"]
        with pytest.raises(DecryptError):
            _crypto.decrypt(other, v["consId"], v["secret"], v["timestamp"])
        with pytest.raises(DecryptError):
            _crypto.decrypt(other_secret, v["consId"], v["secret"], v["timestamp"])
    assert v["secret"] not in repr(_crypto._cipher) + repr(_crypto._cipher.cache_info())
