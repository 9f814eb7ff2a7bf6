"""The catalog is the single table: every row has a method, a simulator route and a test."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAST_RETRY, mock_config
from tests.resources.world import CALLS, TGL, build_world
from vclaim_async import CATALOG, VClaimClient, VClaimError
from vclaim_async._catalog import CATALOGS, render_table
from vclaim_async.testing import VClaimSimulator

ENDPOINTS = Path(__file__).resolve().parents[2] / "docs" / "endpoints.md"
ROWS = list(CATALOG)


def test_calls_cover_every_row() -> None:
    assert sorted(CALLS) == sorted(CATALOG)


@pytest.mark.parametrize("name", ROWS)
def test_every_row_has_a_client_method(name: str) -> None:
    client = VClaimClient(mock_config())  # resources exist before the client is opened
    resource, method = name.split(".")
    bound = getattr(getattr(client, resource), method)
    assert inspect.iscoroutinefunction(bound), f"{name} has no async client method"


@pytest.mark.parametrize("name", ROWS)
async def test_every_row_is_served_by_the_simulator(
    sim: VClaimSimulator, client: VClaimClient, name: str
) -> None:
    world = await build_world(sim, client)
    before = len(sim.requests)
    result = await CALLS[name](client, world)
    assert result is not None or name in _NULL_ANSWERS
    row = CATALOG[name]
    sent = sim.requests[before:]
    assert any(r.method == row.method for r in sent)
    template = "/vclaim-rest/" + re.sub(r"\{[a-z_]+\}", "[^/]*", row.path)
    assert any(re.fullmatch(template, r.path) for r in sent), f"{name}: {[r.path for r in sent]}"


_NULL_ANSWERS = {"sep.update_tgl_pulang", "rencana_kontrol.delete"}


@pytest.mark.parametrize("name", ROWS)
async def test_path_overrides_are_honoured_for_every_row(
    sim: VClaimSimulator, client: VClaimClient, name: str
) -> None:
    world = await build_world(sim, client)
    row = CATALOG[name]
    config = sim.config(retry=FAST_RETRY, path_overrides={name: "moved/" + row.path})
    async with VClaimClient(config) as moved_client:
        before = len(sim.requests)
        with pytest.raises(VClaimError):
            await CALLS[name](moved_client, world)  # the simulator has no route at moved/...
    moved = [r.path for r in sim.requests[before:] if r.path.startswith("/vclaim-rest/moved/")]
    assert moved, f"{name} ignored its path override"


async def test_override_reaches_the_old_jasa_raharja_path(sim: VClaimSimulator) -> None:
    old = "monitoring/JasaRaharja/tglMulai/{tgl_mulai}/tglAkhir/{tgl_akhir}"
    config = sim.config(retry=FAST_RETRY, path_overrides={"monitoring.list_jasa_raharja": old})
    async with VClaimClient(config) as client:
        await build_world(sim, client)
        rows = await client.monitoring.list_jasa_raharja("2", TGL, "2024-03-31")
    assert rows and rows[0].sep is not None
    assert sim.requests[-1].path.endswith(
        "/monitoring/JasaRaharja/tglMulai/2024-03-01/tglAkhir/2024-03-31"
    )


def test_encryption_flags_follow_the_protocol_notes() -> None:
    assert CATALOG["sep.delete"].encrypted is False
    assert CATALOG["sep.get_inacbg"].encrypted is False
    assert CATALOG["sep.delete_internal"].encrypted is False
    assert CATALOG["sep.update"].encrypted is None
    assert CATALOG["sep.insert"].encrypted is True
    assert all(
        row.encrypted is True for row in CATALOG.values() if row.name.startswith("referensi.")
    )


def test_only_reads_are_retried() -> None:
    for row in CATALOG.values():
        assert row.idempotent is (row.method == "GET")


def test_no_legacy_rows() -> None:
    paths = {row.path for row in CATALOG.values()}
    assert not {p for p in paths if "/1.1/" in p or p in ("SEP/Delete", "Rujukan/insert")}


def test_rendered_table_lists_every_row() -> None:
    table = render_table()
    lines = table.splitlines()
    assert lines[0].startswith("| Service | Operation | Method | Path |")
    assert len(lines) == 2 + sum(len(catalog) for catalog in CATALOGS.values())
    assert "| VClaim | `sep.delete` | DELETE | `SEP/2.0/delete` | no (plain) | no |" in lines
    assert "| VClaim | `sep.get` | GET | `SEP/{no_sep}` | yes | yes |" in lines
    # Antrean's read-only POST is retried; its writes are not; its dashboards are plain.
    assert (
        "| Antrean RS | `antrean.list_task` | POST | `antrean/getlisttask` | yes | yes |" in lines
    )
    assert (
        "| Antrean RS | `antrean.update_waktu` | POST | `antrean/updatewaktu` | no (plain) | no |"
        in lines
    )


def test_endpoints_page_is_the_rendered_catalog() -> None:
    text = ENDPOINTS.read_text(encoding="utf-8")
    match = re.search(r"<!-- catalog:start -->\n(.*?)<!-- catalog:end -->", text, re.DOTALL)
    assert match, "docs/endpoints.md lacks the catalog markers"
    assert match.group(1) == render_table(), (
        "docs/endpoints.md's table is stale: run `vclaim-async catalog` and paste it"
    )


def test_catalog_command_prints_the_table() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vclaim_async", "catalog"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout == render_table()
    assert done.stderr == ""
