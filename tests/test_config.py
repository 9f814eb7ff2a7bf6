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
