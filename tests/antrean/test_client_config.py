"""AntreanConfig and AntreanClient: the environment, the base URLs, and one core for both."""

from __future__ import annotations

import pytest

from vclaim_async import RetryPolicy, VClaimClient, VClaimConfig
from vclaim_async.antrean import ANTREAN_BASE_URLS, AntreanClient, AntreanConfig
from vclaim_async.testing import VClaimSimulator

SHARED = {"VCLAIM_CONS_ID": "743627386", "VCLAIM_SECRET": "s3cr3tK3y"}


def test_from_env_takes_the_antrean_key_and_never_the_vclaim_one() -> None:
    env = {
        **SHARED,
        "VCLAIM_USER_KEY": "vclaim-key",
        "VCLAIM_BASE_URL": "https://apijkn.bpjs-kesehatan.go.id/vclaim-rest",
        "VCLAIM_ANTREAN_USER_KEY": "antrean-key",
        "VCLAIM_ENV": "production",
        "VCLAIM_TIMEOUT": "12",
    }
    config = AntreanConfig.from_env(env)
    assert (config.cons_id, config.secret, config.user_key) == (
        "743627386",
        "s3cr3tK3y",
        "antrean-key",
    )
    assert config.url == "https://apijkn.bpjs-kesehatan.go.id/antreanrs"
    assert config.timeout == 12.0
    assert config.write_content_type.startswith("application/json")
    assert "antrean-key" not in repr(config)


def test_from_env_names_exactly_what_is_missing() -> None:
    with pytest.raises(ValueError) as caught:
        AntreanConfig.from_env({**SHARED, "VCLAIM_USER_KEY": "vclaim-key"})
    assert str(caught.value) == (
        "missing environment variables: VCLAIM_ANTREAN_USER_KEY, "
        "VCLAIM_ANTREAN_BASE_URL or VCLAIM_ENV"
    )
    assert not AntreanConfig.env_is_configured({**SHARED, "VCLAIM_ENV": "development"})
    assert AntreanConfig.env_is_configured(
        {**SHARED, "VCLAIM_ENV": "development", "VCLAIM_ANTREAN_USER_KEY": "k"}
    )


@pytest.mark.parametrize(
    ("environment", "url"),
    [
        ("production", "https://apijkn.bpjs-kesehatan.go.id/antreanrs"),
        ("development", "https://apijkn-dev.bpjs-kesehatan.go.id/antreanrs_dev"),
    ],
)
def test_base_urls_per_environment(environment: str, url: str) -> None:
    config = AntreanConfig(cons_id="1", secret="s", user_key="k", environment=environment)  # type: ignore[arg-type]
    assert config.url == url == ANTREAN_BASE_URLS[environment]


def test_config_errors_name_antrean_config_and_never_the_key() -> None:
    with pytest.raises(ValueError, match=r"^AntreanConfig\.user_key must be printable") as caught:
        AntreanConfig(cons_id="1", secret="s", user_key="kunci-rahasia-é")
    assert "rahasia" not in str(caught.value)


def test_each_client_takes_only_its_own_service_config() -> None:
    antrean = AntreanConfig(cons_id="1", secret="s", user_key="k")
    vclaim = VClaimConfig(cons_id="1", secret="s", user_key="k")
    with pytest.raises(TypeError, match="VClaimConfig"):
        VClaimClient(antrean)
    with pytest.raises(TypeError, match="AntreanConfig"):
        AntreanClient(vclaim)  # type: ignore[arg-type]


async def test_a_view_is_an_antrean_client_sharing_the_session(
    vclaim_simulator: VClaimSimulator, antrean_client: AntreanClient
) -> None:
    view = antrean_client.with_options(timeout=2, retry=RetryPolicy.none())
    assert isinstance(view, AntreanClient)
    assert view.transport is antrean_client.transport
    assert view.referensi is not antrean_client.referensi
    vclaim_simulator.faults.fail(status=502, times=1, operation="referensi.list_poli")
    with pytest.raises(Exception, match="gateway"):
        await view.referensi.list_poli()
    assert await antrean_client.referensi.list_poli()


async def test_one_session_for_every_call(vclaim_simulator: VClaimSimulator) -> None:
    async with AntreanClient(vclaim_simulator.antrean_config(max_concurrency=4)) as client:
        for _ in range(3):
            await client.referensi.list_poli()
            await client.antrean.list_aktif()
    # Keep-alive: the pooled session reused its connections.
    assert len(vclaim_simulator.connections) <= 4


async def test_not_open_says_so() -> None:
    client = AntreanClient(AntreanConfig(cons_id="1", secret="s", user_key="k"))
    with pytest.raises(RuntimeError, match="AntreanClient is not open"):
        await client.referensi.list_poli()
