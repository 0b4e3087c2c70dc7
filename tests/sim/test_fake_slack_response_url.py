"""response_url endpoints driven by the real AsyncWebhookClient (what Bolt's respond() uses)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from simworld.slack import FakeSlack
from simworld.slack.testing import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def slack(reference_data: Path, clock: ManualClock) -> AsyncIterator[FakeSlack]:
    async with FakeSlack(api_ref_dir=reference_data / "slack" / "slack-api-ref", clock=clock, seed=3) as fake:
        yield fake


async def test_respond_is_ephemeral_by_default(slack: FakeSlack) -> None:
    """A plain POST is recorded as an ephemeral reply; nothing is stored in the channel."""
    ch = slack.workspace.default_channel.id
    url = slack.new_response_url(channel_id=ch, user_id=slack.workspace.default_user.id)
    assert url.startswith(f"{slack.base_url}/commands/{slack.team_id}/")
    r = await AsyncWebhookClient(url).send(text="checking status")
    assert r.status_code == 200
    [post] = slack.responses
    assert (post.url, post.text, post.response_type, post.status) == (url, "checking status", "ephemeral", 200)
    assert post.content_type.startswith("application/json")
    assert slack.messages(ch) == []


async def test_in_channel_posts_a_message_even_without_membership(slack: FakeSlack) -> None:
    """`response_type: in_channel` posts a real message, whatever the bot's membership."""
    ch = slack.workspace.add_channel("elsewhere", members=[slack.workspace.default_user], bot_member=False)
    url = slack.new_response_url(channel_id=ch.id)
    r = await AsyncWebhookClient(url).send(text="Deepgram is up", response_type="in_channel")
    assert r.status_code == 200
    [message] = slack.messages(ch.id)
    assert (message.text, message.bot_id, message.source) == ("Deepgram is up", slack.bot_id, "response_url")


async def test_five_uses_then_refused(slack: FakeSlack) -> None:
    """A response_url accepts 5 posts; the 6th is refused with a non-200."""
    url = slack.new_response_url()
    hook = AsyncWebhookClient(url)
    statuses = [(await hook.send(text=f"update {i}")).status_code for i in range(6)]
    assert statuses == [200] * 5 + [404]
    assert '"used_url"' in slack.responses[-1].response_body


async def test_expires_after_30_minutes(slack: FakeSlack, clock: ManualClock) -> None:
    """After 30 minutes (injected clock) the response_url is refused."""
    url = slack.new_response_url()
    clock.advance(29 * 60)
    assert (await AsyncWebhookClient(url).send(text="late but fine")).status_code == 200
    clock.advance(2 * 60)
    r = await AsyncWebhookClient(url).send(text="too late")
    assert r.status_code == 404 and "expired_url" in r.body


async def test_unknown_url_is_refused(slack: FakeSlack) -> None:
    """A response_url the fake never issued is refused."""
    r = await AsyncWebhookClient(f"{slack.base_url}/commands/{slack.team_id}/1/nope").send(text="x")
    assert r.status_code == 404


async def test_invalid_messages_get_400_without_using_a_turn(slack: FakeSlack) -> None:
    """Broken blocks answer 400 invalid_blocks, an empty message 400 no_text; neither counts as a use."""
    url = slack.new_response_url()
    hook = AsyncWebhookClient(url)
    bad = await hook.send(text="x", blocks=[{"type": "header", "text": {"type": "plain_text", "text": "a" * 151}}])
    assert bad.status_code == 400 and "invalid_blocks" in bad.body
    async with aiohttp.ClientSession() as session, session.post(url, json={}) as resp:
        assert resp.status == 400 and (await resp.json())["error"] == "no_text"
    for i in range(5):
        assert (await hook.send(text=f"ok {i}")).status_code == 200


async def test_replace_and_delete_original_for_actions(slack: FakeSlack) -> None:
    """For block actions, replace_original edits the clicked message and delete_original removes it."""
    ch = slack.workspace.default_channel.id
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    posted = await client.chat_postMessage(channel=ch, text="Retry?")
    url = slack.new_response_url(kind="actions", channel_id=ch, message_ts=posted["ts"])
    assert "/actions/" in url
    r = await AsyncWebhookClient(url).send(text="Retried", replace_original=True)
    assert r.status_code == 200
    [message] = slack.messages(ch)
    assert (message.text, [h["text"] for h in message.history]) == ("Retried", ["Retry?"])
    assert slack.responses[-1].replace_original is True
    await AsyncWebhookClient(url).send_dict({"delete_original": True})
    assert slack.messages(ch) == []


async def test_injected_response_url_failure(slack: FakeSlack) -> None:
    """fail_next("response_url", status=500) makes the next post fail."""
    url = slack.new_response_url()
    slack.fail_next("response_url", status=500)
    assert (await AsyncWebhookClient(url).send(text="x")).status_code == 500
    assert (await AsyncWebhookClient(url).send(text="x")).status_code == 200
