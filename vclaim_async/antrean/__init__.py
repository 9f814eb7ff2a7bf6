"""Antrean RS ("Antrol", WS BPJS): the outpatient queue service, on vclaim-async's core.

``from vclaim_async.antrean import AntreanClient, AntreanConfig, TaskId``; see
``docs/antrean.md``. The errors it raises live with VClaim's in :mod:`vclaim_async.errors`
(:class:`~vclaim_async.errors.AlreadyRecordedError` for code 208,
:class:`~vclaim_async.errors.TaskRuleError` for task-rule refusals). The hospital-hosted half
that Mobile JKN calls (WS RS) is :mod:`vclaim_async.antrean.wsrs`.
"""

from .._config import ANTREAN_BASE_URLS, AntreanConfig
from ..errors import AlreadyRecordedError, TaskRuleError
from ._client import AntreanClient
from .models import (
    JENIS_RESEP,
    AntreanDetail,
    AntreanFarmasi,
    BatalAntrean,
    DashboardRow,
    Dokter,
    JadwalDokter,
    JadwalDokterUpdate,
    JadwalHari,
    PasienFp,
    Poli,
    PoliFp,
    TambahAntrean,
    Task,
    TaskId,
    UpdateWaktu,
    epoch_ms,
    parse_wib,
)
from .queue import TaskQueue, TaskWorker
from .reporter import TaskEvent, TaskOrderError, TaskReporter, TaskResult

__all__ = [
    "ANTREAN_BASE_URLS",
    "JENIS_RESEP",
    "AlreadyRecordedError",
    "AntreanClient",
    "AntreanConfig",
    "AntreanDetail",
    "AntreanFarmasi",
    "BatalAntrean",
    "DashboardRow",
    "Dokter",
    "JadwalDokter",
    "JadwalDokterUpdate",
    "JadwalHari",
    "PasienFp",
    "Poli",
    "PoliFp",
    "TambahAntrean",
    "Task",
    "TaskEvent",
    "TaskId",
    "TaskOrderError",
    "TaskQueue",
    "TaskReporter",
    "TaskResult",
    "TaskRuleError",
    "TaskWorker",
    "UpdateWaktu",
    "epoch_ms",
    "parse_wib",
]
