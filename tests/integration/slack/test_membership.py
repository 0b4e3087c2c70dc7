"""Can the bot post here? `ensure_member` against the fake Slack, one outcome per kind of conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.membership import Membership, ensure_member
from simworld.slack import FakeSlack
from tests.fakes import fake_slack, web_client


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with fake_slack(seed=29, manifest_scopes=True) as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return web_client(slack)


async def test_member_public_private_and_archived(slack: FakeSlack, client: AsyncWebClient) -> None:
    """In it: member. Public, not in it: joined. Private without the bot: invisible. Archived: archived."""
    ws = slack.workspace
    assert await ensure_member(client, ws.default_channel.id) == Membership("member")
    room = ws.add_channel("room", members=[ws.default_user], bot_member=False)
    joined = await ensure_member(client, room.id)
    assert joined == Membership("joined") and joined.can_post
    assert slack.bot_user_id in room.members
    secret = ws.add_channel("secret", kind="private", members=[ws.default_user], bot_member=False)
    assert await ensure_member(client, secret.id) == Membership("invisible", "channel_not_found")
    old = ws.add_channel("old", members=[ws.default_user], bot_member=True, archived=True)
    assert await ensure_member(client, old.id) == Membership("archived")


async def test_what_the_scopes_do_not_allow(slack: FakeSlack, client: AsyncWebClient) -> None:
    """No channels:join: cannot_join with Slack's reason. A group DM without mpim:read: unchecked."""
    ws = slack.workspace
    ws.bot_scopes.discard("channels:join")
    room = ws.add_channel("locked", members=[ws.default_user], bot_member=False)
    refused = await ensure_member(client, room.id)
    assert refused.access == "cannot_join" and refused.error == "missing_scope" and not refused.can_post
    group = ws.add_channel("mpdm-a--b", kind="mpim", members=[ws.default_user, ws.add_user("b")], bot_member=False)
    assert (await ensure_member(client, group.id)).access == "unchecked"
    slack.fail_next("conversations.info", error="internal_error")
    assert await ensure_member(client, ws.default_channel.id) == Membership("unknown", "internal_error")
