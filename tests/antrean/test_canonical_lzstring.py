"""The simulator's Antrean answers decrypt with node's crypto and the canonical JavaScript
lz-string, so the simulator and our client cannot agree on a mistake.

Needs ``node`` on PATH and lz-string 1.5.0 where node can load it:
``npm install --prefix benchmarks/.node lz-string@1.5.0`` (the folder is git-ignored; .ci/run
may install it). Skips, saying so, when either is missing.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import aiohttp
import msgspec
import pytest

from tests.antrean.conftest import at
from vclaim_async import _signing
from vclaim_async._envelope import payload_text
from vclaim_async.antrean import AntreanClient
from vclaim_async.testing import VClaimSimulator

ROOT = Path(__file__).resolve().parents[2]
NODE_LIB = ROOT / "benchmarks" / ".node" / "node_modules" / "lz-string"

# Reads [{"key": consId+secret+timestamp, "response": base64}], answers the plaintexts.
NODE_SCRIPT = r"""
const crypto = require("crypto");
const LZ = require(process.argv[1]);
let raw = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (c) => { raw += c; });
process.stdin.on("end", () => {
  const out = JSON.parse(raw).map((job) => {
    const key = crypto.createHash("sha256").update(job.key, "utf8").digest();
    const decipher = crypto.createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
    const lz = Buffer.concat([decipher.update(job.response, "base64"), decipher.final()]);
    return LZ.decompressFromEncodedURIComponent(lz.toString("utf8"));
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH")
    if not (NODE_LIB / "package.json").exists():
        pytest.skip(
            "lz-string is not installed: npm install --prefix benchmarks/.node lz-string@1.5.0"
        )
    return node


def _canonical(node: str, jobs: list[dict[str, str]]) -> list[Any]:
    """What node's AES and canonical lz-string make of each answer, parsed as JSON."""
    done = subprocess.run(
        [node, "-e", NODE_SCRIPT, str(NODE_LIB)],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [json.loads(text) for text in json.loads(done.stdout)]


async def _fetch(sim: VClaimSimulator, method: str, path: str, body: Any = None) -> tuple[str, Any]:
    stamp = str(int(sim.clock()))
    headers = dict(_signing.signed_headers(sim.cons_id, sim.secret, sim.antrean_user_key, stamp))
    data = None if body is None else json.dumps(body).encode()
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method, f"{sim.antrean_base_url}/{path}", data=data, headers=headers
        ) as resp,
    ):
        return stamp, json.loads(await resp.read())


async def test_simulator_answers_decrypt_with_canonical_lz_string(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient, today: datetime.date
) -> None:
    node = _node()
    sim = vclaim_simulator
    booking = sim.antrean_state.add_booking("2026/03/13/000317", tanggal=today)
    await antrean_client.antrean.update_waktu(
        kodebooking=booking.kodebooking, taskid=3, waktu=at(today, 8, 5)
    )
    card = sim.participants.cards()[0]
    calls = [
        ("GET", "ref/poli", None),
        ("GET", "ref/dokter", None),
        ("GET", "ref/poli/fp", None),
        ("GET", f"ref/pasien/fp/identitas/noka/noidentitas/{card}", None),
        ("GET", "jadwaldokter/kodepoli/INT/tanggal/2026-12-07", None),
        ("POST", "antrean/getlisttask", {"kodebooking": booking.kodebooking}),
        ("GET", f"antrean/pendaftaran/tanggal/{today.isoformat()}", None),
        ("GET", "antrean/pendaftaran/aktif", None),
    ]
    jobs, ours = [], []
    for method, path, body in calls:
        stamp, envelope = await _fetch(sim, method, path, body)
        assert isinstance(envelope["metadata"]["code"], int), path
        assert isinstance(envelope["response"], str), path
        jobs.append({"key": sim.cons_id + sim.secret + stamp, "response": envelope["response"]})
        text, decrypted = payload_text(
            msgspec.Raw(json.dumps(envelope["response"]).encode()),
            encrypted=True,
            cons_id=sim.cons_id,
            secret=sim.secret,
            timestamp=stamp,
        )
        assert decrypted and text is not None
        ours.append(json.loads(text))
    theirs = await asyncio.to_thread(_canonical, node, jobs)
    assert theirs == ours
    # And what canonical lz-string reads is what the simulator holds.
    assert [p["kdsubspesialis"] for p in theirs[0]] == [
        p["kdsubspesialis"] for p in sim.antrean_state.poli
    ]
    assert theirs[5][0]["kodebooking"] == "2026/03/13/000317"
    assert theirs[5][0]["wakturs"].endswith(" 08:05:00 WIB")
