"""The fake Slack as the integration and simulator tests open it, and a Web API client pointed at it.

Every call is checked against Slack's documented arguments (the reference in tests/data), so a call
the real Slack would not take fails the test that made it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from slack_sdk.web.async_client import AsyncWebClient

from simworld.slack import FakeSlack
from simworld.world import MANIFEST_BOT_SCOPES
from tests.conftest import REFERENCE_DATA

SLACK_API_REF = REFERENCE_DATA / "slack" / "slack-api-ref"


@asynccontextmanager
async def fake_slack(
    seed: int, *, clock: Callable[[], float] = time.time, manifest_scopes: bool = False
) -> AsyncIterator[FakeSlack]:
    """A seeded fake Slack (same ids every run); with `manifest_scopes`, the bot holds exactly what
    manifest.yml asks for, so a missing scope fails the test."""
    async with FakeSlack(api_ref_dir=SLACK_API_REF, clock=clock, seed=seed) as fake:
        if manifest_scopes:
            fake.workspace.bot_scopes = set(MANIFEST_BOT_SCOPES)
        yield fake
        assert fake.contract_violations == []


def web_client(slack: FakeSlack) -> AsyncWebClient:
    """The bot's Web API client, talking to `slack`."""
    return AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
