"""The simulator's routes: one per catalog operation, paths taken from the catalog, and the
catalog itself checked against an independent list of the documented paths."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import vclaim_async.testing
from vclaim_async._catalog import CATALOG
from vclaim_async.testing import VClaimSimulator
from vclaim_async.testing.routes import ROUTES, resolve
from vclaim_async.testing.routes._base import pattern_for

GOLDEN = Path(__file__).with_name("golden_paths.txt")
_PLACEHOLDER = re.compile(r"\{([^}]*)\}")


def _golden() -> set[tuple[str, str]]:
    rows = set()
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            method, path = line.split()
            rows.add((method, _PLACEHOLDER.sub("{}", path)))
    return rows


def test_the_catalog_holds_exactly_the_documented_paths() -> None:
    catalog = {(row.method, _PLACEHOLDER.sub("{}", row.path)) for row in CATALOG.values()}
    golden = _golden()
    assert len(golden) == len(CATALOG) == 81
    assert sorted(catalog - golden) == [], "in the catalog but not in the protocol notes"
    assert sorted(golden - catalog) == [], "in the protocol notes but not in the catalog"


def test_every_operation_has_one_route_with_the_catalog_method() -> None:
    assert sorted(ROUTES) == sorted(CATALOG)
    for name, route in ROUTES.items():
        assert route.method == CATALOG[name].method, name


def _sample(template: str) -> tuple[str, dict[str, str]]:
    """The template with each placeholder filled by a distinct value, and those values."""
    values: dict[str, str] = {}

    def fill(match: re.Match[str]) -> str:
        values[match.group(1)] = f"v{len(values)}-x"
        return values[match.group(1)]

    return _PLACEHOLDER.sub(fill, template), values


@pytest.mark.parametrize("name", list(CATALOG))
def test_a_catalog_path_reaches_its_own_handler_with_its_parameter_names(name: str) -> None:
    row = CATALOG[name]
    path, values = _sample(row.path)
    for variant in (path, path.upper(), path.lower(), path + "/"):
        found = resolve(row.method, variant)
        assert found is not None, variant
        route, params = found
        assert route.name == name
        assert {k: v.lower() for k, v in params.items()} == values


def test_handlers_read_only_the_parameters_their_path_has() -> None:
    # A renamed catalog placeholder must be renamed in its handler too, or it would 500.
    for name, route in ROUTES.items():
        source = inspect.getsource(route.handler)
        read = set(re.findall(r"req\.params(?:\[|\.get\()\"(\w+)\"", source))
        names = {n for p in route.patterns for n in p.groupindex}
        assert read <= names, f"{name} reads {sorted(read - names)}"


def test_other_methods_and_longer_paths_reach_nothing() -> None:
    assert resolve("POST", "Peserta/nokartu/0/tglSEP/2024-01-01") is None
    assert resolve("GET", "Peserta/nokartu/0/tglSEP/2024-01-01/extra") is None
    assert resolve("GET", "Peserta/nokartu//tglSEP/2024-01-01") is None


def test_parameters_are_percent_decoded() -> None:
    found = resolve("GET", "referensi/diagnosa/demam%20berdarah")
    assert found is not None
    assert found[1] == {"keyword": "demam berdarah"}


def test_an_optional_last_segment_may_be_empty_or_absent() -> None:
    for path in (
        "Sep/updtglplg/list/bulan/03/tahun/2024/",
        "Sep/updtglplg/list/bulan/03/tahun/2024",
    ):
        found = resolve("GET", path)
        assert found is not None and found[0].name == "sep.list_tgl_pulang"
        assert found[1].get("filter_text", "") == ""
    pattern = pattern_for("a/{x}", optional={"x"})
    assert pattern.fullmatch("a") and pattern.fullmatch("a/b")
    with pytest.raises(ValueError, match="whole segment"):
        pattern_for("a/b{x}", optional={"x"})


def test_the_old_jasa_raharja_path_is_served_too() -> None:
    found = resolve("GET", "monitoring/JasaRaharja/tglMulai/2024-03-01/tglAkhir/2024-03-31")
    assert found is not None and found[0].name == "monitoring.list_jasa_raharja"
    assert found[1] == {"tgl_mulai": "2024-03-01", "tgl_akhir": "2024-03-31"}


def test_the_simulator_never_spells_a_catalog_path_itself() -> None:
    # Each path is written once, in _catalog.py; the routes derive their patterns from it.
    package = Path(vclaim_async.testing.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py"))
    for row in CATALOG.values():
        literal = row.path.split("{", 1)[0]
        if literal.count("/") >= 1 and len(literal) >= 10:
            assert literal not in source, f"{row.name}: {literal!r} written in the simulator"


async def test_a_route_added_on_the_instance_is_tried_after_the_built_in_ones(
    sim: VClaimSimulator,
) -> None:
    from vclaim_async.testing import Reply, SimRequest

    @sim.route("GET", r"custom/(?P<thing>[^/]+)")
    async def custom(req: SimRequest) -> Reply:
        return Reply(payload={"thing": req.params["thing"]})

    assert sim._find("GET", "custom/a%2Fb") == (custom, {"thing": "a/b"}, None)
    assert sim._find("GET", "custom") is None


# -- SEP insert refuses what BPJS would refuse ---------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rujukan": "0301U0010000Y999999"}, "Data Rujukan Tidak Ditemukan"),
        ({"rujukan": "someone-else"}, "Data Rujukan Tidak Ditemukan"),
        ({"poli": "ZZZ"}, "Kode Poli tidak ditemukan"),
        ({"dpjp_layan": "99999"}, "Kode Dokter tidak ditemukan"),
    ],
    ids=["unknown-referral", "another-participants-referral", "unknown-clinic", "unknown-doctor"],
)
async def test_sep_insert_refuses_unknown_references(
    vclaim_simulator: VClaimSimulator, change: dict[str, str], message: str
) -> None:
    from tests.resources.world import DOKTER, USER
    from vclaim_async import APIError, VClaimClient
    from vclaim_async.models.sep import SepRujukan

    sim = vclaim_simulator
    card, other = sim.participants.cards(active=True)[:2]
    async with VClaimClient(sim.config()) as client:
        own = (await client.rujukan.by_card(card)).no_kunjungan
        theirs = (await client.rujukan.by_card(other)).no_kunjungan
        assert own and theirs
        number = {"someone-else": theirs}.get(change.get("rujukan", ""), change.get("rujukan", own))
        arguments: dict[str, object] = {
            "no_kartu": card, "tgl_sep": "2024-03-01", "jns_pelayanan": "2", "kls_rawat": "3",
            "no_mr": "MR-1", "diag_awal": "I10", "poli": change.get("poli", "INT"),
            "no_telp": "0812", "user": USER, "dpjp_layan": change.get("dpjp_layan", DOKTER),
            "rujukan": SepRujukan(asal_rujukan="1", tgl_rujukan="2024-02-27", no_rujukan=number,
                                  ppk_rujukan="0301U001"),
        }  # fmt: skip
        before = len(sim.state.seps)
        with pytest.raises(APIError) as refused:
            await client.sep.insert(**arguments)  # type: ignore[arg-type]
        assert refused.value.code == "201" and refused.value.message == message
        assert len(sim.state.seps) == before  # nothing issued
        valid = SepRujukan(
            asal_rujukan="1", tgl_rujukan="2024-02-27", no_rujukan=own, ppk_rujukan="0301U001"
        )
        arguments.update(poli="INT", dpjp_layan=DOKTER, rujukan=valid)
        assert (await client.sep.insert(**arguments)).no_sep  # type: ignore[arg-type]
