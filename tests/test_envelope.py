"""The envelope decision table: shapes BPJS and its gateway really send."""

from __future__ import annotations

import msgspec
import pytest

from vclaim_async import _envelope
from vclaim_async.errors import (
    APIError,
    DecodeError,
    DecryptError,
    GatewayError,
    HTTPStatusError,
    NotFoundError,
    RefusedError,
)
from vclaim_async.models.peserta import PesertaPayload

CREDS = {"cons_id": "1234", "secret": "pwd", "timestamp": "433223232"}


def decode(body: bytes, model: type, *, encrypted: bool | None = True, status: int = 200):  # type: ignore[no-untyped-def]
    env = _envelope.parse_envelope(status, body)
    text, dec = _envelope.payload_text(env.response, encrypted=encrypted, **CREDS)
    return _envelope.decode_payload(text, dec, env.response, model)


@pytest.mark.parametrize(
    "body",
    [
        b'{"metaData":{"code":"200","message":"OK"},"response":{"a":1}}',
        b'{"metadata":{"code":200,"message":"Ok"},"response":{"a":1}}',
        b'{"metaData":{"Code":"200","Message":"Sukses"},"response":{"a":1}}',
        b'{"response":{"a":1},"metaData":{"code":" 200 ","message":"200"}}',
    ],
    ids=["camel-string", "lower-number", "capitalised", "padded-code"],
)
def test_success_shapes(body: bytes) -> None:
    assert decode(body, dict) == {"a": 1}


@pytest.mark.parametrize(
    ("body", "error", "code"),
    [
        (b'{"metaData":{"code":"201","message":"No.Kartu Tidak Sesuai"},"response":null}',
         NotFoundError, "201"),
        (b'{"metadata":{"code":201,"message":"Data Tidak Ada"}}', NotFoundError, "201"),
        (b'{"metaData":{"code":"201","message":"Status Peserta Tidak Aktif"},"response":null}',
         RefusedError, "201"),
        (b'{"metaData":{"code":"201","message":"dpjpLayan tidak boleh kosong"}}',
         RefusedError, "201"),
        (b'{"metaData":{"code":"202","message":"Sudah terbit SEP"},"response":null}',
         APIError, "202"),
        # Success is decided by the code, never by the message.
        (b'{"metaData":{"code":"500","message":"OK"},"response":null}', APIError, "500"),
    ],
    ids=["201", "201-number-no-response", "201-refused", "201-refused-field", "202",
         "ok-message-bad-code"],
)  # fmt: skip
def test_business_errors(body: bytes, error: type[APIError], code: str) -> None:
    with pytest.raises(error) as info:
        _envelope.parse_envelope(200, body)
    assert info.value.code == code
    assert info.value.message
    assert type(info.value) is error


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, b"", GatewayError),
        (200, b"   ", GatewayError),
        (200, b"<html><body><h1>Runtime Error</h1></body></html>", GatewayError),
        (200, b"Authentication failed", GatewayError),
        (200, b'{"foo":1}', DecodeError),
        (200, b'{"metaData":{"message":"x"}}', DecodeError),
        (400, b'{"foo":1}', HTTPStatusError),
        (200, b'{"metaData":{"code":"200"},"response":"x"', GatewayError),
    ],
    ids=["empty", "blank", "html", "text", "no-meta", "no-code", "4xx-json", "truncated"],
)
def test_unreadable_answers(status: int, body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        _envelope.parse_envelope(status, body)
    assert getattr(info.value, "status", None) == status


def test_html_excerpt_is_bounded_text() -> None:
    page = b"<html><head><style>b{}</style></head><body><h1>Runtime Error</h1>" + b"x" * 5000
    with pytest.raises(GatewayError) as info:
        _envelope.parse_envelope(200, page + b"</body></html>")
    assert info.value.excerpt.startswith("Runtime Error")
    assert len(info.value.excerpt) <= 500
    assert "<" not in info.value.excerpt


def test_plain_string_answer_is_kept() -> None:
    body = b'{"metaData":{"code":"200","message":"OK"},"response":"0301R0011017V000007"}'
    assert decode(body, str) == "0301R0011017V000007"
    assert decode(body, str, encrypted=None) == "0301R0011017V000007"
    assert decode(body, str, encrypted=False) == "0301R0011017V000007"


def test_encrypted_bare_string_vector(vectors: dict) -> None:  # type: ignore[type-arg]
    v = vectors["vectors"][2]
    body = msgspec.json.encode({"metaData": {"code": "200"}, "response": v["response"]})
    assert decode(body, str) == v["plaintext"]


def test_plain_object_answer_never_decrypted() -> None:
    body = b'{"metaData":{"code":"200"},"response":{"pesertasep":{"noMr":"1"}}}'
    assert decode(body, dict, encrypted=False) == {"pesertasep": {"noMr": "1"}}


def test_null_response_for_a_model_is_a_decode_error() -> None:
    with pytest.raises(DecodeError):
        decode(b'{"metaData":{"code":"200"},"response":null}', PesertaPayload)


def test_garbage_ciphertext_for_a_model_is_a_decrypt_error() -> None:
    body = b'{"metaData":{"code":"200"},"response":"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="}'
    with pytest.raises(DecryptError):
        decode(body, PesertaPayload)


def test_wrong_shape_is_a_decode_error_without_payload() -> None:
    body = b'{"metaData":{"code":"200"},"response":{"peserta":{"noKartu":12345}}}'
    with pytest.raises(DecodeError) as info:
        decode(body, PesertaPayload, encrypted=False)
    assert "$.peserta.noKartu" in str(info.value)
    assert "12345" not in str(info.value)
