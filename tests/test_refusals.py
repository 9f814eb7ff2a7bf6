"""BPJS code 201 splits into "not found" and "refused", and server text is printed safely.

The message tables in docs/errors.md (English) and docs/id/kesalahan.md (Bahasa Indonesia) are
the desk's reference: every row is classified here exactly as the page says (issue 21).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vclaim_async import APIError, NotFoundError, RefusedError, _envelope
from vclaim_async.errors import (
    DecodeError,
    GatewayError,
    HTTPStatusError,
    VClaimConnectionError,
    VClaimError,
    api_error,
    excerpt,
    is_not_found,
)

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "docs" / "errors.md", ROOT / "docs" / "id" / "kesalahan.md"]
ROW = re.compile(
    r"^\| `(?P<message>[^`]+)` \| `(?P<kind>\w+)`(?P<conflict> \(`conflict`\))? \|"
    r".*\| (?P<http>\d{3}) \|$"
)


def table(page: Path) -> list[tuple[str, str, bool, int]]:
    rows = []
    for line in page.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows.append(
                (match["message"], match["kind"], bool(match["conflict"]), int(match["http"]))
            )
    return rows


def body(message: str, code: str = "201") -> bytes:
    return json.dumps({"metaData": {"code": code, "message": message}, "response": None}).encode()


def test_both_languages_list_the_same_messages() -> None:
    english, indonesian = (table(page) for page in PAGES)
    assert len(english) >= 20
    assert english == indonesian


@pytest.mark.parametrize(
    ("message", "kind", "conflict", "http"), table(PAGES[0]), ids=lambda v: str(v)[:40]
)
def test_every_documented_message_is_classified_as_the_docs_say(
    message: str, kind: str, conflict: bool, http: int
) -> None:
    with pytest.raises(APIError) as info:
        _envelope.parse_envelope(200, body(message), endpoint="sep.insert")
    error = info.value
    assert type(error).__name__ == kind
    assert (error.code, error.message) == ("201", message)
    assert is_not_found(message) is (kind == "NotFoundError")
    if isinstance(error, RefusedError):
        assert error.conflict is conflict
        assert http == (409 if conflict else 422)
    else:
        assert http == 404


@pytest.mark.parametrize(
    "message",
    [
        "Peserta Tidak Ditemukan",
        "No.SEP Tidak Ditemukan",
        "Data Rujukan Tidak Ditemukan atau sudah dihapus",
        "data tidak ada.",
        "No.Kartu 0001234567890 tidak ada",
        "No. Kartu tidak sesuai",
        "Tidak ada data",
        "  DATA   TIDAK\nDITEMUKAN ",
        "Not Found",
    ],
)
def test_not_found_texts(message: str) -> None:
    assert isinstance(api_error("201", message), NotFoundError)


@pytest.mark.parametrize(
    "message",
    [
        "Status Peserta Tidak Aktif",
        "dpjpLayan tidak boleh kosong",
        "Kode Dokter tidak ditemukan",  # a code the caller sent: a wrong request
        "Poli tidak ditemukan",  # a clinic code BPJS's reference does not hold
        "Data Dokter DPJP tidak ditemukan",
        "Diagnosa tidak ditemukan",
        "Format request tidak valid: t_sep.poli tidak ditemukan",
        "Parameter tidak sesuai",
        "Tidak ada hak akses untuk PPK ini",
        "Peserta sudah mendapatkan SEP di faskes lain",
        "",
    ],
)
def test_refused_texts(message: str) -> None:
    error = api_error("201", message)
    assert type(error) is RefusedError
    assert isinstance(error, APIError) and not isinstance(error, NotFoundError)


def test_a_reference_look_up_without_a_match_is_not_found() -> None:
    # The same words on a referensi search mean "no match", not "you sent a wrong code".
    error = api_error("201", "Poli tidak ditemukan", endpoint="referensi.list_poli")
    assert isinstance(error, NotFoundError)
    assert isinstance(api_error("201", "Poli tidak ditemukan", endpoint="sep.insert"), RefusedError)


def test_other_codes_stay_plain_api_errors() -> None:
    for code in ("202", "1", "500"):
        assert type(api_error(code, "Data Tidak Ditemukan")) is APIError


# -- server text with controls: escaped in str(), raw on .message --------------------------

HOSTILE = "Data \x1b]0;owned\x07\x1b[31mmerah\r\nINFO forged line\x9b2J\x85\u202eakaf\x00"


def test_api_error_string_escapes_controls_but_message_stays_raw() -> None:
    with pytest.raises(RefusedError) as info:
        _envelope.parse_envelope(200, body(HOSTILE), endpoint="sep.insert")
    text = str(info.value)
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text), repr(text)
    for shown in ("\\x1b]0;owned\\x07", "\\x1b[31m", "\\r\\n", "\\x9b2J", "\\x85", "\\u202e"):
        assert shown in text
    assert info.value.message == HOSTILE  # the evidence, exactly as sent


def test_a_hostile_code_is_escaped_too() -> None:
    error = api_error("2\x1b[1m", "x")
    assert "\x1b" not in str(error) and error.code == "2\x1b[1m"


def test_excerpts_in_gateway_errors_escape_controls() -> None:
    with pytest.raises(GatewayError) as info:
        _envelope.parse_envelope(502, b"Bad gateway \x1b[2J\x9b\x1b]8;;http://x\x07", endpoint="x")
    for text in (str(info.value), info.value.excerpt):
        assert not re.search("[\x00-\x1f\x7f-\x9f]", text), repr(text)
    assert "\\x1b[2J" in info.value.excerpt


def test_excerpt_masks_then_escapes() -> None:
    text = excerpt("kartu 0001234567890\x1b[0m")
    assert text == "kartu 0001*****7890\\x1b[0m"
    error = HTTPStatusError("unexpected status", status=500, excerpt=text)
    assert "\x1b" not in str(error)


@pytest.mark.parametrize(
    "error",
    [
        VClaimError("bad \x1b[31m"),
        DecodeError("answer does not match Peserta: Invalid enum value '\x1b]0;x\x07'"),
        VClaimConnectionError("reset\r\nINFO forged"),
        GatewayError("gateway \x9b2J", status=502, excerpt="ok"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_error_string_escapes_controls(error: VClaimError) -> None:
    assert not re.search("[\x00-\x1f\x7f-\x9f]", str(error)), repr(str(error))


def test_plain_text_is_unchanged() -> None:
    error = api_error("201", "Status Peserta Tidak Aktif")
    assert str(error) == "BPJS code 201: Status Peserta Tidak Aktif"
