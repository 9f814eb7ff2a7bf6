"""One naming rule, checked: BPJS nouns with English verbs; catalog names are method names."""

from __future__ import annotations

import inspect
import re
import string

import msgspec
import pytest

from tests.conftest import mock_config
from vclaim_async import CATALOG, VClaimClient
from vclaim_async.models import lpk, prb, rencana_kontrol, rujukan, sep
from vclaim_async.models._request import Request
from vclaim_async.resources._base import Resource

RESOURCES = (
    "peserta", "sep", "rujukan", "rencana_kontrol", "referensi", "monitoring", "prb", "lpk"
)  # fmt: skip
# get, list_*, by_*, insert, update, delete, each optionally qualified (get_rs, insert_spri).
VERB = re.compile(r"(get|list|by|insert|update|delete)(_[a-z0-9]+)*")
# Methods that compose catalog rows rather than being one.
COMPOSED = {
    "peserta.lookup",
    "peserta.check_many",
    "sep.list_pengajuan",
    "sep.list_landed",
    "sep.get_landed",
}


def _methods() -> list[tuple[str, str]]:
    client = VClaimClient(mock_config())
    found = []
    for resource in RESOURCES:
        instance = getattr(client, resource)
        assert isinstance(instance, Resource)
        for name, _ in inspect.getmembers(type(instance), inspect.isfunction):
            if not name.startswith("_"):
                found.append((resource, name))
    return found


METHODS = _methods()


@pytest.mark.parametrize(("resource", "name"), METHODS, ids=[f"{r}.{n}" for r, n in METHODS])
def test_every_public_method_follows_the_verb_rule(resource: str, name: str) -> None:
    qualified = f"{resource}.{name}"
    assert VERB.fullmatch(name) or qualified in COMPOSED, f"{qualified} breaks the naming rule"
    # A method is a catalog row of the same name, or one of the few that compose rows.
    assert (qualified in CATALOG) != (qualified in COMPOSED), qualified


def test_every_catalog_row_is_a_method_and_its_placeholders_are_its_parameters() -> None:
    client = VClaimClient(mock_config())
    for name, row in CATALOG.items():
        resource, method = name.split(".")
        assert resource in RESOURCES, name
        function = getattr(getattr(client, resource), method)
        parameters = set(inspect.signature(function).parameters)
        placeholders = {f for _, f, _, _ in string.Formatter().parse(row.path) if f}
        assert placeholders <= parameters, f"{name}: {placeholders - parameters} not parameters"


def test_no_abbreviated_kode_in_parameters_or_request_fields() -> None:
    for resource, name in METHODS:
        function = getattr(getattr(VClaimClient(mock_config()), resource), name)
        for parameter in inspect.signature(function).parameters:
            assert not parameter.startswith("kd_"), f"{resource}.{name}({parameter})"
    for module in (sep, rujukan, rencana_kontrol, prb, lpk):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Request) and cls.__module__ == module.__name__:
                for field in msgspec.structs.fields(cls):
                    assert not field.name.startswith("kd_"), f"{cls.__name__}.{field.name}"


def test_every_method_documents_itself_without_repeating_a_path() -> None:
    client = VClaimClient(mock_config())
    for resource, name in METHODS:
        doc = inspect.getdoc(getattr(getattr(client, resource), name)) or ""
        assert doc, f"{resource}.{name} has no docstring"
        row = CATALOG.get(f"{resource}.{name}")
        if row is not None:
            # The row is named instead (``catalog ``sep.get```): a path lives in one place.
            first = re.escape(row.path.split("/")[0] + "/")
            repeated = re.search(rf"``(?:(?:GET|POST|PUT|DELETE) )?{first}", doc)
            assert not repeated, f"{resource}.{name} repeats its path"
