"""BPJS's Antrean replies to typed errors: one table, read in one place (``_antrean_replies``).

The messages are those hospitals' production code matches on (protocol notes §A9, §2.5).
"""

from __future__ import annotations

import pytest

from vclaim_async import AlreadyRecordedError, APIError, NotFoundError, TaskRuleError
from vclaim_async._antrean_replies import antrean_error, is_unknown_booking

#: (code, message) -> (error class, taskid, reason)
TABLE: list[tuple[str, str, type[APIError], int | None, str]] = [
    ("208", "TaskId=1 sudah ada", AlreadyRecordedError, 1, ""),
    ("208", "TaskId=99 sudah ada", AlreadyRecordedError, 99, ""),
    ("208", "Terdapat duplikasi Kode Booking", AlreadyRecordedError, None, ""),
    ("208", "Antrean farmasi kode booking tersebut sudah ada", AlreadyRecordedError, None, ""),
    ("201", "TaskId=3 belum ada", TaskRuleError, 3, "predecessor"),
    ("201", "Task=1 ada. TaskId=2 belum ada", TaskRuleError, 2, "predecessor"),
    (
        "201",
        "TaskId=4 tidak valid / TaskId sebelumnya belum terkirim",
        TaskRuleError,
        4,
        "predecessor",
    ),
    ("201", "TaskId terakhir 99", TaskRuleError, 99, "last_task"),
    ("201", "TaskId terakhir 5", TaskRuleError, 5, "last_task"),
    (
        "201",
        "Waktu (2025-10-17 10:07:27 WIB) tidak boleh kurang atau sama dengan waktu sebelumnya",
        TaskRuleError,
        None,
        "not_later",
    ),
    (
        "201",
        "Waktu tidak valid (2026-03-14 00:10:00 WIB). Tanggal pelayanan untuk Kode Booking "
        "tersebut adalah (2026-03-13)",
        TaskRuleError,
        None,
        "service_date",
    ),
    (
        "201",
        "Gagal. Tanggal kirim TaskId maksimal H+7 dari tanggal pelayanan.",
        TaskRuleError,
        None,
        "too_late",
    ),
    ("201", "Kode Booking tidak ditemukan", NotFoundError, None, ""),
    ("201", "No Content", NotFoundError, None, ""),
    ("201", "data nik  belum sesuai.", NotFoundError, None, ""),
    # A refusal whose code we have never seen stays an APIError with its code and text.
    ("404", "Gagal dicoba kembali (BPJS Kesehatan)", APIError, None, ""),
    # The text decides even when the code is unusual: still a rule refusal.
    ("200", "taskid=3 BELUM ADA", TaskRuleError, 3, "predecessor"),
]


@pytest.mark.parametrize(
    ("code", "message", "error", "taskid", "reason"), TABLE, ids=[row[1][:40] for row in TABLE]
)
def test_reply_becomes_its_typed_error(
    code: str, message: str, error: type[APIError], taskid: int | None, reason: str
) -> None:
    exc = antrean_error(code, message, endpoint="antrean.update_waktu")
    assert type(exc) is error
    assert (exc.code, exc.message, exc.endpoint) == (code, message, "antrean.update_waktu")
    assert getattr(exc, "taskid", None) == taskid
    if isinstance(exc, TaskRuleError):
        assert exc.reason == reason


def test_unknown_booking_is_told_apart_from_no_data() -> None:
    assert is_unknown_booking("Kode Booking tidak ditemukan")
    assert not is_unknown_booking("No Content")


def test_a_hostile_message_is_read_only_so_far() -> None:
    # A long message is scanned only at its head; a task id of many digits is not parsed.
    exc = antrean_error("201", "x" * 10_000 + "TaskId terakhir 5")
    assert type(exc) is NotFoundError
    exc = antrean_error("201", "TaskId terakhir 12345678901234567890")
    assert isinstance(exc, TaskRuleError) and exc.taskid is None


def test_the_message_masks_card_numbers_in_str() -> None:
    exc = antrean_error("201", "data nik 3212345678987654 belum sesuai.")
    assert "3212345678987654" not in str(exc)
    assert exc.message.endswith("belum sesuai.")
