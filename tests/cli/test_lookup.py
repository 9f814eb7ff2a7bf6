"""Single look-ups: ``peserta``, ``sep`` and ``referensi``."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import msgspec
import pytest

from tests.cli.helpers import FAST, UNKNOWN_CARD, clean_env, cli, script_sandbox
from vclaim_async.cli import main
from vclaim_async.cli.common import clean
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


async def test_sep_get_and_cbg_read_what_bpjs_holds(
    tmp_path: Path, vclaim_simulator: VClaimSimulator
) -> None:
    from vclaim_async import VClaimClient
    from vclaim_async.models.sep import SepRujukan

    sim = vclaim_simulator
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


# -- stdin and the screen ------------------------------------------------------------------


def test_peserta_reads_identifiers_from_stdin(registry: VClaimSimulator) -> None:
    card, nik = registry.participants.cards()[0], registry.participants.niks()[1]
    one = cli("peserta", "--sandbox", "-", "--json", stdin=f"{card}\n")
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["noKartu"] == card
    several = cli("peserta", "--sandbox", "-", "--json", stdin=f"# today\n{card}\n\n{nik}\n")
    assert several.returncode == 0, several.stderr
    answers = json.loads(several.stdout)
    assert [a["noKartu"] for a in answers] == [card, registry.participants.card_for_nik(nik)]
    one_missing = cli("peserta", "--sandbox", "-", stdin=f"{card}\n{UNKNOWN_CARD}\n")
    assert one_missing.returncode == 1
    assert "line 2" in one_missing.stderr and UNKNOWN_CARD not in one_missing.stderr
    assert cli("peserta", "--sandbox", "-", stdin="\n").returncode == 2
    helped = cli("peserta", "--help")
    assert "stdin" in helped.stdout and "shell history" in helped.stdout


def test_a_card_that_lost_its_leading_zeros_is_named_as_such(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["peserta", "--sandbox", "1234567890"]) == 2
    err = capsys.readouterr().err
    assert "10 digits" in err and "leading zeros" in err and "1234567890" not in err


def test_a_stripped_card_in_check_input_is_reported_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("123456789012\n1234567890\n12345\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    # Nothing in it is an identifier: refused before any request, the hint in the one line.
    assert main(["check", *FAST, str(source), "--out", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert "lost leading zeros" in err and err.count("\n") == 1 and not out.exists()
    assert main(["check", *FAST, str(source), "--out", str(out), "-q", "--allow-invalid"]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in rows] == ["invalid"] * 3
    assert "lost its leading zeros" in rows[0]["error_message"]
    assert "12 digits" in rows[0]["error_message"] and "10 digits" in rows[1]["error_message"]
    assert "leading zeros" not in rows[2]["error_message"]


HOSTILE = "BUDI\x1b]0;owned\x07\x1b[2J\x9b31m\x00\x7fSANTOSO"


def test_control_characters_never_reach_the_terminal(
    registry: VClaimSimulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    card = registry.participants.cards()[0]

    def setup(sim: VClaimSimulator) -> None:
        person = sim.participants.get(card)
        assert person is not None
        sim.participants.add({**msgspec.to_builtins(person), "nama": HOSTILE})

    script_sandbox(monkeypatch, setup)
    assert main(["peserta", "--sandbox", card]) == 0  # a table
    table = capsys.readouterr().out
    assert "BUDI]0;owned[2J31mSANTOSO" in table
    assert main(["peserta", "--sandbox", card, "--json"]) == 0  # exact JSON, escaped
    text = capsys.readouterr().out
    assert json.loads(text)["nama"] == HOSTILE
    for shown in (table, text):
        assert not any((ord(c) < 32 and c not in "\n") or 0x7F <= ord(c) <= 0x9F for c in shown)
    # An error line that quotes hostile text (here: a file name) is cleaned too.
    assert main(["check", "--sandbox", str(tmp_path / "in\x1b[31m.csv")]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and err.count("\n") == 1


def test_clean_strips_c0_c1_and_del_but_keeps_text() -> None:
    assert clean("a\x1b[31mb\x9bc\x7fd\te\nf") == "a[31mbcd\te\nf"
    assert clean("a\nb\t c", one_line=True) == "a b c"
    assert clean("Jl. Merdeka No. 5 — ÄÖ 日本") == "Jl. Merdeka No. 5 — ÄÖ 日本"
