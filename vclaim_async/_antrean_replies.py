"""Antrean RS refusals as typed errors: BPJS's reply texts, read in one place, from one table.

The texts are those hospitals' code matches against in production (protocol notes §A9, §5.3):
``208 TaskId=<n> sudah ada`` and ``208 Terdapat duplikasi Kode Booking`` (already recorded),
and the ``updatewaktu`` rule refusals (predecessor missing, the booking's last task, a time not
after the previous one, a time off the service date, past H+7). Matching is case-insensitive
and on substrings, as BPJS words its messages with varying punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import AlreadyRecordedError, APIError, NotFoundError, TaskRuleError

__all__ = ["REPLIES", "Reply", "antrean_error", "classify", "is_unknown_booking"]


@dataclass(frozen=True)
class Reply:
    """One known reply: a pattern (whose ``taskid`` group, if any, is the task it names), the
    error class it becomes and, for a task-rule refusal, its reason."""

    pattern: re.Pattern[str]
    error: type[APIError]
    reason: str = ""


def _p(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


_UNKNOWN_BOOKING = r"Kode\s*Booking\s+tidak\s+ditemukan"

#: Tried in order; the first match wins. ``taskid`` is the task the message names: the one
#: already recorded (208), the missing predecessor (``belum ada``), the refused task
#: (``tidak valid / TaskId sebelumnya belum terkirim``) or the booking's last task (``terakhir``).
REPLIES: tuple[Reply, ...] = (
    Reply(_p(r"TaskId\s*=\s*(?P<taskid>\d+)\s+sudah ada"), AlreadyRecordedError),
    Reply(_p(r"duplikasi\s+Kode\s*Booking"), AlreadyRecordedError),
    Reply(_p(r"TaskId\s+terakhir\s+(?P<taskid>\d+)"), TaskRuleError, "last_task"),
    Reply(_p(r"TaskId\s*=\s*(?P<taskid>\d+)\s+belum ada"), TaskRuleError, "predecessor"),
    Reply(_p(r"TaskId\s*=\s*(?P<taskid>\d+)\s+tidak valid"), TaskRuleError, "predecessor"),
    Reply(_p(r"TaskId sebelumnya belum terkirim"), TaskRuleError, "predecessor"),
    Reply(_p(r"tidak boleh kurang atau sama dengan waktu sebelumnya"), TaskRuleError, "not_later"),
    Reply(_p(r"Tanggal pelayanan untuk Kode Booking"), TaskRuleError, "service_date"),
    Reply(_p(r"maksimal\s+H\s*\+\s*7"), TaskRuleError, "too_late"),
    Reply(_p(_UNKNOWN_BOOKING), NotFoundError, "unknown_booking"),
)

#: How far into a message the patterns look: BPJS's texts are short, a hostile one may not be.
_SCAN_LIMIT = 500


def classify(code: str, message: str) -> tuple[type[APIError], int | None, str]:
    """The error class, the task id named (or None) and the rule reason for one refusal.

    A known text decides; otherwise code ``208`` is "already recorded", ``201`` "no data or a
    refusal" (:class:`NotFoundError`) and anything else a plain :class:`APIError`.
    """
    head = message[:_SCAN_LIMIT]
    for reply in REPLIES:
        match = reply.pattern.search(head)
        if match is None:
            continue
        found = match.groupdict().get("taskid")
        taskid = int(found) if found is not None and len(found) <= 3 else None
        return reply.error, taskid, reply.reason
    if code == "208":
        return AlreadyRecordedError, None, ""
    if code == "201":
        return NotFoundError, None, ""
    return APIError, None, ""


def antrean_error(
    code: str, message: str, *, status: int = 200, endpoint: str | None = None
) -> APIError:
    """The typed error for an Antrean RS answer whose code is not a success."""
    error, taskid, reason = classify(code, message)
    if error is TaskRuleError:
        return TaskRuleError(
            code, message, status=status, endpoint=endpoint, taskid=taskid, reason=reason
        )
    if error is AlreadyRecordedError:
        return AlreadyRecordedError(code, message, status=status, endpoint=endpoint, taskid=taskid)
    return error(code, message, status=status, endpoint=endpoint)


def is_unknown_booking(message: str) -> bool:
    """True when BPJS's message says the booking code is unknown to it."""
    return classify("201", message)[2] == "unknown_booking"
