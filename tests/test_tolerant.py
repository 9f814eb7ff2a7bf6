"""One null field must not make a whole answer unreadable, unless decoding is strict."""

from __future__ import annotations

import datetime
import json
import logging

import msgspec
import pytest

from tests._fixtures import load_fixture
from tests.resources.world import issue_sep
from vclaim_async import CallEvent, DecodeError, VClaimClient
from vclaim_async._envelope import decode_payload
from vclaim_async.models.monitoring import HistoriPelayananList
from vclaim_async.models.sep import SepDetail, SepInsertResult
from vclaim_async.testing import VClaimSimulator

DAY = datetime.date(2024, 4, 1)


def _lenient(data: object, model: type) -> object:
    text = json.dumps(data)
    return decode_payload(text, True, msgspec.Raw(text.encode()), model, strict=False)


def _strict(data: object, model: type) -> object:
    text = json.dumps(data)
    return decode_payload(text, True, msgspec.Raw(text.encode()), model)


def test_a_null_required_field_in_one_row_keeps_the_rest_readable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = load_fixture("responses/monitoring/histori.json")
    data["histori"][0]["diagnosa"] = None
    with pytest.raises(DecodeError, match="diagnosa"):
        _strict(data, HistoriPelayananList)
    with caplog.at_level(logging.WARNING, logger="vclaim_async"):
        result = _lenient(data, HistoriPelayananList)
    assert isinstance(result, HistoriPelayananList)
    assert result.histori[0].diagnosa == ""
    assert [r.no_sep for r in result.histori] == [r["noSep"] for r in data["histori"]]
    (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "$.histori[0].diagnosa" in record.getMessage()


def test_missing_fields_and_objects_are_defaulted_by_type() -> None:
    data = load_fixture("responses/sep/detail.json")
    del data["catatan"]  # a str
    data["lokasiKejadian"] = None  # an object: its own fields default
    data["tglSep"] = None  # a date: 0001-01-01, never a plausible day
    result = _lenient(data, SepDetail)
    assert isinstance(result, SepDetail)
    assert result.catatan == ""
    assert result.lokasi_kejadian.kd_prop is None
    assert result.tgl_sep == datetime.date.min


@pytest.mark.parametrize("name", ["noSep", "noRujukan"])
def test_identifiers_are_never_defaulted(name: str) -> None:
    data = load_fixture("responses/sep/detail.json")
    data[name] = None
    with pytest.raises(DecodeError, match=name):
        _lenient(data, SepDetail)
    del data[name]
    with pytest.raises(DecodeError, match=name):
        _lenient(data, SepDetail)


def test_a_wrong_value_that_is_not_null_is_still_an_error() -> None:
    data = load_fixture("responses/sep/insert.json")
    data["sep"]["tglSep"] = "not a date"
    with pytest.raises(DecodeError):
        _lenient(data, SepInsertResult)
    data = load_fixture("responses/sep/insert.json")
    data["sep"]["diagnosa"] = {"kode": "I10"}
    with pytest.raises(DecodeError):
        _lenient(data, SepInsertResult)


async def test_through_the_client_a_hook_event_names_the_field_never_the_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    events: list[CallEvent] = []
    async with VClaimSimulator(seed=5) as sim:
        card = sim.participants.cards(active=True)[0]
        rujukan = next(
            n for n, r in sim.state.referrals().items() if r.extra.get("no_kartu") == card
        )
        async with VClaimClient(sim.config()) as client:
            sep = await issue_sep(client, card, rujukan, tgl=DAY)
        assert sep.no_sep is not None
        sim.state.seps[sep.no_sep].t_sep["catatan"] = None  # BPJS answers "catatan": null
        async with VClaimClient(sim.config(strict_decoding=False), hooks=[events.append]) as c:
            with caplog.at_level(logging.WARNING, logger="vclaim_async"):
                detail = await c.sep.get(sep.no_sep)
        async with VClaimClient(sim.config()) as strict:
            with pytest.raises(DecodeError, match="catatan"):
                await strict.sep.get(sep.no_sep)
    assert detail.no_sep == sep.no_sep and detail.catatan == ""
    assert events[-1].operation == "sep.get" and events[-1].ok
    assert events[-1].defaulted == ("$.catatan",)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "$.catatan" in warnings[0]
    assert sep.no_sep not in warnings[0] and card not in warnings[0]


async def test_an_answer_that_decodes_has_no_defaulted_fields() -> None:
    events: list[CallEvent] = []
    async with VClaimSimulator(seed=5) as sim:
        card = sim.participants.cards(active=True)[0]
        async with VClaimClient(sim.config(strict_decoding=False), hooks=[events.append]) as c:
            await c.peserta.by_card(card, DAY)
    assert events[-1].defaulted == ()


def test_the_default_config_is_tolerant_and_the_simulators_strict() -> None:
    from vclaim_async import VClaimConfig

    config = VClaimConfig(cons_id="1", secret="s", user_key="k")
    assert config.strict_decoding is False
    assert VClaimSimulator().config().strict_decoding is True
