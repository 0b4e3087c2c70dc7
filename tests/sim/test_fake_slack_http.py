"""The driver in HTTP mode against a real Bolt AsyncApp served over aiohttp: signed requests,
forged and stale signatures, url_verification, event retries, block actions and echoes."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from simworld.slack import FakeSlack, SlackDriver
from simworld.slack.testing import serve_bolt_http


@pytest.fixture
async def slack(reference_data: Path) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(api_ref_dir=reference_data / "slack" / "slack-api-ref", seed=17) as fake:
        yield fake


@pytest.fixture
def app(slack: FakeSlack) -> AsyncApp:
    return AsyncApp(
        signing_secret=slack.signing_secret,
        client=AsyncWebClient(token=slack.bot_token, base_url=slack.api_url),
    )


@pytest.fixture
async def driver(slack: FakeSlack, app: AsyncApp) -> AsyncIterator[SlackDriver]:
    async with serve_bolt_http(app) as url:
        yield SlackDriver(slack, app_url=url)


async def test_signed_slash_command_is_accepted(slack: FakeSlack, app: AsyncApp, driver: SlackDriver) -> None:
    """A signed slash command (13 fields, 15 on Enterprise Grid) reaches Bolt; ack body and respond() come back."""
    seen: list[dict[str, Any]] = []

    @app.command("/deepgram")
    async def command(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        seen.append(command)
        await ack("Checking…")
        await respond(text="all good")

    r = await driver.slash_command("status")
    assert (r.via, r.status, r.body) == ("http", 200, "Checking…")
    assert r.ack_seconds is not None and not r.timed_out  # the driver recorded when the ack came
    assert seen == [r.payload]
    assert len(r.payload) == 13 and r.payload["command"] == "/deepgram" and r.payload["text"] == "status"
    [post] = await driver.wait_responses(r.response_url)
    assert post.text == "all good"
    auth = [c for c in slack.calls if c.method == "auth.test"]
    assert auth and auth[0].args == {"team_id": slack.team_id}
    assert slack.contract_violations == []


async def test_forged_and_stale_signatures_are_rejected(app: AsyncApp, driver: SlackDriver) -> None:
    """Bolt answers 401 to a forged signature and to a timestamp older than 5 minutes."""
    calls: list[str] = []

    @app.command("/deepgram")
    async def command(ack: Any) -> None:
        calls.append("called")
        await ack()

    body = b"command=%2Fdeepgram&text=status"
    status, text = await driver.post_signed(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)
    assert (status, json.loads(text)) == (401, {"error": "invalid request"})
    stale = int(time.time()) - 301
    status, _ = await driver.post_signed(body, "application/x-www-form-urlencoded", timestamp=stale)
    assert status == 401
    assert calls == []


async def test_url_verification_and_ssl_check(driver: SlackDriver) -> None:
    """The Request URL handshake echoes the challenge; ssl_check answers an empty 200."""
    assert await driver.url_verification("abc123") == (200, '{"challenge": "abc123"}')
    assert await driver.ssl_check() == (200, "")


async def test_event_retry_headers_and_same_event_id(slack: FakeSlack, app: AsyncApp, driver: SlackDriver) -> None:
    """A redelivery carries X-Slack-Retry-Num/Reason and the same event_id, so the app can dedup."""
    seen: list[tuple[str, Any]] = []

    @app.event("message")
    async def on_message(body: dict[str, Any], request: Any) -> None:
        seen.append((body["event_id"], request.headers.get("x-slack-retry-num")))

    first = await driver.message_im("hello")
    again = await driver.redeliver(first, retry_num=1, retry_reason="http_timeout")
    assert (first.status, again.status) == (200, 200)
    assert again.event_id == first.event_id and again.headers["X-Slack-Retry-Reason"] == "http_timeout"
    await slack.wait_until(lambda: len(seen) == 2)
    assert seen == [(first.event_id, None), (first.event_id, ["1"])]
    envelope = first.payload
    assert envelope["type"] == "event_callback" and envelope["authorizations"][0]["user_id"] == slack.bot_user_id
    assert envelope["event"]["client_msg_id"] and envelope["event"]["blocks"][0]["type"] == "rich_text"


async def test_slow_ack_is_a_timeout(slack: FakeSlack, app: AsyncApp, driver: SlackDriver) -> None:
    """If the app does not answer within the ack window, the driver reports no status (operation_timeout)."""
    slack.ack_timeout = 0.2

    @app.command("/deepgram")
    async def slow(ack: Any) -> None:
        await asyncio.sleep(0.5)
        await ack()

    r = await driver.slash_command("status")
    assert r.status is None and r.ack_seconds is None


async def test_block_action_with_replace_original(slack: FakeSlack, app: AsyncApp, driver: SlackDriver) -> None:
    """A button click arrives as `payload=<json>`; respond(replace_original=True) edits the clicked message."""
    clicks: list[dict[str, Any]] = []

    @app.action("retry_probe")
    async def on_click(ack: Any, body: dict[str, Any], respond: Any) -> None:
        clicks.append(body)
        await ack()
        await respond(text="Probe re-run: OK", replace_original=True)

    channel = slack.workspace.default_channel.id
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    button = {
        "type": "button",
        "action_id": "retry_probe",
        "value": "probe-1",
        "text": {"type": "plain_text", "text": "Retry"},
    }
    posted = await client.chat_postMessage(
        channel=channel, text="Probe failed", blocks=[{"type": "actions", "block_id": "probe", "elements": [button]}]
    )
    r = await driver.block_action("retry_probe")
    assert r.status == 200
    action = clicks[0]["actions"][0]
    assert (action["action_id"], action["value"], action["block_id"]) == ("retry_probe", "probe-1", "probe")
    assert clicks[0]["container"]["message_ts"] == posted["ts"]
    await driver.wait_responses(r.response_url)
    [message] = slack.messages(channel)
    assert message.text == "Probe re-run: OK" and message.history[0]["text"] == "Probe failed"


async def test_app_home_opened_and_published_view(slack: FakeSlack, app: AsyncApp, driver: SlackDriver) -> None:
    """app_home_opened reaches the app; a published Home view rides along on the next open."""
    opened: list[dict[str, Any]] = []

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any], client: AsyncWebClient) -> None:
        opened.append(event)
        await client.views_publish(user_id=event["user"], view={"type": "home", "blocks": [{"type": "divider"}]})

    await driver.app_home_opened()
    await slack.wait_until(lambda: slack.workspace.default_user.id in slack.workspace.home_views)
    await driver.app_home_opened(tab="messages")
    await slack.wait_until(lambda: len(opened) == 2)
    assert "view" not in opened[0] and opened[1]["view"]["type"] == "home"
    assert opened[1]["tab"] == "messages" and opened[0]["channel"].startswith("D")


async def test_bot_messages_echo_back_over_http(slack: FakeSlack, app: AsyncApp, driver: SlackDriver) -> None:
    """The bot's own DM reply is delivered back to the Request URL, signed, and Bolt acks it without a listener call."""
    heard: list[str] = []

    @app.event("message")
    async def on_message(event: dict[str, Any], say: Any) -> None:
        heard.append(event["text"])
        await say("answer")

    await driver.message_im("question")
    await slack.wait_until(lambda: bool(slack.deliveries) and slack.deliveries[0].status is not None)
    assert slack.deliveries[0].status == 200
    assert slack.deliveries[0].body["event"]["bot_id"] == slack.bot_id
    assert heard == ["question"]


async def test_slash_command_form_body_is_slack_shaped(slack: FakeSlack, driver: SlackDriver) -> None:
    """The HTTP body is a form with Slack's field order, and DM commands say channel_name=directmessage."""
    dm = slack.workspace.app_dm(slack.workspace.default_user.id)
    assert dm is not None
    payload = driver.command_payload(
        "help", command="/deepgram", user=slack.workspace.default_user, channel=dm, response_url="u"
    )
    assert list(payload)[:3] == ["token", "team_id", "team_domain"]
    assert payload["channel_name"] == "directmessage"
    assert dict(parse_qsl("token=a&text=why+401+%26amp%3B+403"))["text"] == "why 401 &amp; 403"
