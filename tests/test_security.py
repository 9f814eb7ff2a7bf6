"""Secrets stay secret and TLS/proxy/URL settings cannot silently weaken transport security."""

from __future__ import annotations

import json
import logging
import ssl
import traceback
from typing import Any

import pytest
from aiohttp import web

from tests.test_hostile import CARD, config_for, hostile
from vclaim_async import RetryPolicy, VClaimClient, VClaimConfig, VClaimError, _signing
from vclaim_async._redact import redact

SECRET = "pwd-secret-value"
USER_KEY = "userkey-0123456789abcdef"
NOW = 1_700_000_000.0
SIGNATURE = _signing.sign("1234", SECRET, str(int(NOW)))


def _forbidden(text: str) -> list[str]:
    escaped = SIGNATURE.replace("/", "\\/")
    # redact() masks only the digit run of this user key: the rest must not survive either.
    masked = redact(USER_KEY)
    return [s for s in (SECRET, USER_KEY, SIGNATURE, escaped, masked, "6789abcdef") if s in text]


def _echo(status: int, shape: str) -> Any:
    """A gateway that echoes the request headers back into its answer."""

    async def handler(request: web.Request) -> web.StreamResponse:
        echoed = json.dumps(dict(request.headers))
        if shape == "html":
            text = f"<html><body><h1>Bad Gateway</h1><pre>{echoed}</pre></body></html>"
            return web.Response(text=text, status=status, content_type="text/html")
        if shape == "api":
            body = {"metaData": {"code": "201", "message": echoed}, "response": None}
        elif shape == "no-meta":
            body = {"error": echoed}
        else:
            return web.Response(text="echo: " + echoed, status=status)
        return web.json_response(body, status=status)

    return handler


@pytest.mark.parametrize(
    ("status", "shape"),
    [(502, "html"), (200, "api"), (400, "api"), (400, "no-meta"), (200, "no-meta"),
     (200, "text"), (403, "text"), (302, "text")],
)  # fmt: skip
async def test_echoed_credentials_never_reach_an_error(status: int, shape: str) -> None:
    async with hostile(_echo(status, shape)) as (server, _):
        config = config_for(server, secret=SECRET, user_key=USER_KEY, retry=RetryPolicy.none())
        async with VClaimClient(config, clock=lambda: NOW) as client:
            with pytest.raises(VClaimError) as info:
                await client.peserta.by_card(CARD)
    error = info.value
    evidence = " ".join(
        [str(error), repr(error), getattr(error, "excerpt", ""), getattr(error, "message", "")]
    )
    assert "X-Timestamp" in evidence or "X-timestamp" in evidence  # the echo is kept...
    assert _forbidden(evidence) == []  # ...without the credentials


def _with_locals(exc: BaseException) -> str:
    return "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())


async def test_tracebacks_with_locals_show_no_credentials() -> None:
    async def gateway_error(request: web.Request) -> web.StreamResponse:
        return web.Response(status=502, text="<html>Bad Gateway</html>")

    async with hostile(gateway_error) as (server, _):
        config = config_for(server, secret=SECRET, user_key=USER_KEY, retry=RetryPolicy.none())
        async with VClaimClient(config, clock=lambda: NOW) as client:
            with pytest.raises(VClaimError) as info:
                await client.peserta.by_card(CARD)
            port = server.port
    text = _with_locals(info.value)
    assert "headers = SignedHeaders(" in text  # the locals really were captured
    assert _forbidden(text) == []

    # The connection fails inside aiohttp, whose frames hold the raw headers.
    config = VClaimConfig(
        cons_id="1234",
        secret=SECRET,
        user_key=USER_KEY,
        base_url=f"http://127.0.0.1:{port}/vclaim-rest",
        retry=RetryPolicy.none(),
    )
    async with VClaimClient(config, clock=lambda: NOW) as client:
        with pytest.raises(VClaimError) as info:
            await client.peserta.by_card(CARD)
    assert type(info.value).__name__ == "VClaimConnectionError"
    assert _forbidden(_with_locals(info.value)) == []


def test_credentials_are_masked_in_reprs() -> None:
    config = VClaimConfig(cons_id="1234", secret=SECRET, user_key=USER_KEY)
    headers = _signing.signed_headers("1234", config.secret, config.user_key, "1700000000")
    for text in (repr(config), repr(config.secret), repr(config.user_key), repr(headers)):
        assert _forbidden(text) == []
    # The values themselves are untouched.
    assert headers["user_key"] == USER_KEY and f"{config.secret}" == SECRET


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://ApiJKN.BPJS-Kesehatan.go.id./vclaim-rest", "https://apijkn.bpjs-kesehatan.go.id/vclaim-rest"),
        ("https://127.0.0.1:8443/x/", "https://127.0.0.1:8443/x"),
        ("http://localhost:8080/vclaim-rest", "http://localhost:8080/vclaim-rest"),
    ],
)  # fmt: skip
def test_base_url_host_is_normalised(url: str, expected: str) -> None:
    assert VClaimConfig(cons_id="1", secret="s", user_key="u", base_url=url).url == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://apijkn.bpjs-kesehatan.go.id./vclaim-rest",
        "http://APIJKN.BPJS-KESEHATAN.GO.ID/vclaim-rest",
        "HTTP://new-apijkn.bpjs-kesehatan.go.id:80/vclaim-rest",
    ],
)
def test_bpjs_hosts_need_https_whatever_the_spelling(url: str) -> None:
    with pytest.raises(ValueError, match="https"):
        VClaimConfig(cons_id="1", secret="s", user_key="u", base_url=url)


def test_userinfo_in_base_url_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="user:password@") as info:
        VClaimConfig(cons_id="1", secret="s", user_key="u", base_url="https://rs:Hunter2@h/x")
    assert "Hunter2" not in str(info.value)


@pytest.mark.parametrize("field", ["cons_id", "secret", "user_key", "user_agent"])
@pytest.mark.parametrize("value", ["kunci-é", "a\tb", "a\x00b", "a\nb", "ключ"])
def test_header_fields_must_be_printable_ascii(field: str, value: str) -> None:
    values = {"cons_id": "1", "secret": "s", "user_key": "u", field: value}
    with pytest.raises(ValueError, match=field) as info:
        VClaimConfig(**values)
    assert value not in str(info.value)


def test_write_content_type_must_be_printable_ascii() -> None:
    with pytest.raises(ValueError, match="write_content_type"):
        VClaimConfig(cons_id="1", secret="s", user_key="u", write_content_type="json\r\nX: 1")


@pytest.mark.parametrize(
    ("changes", "warned"),
    [
        ({"base_url": "http://vclaim.test/vclaim-rest"}, "plain http://"),
        ({"base_url": "http://127.0.0.1:9/vclaim-rest"}, None),
        ({"base_url": "http://localhost:9/vclaim-rest"}, None),
        ({"verify_tls": False}, "verification is OFF"),
        ({"ssl_context": "no-verify"}, "does not verify"),
        ({"ssl_context": "default"}, None),
    ],
)
async def test_weakened_transport_security_is_logged(
    changes: dict[str, Any], warned: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    if changes.get("ssl_context") == "no-verify":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        changes = {"ssl_context": context}
    elif changes.get("ssl_context") == "default":
        changes = {"ssl_context": ssl.create_default_context()}
    config = VClaimConfig(cons_id="1", secret="s", user_key="u", **changes)
    with caplog.at_level(logging.WARNING, logger="vclaim_async"):
        async with VClaimClient(config):
            pass
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    if warned is None:
        assert messages == []
    else:
        assert any(warned in m for m in messages), messages


async def test_explicit_proxy_is_used_and_environment_proxy_is_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def answer(request: web.Request) -> web.StreamResponse:
        body = {"metaData": {"code": "200", "message": "OK"}, "response": {"via": request.host}}
        return web.json_response(body)

    params = {"no_kartu": CARD, "tgl_sep": "2024-01-02"}
    async with hostile(answer) as (proxy, via_proxy), hostile(answer) as (server, direct):
        proxy_url = str(proxy.make_url("")).rstrip("/")
        # An explicit proxy: the request for another host goes through it.
        config = VClaimConfig(
            cons_id="1",
            secret="s",
            user_key="u",
            base_url="http://vclaim.example/vclaim-rest",
            proxy=proxy_url,
        )
        async with VClaimClient(config) as client:
            got = await client.peserta._request("peserta.by_card", params, model=dict[str, str])
        assert got == {"via": "vclaim.example"}
        assert len(via_proxy) == 1
        # HTTP_PROXY in the environment is ignored by the client's own session.
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        monkeypatch.setenv("http_proxy", proxy_url)
        async with VClaimClient(config_for(server)) as client:
            await client.peserta._request("peserta.by_card", params, model=dict[str, str])
        assert (len(via_proxy), len(direct)) == (1, 1)


def test_proxy_must_be_a_url() -> None:
    with pytest.raises(ValueError, match="proxy"):
        VClaimConfig(cons_id="1", secret="s", user_key="u", proxy="127.0.0.1:3128")
