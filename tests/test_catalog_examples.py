"""Every example answer the official VClaim catalog prints decodes through the public client.

``tests/fixtures/catalog/`` holds one file per example with its provenance (the catalog page's
title, where the public copy was found, and any edit needed to make the printed text JSON).
Each is served, encrypted as BPJS does, from an aiohttp test server on loopback, and fetched
with the client method of its catalog operation under **strict** decoding: an example that
needs the tolerant path to decode is a model that contradicts BPJS's own evidence.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.resources.world import CALLS, Call, World
from vclaim_async import RetryPolicy, VClaimClient, VClaimConfig, _crypto, _lzstring
from vclaim_async._catalog import CATALOG

EXAMPLES = sorted((Path(__file__).parent / "fixtures" / "catalog").glob("*.json"))
CONS_ID, SECRET = "1234", "catalog-secret"

# Numbers of the right shape for the calls' argument checks; the server answers any path.
WORLD = World(
    card="9999960271256",
    no_sep="0301R0110818V100085",
    accident_sep="0301R0110818V100185",
    rujukan_fktp="0301U01108180200084",
    rujukan_rs="0304R0050217A000079",
    rujukan_keluar="1828R0011221B000001",
    surat_kontrol="0301R0110520K000013",
    spri="0301R0110421K000002",
    no_srb="1234567",
    khusus_id="1",
    khusus_no="0301R0011117B000014",
    khusus_month=datetime.date(2024, 3, 1),
    today=datetime.date(2024, 3, 1),
)


# Calls that read something first in the simulator's world; here the one method is enough.
DIRECT: dict[str, Call] = {
    "peserta.by_nik": lambda c, w: c.peserta.by_nik("0019022010810007", w.today),
    "rujukan.get_rs_by_card": lambda c, w: c.rujukan.get_rs_by_card(w.card),
    "rujukan.list_rs_by_card": lambda c, w: c.rujukan.list_rs_by_card(w.card),
}
#: Examples of routes the client does not call (older catalog versions), kept for the record.
LEGACY = {"rujukan-insert"}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
async def serve() -> AsyncIterator[Any]:
    servers: list[TestServer] = []

    async def start(operation: str, envelope: dict[str, Any]) -> str:
        encrypted = CATALOG[operation].encrypted

        async def answer(request: web.Request) -> web.Response:
            body = dict(envelope)
            payload = body.get("response")
            if encrypted is not False and isinstance(payload, dict | list):
                text = _lzstring.compress_to_encoded_uri_component(json.dumps(payload))
                stamp = request.headers["X-timestamp"]
                body["response"] = _crypto.encrypt(text, CONS_ID, SECRET, stamp)
            return web.json_response(body)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        return str(server.make_url("/vclaim-rest"))

    yield start
    for server in servers:
        await server.close()


def test_the_examples_are_all_there_with_their_provenance() -> None:
    assert len(EXAMPLES) >= 50
    for path in EXAMPLES:
        data = _load(path)
        if path.stem in LEGACY:
            assert data["operation"] is None and data["legacy_route"], path.name
            continue
        assert data["operation"] in CATALOG, path.name
        assert data["title"] and data["found_in"] and data["edits"], path.name
        assert "dvlp.bpjs-kesehatan.go.id" in data["catalog"], path.name
        assert data["example"]["metaData"]["code"] == "200", path.name


CURRENT = [p for p in EXAMPLES if p.stem not in LEGACY]


@pytest.mark.parametrize("path", CURRENT, ids=[p.stem for p in CURRENT])
async def test_each_catalog_example_decodes_through_the_client(path: Path, serve: Any) -> None:
    data = _load(path)
    url = await serve(data["operation"], data["example"])
    config = VClaimConfig(
        cons_id=CONS_ID,
        secret=SECRET,
        user_key="catalog-key",
        base_url=url,
        ppk_pelayanan="0301R011",
        retry=RetryPolicy.none(),
        timeout=5.0,
        strict_decoding=True,
    )
    async with VClaimClient(config) as client:
        call = DIRECT.get(data["operation"], CALLS[data["operation"]])
        result = await call(client, WORLD)
    if data["example"]["response"] is not None:
        assert result is not None


def test_the_catalogs_history_example_has_an_outpatient_row_without_a_class() -> None:
    """The evidence issue 17 names: ``kelasRawat`` null on an outpatient row."""
    rows = _load(Path(__file__).parent / "fixtures/catalog/monitoring-histori-pelayanan.json")
    histori = rows["example"]["response"]["histori"]
    pairs = [(r["jnsPelayanan"], r["kelasRawat"]) for r in histori]
    assert pairs == [("1", "Kelas 1"), ("2", None)]
