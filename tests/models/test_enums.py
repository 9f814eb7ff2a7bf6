"""The code enums are ``str`` enums whose values are BPJS's wire strings."""

from __future__ import annotations

import json

import msgspec
import pytest

from vclaim_async.models import enums


def test_enum_members_are_wire_strings() -> None:
    code_from_bpjs: str = json.loads('"1"')
    assert code_from_bpjs == enums.JnsPelayanan.RAWAT_INAP
    assert enums.KlsRawatNaik.DI_ATAS_KELAS_1.value == "8"
    assert enums.KdPenunjang.HEMODIALISA.value == "12"
    assert [m.value for m in enums.StatusPulang] == ["1", "3", "4", "5"]
    assert enums.JnsPelayanan("2") is enums.JnsPelayanan.RAWAT_JALAN
    assert msgspec.json.encode(enums.TipeRujukan.BALIK_PRB) == b'"2"'


@pytest.mark.parametrize("name", enums.__all__)
def test_enums_are_str_enums_with_string_values(name: str) -> None:
    enum_cls = getattr(enums, name)
    assert issubclass(enum_cls, str)
    assert all(isinstance(m.value, str) and m.value.isdigit() for m in enum_cls)
