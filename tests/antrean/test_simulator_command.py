"""``vclaim-async simulator`` prints the Antrean RS settings beside VClaim's, and they work."""

from __future__ import annotations

import asyncio
import sys

from vclaim_async.antrean import AntreanClient, AntreanConfig


async def test_the_printed_antrean_settings_reach_the_simulator() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "vclaim_async",
        "simulator",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout = process.stdout
    assert stdout is not None
    env: dict[str, str] = {}

    async def read_settings() -> None:
        while True:
            line = (await stdout.readline()).decode()
            assert line, "the simulator stopped before printing its settings"
            name, _, value = line.strip().partition("=")
            if name.startswith("VCLAIM_"):
                env[name] = value
            if line.startswith("Ctrl-C"):
                return

    try:
        await asyncio.wait_for(read_settings(), 30)
        assert {"VCLAIM_ANTREAN_USER_KEY", "VCLAIM_ANTREAN_BASE_URL", "VCLAIM_USER_KEY"} <= set(env)
        assert env["VCLAIM_ANTREAN_USER_KEY"] != env["VCLAIM_USER_KEY"]
        config = AntreanConfig.from_env(env)
        assert config.url == env["VCLAIM_ANTREAN_BASE_URL"]
        async with AntreanClient(config) as client:
            assert await client.referensi.list_dokter()
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 10)
