"""Single look-ups: ``peserta``, ``sep`` and ``referensi``."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from tests.cli.helpers import (
    UNKNOWN_CARD,
    clean_env,
    cli,
)
from vclaim_async.testing import VClaimSimulator

# -- single look-ups -------------------------------------------------------------------------


def test_peserta_pretty_json_and_not_found(registry: VClaimSimulator) -> None:
    card = registry.participants.cards()[0]
    person = registry.participants.get(card)
    assert person is not None and person.nama is not None
    pretty = cli("peserta", "--sandbox", card)
    assert pretty.returncode == 0, pretty.stderr
    assert person.nama in pretty.stdout and "statusPeserta.keterangan" in pretty.stdout
    as_json = cli("peserta", "--sandbox", "--json", str(person.nik), "--date", "2024-03-01")
    assert as_json.returncode == 0, as_json.stderr
    wire = json.loads(as_json.stdout)
    assert wire["noKartu"] == card and "tglTAT" in wire and "statusPeserta" in wire
    missing = cli("peserta", "--sandbox", UNKNOWN_CARD)
    assert missing.returncode == 1
    assert missing.stderr.strip().startswith("vclaim-async: error: BPJS code 201")
    assert UNKNOWN_CARD not in missing.stderr


def test_referensi_lookups_in_the_sandbox() -> None:
    diagnosa = cli("referensi", "diagnosa", "A09", "--sandbox")
    assert diagnosa.returncode == 0, diagnosa.stderr
    assert "A09" in diagnosa.stdout and "kode" in diagnosa.stdout
    poli = cli("referensi", "poli", "dalam", "--sandbox", "--json")
    assert poli.returncode == 0, poli.stderr
    assert {"kode": "INT", "nama": "PENYAKIT DALAM"} in json.loads(poli.stdout)
    faskes = cli("referensi", "faskes", "puskesmas", "--jenis", "1", "--sandbox", "--json")
    assert faskes.returncode == 0, faskes.stderr
    assert all("kode" in item for item in json.loads(faskes.stdout))
    no_level = cli("referensi", "faskes", "puskesmas", "--sandbox")
    assert no_level.returncode == 2 and "--jenis" in no_level.stderr


async def test_sep_get_and_cbg_read_what_bpjs_holds(tmp_path: Path) -> None:
    from vclaim_async import VClaimClient
    from vclaim_async.models.sep import SepRujukan

    async with VClaimSimulator() as sim:
        card = sim.participants.cards(active=True)[0]
        rujukan = sim.state.add_rujukan(card, tgl_kunjungan="2024-02-27")
        async with VClaimClient(sim.config()) as client:
            issued = await client.sep.insert(
                no_kartu=card, tgl_sep="2024-03-01", jns_pelayanan="2", kls_rawat="3",
                no_mr="MR-0001", diag_awal="I10", poli="INT", no_telp="081200000000",
                user="1001", dpjp_layan="31486",
                rujukan=SepRujukan(asal_rujukan="1", tgl_rujukan="2024-02-27",
                                   no_rujukan=rujukan, ppk_rujukan="0301U001"),
            )  # fmt: skip
        assert issued.no_sep
        env = clean_env(
            VCLAIM_CONS_ID=sim.cons_id, VCLAIM_SECRET=sim.secret,
            VCLAIM_USER_KEY=sim.user_key, VCLAIM_BASE_URL=sim.base_url,
        )  # fmt: skip

        async def run(*args: str) -> tuple[int, str, str]:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "vclaim_async", *args,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
            )  # fmt: skip
            out, err = await asyncio.wait_for(proc.communicate(), 60)
            return proc.returncode or 0, out.decode(), err.decode()

        code, out, err = await run("sep", "get", issued.no_sep, "--json")
        assert code == 0, err
        wire = json.loads(out)
        assert wire["noSep"] == issued.no_sep and wire["tglSep"] == "2024-03-01"
        code, out, err = await run("sep", "get", issued.no_sep)
        assert code == 0, err
        assert issued.no_sep in out and "noSep" in out
        code, out, err = await run("sep", "cbg", issued.no_sep, "--json")
        assert code == 0, err
        assert json.loads(out)
        code, out, err = await run("sep", "get", "0301R0011299V999999")
        assert code == 1
        assert err.strip().startswith("vclaim-async: error: BPJS code 201")
