"""VClaimConfig: environment reading, validation, and secrets kept out of repr."""

from __future__ import annotations

import pytest

from vclaim_async import BASE_URLS, VClaimConfig

ENV = {
    "VCLAIM_CONS_ID": "1234",
    "VCLAIM_SECRET": "s3cr3t-value",
    "VCLAIM_USER_KEY": "userkey-0123456789abcdef",
    "VCLAIM_ENV": "production",
    "VCLAIM_PPK": "0301R001",
    "VCLAIM_TIME_OFFSET": "-30",
}


def test_from_env_reads_every_variable() -> None:
    config = VClaimConfig.from_env(ENV)
    assert config.cons_id == "1234"
    assert config.url == "https://apijkn.bpjs-kesehatan.go.id/vclaim-rest"
    assert config.ppk_pelayanan == "0301R001"
    assert config.time_offset == -30


def test_base_url_wins_over_environment() -> None:
    env = dict(ENV, VCLAIM_BASE_URL="https://new-apijkn.bpjs-kesehatan.go.id/vclaim-rest/")
    assert VClaimConfig.from_env(env).url == "https://new-apijkn.bpjs-kesehatan.go.id/vclaim-rest"


def test_development_url() -> None:
    config = VClaimConfig(cons_id="1", secret="s", user_key="u", environment="development")
    assert config.url == BASE_URLS["development"]
    assert config.url.endswith("/vclaim-rest-dev")


@pytest.mark.parametrize(
    ("drop", "named"),
    [
        (["VCLAIM_SECRET"], ["VCLAIM_SECRET"]),
        (["VCLAIM_CONS_ID", "VCLAIM_USER_KEY"], ["VCLAIM_CONS_ID", "VCLAIM_USER_KEY"]),
        (["VCLAIM_ENV"], ["VCLAIM_BASE_URL or VCLAIM_ENV"]),
    ],
)
def test_from_env_names_exactly_what_is_missing(drop: list[str], named: list[str]) -> None:
    env = {k: v for k, v in ENV.items() if k not in drop}
    with pytest.raises(ValueError, match="missing environment variables") as info:
        VClaimConfig.from_env(env)
    for name in named:
        assert name in str(info.value)
    for present in set(ENV) - set(drop) - {"VCLAIM_PPK", "VCLAIM_TIME_OFFSET"}:
        assert present not in str(info.value)


def test_bad_time_offset_is_named() -> None:
    with pytest.raises(ValueError, match="VCLAIM_TIME_OFFSET"):
        VClaimConfig.from_env(dict(ENV, VCLAIM_TIME_OFFSET="5m"))


def test_secrets_never_in_repr() -> None:
    config = VClaimConfig.from_env(ENV)
    text = repr(config) + str(config)
    assert "s3cr3t-value" not in text
    assert "userkey-0123456789abcdef" not in text
    assert "1234" in text


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cons_id": ""},
        {"secret": " "},
        {"user_key": "a\nb"},
        {"environment": "staging"},
        {"base_url": "ftp://x"},
        {"max_concurrency": 0},
        {"timeout": 0},
        {"time_offset": 1.5},
    ],
)
def test_invalid_config_is_refused(kwargs: dict[str, object]) -> None:
    values: dict[str, object] = {"cons_id": "1", "secret": "s", "user_key": "u"}
    values.update(kwargs)
    with pytest.raises(ValueError):
        VClaimConfig(**values)  # type: ignore[arg-type]


def test_config_is_frozen_and_keyword_only() -> None:
    config = VClaimConfig(cons_id="1", secret="s", user_key="u")
    with pytest.raises(AttributeError):
        config.cons_id = "2"  # type: ignore[misc]
    with pytest.raises(TypeError):
        VClaimConfig("1", "s", "u")  # type: ignore[misc]
    assert config.replace(time_offset=5).time_offset == 5


def test_from_env_reads_timeout_concurrency_size_and_proxy() -> None:
    env = dict(
        ENV,
        VCLAIM_TIMEOUT="7.5",
        VCLAIM_MAX_CONCURRENCY="3",
        VCLAIM_MAX_RESPONSE_BYTES="2097152",
        VCLAIM_PROXY="http://proxy.rs.local:3128",
    )
    config = VClaimConfig.from_env(env)
    assert (config.timeout, config.max_concurrency) == (7.5, 3)
    assert config.max_response_bytes == 2 * 1024 * 1024
    assert config.proxy == "http://proxy.rs.local:3128"
    # Keyword arguments still win over the environment.
    assert VClaimConfig.from_env(env, timeout=2.0).timeout == 2.0


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("VCLAIM_TIMEOUT", "30s"),
        ("VCLAIM_MAX_CONCURRENCY", "ten"),
        ("VCLAIM_MAX_CONCURRENCY", "2.5"),
        ("VCLAIM_MAX_RESPONSE_BYTES", "8M"),
    ],
)
def test_bad_numeric_variable_is_named(var: str, value: str) -> None:
    with pytest.raises(ValueError, match=var):
        VClaimConfig.from_env(dict(ENV, **{var: value}))


@pytest.mark.parametrize(
    ("var", "value"),
    [("VCLAIM_TIMEOUT", "0"), ("VCLAIM_MAX_CONCURRENCY", "0"), ("VCLAIM_MAX_RESPONSE_BYTES", "-1")],
)
def test_out_of_range_variable_is_refused(var: str, value: str) -> None:
    with pytest.raises(ValueError):
        VClaimConfig.from_env(dict(ENV, **{var: value}))


def test_constructor_defaults_to_development_but_from_env_needs_a_server() -> None:
    # In code the default is the safe sandbox; a deployment must say where it talks to.
    assert VClaimConfig(cons_id="1", secret="s", user_key="u").environment == "development"
    env = {k: v for k, v in ENV.items() if k != "VCLAIM_ENV"}
    with pytest.raises(ValueError, match="VCLAIM_BASE_URL or VCLAIM_ENV"):
        VClaimConfig.from_env(env)
    assert VClaimConfig.from_env(env, environment="development").url == BASE_URLS["development"]
