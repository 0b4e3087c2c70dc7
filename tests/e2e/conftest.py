"""End-to-end fixtures: the simulated world, and the real bot process pointed at it, in either transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from simworld.botproc import BotProcess
from simworld.deepgram import FakeDeepgram
from simworld.slack import FakeSlack
from simworld.statuspage import FakeStatusPage
from simworld.world import MANIFEST_BOT_SCOPES, RunningBot, Transport, World

__all__ = ["RunningBot", "World", "start_bot", "stop_bot"]

# Each bot starts from a spare process whose imports are done (`simworld/warmbot.py`): about a second
# less per test; the process, its environment, signals and exit status are the same as the console
# script's.
BotProcess.warm = True


@pytest.fixture
async def world(reference_data: Path) -> AsyncIterator[World]:
    """Fake Slack (checking every Web API call against Slack's documented arguments), a healthy fake
    Deepgram that knows what the bot's probe clip says, and a fake status page."""
    # The workspace grants exactly what manifest.yml asks for, so a missing scope fails a test.
    async with World(api_ref_dir=reference_data / "slack" / "slack-api-ref", bot_scopes=MANIFEST_BOT_SCOPES) as world:
        yield world
        assert world.slack.contract_violations == []


@pytest.fixture
def slack(world: World) -> FakeSlack:
    """The world's fake Slack."""
    return world.slack


@pytest.fixture
def deepgram(world: World) -> FakeDeepgram:
    """The world's fake Deepgram."""
    return world.deepgram


@pytest.fixture
def statuspage(world: World) -> FakeStatusPage:
    """The world's fake status page."""
    return world.statuspage


async def start_bot(world: World, tmp_path: Path, transport: Transport, **extra: str) -> RunningBot:
    """The real bot against `world`, its database in `tmp_path` (a restart keeps it)."""
    return await world.start_bot(tmp_path / "doctor.db", transport, **extra)


async def stop_bot(running: RunningBot, world: World) -> None:
    """Stop the bot; it must exit 0, without a traceback or a secret in its output."""
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
