"""HTTP mode specifics: every request's signature is verified, url_verification (`/healthz`: test_health.py)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from simworld.slack import FakeSlack
from tests.e2e.conftest import RunningBot, World, start_bot, stop_bot


@pytest.fixture
async def http_bot(world: World, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = await start_bot(world, tmp_path, "http")
    try:
        yield running
    finally:
        await stop_bot(running, world)


def command_body(slack: FakeSlack, response_url: str, text: str = "help") -> bytes:
    ws = slack.workspace
    return urlencode(
        {
            "token": slack.verification_token,
            "team_id": slack.team_id,
            "team_domain": "doctor",
            "channel_id": ws.default_channel.id,
            "channel_name": ws.default_channel.name,
            "user_id": ws.default_user.id,
            "user_name": ws.default_user.name,
            "command": "/deepgram",
            "text": text,
            "api_app_id": slack.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    ).encode()


@pytest.mark.parametrize(
    "forgery",
    [
        {"signature": "v0=" + "0" * 64},
        {"timestamp": int(time.time()) - 600},
        {"signature": "", "timestamp": ""},
    ],
    ids=["forged", "stale", "unsigned"],
)
async def test_bad_signatures_get_401_and_nothing_runs(
    http_bot: RunningBot, slack: FakeSlack, forgery: dict[str, object]
) -> None:
    """Forged, stale (10 min old) or unsigned commands are refused with 401 and never answered."""
    forged_url = slack.new_response_url()
    status, body = await http_bot.driver.post_signed(
        command_body(slack, forged_url),
        "application/x-www-form-urlencoded",
        **forgery,  # type: ignore[arg-type]
    )
    assert status == 401
    # A genuine command afterwards is answered; the forged one never was.
    genuine = await http_bot.driver.slash_command("help")
    await http_bot.driver.wait_responses(genuine.response_url, n=1)
    assert [r for r in slack.responses if r.url == forged_url] == []


async def test_unsigned_request_without_headers(http_bot: RunningBot, slack: FakeSlack) -> None:
    """A request with no signature headers at all is refused with 401."""
    url = http_bot.driver.app_url
    assert url
    async with httpx.AsyncClient() as client:
        response = await client.post(
            url,
            content=command_body(slack, slack.new_response_url()),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 401


async def test_url_verification(http_bot: RunningBot) -> None:
    """Slack's URL check is answered with the challenge."""
    status, body = await http_bot.driver.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert status == 200
    assert json.loads(body) == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
