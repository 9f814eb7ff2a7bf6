"""From response bytes to a typed value: envelope, code, decryption, LZ-string, model.

The envelope is decoded first with the payload left as raw JSON (``msgspec.Raw``); the payload
is decrypted with the timestamp the answering attempt was signed with, then decoded once into
its model. Every failure becomes a :mod:`vclaim_async.errors` exception.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

from . import _crypto, _lzstring
from ._antrean_replies import antrean_error
from .errors import (
    APIError,
    DecodeError,
    DecryptError,
    GatewayError,
    HTTPStatusError,
    NotFoundError,
    ResponseTooLargeError,
    excerpt,
)

__all__ = [
    "ANTREAN",
    "DIALECTS",
    "VCLAIM",
    "Dialect",
    "Envelope",
    "decode_answer",
    "decode_payload",
    "parse_envelope",
    "payload_text",
]

T = TypeVar("T")


def _vclaim_error(
    code: str, message: str, *, status: int = 200, endpoint: str | None = None
) -> APIError:
    error = NotFoundError if code == "201" else APIError
    return error(code, message, status=status, endpoint=endpoint)


@dataclass(frozen=True)
class Dialect:
    """How one BPJS service words its envelope; the envelope code reads only this.

    ``success`` holds the ``metaData.code`` values (as strings: numbers are coerced) that mean
    success; ``error`` turns any other code and its message into a typed
    :class:`~vclaim_async.errors.APIError`; ``listed`` accepts a list answer wrapped as
    ``{"list": [...]}`` where the model is a list. Both key casings (``metaData`` and
    ``metadata``) are read for every service. A new service is one more instance here.
    """

    name: str
    success: frozenset[str]
    error: Callable[..., APIError]
    listed: bool = False


#: VClaim 2.0: ``metaData``, code ``"200"``; ``"201"`` is "no data".
VCLAIM = Dialect("vclaim", frozenset({"200"}), _vclaim_error)
#: Antrean RS: ``metadata``, numeric codes, success ``1`` (references) or ``200``; ``208`` is
#: "already recorded"; decrypted lists come bare or as ``{"list": [...]}`` (notes §2.4-§2.7).
ANTREAN = Dialect("antrean", frozenset({"1", "200"}), antrean_error, listed=True)
#: Service name (the catalog's ``service`` column) -> its dialect.
DIALECTS = {"vclaim": VCLAIM, "antrean": ANTREAN}


class _Listed(msgspec.Struct, Generic[T]):
    """A list answer wrapped as ``{"list": [...]}``."""

    list: T


_NULL = msgspec.Raw(b"null")

#: BPJS codes are a few characters ("200", "201", "1"); a longer one is cut in the error.
_CODE_LIMIT = 20


class _Meta(msgspec.Struct):
    code: str | int | None = None
    message: str | None = None
    # Some gateways and SIMRS middlewares capitalise the keys (protocol notes §2.3).
    Code: str | int | None = None
    Message: str | None = None


class _RawEnvelope(msgspec.Struct):
    metaData: _Meta | None = None
    metadata: _Meta | None = None
    response: msgspec.Raw = _NULL


_envelope_decoder = msgspec.json.Decoder(_RawEnvelope)
_str_decoder = msgspec.json.Decoder(str)


class Envelope(msgspec.Struct, frozen=True):
    """A successful (code "200") envelope; ``response`` is still raw JSON."""

    code: str
    message: str
    response: msgspec.Raw


def parse_envelope(
    status: int,
    body: bytes,
    *,
    endpoint: str | None = None,
    secrets: tuple[str, ...] = (),
    dialect: Dialect = VCLAIM,
) -> Envelope:
    """Check the envelope's code; raise the dialect's error for anything but success.

    ``secrets`` are cut out of any excerpt kept as evidence (a gateway may echo the request).
    """
    if not body.strip():
        raise GatewayError("empty response body", status=status, endpoint=endpoint)
    try:
        raw = _envelope_decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        # Not JSON at all: an HTML error page or a gateway text behind a 2xx.
        raise GatewayError(
            "response is not JSON",
            status=status,
            excerpt=excerpt(body, secrets=secrets),
            endpoint=endpoint,
        ) from None
    except RecursionError:
        # msgspec refuses nesting deeper than the interpreter's limit; no real answer nests.
        raise DecodeError("response nests too deeply", status=status, endpoint=endpoint) from None
    meta = raw.metaData or raw.metadata
    if meta is None:
        if not 200 <= status < 300:
            raise HTTPStatusError(
                "unexpected status",
                status=status,
                excerpt=excerpt(body, secrets=secrets),
                endpoint=endpoint,
            )
        raise DecodeError(
            "response has no metaData",
            status=status,
            excerpt=excerpt(body, secrets=secrets),
            endpoint=endpoint,
        )
    code_value = meta.code if meta.code is not None else meta.Code
    if isinstance(code_value, int) and not -(10**9) < code_value < 10**9:
        # str() of a 5,000-digit int raises ValueError; no BPJS code is that long.
        raise DecodeError("metaData.code is not a BPJS code", status=status, endpoint=endpoint)
    code = "" if code_value is None else str(code_value).strip()[:_CODE_LIMIT]
    message = (meta.message if meta.message is not None else meta.Message) or ""
    if code in dialect.success:
        return Envelope(code=code, message=message, response=raw.response)
    if not code:
        raise DecodeError(
            "metaData has no code",
            status=status,
            excerpt=excerpt(body, secrets=secrets),
            endpoint=endpoint,
        )
    raise dialect.error(code, message, status=status, endpoint=endpoint)


def _ciphertext(value: str) -> bytes | None:
    """The decoded bytes when ``value`` is base64 of whole AES blocks, else None.

    A plain noSep or number never is. The bytes go straight to AES: decoding the base64
    twice cost ~50 µs on a 44 KB answer.
    """
    if len(value) < 24 or len(value) % 4:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) % 16 == 0 else None


def payload_text(
    response: msgspec.Raw,
    *,
    encrypted: bool | None,
    cons_id: str,
    secret: str,
    timestamp: str,
    max_length: int | None = None,
) -> tuple[str | None, bool]:
    """The payload as text, and whether it was JSON-inside-a-string (decrypted).

    Returns ``(None, False)`` for ``null`` and ``""``. For a JSON object or list the raw JSON
    text is returned with ``False``. A string that looks like ciphertext is decrypted (unless
    the endpoint never encrypts); one that does not is returned as the plain value it is.
    ``max_length`` bounds the ciphertext and the decompressed text, in characters.
    """
    data = bytes(response)
    first = data[:1]
    if first.isspace():  # msgspec hands values over trimmed; only a hand-made Raw is not
        data = data.strip()
        first = data[:1]
    if first == b"n" or not first:
        return None, False
    if first != b'"':
        try:
            return data.decode("utf-8"), False
        except UnicodeDecodeError:  # msgspec checked it; only a hand-made Raw gets here
            raise DecodeError("response is not valid UTF-8") from None
    try:
        value = _str_decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        raise DecodeError("response is not a valid JSON string") from None
    if not value:
        return None, False
    if max_length is not None and len(value) > max_length:
        raise ResponseTooLargeError(
            what="ciphertext characters", limit=max_length, received=len(value)
        )
    raw = None if encrypted is False else _ciphertext(value)
    if raw is None:
        return value, False
    lz = _crypto.decrypt_raw(raw, cons_id, secret, timestamp)
    try:
        return _lzstring.decompress_from_encoded_uri_component(lz, max_length=max_length), True
    except _lzstring.LZStringError as exc:
        if isinstance(exc, _lzstring.LZStringTooLongError) and max_length is not None:
            raise ResponseTooLargeError(
                what="LZ-string characters", limit=max_length, received=max_length + 1
            ) from None
        raise DecryptError(f"LZ-string decompression failed: {exc}") from None


@functools.lru_cache(maxsize=256)
def _decoder(model: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(model)


def _is_list(model: Any) -> bool:
    return getattr(model, "__origin__", None) is list


def decode_payload(
    text: str | None,
    was_encrypted: bool,
    response: msgspec.Raw,
    model: type[T],
    *,
    dialect: Dialect = VCLAIM,
) -> T:
    """Decode payload text into ``model``; a ``str`` model takes plain strings as they are.

    With a dialect that wraps lists, a list ``model`` also accepts ``{"list": [...]}``.
    """
    if model is str:
        if text is None:
            raise DecodeError("expected a string answer, got null")
        if was_encrypted or bytes(response).lstrip()[:1] != b'"':
            # A decrypted payload may itself be a JSON string, or a bare string (vector V3).
            stripped = text.strip()
            if stripped.startswith('"'):
                try:
                    return _str_decoder.decode(stripped)  # type: ignore[return-value]
                except (msgspec.DecodeError, msgspec.ValidationError):
                    pass
        return text  # type: ignore[return-value]
    if text is None:
        raise DecodeError("answer has no response data")
    if dialect.listed and _is_list(model) and text.lstrip()[:1] == "{":
        wrapped: _Listed[T] = decode_payload(
            text,
            was_encrypted,
            response,
            _Listed[model],  # type: ignore[valid-type]
        )
        return wrapped.list
    try:
        result: T = _decoder(model).decode(text)  # type: ignore[arg-type]
    except msgspec.ValidationError as exc:
        # The message names the JSON path, never the payload: decrypted data is patient data.
        name = getattr(model, "__name__", model)
        raise DecodeError(f"answer does not match {name}: {exc}") from None
    except msgspec.DecodeError:
        raise DecodeError(
            f"answer is not valid JSON for {getattr(model, '__name__', model)}"
        ) from None
    except RecursionError:
        raise DecodeError(
            f"answer nests too deeply for {getattr(model, '__name__', model)}"
        ) from None
    return result


def decode_answer(
    status: int,
    body: bytes,
    *,
    timestamp: str,
    encrypted: bool | None,
    model: type[T],
    cons_id: str,
    secret: str,
    nullable: bool = False,
    endpoint: str | None = None,
    secrets: tuple[str, ...] = (),
    max_length: int | None = None,
    dialect: Dialect = VCLAIM,
) -> T | None:
    """One answer's bytes to ``model``: envelope, decryption with the attempt's timestamp, model.

    ``None`` only when ``nullable`` and BPJS answered ``null`` (or ``""``). ``secrets`` are cut
    out of any excerpt; ``max_length`` bounds the decrypted, decompressed text.
    """
    envelope = parse_envelope(status, body, endpoint=endpoint, secrets=secrets, dialect=dialect)
    text, decrypted = payload_text(
        envelope.response,
        encrypted=encrypted,
        cons_id=cons_id,
        secret=secret,
        timestamp=timestamp,
        max_length=max_length,
    )
    if text is None and nullable:
        return None
    return decode_payload(text, decrypted, envelope.response, model, dialect=dialect)
