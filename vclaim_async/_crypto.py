"""AES-256-CBC as VClaim 2.0 uses it: key = SHA-256(consId + secret + timestamp), IV = key[:16].

Pure functions; the timestamp is always the one the request was signed with.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .errors import DecryptError

__all__ = ["decrypt", "decrypt_raw", "derive_key", "encrypt"]

_BLOCK = 16


def derive_key(cons_id: str, secret: str, timestamp: str) -> tuple[bytes, bytes]:
    """The (key, iv) pair for one request's answer."""
    key = hashlib.sha256(f"{cons_id}{secret}{timestamp}".encode()).digest()
    return key, key[:_BLOCK]


# The key changes once a second; building the Cipher costs more than decrypting an answer.
# An lru_cache's repr and cache_info() never show its keys, so the secret stays out of logs.
@functools.lru_cache(maxsize=4)
def _cipher(cons_id: str, secret: str, timestamp: str) -> Cipher[modes.CBC]:
    key, iv = derive_key(cons_id, secret, timestamp)
    return Cipher(algorithms.AES(key), modes.CBC(iv))


def decrypt(ciphertext_b64: str, cons_id: str, secret: str, timestamp: str) -> str:
    """Base64 ciphertext to the LZ-string text it carries; PKCS#7 padding is checked.

    Raises :class:`DecryptError` (never a foreign exception) when any step fails.
    """
    try:
        raw = base64.b64decode(ciphertext_b64, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptError("response is not valid base64") from None
    return decrypt_raw(raw, cons_id, secret, timestamp)


def decrypt_raw(raw: bytes, cons_id: str, secret: str, timestamp: str) -> str:
    """:func:`decrypt` for ciphertext already base64-decoded (the envelope decodes it once)."""
    if not raw or len(raw) % _BLOCK:
        raise DecryptError(f"ciphertext length {len(raw)} is not a positive multiple of 16")
    # A fresh context per answer; only the Cipher (checked key and mode) is shared.
    decryptor = _cipher(cons_id, secret, timestamp).decryptor()
    padded = decryptor.update(raw) + decryptor.finalize()
    pad = padded[-1]
    # A wrong key (say, another timestamp) almost never leaves valid PKCS#7 padding behind.
    if not 1 <= pad <= _BLOCK or padded[-pad:] != bytes([pad]) * pad:
        raise DecryptError("bad PKCS#7 padding: wrong key or timestamp, or damaged ciphertext")
    try:
        return padded[:-pad].decode("ascii")
    except UnicodeDecodeError:
        raise DecryptError("decrypted bytes are not an LZ-string (not ASCII)") from None


def encrypt(plaintext: str, cons_id: str, secret: str, timestamp: str) -> str:
    """The inverse of :func:`decrypt`, for the simulator and tests."""
    data = plaintext.encode("utf-8")
    pad = _BLOCK - len(data) % _BLOCK
    encryptor = _cipher(cons_id, secret, timestamp).encryptor()
    raw = encryptor.update(data + bytes([pad]) * pad) + encryptor.finalize()
    return base64.b64encode(raw).decode("ascii")
