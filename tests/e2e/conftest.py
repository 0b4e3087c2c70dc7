"""End-to-end fixtures: the fake Slack, and the real bot process pointed at it, in either transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from simworld.botproc import BotProcess, free_port
from simworld.slack import FakeSlack, SlackDriver
from tests.conftest import ROOT

MANIFEST_SCOPES = set(yaml.safe_load((ROOT / "manifest.yml").read_text())["oauth_config"]["scopes"]["bot"])


@pytest.fixture
async def slack(shared_data: Path) -> AsyncIterator[FakeSlack]:
    """A fake Slack that checks every Web API call against Slack's documented arguments."""
    async with FakeSlack(api_ref_dir=shared_data / "slack" / "slack-api-ref") as fake:
        # The workspace grants exactly what manifest.yml asks for, so a missing scope fails a test.
        fake.workspace.bot_scopes = set(MANIFEST_SCOPES)
        yield fake
        assert fake.contract_violations == []


@dataclass
class RunningBot:
    process: BotProcess
    driver: SlackDriver
    transport: str


def bot_env(slack: FakeSlack, tmp_path: Path, transport: str) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_API_URL": slack.api_url,
        "DEEPGRAM_DOCTOR_DB": str(tmp_path / "doctor.db"),
    }
    if transport == "socket":
        env["SLACK_APP_TOKEN"] = slack.app_token
    else:
        env["SLACK_SIGNING_SECRET"] = slack.signing_secret
        env["PORT"] = str(free_port())
    return env


async def start_bot(slack: FakeSlack, tmp_path: Path, transport: str) -> RunningBot:
    env = bot_env(slack, tmp_path, transport)
    process = await BotProcess(env).start()
    app_url = f"http://127.0.0.1:{env['PORT']}/slack/events" if transport == "http" else None
    if transport == "socket":
        await slack.socket.wait_connected(timeout=10)
    return RunningBot(process=process, driver=SlackDriver(slack, app_url=app_url), transport=transport)


@pytest.fixture(params=["http", "socket"])
async def bot(request: pytest.FixtureRequest, slack: FakeSlack, tmp_path: Path) -> AsyncIterator[RunningBot]:
    """`deepgram-doctor serve` running against the fake Slack, once per transport."""
    running = await start_bot(slack, tmp_path, request.param)
    try:
        yield running
    finally:
        status = await running.process.stop()
        assert status == 0, running.process.output
        for secret in (slack.bot_token, slack.app_token, slack.signing_secret):
            assert secret not in running.process.output
        assert "Traceback" not in running.process.output
