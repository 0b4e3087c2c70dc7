"""`/deepgram speak` through the router against the fake Slack, where no Deepgram is needed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.runtime.deps import Deps
from bot.slack.commands import Invocation
from bot.store import Store
from handlers import SUBCOMMANDS
from handlers.router import dispatch
from simworld.slack import FakeSlack
from tests.fakes import fake_slack, web_client


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack(seed=23, manifest_scopes=True) as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return web_client(slack)


async def test_without_a_deepgram_key(slack: FakeSlack, client: AsyncWebClient) -> None:
    """No DEEPGRAM_API_KEY: speaking says so; `--voices` still lists the built-in voices, saying why."""
    ws = slack.workspace
    async with httpx.AsyncClient() as http:
        deps = Deps.build(Settings.from_env({}, slack=False), Store.open(":memory:"), http)

        def invocation(args: str) -> Invocation:
            return Invocation("speak", args, ws.default_user.id, ws.default_channel.id, ws.team_id, SUBCOMMANDS, client)

        reply = await dispatch(invocation("Hello there."), deps)
        assert "No DEEPGRAM_API_KEY is configured" in reply.text
        voices = await dispatch(invocation("--voices"), deps)
        assert "Built-in list" in str(voices.blocks) and "no DEEPGRAM_API_KEY is configured" in str(voices.blocks)
    assert slack.calls == []
