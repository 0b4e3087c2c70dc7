"""End-to-end fixtures: the simulated world, and the real bot process pointed at it, in either transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.probes import Clip
from simworld.botproc import BotProcess, free_port
from simworld.deepgram import Clip as FakeClip
from simworld.deepgram import FakeDeepgram
from simworld.slack import FakeSlack, SlackDriver
from simworld.statuspage import FakeStatusPage
from tests.conftest import ROOT

MANIFEST_SCOPES = set(yaml.safe_load((ROOT / "manifest.yml").read_text())["oauth_config"]["scopes"]["bot"])
PROBE_SENTENCE = "Testing Deepgram speech recognition, one two three."


@pytest.fixture
async def slack(shared_data: Path) -> AsyncIterator[FakeSlack]:
    """A fake Slack that checks every Web API call against Slack's documented arguments."""
    async with FakeSlack(api_ref_dir=shared_data / "slack" / "slack-api-ref") as fake:
        # The workspace grants exactly what manifest.yml asks for, so a missing scope fails a test.
        fake.workspace.bot_scopes = set(MANIFEST_SCOPES)
        yield fake
        assert fake.contract_violations == []


@pytest.fixture
async def deepgram() -> AsyncIterator[FakeDeepgram]:
    """A healthy fake Deepgram that knows what the bot's probe clip says."""
    async with FakeDeepgram() as fake:
        fake.register_clip(FakeClip(audio=Clip.load().wav, transcript=PROBE_SENTENCE))
        yield fake


@pytest.fixture
async def statuspage() -> AsyncIterator[FakeStatusPage]:
    async with FakeStatusPage() as fake:
        yield fake


@dataclass
class World:
    slack: FakeSlack
    deepgram: FakeDeepgram
    statuspage: FakeStatusPage


@pytest.fixture
def world(slack: FakeSlack, deepgram: FakeDeepgram, statuspage: FakeStatusPage) -> World:
    return World(slack, deepgram, statuspage)


@dataclass
class RunningBot:
    process: BotProcess
    driver: SlackDriver
    transport: str
    env: dict[str, str]

    async def restart(self, world: World) -> None:
        """Start the bot again with the same environment (same database, same port)."""
        self.process = await BotProcess(self.env).start()
        if self.transport == "socket":
            await world.slack.socket.wait_connected(timeout=10)


def bot_env(world: World, tmp_path: Path, transport: str, **extra: str) -> dict[str, str]:
    slack = world.slack
    env = {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_API_URL": slack.api_url,
        "DEEPGRAM_API_URL": world.deepgram.base_url,
        "DEEPGRAM_API_KEY": world.deepgram.api_key,
        "DEEPGRAM_STATUS_URL": world.statuspage.base_url,
        "DEEPGRAM_DOCTOR_DB": str(tmp_path / "doctor.db"),
        # Stream the 3-second probe clip 50x faster than real time, and don't wait long for the dead.
        "PROBE_STREAM_SPEED": "50",
        "PROBE_TIMEOUT_SECONDS": "3",
        # Periodic probes only where a test wants them.
        "PROBE_INTERVAL_SECONDS": "0",
        **extra,
    }
    if transport == "socket":
        env["SLACK_APP_TOKEN"] = slack.app_token
    else:
        env["SLACK_SIGNING_SECRET"] = slack.signing_secret
        env["PORT"] = str(free_port())
    return env


async def start_bot(world: World, tmp_path: Path, transport: str, **extra: str) -> RunningBot:
    env = bot_env(world, tmp_path, transport, **extra)
    process = await BotProcess(env).start()
    app_url = f"http://127.0.0.1:{env['PORT']}/slack/events" if transport == "http" else None
    if transport == "socket":
        await world.slack.socket.wait_connected(timeout=10)
    return RunningBot(process=process, driver=SlackDriver(world.slack, app_url=app_url), transport=transport, env=env)


async def stop_bot(running: RunningBot, world: World) -> None:
    status = await running.process.stop()
    assert status == 0, running.process.output
    secrets = (world.slack.bot_token, world.slack.app_token, world.slack.signing_secret, world.deepgram.api_key)
    for secret in secrets:
        assert secret not in running.process.output
    assert "Traceback" not in running.process.output


@pytest.fixture(params=["http", "socket"])
async def bot(request: pytest.FixtureRequest, world: World, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """`deepgram-doctor serve` running against the simulated world, once per transport."""
    running = await start_bot(world, tmp_path, request.param)
    try:
        yield running
    finally:
        await stop_bot(running, world)
