"""An interactive command under Slack's rate limit: a short `Retry-After` is waited out, a long one is answered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.runtime.app import create_web_client
from bot.runtime.deps import Deps
from bot.slack.commands import Invocation
from bot.store import Store
from handlers import SUBCOMMANDS
from handlers.router import dispatch
from simworld.slack import FakeSlack
from simworld.statuspage import FakeStatusPage
from simworld.world import MANIFEST_BOT_SCOPES


@pytest.fixture
async def slack(reference_data: Path) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(api_ref_dir=reference_data / "slack" / "slack-api-ref", seed=31) as fake:
        fake.workspace.bot_scopes = set(MANIFEST_BOT_SCOPES)
        yield fake
        assert fake.contract_violations == []


async def subscribe(slack: FakeSlack, store: Store) -> str:
    """`/deepgram subscribe` in the default channel, through the router, with the bot's own Web API client."""
    ws = slack.workspace
    async with FakeStatusPage() as page, httpx.AsyncClient() as http:
        env = {"DEEPGRAM_STATUS_URL": page.base_url, "SLACK_API_URL": slack.api_url, "SLACK_BOT_TOKEN": slack.bot_token}
        settings = Settings.from_env(env, slack=False)
        client = create_web_client(settings)
        invocation = Invocation(
            "subscribe", "", ws.default_user.id, ws.default_channel.id, ws.team_id, SUBCOMMANDS, client
        )
        return (await dispatch(invocation, Deps.build(settings, store, http))).text


async def test_a_long_retry_after_is_answered_not_waited(slack: FakeSlack) -> None:
    """`Retry-After: 30` on conversations.info: one call, no retry, and the user is told when to try again."""
    slack.fail_next("conversations.info", status=429, retry_after=30)
    store = Store.open(":memory:")
    text = await subscribe(slack, store)
    assert "Slack is rate limiting this app; try again in 30 s." in text
    assert [c.method for c in slack.calls] == ["conversations.info"]  # not waited out, not retried
    assert store.subscriptions.get(slack.workspace.default_channel.id) is None
    assert slack.messages(slack.workspace.default_channel.id) == []


async def test_a_short_retry_after_is_waited_out(slack: FakeSlack) -> None:
    """`Retry-After: 0`: within the cap, so the call is retried and the command goes through."""
    slack.fail_next("conversations.info", status=429, retry_after=0)
    store = Store.open(":memory:")
    assert "Subscribed" in await subscribe(slack, store)
    methods = [c.method for c in slack.calls]
    assert methods[:2] == ["conversations.info", "conversations.info"]
    assert store.subscriptions.get(slack.workspace.default_channel.id) is not None
