"""The exceptions vclaim-async raises, split by *where* a call failed.

::

    VClaimError                      root: catch this to catch everything we raise
    ├── TransportError               no usable HTTP answer arrived
    │   ├── VClaimConnectionError    could not connect, or the connection broke
    │   │   └── TLSError             the TLS handshake or certificate check failed
    │   ├── VClaimTimeoutError       connect or total timeout
    │   └── OutcomeUnknownError      a write may have reached BPJS; it was not re-sent
    ├── HTTPStatusError              the gateway answered with a non-2xx or non-JSON body
    │   ├── GatewayError             5xx, HTML error pages, empty bodies, "No Mapping Rule matched"
    │   ├── AuthenticationError      401/403: bad cons id, signature, timestamp or user_key
    │   └── RateLimitError           429 "Usage limit exceeded"
    ├── APIError                     BPJS answered, and metaData.code is not "200"
    │   ├── NotFoundError            code "201": no such participant, SEP, referral or data
    │   ├── RefusedError             code "201" refusing on a business rule or a wrong field
    │   ├── AlreadyRecordedError     Antrean code 208: already there (a duplicate); treat as done
    │   └── TaskRuleError            Antrean refused a task event by its rules (order, time, date)
    └── DecodeError                  the answer could not be read (JSON, envelope, model)
        ├── DecryptError             AES, PKCS#7 or LZ-string failed for this timestamp
        └── ResponseTooLargeError    the answer exceeded max_response_bytes (never retried)

Messages never carry the consumer secret, the user key, a signature, a decrypted payload or a
full card number / NIK: this is health data. Evidence is kept on attributes instead
(``status``, ``code``, ``message``, ``excerpt`` bounded to :data:`EXCERPT_LIMIT` characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._redact import printable, redact, scrub, scrub_tail

__all__ = [
    "EXCERPT_LIMIT",
    "APIError",
    "AlreadyRecordedError",
    "AuthenticationError",
    "DecodeError",
    "DecryptError",
    "GatewayError",
    "HTTPStatusError",
    "NotFoundError",
    "OutcomeUnknownError",
    "RateLimitError",
    "RefusedError",
    "ResponseTooLargeError",
    "TLSError",
    "TaskRuleError",
    "TransportError",
    "VClaimConnectionError",
    "VClaimError",
    "VClaimTimeoutError",
    "api_error",
    "is_not_found",
]

#: The most characters of a response body an exception keeps as evidence.
EXCERPT_LIMIT = 500


def excerpt(body: bytes | str, limit: int = EXCERPT_LIMIT, *, secrets: Iterable[str] = ()) -> str:
    """A bounded, printable excerpt of a response body (HTML tags and whitespace folded).

    Each of ``secrets`` is cut out first, so a gateway echoing request headers never puts a
    user key or signature into an exception.
    """
    head = body[: limit * 8]
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    text = scrub(text, secrets)[: limit * 4]
    if "<" in text and ">" in text:
        # HTML error pages: keep the words, drop the markup, as a person would read it.
        text = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"<[^>]*>", " ", text)
    text = printable(redact(" ".join(text.split())))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class VClaimError(Exception):
    """Root of every exception vclaim-async raises.

    ``endpoint`` names the catalog operation (e.g. ``"peserta.by_card"``) when known and
    ``attempts`` how many times the request was sent before giving up.
    """

    endpoint: str | None
    attempts: int | None

    def __init__(self, message: str, *, endpoint: str | None = None) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.attempts = None

    def __str__(self) -> str:
        # Control characters from server text (a msgspec message quoting a value, a gateway's
        # words) are shown escaped wherever they got into the message.
        base = printable(super().__str__())
        parts = [p for p in (self.endpoint and f"endpoint={printable(self.endpoint)}",) if p]
        if self.attempts and self.attempts > 1:
            parts.append(f"attempts={self.attempts}")
        return f"{base} ({', '.join(parts)})" if parts else base


class TransportError(VClaimError):
    """No usable HTTP answer arrived (connection or timeout)."""


class VClaimConnectionError(TransportError):
    """Connecting failed, or the connection broke before a full answer was read.

    ``sent`` is False when the request provably never left this machine (the connection was
    never established), which is what makes re-sending a write safe.
    """

    def __init__(self, message: str, *, endpoint: str | None = None, sent: bool = True) -> None:
        super().__init__(message, endpoint=endpoint)
        self.sent = sent


class TLSError(VClaimConnectionError):
    """The TLS handshake or certificate verification failed. Never retried: it will not heal."""

    def __init__(self, message: str, *, endpoint: str | None = None) -> None:
        super().__init__(message, endpoint=endpoint, sent=False)


class VClaimTimeoutError(TransportError):
    """The connect timeout, the total timeout or the call's deadline ran out.

    ``sent`` is False when the request never left this machine: a connect timeout, or a
    deadline that passed while the call still waited. ``waited_for`` then names what it
    waited for: ``"local slot"`` (the client's ``max_concurrency``), ``"shared slot"`` (a
    shared limiter's cap), ``"cool-down"`` (every process holding off after a 429),
    ``"single flight"`` (another caller's look-up of the same participant) or ``"cache"``;
    it is None for a timeout on the wire.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None = None,
        sent: bool = True,
        waited_for: str | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.sent = sent
        self.waited_for = waited_for


class OutcomeUnknownError(TransportError):
    """A write may have reached BPJS, but no answer arrived; it was deliberately not re-sent.

    Re-sending a SEP insert whose answer was lost can issue a second SEP. Check what BPJS
    holds (for a SEP: the visit monitoring or the participant's history) before trying again.
    ``method``, ``path`` and ``body`` keep what was sent; they may hold patient data, so they
    are attributes, never part of the message. ``candidates`` holds the SEP numbers when
    settling a lost SEP insert found SEPs that could be it; ``landed`` is the number when the
    history proved this insert's SEP landed but its detail could not be read (then
    ``candidates == (landed,)``). ``sent_at`` is when the last attempt left
    (``time.monotonic()``), which a settle window counts from.
    """

    candidates: tuple[str, ...] = ()
    landed: str | None = None
    sent_at: float | None = None

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None = None,
        method: str,
        path: str,
        body: bytes | None,
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.method = method
        self.path = path
        self.body = body


class HTTPStatusError(VClaimError):
    """The gateway answered with a non-2xx status, or with a body that is not JSON."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        excerpt: str = "",
        endpoint: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.status = status
        self.excerpt = excerpt
        self.retry_after = retry_after

    def __str__(self) -> str:
        text = f"HTTP {self.status}: {super().__str__()}"
        return f"{text}: {self.excerpt}" if self.excerpt else text


class GatewayError(HTTPStatusError):
    """5xx, an HTML error page, an empty body or a gateway routing text."""


class AuthenticationError(HTTPStatusError):
    """401/403 from the gateway: wrong cons id, secret, user_key, or a timestamp it refused.

    ``clock_adjusted`` is True when, with ``auto_time_offset``, the client measured a new clock
    offset from this answer (and so tried once more).
    """

    clock_adjusted: bool = False


class RateLimitError(HTTPStatusError):
    """429 from the gateway ("Usage limit exceeded")."""


class APIError(VClaimError):
    """BPJS answered with a ``metaData`` code that is not success (``"200"``; Antrean RS also
    ``"1"``).

    ``code`` is always a string (BPJS sends both ``"201"`` and ``201``); ``message`` is BPJS's
    own text, usually Indonesian (e.g. "No.Kartu Tidak Sesuai"), kept exactly as sent. The
    exception's ``str()`` masks any card number or NIK inside it and shows control characters
    (ESC, CR/LF, C1, bidi overrides) escaped, so a hostile text cannot rewrite a terminal or
    forge a log line; ``message`` stays raw.
    """

    def __init__(
        self, code: str, message: str, *, status: int = 200, endpoint: str | None = None
    ) -> None:
        super().__init__(
            f"BPJS code {printable(code)}: {printable(redact(message))}", endpoint=endpoint
        )
        self.code = code
        self.message = message
        self.status = status


# -- BPJS code 201: "not found" or "refused" (issue 21) -------------------------------------
# BPJS answers both "there is no such participant/SEP/referral" and every business refusal
# ("Status Peserta Tidak Aktif", "dpjpLayan tidak boleh kosong") with code "201". A desk acts
# differently on each, so the text decides the class. Kept in one region: other error classes
# go elsewhere in this module.


class NotFoundError(APIError):
    """BPJS code ``"201"`` saying what was asked for is not there.

    A participant ("Data Peserta Tidak Ditemukan", or BPJS's "No.Kartu Tidak Sesuai" /
    "NIK Tidak Sesuai" for a number no participant has), a SEP, a referral, a control letter,
    or no data at all for a number or date ("Data Tidak Ditemukan", "Data Tidak Ada"). List
    look-ups that BPJS answers this way read as empty where the library documents it. Check
    the number or date; an HTTP API would answer 404.
    """


class RefusedError(APIError):
    """BPJS code ``"201"`` refusing the request: every ``201`` that is not a "not found".

    A business rule ("Status Peserta Tidak Aktif"), a missing or malformed field
    ("dpjpLayan tidak boleh kosong", "Format tanggal tidak sesuai"), or a reference code BPJS
    does not know ("Kode Dokter tidak ditemukan"). Retrying the same request gets the same
    answer: show ``message`` to the desk, fix the input or the rule, then send again. An HTTP
    API would answer 422, or 409 when :attr:`conflict` is True.
    """

    @property
    def conflict(self) -> bool:
        """True when the text says the record already exists or was already done.

        "LPK untuk SEP ini sudah ada", "Sudah terbit SEP", "Terdapat duplikasi ...": the
        request clashes with what BPJS holds (HTTP 409), not with a rule about its fields.
        """
        return bool(_CONFLICT.search(self.message))


# What was looked for is not there: "... tidak ditemukan", "... tidak ada", "not found".
_NOT_FOUND_PHRASE = re.compile(
    r"\b(?:tidak|tdk)\s+(?:ditemukan|di\s+temukan)\b"
    r"|\b(?:tidak|tdk)\s+ada\s*\.?$|\b(?:tidak|belum)\s+ada\s+data\b"
    r"|\bnot\s+found\b|\bno\s+data\b|\bno\s+content\b",
    re.IGNORECASE,
)
# ... unless what is missing is a value the caller sent: a reference code ("Kode Dokter tidak
# ditemukan", "Poli tidak ditemukan": a clinic, doctor, facility, diagnosis ... that BPJS's
# reference lists do not hold), a request field or format ("Format request tidak valid: x
# tidak ditemukan"), a parameter. That is a wrong request, not a missing record. On a
# reference look-up itself (``referensi.*``) a "not found" is simply no match.
_INPUT_SUBJECT = re.compile(
    r"^\s*(?:data\s+)?(?:kode|format|parameter|param|field|kolom|user|poli|klinik|dokter|dpjp|ppk"
    r"|faskes|diagnosa|diagnosis|prosedur|procedure|tindakan|obat|spesialis|spesialistik|ruang"
    r"|kelas|propinsi|provinsi|kabupaten|kecamatan|cara\s+keluar|pasca\s+pulang)\b",
    re.IGNORECASE,
)
# The request clashes with a record BPJS already holds.
_CONFLICT = re.compile(
    r"\bsudah\s+(?:ada|terbit|diterbitkan|digunakan|dipakai|dibuat|terdaftar|pernah|dibatalkan)\b"
    r"|\bduplikasi\b|\bduplicate\b|\balready\s+exists?\b",
    re.IGNORECASE,
)
# BPJS's answer for a card number or NIK no participant has (protocol notes §2.3, DARM).
_NO_SUCH_NUMBER = re.compile(
    r"^\s*(?:no\.?\s*kartu|nomor\s+kartu|nik)\s+tidak\s+sesuai\s*\.?\s*$", re.IGNORECASE
)


def is_not_found(message: str, endpoint: str | None = None) -> bool:
    """True when BPJS's code-201 ``message`` says a participant, SEP, referral or data is absent.

    ``"Data Peserta Tidak Ditemukan"``, ``"SEP Tidak Ditemukan atau sudah dihapus"``,
    ``"Data Tidak Ada"`` and ``"No.Kartu Tidak Sesuai"`` are; ``"Status Peserta Tidak Aktif"``,
    ``"dpjpLayan tidak boleh kosong"``, ``"Kode Dokter tidak ditemukan"`` and ``"Poli tidak
    ditemukan"`` (a reference code the caller sent) are not, except on a reference look-up
    (``endpoint`` ``"referensi.…"``), where "not found" means no match.
    """
    text = " ".join(message.split())
    if _NO_SUCH_NUMBER.match(text):
        return True
    if not _NOT_FOUND_PHRASE.search(text):
        return False
    if endpoint is not None and endpoint.startswith("referensi."):
        return True
    return not _INPUT_SUBJECT.match(text)


def api_error(
    code: str, message: str, *, status: int = 200, endpoint: str | None = None
) -> APIError:
    """The exception for a BPJS answer whose ``metaData.code`` is not ``"200"``.

    Code ``"201"`` becomes :class:`NotFoundError` or :class:`RefusedError` by its text
    (:func:`is_not_found`); any other code a plain :class:`APIError`.
    """
    if code == "201":
        kind: type[APIError] = NotFoundError if is_not_found(message, endpoint) else RefusedError
        return kind(code, message, status=status, endpoint=endpoint)
    return APIError(code, message, status=status, endpoint=endpoint)


# -- end of the code-201 region --------------------------------------------------------------


class AlreadyRecordedError(APIError):
    """Antrean RS code 208: what was sent is already recorded at BPJS.

    ``antrean/updatewaktu`` answers ``TaskId=<n> sudah ada`` and ``antrean/add`` answers
    ``Terdapat duplikasi Kode Booking``. A caller re-sending after a lost answer can treat this
    as done. ``taskid`` is the task id the message names, when it names one.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 200,
        endpoint: str | None = None,
        taskid: int | None = None,
    ) -> None:
        super().__init__(code, message, status=status, endpoint=endpoint)
        self.taskid = taskid


class TaskRuleError(APIError):
    """Antrean RS refused a task event by its rules: a missing predecessor (``TaskId=3 belum
    ada``), a time not after the previous task, a time off the service date, past H+7, or a
    booking already at its last task (``TaskId terakhir 99``).

    ``taskid`` is the task id the message names, when it names one (the missing predecessor,
    or the booking's last task); ``reason`` is one of ``"predecessor"``, ``"last_task"``,
    ``"not_later"``, ``"service_date"``, ``"too_late"``.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 200,
        endpoint: str | None = None,
        taskid: int | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(code, message, status=status, endpoint=endpoint)
        self.taskid = taskid
        self.reason = reason


class DecodeError(VClaimError):
    """The answer arrived but could not be read: bad JSON, envelope or model shape."""

    def __init__(
        self, message: str, *, status: int = 200, excerpt: str = "", endpoint: str | None = None
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.status = status
        self.excerpt = excerpt


class DecryptError(DecodeError):
    """The encrypted ``response`` did not decrypt and decompress with this request's timestamp."""


class ResponseTooLargeError(DecodeError):
    """The answer was bigger than ``max_response_bytes``; reading stopped at the bound.

    ``limit`` is the bound and ``received`` how much had arrived when reading stopped (wire
    bytes, bytes after gzip/deflate, or LZ-string characters, as ``what`` says). Never retried:
    the same question gets the same answer.
    """

    def __init__(
        self,
        *,
        what: str,
        limit: int,
        received: int,
        status: int = 200,
        endpoint: str | None = None,
    ) -> None:
        super().__init__(
            f"answer too large: {what} exceeded {limit} after {received}",
            status=status,
            endpoint=endpoint,
        )
        self.what = what
        self.limit = limit
        self.received = received


def _scrub_error(exc: VClaimError, secrets: tuple[str, ...]) -> None:
    """Cut ``secrets`` out of an error's message and evidence, whatever the server echoed."""
    exc.args = tuple(scrub(a, secrets) if isinstance(a, str) else a for a in exc.args)
    text = getattr(exc, "excerpt", None)
    if isinstance(text, str) and text:
        exc.excerpt = scrub_tail(scrub(text, secrets), secrets)  # type: ignore[attr-defined]
    if isinstance(exc, APIError):
        exc.message = scrub(exc.message, secrets)
